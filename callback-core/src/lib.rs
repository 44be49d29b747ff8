//! The framework-agnostic core of Zoho Desk extension callbacks.
//!
//! ```
//! use callback_core::{Event, Secret, Signer, Verifier};
//!
//! let secret = Secret::new("the secret of your plugin-manifest.json")?;
//! let body = br#"{"event":"onZohoAuthorise","orgId":387238,"securityContext":"2398deio3qwnx3c9xwi3nc3njkh9jfico"}"#;
//! let hash = Signer::new(&secret).sign(body); // what Zoho sends in the HASH header
//!
//! let verifier = Verifier::new(secret);
//! let payload = verifier.verify(hash.as_str().into(), body)?.parse()?;
//! assert_eq!(payload.event(), Event::ZohoAuthorise);
//! assert_eq!(payload.org_id().get(), 387238);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Most extensions use this crate through `callback-actix`, which re-exports
//! what handlers need, and write handlers with the attribute macros
//! (`#[on_install]`, …). This crate holds everything that does not depend on
//! a web framework:
//!
//! | module | what |
//! |---|---|
//! | [`Event`] | the eight platform events |
//! | [`payload`] | the callback body: [`Payload`], [`OrgId`], [`SecurityContext`] |
//! | [`signature`] | the `HASH` header: [`Secret`], [`Signer`], [`Verifier`], pluggable schemes |
//! | [`manifest`] | the `callbackListener` section; with feature `merge` its format-preserving merge, with `read` reading it back |
//! | [`mount`] | the prefix an adapter's routes are mounted under, written into their `callbackListener` and checked where they are mounted |
//! | [`Router`], [`RouterBuilder`] | verify, parse, route, call: one [`Outcome`] for every adapter, configured once |
//! | [`CallbackRequest`], [`read_body`], [`SIGNATURE_HEADER`] | what an adapter hands in, and the HTTP rules it applies |
//! | [`FromCallback`] | handler arguments: [`Callback`], [`State`], [`Extra`], … |
//! | [`desk`] | Desk events: deliveries, batches, typed payloads, the token and the key set |
//! | `installations` (feature `store`) | per-org installations kept by the router in SQLite or PostgreSQL (callback-store), each Desk event run once, the `Installation` extractor |
//! | `testing` (feature `test-util`) | signed (and deliberately broken) requests and deliveries for tests, a TEST key set |
//!
//! # One callback, from bytes to handler
//!
//! [`Router::dispatch`] runs, in order: the path lookup, the
//! `HASH` check over the exact bytes received ([`Verifier::verify`] returns
//! a [`Verified`], the only thing that can be parsed), the content type,
//! the parse, the choice of handler by the payload's event, argument
//! extraction, and the handler itself with panics caught and the deadline
//! enforced. Each refusal is a [`Rejection`] whose [`RejectionKind`] fixes the
//! HTTP status and a stable error code; the handler never runs for one.
//!
//! # The HASH scheme
//!
//! Zoho documents the `HASH` as "an HMAC sha256 encrypted string with the
//! key as app's secret (manifest.secret)", usable to verify that a callback
//! was sent by Zoho Desk. It does not document, for callbacks, the exact
//! input bytes or the digest encoding. The default, [`HmacSha256Hex`], is
//! HMAC-SHA256 keyed with the UTF-8 bytes of the secret, over the raw body
//! exactly as received, as 64 hex digits in either case, compared in
//! constant time. If the platform turns out to sign something else, implement
//! [`signature::SignatureScheme`] and pass it to [`RouterBuilder::scheme`].
//!
//! The `HASH` covers the body only (no timestamp, no nonce, no path): a
//! captured callback verifies forever. [`ReplayGuard`] (opt-in) refuses a
//! body handled within a window; see its documentation for what it cannot
//! refuse.
//!
//! Several secrets may be configured at once, for rotation without downtime.
//! Secrets, expected MACs and security contexts never appear in `Debug`
//! output, error messages or logs.
//!
//! # Installations
//!
//! With feature `store`, `RouterBuilder::installations(store)` hands the
//! router an installation store (callback-store: SQLite for one instance,
//! PostgreSQL for several, security contexts encrypted under
//! `ZOHO_STORE_KEY`). Each verified lifecycle callback is then applied to
//! its org's installation, and committed, before its handler runs; a stale
//! one (a replayed `onInstall` after `onUninstall`) is answered `409
//! stale_callback` without running it, so lifecycle state never moves
//! backwards. Each Desk event is claimed by its content before its handler
//! runs, so a redelivery to any instance is acknowledged without running
//! it again; deliveries for an uninstalled org get `410 org_uninstalled`;
//! the database unreachable is `503 store_unavailable` within the
//! deadline, never `200`. Handlers take the org as `Installation`. The
//! module `installations` (built with the feature) says it all, with an
//! example.
//!
//! # Desk events
//!
//! An extension's webhooks (`resources.json`) make Desk post batches of
//! events (`Ticket_Add`, …) to the extension's server. Handlers are
//! declared with `#[desk_event(...)]` and listed with [`desk_events!`];
//! [`RouterBuilder::desk_events`] mounts one path per webhook resource
//! (`/desk/<resourceName>` unless the handlers name another), serving all
//! its events, beside the callbacks or alone.
//!
//! ```
//! use callback_core::desk::Ticket;
//! use callback_core::testing::desk::{TestDelivery, test_keys, ticket_event};
//! use callback_core::{DeskEventType, HandlerError, Router, callbacks, desk_events};
//! use callback_macros::desk_event;
//!
//! /// Takes the ticket, typed; `Err(HandlerError::gone())` would answer
//! /// `410 Gone` and make Zoho drop the subscription.
//! #[desk_event(Ticket_Add)]
//! async fn ticket_added(ticket: Ticket) -> Result<(), HandlerError> {
//!     assert_eq!(ticket.subject.as_deref(), Some("Printer on fire"));
//!     Ok(())
//! }
//!
//! let router = Router::builder(callbacks![])
//!     .desk_events(desk_events![ticket_added])
//!     // In production: DeskKeys::from_url(DEFAULT_JWKS_URL)? (feature `jwks-http`).
//!     .desk_keys(test_keys())
//!     .build()?;
//! let delivery = TestDelivery::new(42)
//!     .event(ticket_event(DeskEventType::TicketAdd, 42, 1892000000143237))
//!     .build();
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let outcome = runtime.block_on(router.dispatch_desk(delivery.as_request()));
//! assert_eq!((outcome.status(), outcome.body().as_ref()), (200, r#"{"ok":true,"events":1}"#));
//!
//! let forged = TestDelivery::new(42).signed_with_other_key().build();
//! let refused = runtime.block_on(router.dispatch_desk(forged.as_request()));
//! assert_eq!((refused.status(), refused.code()), (401, "token_signature_mismatch"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What the platform leaves open is decided here, explicitly:
//!
//! - **Authentication.** Every `POST` must carry one `X-ZDesk-JWT`, RS256,
//!   signed by a key of Desk's key set ([`desk::DeskKeys`]: the data
//!   centre's JWKS, fetched once, cached, refetched once per unknown `kid`,
//!   each fetch cut at 1.5 s), issued for the org of the URL's query, not
//!   expired (`exp` in seconds or milliseconds), `iat` at most 60 s ahead,
//!   and naming the webhook (`aud`) when its id is configured. Zoho does not
//!   document whether extension webhooks carry the token: opting out is
//!   [`desk::TokenPolicy::InsecureAcceptUnverified`], logged as a warning
//!   when the router is built. No usable key (the key set's host down, slow
//!   or serving garbage): `503 keys_unavailable`, at once; cached keys go
//!   on working.
//! - **The URL's query** carries `orgId` and `securityContext` (the names
//!   are inferred): exactly one numeric `orgId` is required, every event's
//!   `orgId` must be it, and the query is never logged (it holds the
//!   security context).
//! - **A batch** runs in array order. The answer is `200` only when every
//!   event was handled (an event no handler takes is acknowledged and
//!   logged). The first event that fails stops the batch and is the answer;
//!   the events after it are not run. **Delivery is at least once**: Zoho
//!   may post a batch again after any failure, so the events handled before
//!   the failing one may come again, and handlers must be idempotent
//!   (there is no delivery id; recognise a repeat by its content).
//! - **Deadline**: Zoho waits 5 s; the whole batch (the token check
//!   included) gets [`DEFAULT_TIMEOUT`] (4 s) by default, as a callback's
//!   handler does. **Body limit**: [`DEFAULT_DESK_BODY_LIMIT`] (1 MiB),
//!   enforced while reading.
//! - **`GET`** on a webhook path answers `200` and runs nothing (Zoho checks
//!   the URL so when it creates the webhook); other methods get `405`.

