//! Desk events: what extension webhooks deliver, and the handlers that take
//! them.
//!
//! Desk posts a JSON array of events to a webhook's URL, with the org id and
//! its security context appended to the URL's query, signed by an RS256
//! `X-ZDesk-JWT` header. Each event runs the handler of its type at that
//! webhook (or its catch-all).

mod event;
mod extract;
mod handler;

pub use event::{Delivery, DeskEvent};
pub use extract::{DeskContext, FromDeskEvent};
pub use handler::{DeskHandler, DeskHandlerList, StaticDeskHandler};
