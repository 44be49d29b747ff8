//! Mount Zoho Desk extension callback handlers into actix-web.
//!
//! ```no_run
//! use actix_web::{App, HttpServer};
//! use callback_actix::prelude::*;
//!
//! /// Records the new installation.
//! #[on_install]
//! async fn installed(cb: Callback) -> Result<(), HandlerError> {
//!     println!("installed in org {}", cb.org_id());
//!     Ok(())
//! }
//!
//! #[actix_web::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let routes = Callbacks::new(callbacks![installed])
//!         .secret(Secret::from_env("ZOHO_EXTENSION_SECRET")?)
//!         .build()?;
//!     HttpServer::new(move || App::new().service(routes.clone()))
//!         .bind("127.0.0.1:8080")?
//!         .run()
//!         .await?;
//!     Ok(())
//! }
//! ```
//!
//! The adapter only translates: it reads the body up to the limit, hands
//! path, `HASH`, `Content-Type` and the exact bytes to the core
//! [`Router`](callback_core::Router), and turns its outcome into a JSON
//! response. Every decision (and its status code) is the core's:
//!
//! | request | status | `error` |
//! |---|---|---|
//! | valid, handler succeeded | 200 | (`{"event":…,"ok":true}`) |
//! | `HASH` missing / repeated / empty / malformed / wrong | 401 | `missing_signature` / `repeated_signature` / `empty_signature` / `malformed_signature` / `signature_mismatch` |
//! | `Content-Type` not `application/json` | 415 | `unsupported_media_type` |
//! | body larger than the limit | 413 | `payload_too_large` |
//! | body cut short by the client, or not complete within the body timeout | 400 | `body_unreadable` |
//! | the same signed body again within the replay guard's window (opt-in) | 409 | `replayed_callback` |
//! | body not JSON | 400 | `invalid_json` |
//! | fields missing or of the wrong type | 400 | `invalid_payload` |
//! | unknown event | 400 | `unknown_event` |
//! | event not handled at this path | 400 | `event_not_handled` |
//! | method other than `POST` | 405 (`Allow: POST`) | `method_not_allowed` |
//! | handler returned an error | 500 | `handler_error` |
//! | handler panicked | 500 | `handler_panicked` |
//! | handler passed its deadline | 503 | `handler_timeout` |
//! | with an installation store (feature `store`): the callback carries the security context of an ended installation (a replay) | 409 | `stale_callback` |
//! | with an installation store: the store unreachable or slower than the deadline / failing otherwise | 503 / 500 | `store_unavailable` / `store_failed` |
//!
//! In every rejection the handler is not called. Rejections are logged at
//! `warn`, handler failures at `error`, in one `tracing` span per callback.
//!
//! # Desk events
//!
//! `.desk_events(desk_events![...])` on the same builder mounts one
//! resource per webhook path (`/desk/deskEvents` unless the handlers name
//! another), mounted the same thin way: the body is read within the Desk
//! body limit (1 MiB by default) and handed to the core with the path, the
//! raw query (which holds the security context: this adapter never logs it)
//! and `X-ZDesk-JWT`. Every status is the core's:
//!
//! | request to a webhook path | status | `error` |
//! |---|---|---|
//! | `GET` (Zoho checks the URL) | 200 | (`{"ok":true}`) |
//! | every event handled (or acknowledged: no handler for its type) | 200 | (`{"ok":true,"events":N}`) |
//! | query without one numeric `orgId`, or with two `securityContext`s | 400 | `invalid_query` |
//! | `X-ZDesk-JWT` missing / repeated / not a JWT | 401 | `missing_token` / `repeated_token` / `malformed_token` |
//! | signed with another algorithm than RS256 (`none`, HS256, …) | 401 | `unsupported_algorithm` |
//! | no `kid` / a `kid` not in the key set / a key that is not RSA | 401 | `missing_key_id` / `unknown_key` / `wrong_key_type` |
//! | signature does not verify | 401 | `token_signature_mismatch` |
//! | `exp`, `iat` or `iss` missing / expired / issued ahead / another org / another webhook | 401 | `invalid_claims` / `token_expired` / `token_issued_in_future` / `wrong_issuer` / `wrong_audience` |
//! | an event of another org than the query's | 401 | `org_mismatch` |
//! | the key set cannot be fetched and no cached key fits | 503 | `keys_unavailable` |
//! | body larger than the Desk limit | 413 | `payload_too_large` |
//! | body not JSON / not an array of events | 400 | `invalid_json` / `invalid_payload` |
//! | a handler failed / panicked / took an argument its event lacks | 500 / 500 / 400 or 500 | `handler_error` / `handler_panicked` / `invalid_payload`, `invalid_query` or `argument_mismatch` |
//! | a handler answered [`Gone`](callback_core::Gone) | 410 | `gone` |
//! | the batch passed its deadline | 503 | `handler_timeout` |
//! | with an installation store: the org is uninstalled / a handler takes the `Installation` of an org the store does not know | 410 / 409 | `org_uninstalled` / `unknown_installation` |
//! | with an installation store: the store unreachable / failing | 503 / 500 | `store_unavailable` / `store_failed` |
//! | with an installation store: an event an earlier delivery handled (or is handling) | 200 | (acknowledged, its handler not run again) |
//! | another method | 405 (`Allow: GET, POST`) | `method_not_allowed` |
//!
//! Events run in array order; the first that fails stops the batch and is
//! the answer: the events before it were handled, the ones after it were
//! not run, and Zoho may deliver the whole batch again (delivery is at
//! least once), so handlers must be idempotent.
//!
//! actix-web's `Logger::default()` logs the request line (`%r`), query
//! string included: with webhooks mounted it would write every security
//! context into the access log. Log the path alone instead (`%U` is the
//! path without the query), for example
//! `Logger::new("%a \"%U\" %s %b %T")`.
//!
//! # Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `desk` | `DeskKeys::from_url`: Desk's key set (JWKS) fetched over HTTPS with reqwest (rustls), cached and refetched on an unknown `kid` (callback-core's `jwks-http`, without naming the core); without it, `DeskKeys::from_jwks` takes a fixed set |
//! | `invoke` | callback-invoke's `Invoke` and its types in the prelude: handlers call Zoho back |
//! | `store` | the installation store (callback-core's `store`: SQLite or PostgreSQL through sqlx), its types in the prelude |
//! | `test-util` | `callback_actix::test`: signed (and deliberately broken) requests and deliveries for `actix_web::test` |
//!
//! With `desk`, the key set is the data centre's, fetched on the first
//! delivery (or by `prefetch()` at start-up) and cached:
//!
//! ```
//! use callback_actix::callback_core::desk::DEFAULT_JWKS_URL;
//! use callback_actix::prelude::*;
//!
//! let keys = DeskKeys::from_url(DEFAULT_JWKS_URL)?; // nothing fetched yet
//! assert_eq!(keys.describe(), DEFAULT_JWKS_URL);
//! let routes = Callbacks::new(callbacks![]).desk_keys(keys);
//! # let _ = routes;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod response;
mod service;
#[cfg(feature = "test-util")]
pub mod test;

