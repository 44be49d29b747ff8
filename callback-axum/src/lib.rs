//! Mount Zoho Desk extension callback handlers into axum.
//!
//! ```
//! use axum::body::Body;
//! use axum::http::Request;
//! use callback_axum::prelude::*;
//! use callback_axum::test::signed;
//! use tower::ServiceExt; // `oneshot`: one request, no server
//!
//! /// Records the new installation.
//! #[on_install]
//! async fn installed(cb: Callback) -> Result<(), HandlerError> {
//!     println!("installed in org {}", cb.org_id());
//!     Ok(())
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let secret = Secret::new("the secret of plugin-manifest.json")?;
//! let app: axum::Router = Callbacks::new(callbacks![installed])
//!     .secret(secret.clone())
//!     .build()?
//!     .into_router();
//! // In `main`: axum::serve(tokio::net::TcpListener::bind("127.0.0.1:8080").await?, app).await?;
//!
//! let ok = app.clone().oneshot(signed(Event::Install, &secret)).await?;
//! assert_eq!(ok.status(), 200);
//!
//! let unsigned = Request::post("/callbacks/onInstall")
//!     .header("content-type", "application/json")
//!     .body(Body::from(r#"{"event":"onInstall","orgId":1}"#))?;
//! let refused = app.oneshot(unsigned).await?;
//! assert_eq!(refused.status(), 401);
//! # Ok(())
//! # }
//! ```
//!
//! The adapter only translates, exactly as `callback-actix` does: it reads
//! the body from axum's body stream up to the limit and within the body
//! timeout ([`read_body`](callback_core::read_body)), hands path, `HASH`,
//! `Content-Type` and the exact bytes to the core
//! [`Router`](callback_core::Router), and turns its outcome into a JSON
//! response. Every decision and its status code is the core's, the same in
//! both adapters (the table of `callback-actix`'s documentation holds here
//! word for word; `callback-contract` runs it against both):
//!
//! | request | status | `error` |
//! |---|---|---|
//! | valid, handler succeeded | 200 | (`{"event":…,"ok":true}`) |
//! | `HASH` missing / repeated / empty / malformed / wrong | 401 | `missing_signature` / `repeated_signature` / `empty_signature` / `malformed_signature` / `signature_mismatch` |
//! | `Content-Type` not `application/json` | 415 | `unsupported_media_type` |
//! | body larger than the limit | 413 | `payload_too_large` |
//! | body cut short by the client, or not complete within the body timeout | 400 | `body_unreadable` |
//! | body not JSON / fields missing / unknown event / event not handled at this path | 400 | `invalid_json` / `invalid_payload` / `unknown_event` / `event_not_handled` |
//! | method other than `POST` | 405 (`Allow: POST`) | `method_not_allowed` |
//! | handler returned an error / panicked | 500 | `handler_error` / `handler_panicked` |
//! | handler passed its deadline | 503 | `handler_timeout` |
//!
//! Desk events (`.desk_events(desk_events![...])` on the same builder) are
//! mounted the same thin way, one route per webhook path: `GET` answers
//! `200`, `POST` is read within the Desk body limit and handed to the core
//! with the path, the raw query and `X-ZDesk-JWT`, any other method gets
//! `405` with `Allow: GET, POST`.
//!
//! # Where the routes are mounted
//!
//! The manifest names each handler's full URL, so the routes must be where
//! it says. Merged at the root (`app.merge(routes.into_router())`) they
//! need nothing. Nested, they declare it:
//!
//! ```
//! use callback_axum::prelude::*;
//!
//! #[on_install]
//! async fn installed(org: OrgId) {}
//!
//! let routes = Callbacks::new(callbacks![installed])
//!     .secret(Secret::new("manifest secret")?)
//!     .build()?
//!     .with_prefix("/zoho")?;
//! let listener = routes.callback_listener("https://ext.example.com")?;
//! assert_eq!(
//!     listener.url(Event::Install),
//!     Some("https://ext.example.com/zoho/callbacks/onInstall")
//! );
//! let app: axum::Router = axum::Router::new().nest("/zoho", routes.into_router());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Each request compares the prefix axum's `nest` recorded with the
//! declared one; routes nested elsewhere (or nested without declaring it)
//! answer `404 not_found` with a message saying both, and run nothing. For
//! the manifest `callback-build` writes, its base URL carries the same
//! prefix (`CALLBACK_BASE_URL=https://ext.example.com/zoho`).
//!
//! # Logging
//!
//! A webhook's query holds the Desk security context, and this adapter
//! never logs it. Neither axum nor hyper logs a request's URI, but
//! tower-http's `TraceLayer::new_for_http()` does: its default span records
//! `uri`, query included, into every line logged inside it. Give it
//! [`request_span`] instead, which records the method and the path alone:
//!
//! ```
//! use callback_axum::prelude::*;
//! use tower_http::trace::TraceLayer;
//!
//! #[on_install]
//! async fn installed(org: OrgId) {}
//!
//! let routes = Callbacks::new(callbacks![installed])
//!     .secret(Secret::new("manifest secret")?)
//!     .build()?;
//! let app: axum::Router = routes
//!     .into_router()
//!     .layer(TraceLayer::new_for_http().make_span_with(callback_axum::request_span));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `desk` | `DeskKeys::from_url`: Desk's key set (JWKS) fetched over HTTPS with reqwest (rustls), cached and refetched on an unknown `kid` (callback-core's `jwks-http`, without naming the core); without it, `DeskKeys::from_jwks` takes a fixed set |
//! | `invoke` | callback-invoke's `Invoke` and its types in the prelude: handlers call Zoho back |
//! | `test-util` | `callback_axum::test`: signed (and deliberately broken) requests and deliveries as `http::Request<Body>` |
//!
//! With `desk`, the key set is the data centre's, fetched on the first
//! delivery (or by `prefetch()` at start-up) and cached:
//!
//! ```
//! use callback_axum::callback_core::desk::DEFAULT_JWKS_URL;
//! use callback_axum::prelude::*;
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

