//! The path generated code uses to reach the runtime's `__private` module.

use proc_macro_crate::{FoundCrate, crate_name};
use proc_macro2::{Span, TokenStream};
use quote::quote;

/// The crates that expose `__private`, in order of preference.
const RUNTIMES: [&str; 2] = ["callback-core", "callback-actix"];

/// `::<runtime>::__private`, under whatever name the user's `Cargo.toml`
/// gives the runtime (renamed dependencies included).
pub(crate) fn private_path() -> TokenStream {
    for runtime in RUNTIMES {
        match crate_name(runtime) {
            Ok(FoundCrate::Itself) => return quote!(crate::__private),
            Ok(FoundCrate::Name(name)) => {
                let ident = syn::Ident::new(&name, Span::call_site());
                return quote!(::#ident::__private);
            }
            Err(_) => continue,
        }
    }
    // Neither is a dependency: name the core and let rustc say it is missing.
    quote!(::callback_core::__private)
}