pub use service::CallbackRoutes;

/// Configures the callback handlers of an extension for actix-web: the
/// core's [`RouterBuilder`](callback_core::RouterBuilder), building
/// [`CallbackRoutes`]. Every setting (secrets, state, limits, deadline,
/// replay guard) is the core's.
///
/// ```
/// use callback_actix::prelude::*;
/// use actix_web::App;
///
/// #[on_install]
/// async fn installed(org: OrgId) {}
///
/// let routes = Callbacks::new(callbacks![installed])
///     .secret(Secret::new("manifest secret")?)
///     .build()?;
/// let app = App::new().service(routes.clone());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type Callbacks = callback_core::RouterBuilder<CallbackRoutes>;

/// [`Callbacks::into_config`](CallbacksExt::into_config): mounting straight
/// from the builder inside the `HttpServer::new` closure.
pub trait CallbacksExt {
    /// Builds and returns a function for [`actix_web::App::configure`].
    ///
    /// # Panics
    ///
    /// When the configuration is invalid, with the
    /// [`BuildError`](callback_core::BuildError)'s message, as actix-web does
    /// for invalid routes. Use `.build()` to handle the error instead.
    fn into_config(self) -> impl FnOnce(&mut actix_web::web::ServiceConfig);
}

impl CallbacksExt for Callbacks {
    fn into_config(self) -> impl FnOnce(&mut actix_web::web::ServiceConfig) {
        let routes = self
            .build()
            .unwrap_or_else(|err| panic!("invalid callback configuration: {err}"));
        move |config| routes.configure(config)
    }
}

/// The framework-agnostic core, for everything the prelude leaves out
/// (manifest model, signature schemes, error types).
pub use callback_core;

#[doc(hidden)]
pub use callback_core::__private;

/// Everything an extension's handlers and `main` need, in one import.
pub mod prelude {
    pub use crate::{CallbackRoutes, Callbacks, CallbacksExt};
    #[cfg(feature = "store")]
    pub use callback_core::callback_store::{StoreKeys, StoreOptions};
    pub use callback_core::desk::{
        Delivery, DeskEvent, DeskId, DeskKeys, EventTime, FromDeskEvent, OptionalFromDeskEvent,
        PrevState, Ticket, TicketComment, TicketThread, TokenPolicy,
    };
    pub use callback_core::{
        Callback, DeskEventKind, DeskEventType, ErrorStatus, Event, Extra, FromCallback, Gone,
        HandlerError, IntoRejection, OptionalFromCallback, OrgId, Payload, Rejection, Secret,
        SecurityContext, State, callbacks, desk_events,
    };
    #[cfg(feature = "store")]
    pub use callback_core::{Installation, InstallationStore};
    #[cfg(feature = "invoke")]
    pub use callback_invoke::{
        DataCentre, Invoke, InvokeClient, InvokeError, InvokeResponse, Method, RetryPolicy,
        SecureParam, StorageEntry, StorageQuery,
    };
    pub use callback_macros::{
        desk_event, on_config_param_add, on_config_param_delete, on_install, on_tpa_authorise,
        on_tpa_revoke, on_uninstall, on_update, on_zoho_authorise,
    };
}
