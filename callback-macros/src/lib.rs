//! Attribute macros that turn plain `async fn`s into Zoho Desk extension
//! handlers: one per platform event callback, and `#[desk_event(...)]` for
//! the Desk events an extension webhook delivers.
//!
//! ```
//! use callback_core::{callbacks, Callback, HandlerError, OrgId};
//! use callback_macros::{on_install, on_config_param_add};
//!
//! /// Records the new installation.
//! #[on_install]
//! async fn installed(cb: Callback) -> Result<(), HandlerError> {
//!     println!("installed in org {}", cb.org_id());
//!     Ok(())
//! }
//!
//! #[on_config_param_add(path = "/zoho/config")]
//! async fn config_added(org: OrgId) {}
//!
//! let handlers = callbacks![installed, config_added];
//! assert_eq!(handlers.len(), 2);
//!
//! // The functions stay ordinary functions.
//! # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! rt.block_on(config_added(OrgId::new(7)));
//! ```
//!
//! Each attribute keeps the function as it is and adds a companion type of
//! the same name in the type namespace (a braced struct, so the function
//! stays callable) that implements `callback_core::Handler`. `callbacks![]`
//! lists those types. The generated code names the runtime only through its
//! hidden `__private` module, found under whatever name the crate depends on
//! it (`callback-core` or `callback-actix`), and never names a web framework.
//!
//! # Arguments and return type
//!
//! Each argument's type must implement `callback_core::FromCallback`
//! (`Callback`, `Payload`, `Event`, `OrgId`, `SecurityContext`, `Extra`,
//! `State<T>`, or your own). The return type is `()` or `Result<(), E>` with
//! `E: Display`. Anything else is a compile error pointing at the offending
//! type.
//!
//! # Paths
//!
//! Without `path = "..."`, a handler is mounted at `/callbacks/<wireName>`,
//! for example `/callbacks/onConfigParamAdd`.
//!
//! # Desk events
//!
//! [`macro@desk_event`] names one Desk event type by its wire name, as
//! `resources.json` and the delivered events spell it (or `any` for a
//! catch-all), and the subscription's options:
//!
//! ```
//! use callback_core::desk::{DeskEvent, StaticDeskHandler};
//! use callback_core::{DeskEventSelector, DeskEventType, OrgId};
//! use callback_macros::desk_event;
//!
//! #[desk_event(Ticket_Update, include_prev_state, fields = ["status", "priority"])]
//! async fn ticket_updated(event: DeskEvent, org: OrgId) {
//!     let before = event.prev_state().map(|s| s["status"].clone());
//!     println!("org {org}: status {before:?} -> {}", event.payload()["status"]);
//! }
//!
//! #[desk_event(Ticket_Thread_Add, direction = "in", webhook = "threads")]
//! async fn reply_received(event: DeskEvent) {}
//!
//! let info = <ticket_updated as StaticDeskHandler>::INFO;
//! assert_eq!(info.event, DeskEventSelector::Type(DeskEventType::TicketUpdate));
//! assert_eq!((info.webhook.as_ref(), info.path.as_ref()), ("deskEvents", "/desk/deskEvents"));
//! assert_eq!(<reply_received as StaticDeskHandler>::INFO.path, "/desk/threads");
//! ```
//!
//! The companion type implements `callback_core::desk::DeskHandler` (and
//! `StaticDeskHandler`, which `desk_events![]` lists); each argument is
//! extracted with `callback_core::desk::FromDeskEvent`. A misspelt event
//! type is a compile error that lists the closest valid names; an option the
//! event type does not take (`include_prev_state` on `Ticket_Add`, say) is
//! one that says to remove it. `callback-build` writes the `webhook`
//! resources of `resources.json` from the same attributes.

mod ast;
mod ctxt;
mod expand;
mod runtime;
mod valid;

use callback_spec::Event;
use proc_macro::TokenStream;

