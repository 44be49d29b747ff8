//! Desk events: what extension webhooks deliver, and the handlers that take
//! them.
//!
//! Desk posts a JSON array of events to a webhook's URL, with the org id and
//! its security context appended to the URL's query, signed by an RS256
//! `X-ZDesk-JWT` header. Each event runs the handler of its type at that
//! webhook (or its catch-all).
//!
//! | item | what |
//! |---|---|
//! | [`DeskEvent`], [`Delivery`], [`EventTime`], [`DeskId`] | one event (type, org, time, payload, previous state, every other field) and its delivery (org, security context) |
//! | [`parse_batch`], [`BatchError`] | the body: an array of events, each refusal typed |
//! | [`Ticket`], [`TicketThread`], [`TicketComment`], [`PrevState`] | typed payloads of the ticket events, every other field kept |
//! | [`FromDeskEvent`], [`OptionalFromDeskEvent`], [`DeskContext`] | handler arguments |
//! | [`DeskHandler`], [`DeskHandlerList`] (`desk_events![]`) | the handlers |
//! | [`DeskKeys`], [`JwksSource`], [`KeySettings`] | Desk's key set: fetched, cached, refetched on an unknown `kid` |
//! | [`TokenVerifier`], [`TokenError`], [`TokenPolicy`] | the `X-ZDesk-JWT` check |
//! | [`DeskRequest`], [`DeskOutcome`] | what an adapter hands the router, and what it sends back |
//!
//! See the crate documentation, "Desk events", for a whole delivery.

mod batch;
pub(crate) mod dispatch;
mod event;
mod extract;
#[cfg(feature = "jwks-http")]
mod fetch_http;
mod handler;
mod id;
mod keys;
mod outcome;
mod request;
mod ticket;
mod time;
mod token;
mod trace;

pub use batch::{BatchError, BatchErrorKind, parse_batch};
pub use event::{Delivery, DeskEvent};
pub use extract::{DeskContext, FromDeskEvent, NO_SECURITY_CONTEXT, OptionalFromDeskEvent};
pub use handler::{DeskHandler, DeskHandlerList, StaticDeskHandler};
pub use id::{DeskId, InvalidDeskId};
pub use keys::{
    DEFAULT_JWKS_URL, DeskKeys, FetchError, JwksSource, KeySetError, KeySettings, jwks_url,
};
pub use outcome::{DeskHandled, DeskOutcome, DeskRejection};
pub use request::{DESK_ALLOWED_METHODS, DeskRequest};
pub use ticket::{DeskPayload, PrevState, Ticket, TicketComment, TicketThread};
pub use time::EventTime;
pub use token::{
    DEFAULT_IAT_LEEWAY, TOKEN_HEADER, TokenError, TokenPolicy, TokenVerifier, VerifiedToken,
};