/// Configures the callback handlers of an extension for axum: the core's
/// [`RouterBuilder`](callback_core::RouterBuilder), building
/// [`CallbackRoutes`]. Every setting (secrets, state, limits, deadline,
/// replay guard, Desk events) is the core's.
///
/// ```
/// use callback_axum::prelude::*;
///
/// #[on_install]
/// async fn installed(org: OrgId) {}
///
/// let app: axum::Router = Callbacks::new(callbacks![installed])
///     .secret(Secret::new("manifest secret")?)
///     .build()?
///     .into();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type Callbacks = callback_core::RouterBuilder<CallbackRoutes>;

/// The span for tower-http's `TraceLayer::make_span_with`: `request` at
/// `INFO` with the method and the path, never the query (a webhook's
/// query holds the Desk security context).
pub fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = request.uri().path(),
    )
}

/// The framework-agnostic core, for everything the prelude leaves out
/// (manifest model, signature schemes, error types).
pub use callback_core;

#[doc(hidden)]
pub use callback_core::__private;

/// Everything an extension's handlers and `main` need, in one import.
pub mod prelude {
    pub use crate::{CallbackRoutes, Callbacks};
    pub use callback_core::desk::{
        Delivery, DeskEvent, DeskId, DeskKeys, EventTime, FromDeskEvent, OptionalFromDeskEvent,
        PrevState, Ticket, TicketComment, TicketThread, TokenPolicy,
    };
    pub use callback_core::{
        Callback, DeskEventKind, DeskEventType, ErrorStatus, Event, Extra, FromCallback, Gone,
        HandlerError, IntoRejection, OptionalFromCallback, OrgId, Payload, Rejection, Secret,
        SecurityContext, State, callbacks, desk_events,
    };
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