/// Declares one attribute per event from one definition.
macro_rules! attributes {
    ($($name:ident => $event:ident, $wire:literal;)*) => {$(
        #[doc = concat!("Handles the `", $wire, "` event.")]
        ///
        /// ```ignore
        #[doc = concat!("#[", stringify!($name), "]")]
        /// async fn handler(cb: Callback) -> Result<(), HandlerError> { Ok(()) }
        ///
        #[doc = concat!("#[", stringify!($name), "(path = \"/zoho/callbacks\")]")]
        /// async fn handler_at_a_custom_path(org: OrgId, db: State<Db>) {}
        /// ```
        ///
        #[doc = concat!("Without `path`, the handler is mounted at `/callbacks/", $wire, "`.")]
        #[proc_macro_attribute]
        pub fn $name(args: TokenStream, item: TokenStream) -> TokenStream {
            expand::handler(Event::$event, args.into(), item.into()).into()
        }
    )*

        /// Each attribute as declared: its name, event and documented wire
        /// name, held to the event table by a test.
        #[cfg(test)]
        const DECLARED: &[(&str, Event, &str)] = &[$((stringify!($name), Event::$event, $wire)),*];
    };
}

attributes! {
    on_install => Install, "onInstall";
    on_zoho_authorise => ZohoAuthorise, "onZohoAuthorise";
    on_tpa_authorise => TpaAuthorise, "onTPAAuthorise";
    on_tpa_revoke => TpaRevoke, "onTPARevoke";
    on_update => Update, "onUpdate";
    on_config_param_add => ConfigParamAdd, "onConfigParamAdd";
    on_config_param_delete => ConfigParamDelete, "onConfigParamDelete";
    on_uninstall => Uninstall, "onUninstall";
}

/// Handles Desk events delivered to an extension webhook: one event type of
/// the table by its wire name, or `any` for a catch-all.
///
/// ```ignore
/// #[desk_event(Ticket_Add)]
/// async fn ticket_added(event: DeskEvent, org: OrgId) -> Result<(), HandlerError> { Ok(()) }
///
/// #[desk_event(Ticket_Update, include_prev_state, fields = ["status", "priority"])]
/// async fn ticket_updated(event: DeskEvent) {}
///
/// #[desk_event(Ticket_Thread_Add, direction = "in", webhook = "threads")]
/// async fn reply_received(event: DeskEvent) {}
///
/// #[desk_event(any)]
/// async fn every_other_event(event: DeskEvent) {}
/// ```
///
/// After the event type, in any order:
///
/// - `include_prev_state`: the event carries the record before the update
///   (`prevState`); update events only;
/// - `fields = ["status", ...]`: only updates of these fields (at most 5);
///   `Ticket_Update` only;
/// - `direction = "in" | "out"`: incoming or outgoing threads only;
///   `Ticket_Thread_Add` only;
/// - `webhook = "name"`: the webhook resource (`resourceName` in
///   `resources.json`), `deskEvents` by default; letters, digits, `_` and
///   `-`;
/// - `path = "/x"`: where the webhook is mounted, `/desk/<webhook>` by
///   default. The handlers of one webhook share one path.
///
/// A catch-all (`any`) takes every event of its webhook that no other
/// handler of that webhook takes, event types the table does not know
/// included. It adds no subscription of its own: the webhook's
/// subscriptions are its handlers' event types, and the ones `resources.json`
/// already lists that no handler names (see `callback-build`).
///
/// Each argument's type must implement `callback_core::desk::FromDeskEvent`
/// (`DeskEvent`, `OrgId`, `SecurityContext`, `State<T>`, or your own); the
/// return type is `()` or `Result<(), E>` with `E: Display`.
#[proc_macro_attribute]
pub fn desk_event(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::desk_event(args.into(), item.into()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A proc-macro crate must declare each attribute as a function, so the
    /// list is written out; this holds it to the one event table.
    #[test]
    fn one_attribute_per_event_of_the_table() {
        let table: Vec<_> = Event::ALL
            .iter()
            .map(|e| (e.attribute_name(), *e, e.wire_name()))
            .collect();
        assert_eq!(DECLARED, table.as_slice());
    }
}