pub mod base_url;
mod body;
mod builder;
mod callback;
pub mod desk;
mod extract;
mod handler;
#[cfg(feature = "store")]
pub mod installations;
mod invoke_target;
pub mod manifest;
pub mod mount;
mod outcome;
pub mod payload;
mod replay;
mod request;
mod router;
mod run;
mod secret;
pub mod signature;
mod state;
#[cfg(feature = "test-util")]
pub mod testing;
mod trace;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use base_url::{BaseUrl, BaseUrlError};
pub use body::read_body;
pub use builder::{
    BuildError, DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT, DEFAULT_DESK_BODY_LIMIT, DEFAULT_TIMEOUT,
    Limits, RouterBuilder,
};
pub use callback::Callback;
pub use callback_spec::{
    DEFAULT_PATH_PREFIX, DEFAULT_WEBHOOK, DeskEventKind, DeskEventSelector, DeskEventType,
    DeskHandlerInfo, DeskHandlersError, Event, HandlerInfo, PathError, ThreadDirection,
    UnknownEvent, default_path, default_webhook_path, validate_path,
};
/// The installation store the router feeds (feature `store`): open one
/// with [`StoreOptions::open`](callback_store::StoreOptions::open) and hand
/// it to [`RouterBuilder::installations`].
#[cfg(feature = "store")]
pub use callback_store;
#[cfg(feature = "store")]
pub use callback_store::{Installation, InstallationStore};
pub use extract::{CallContext, Extra, FromCallback, OptionalFromCallback, State};
pub use handler::{
    ErrorStatus, Gone, Handler, HandlerError, HandlerFuture, HandlerList, IntoHandlerResult,
    StaticHandler,
};
pub use invoke_target::InvokeTarget;
pub use outcome::{
    CustomRejectionError, Handled, IntoRejection, Outcome, Rejection, RejectionKind, Reply,
};
pub use payload::{OrgId, Payload, SecurityContext};
pub use replay::{DEFAULT_REPLAY_CAPACITY, ReplayGuard};
pub use request::{ALLOWED_METHOD, CallbackRequest, SIGNATURE_HEADER, signature_header};
pub use router::Router;
pub use secret::{Secret, SecretError};
pub use signature::{HmacSha256Hex, SignatureError, SignatureHeader, Signer, Verified, Verifier};
pub use state::{MissingState, StateMap};
/// The date-and-time crate [`desk::EventTime`] converts to, re-exported so
/// that handlers use the same version.
pub use time;

