//! The one definition of what a Zoho Desk callback handler is declared with.
//!
//! This crate holds the facts that the runtime ([`callback-core`]), the
//! attribute macros and the build-time manifest scanner must agree on, so that
//! each lives in exactly one place:
//!
//! - [`Event`]: the eight platform events, their wire names, the `-ize`
//!   spellings accepted when reading, and the attribute macro of each;
//! - [`default_path`] and [`validate_path`]: where a handler is mounted;
//! - [`HandlerInfo`]: what a handler is (event, path, name, module), and
//!   [`check_unique`]: the one rule that each event has one handler;
//! - [`DeskEventType`]: the Desk event types of extension webhooks, the
//!   subscription options each takes, and [`DeskHandlerInfo`]: what a Desk
//!   event handler is, with [`check_desk_handlers`];
//! - with the `syn` feature, the attribute grammars
//!   (`#[on_install(path = "/x")]`: [`parse_args`] and [`recognise_attribute`];
//!   `#[desk_event(Ticket_Update, include_prev_state)]`: [`parse_desk_args`]
//!   and [`recognise_desk_attribute`]).
//!
//! Users rarely depend on it directly: `callback-core` re-exports [`Event`].
//!
//! ```
//! use callback_spec::{default_path, Event};
//!
//! for event in Event::ALL {
//!     println!("{event:<20} {}", default_path(event));
//! }
//! assert_eq!(default_path(Event::Install), "/callbacks/onInstall");
//! ```
//!
//! [`callback-core`]: https://docs.rs/callback-core

mod desk;
mod desk_handler;
mod event;
mod handler;
mod path;

#[cfg(feature = "syn")]
mod attr;

/// The packages through which generated code reaches the runtime's hidden
/// `__private` module, in the order the attribute macros look for them in
/// the user's `Cargo.toml` (under any name it gives them).
///
/// `callback-core` defines `__private`; each adapter re-exports it, so that
/// an extension depending on the adapter alone compiles. An adapter adds its
/// package name here: the macros themselves never name one. Adapters come
/// first, because an extension often has the core as a dev-dependency only,
/// which the lookup also reports but a normal build cannot see.
pub const RUNTIME_PACKAGES: &[&str] = &["callback-actix", "callback-axum", "callback-core"];

pub use desk::{DeskEventKind, DeskEventType, MAX_SUBSCRIPTION_FIELDS};
pub use desk_handler::{
    DEFAULT_WEBHOOK, DeskEventSelector, DeskHandlerInfo, DeskHandlersError, ThreadDirection,
    check_desk_handlers, default_webhook_path, option_problem,
};
pub use event::{Event, UnknownEvent};
pub use handler::{DuplicateEvent, HandlerInfo, check_unique, earlier_of_same_event};
pub use path::{DEFAULT_PATH_PREFIX, PathError, default_path, validate_path};

#[cfg(feature = "syn")]
pub use attr::{
    DESK_EVENT_ATTRIBUTE, DeskAttr, DeskEventArgs, HandlerArgs, HandlerAttr,
    handler_attribute_name, parse_args, parse_desk_args, recognise_attribute,
    recognise_desk_attribute,
};
