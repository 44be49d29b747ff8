//! The path generated code uses to reach the runtime's `__private` module.

use proc_macro_crate::{FoundCrate, crate_name};
use proc_macro2::{Span, TokenStream};
use quote::quote;

/// The crates that expose `__private`, in order of preference. The adapter
/// comes first: an extension depends on it and often has the core only as a
/// dev-dependency, which `proc-macro-crate` also reports but which normal
/// builds cannot see.
const RUNTIMES: [&str; 2] = ["callback-actix", "callback-core"];

/// `::<runtime>::__private`, under whatever name the user's `Cargo.toml`
/// gives the runtime (renamed dependencies included).
pub(crate) fn private_path() -> TokenStream {
    for runtime in RUNTIMES {
        let name = match crate_name(runtime) {
            Ok(FoundCrate::Name(name)) => name,
            // The runtime's own doctests and examples: there the runtime is
            // an extern crate under its own name (neither runtime crate uses
            // the attributes inside its library).
            Ok(FoundCrate::Itself) => runtime.replace('-', "_"),
            Err(_) => continue,
        };
        let ident = syn::Ident::new(&name, Span::call_site());
        return quote!(::#ident::__private);
    }
    // Neither is a dependency: name the core and let rustc say it is missing.
    quote!(::callback_core::__private)
}
