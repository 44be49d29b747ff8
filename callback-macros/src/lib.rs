//! Attribute macros that turn plain `async fn`s into Zoho Desk callback
//! handlers: one per platform event.
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