/// Lists an extension's handlers: what both mounting and the manifest read.
///
/// ```ignore
/// let handlers = callbacks![installed, config::config_added];
/// ```
///
/// Each name is a function annotated with one of the handler attributes.
/// Two handlers for the same event are a compile error naming the event.
#[macro_export]
macro_rules! callbacks {
    ($($handler:path),* $(,)?) => {{
        const _: () = {
            const MESSAGE: $crate::__private::DuplicateMessage =
                $crate::__private::duplicate_event(
                    &[$(<$handler as $crate::__private::StaticHandler>::INFO.event),*],
                    &[$($crate::__private::stringify!($handler)),*],
                );
            if MESSAGE.is_some() {
                $crate::__private::panic!("{}", MESSAGE.as_str())
            }
        };
        $crate::HandlerList::new(&[
            $(<$handler as $crate::__private::StaticHandler>::HANDLER),*
        ])
    }};
}

/// Lists an extension's Desk event handlers, for
/// [`RouterBuilder::desk_events`]: what mounting and `resources.json` read.
///
/// ```ignore
/// let handlers = desk_events![ticket_added, comments::comment_added];
/// ```
///
/// Each name is a function annotated with `#[desk_event(...)]`. Two
/// handlers for one event type of one webhook (or two catch-alls) are a
/// compile error naming the event, the webhook and both handlers; the other
/// rules of [`check_desk_handlers`](callback_spec::check_desk_handlers) are
/// checked when the router is built.
#[macro_export]
macro_rules! desk_events {
    ($($handler:path),* $(,)?) => {{
        const _: () = {
            const MESSAGE: $crate::__private::DuplicateMessage =
                $crate::__private::duplicate_desk_event(
                    &[$(<$handler as $crate::__private::StaticDeskHandler>::INFO),*],
                    &[$($crate::__private::stringify!($handler)),*],
                );
            if MESSAGE.is_some() {
                $crate::__private::panic!("{}", MESSAGE.as_str())
            }
        };
        $crate::desk::DeskHandlerList::new(&[
            $(<$handler as $crate::__private::StaticDeskHandler>::HANDLER),*
        ])
    }};
}
