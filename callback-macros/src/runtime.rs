//! The path generated code uses to reach the runtime's `__private` module.

use callback_spec::RUNTIME_PACKAGES;
use proc_macro_crate::{FoundCrate, crate_name};
use proc_macro2::{Span, TokenStream};
use quote::quote;

/// `::<runtime>::__private`, for the first of [`RUNTIME_PACKAGES`] the
/// user's `Cargo.toml` depends on, under whatever name it gives it (renamed
/// dependencies included).
pub(crate) fn private_path() -> TokenStream {
    for package in RUNTIME_PACKAGES {
        let name = match crate_name(package) {
            Ok(FoundCrate::Name(name)) => name,
            // A runtime's own doctests and examples: there it is an extern
            // crate under its own name (no runtime uses the attributes
            // inside its library).
            Ok(FoundCrate::Itself) => package.replace('-', "_"),
            Err(_) => continue,
        };
        let ident = syn::Ident::new(&name, Span::call_site());
        return quote!(::#ident::__private);
    }
    // None is a dependency: name the core and let rustc say it is missing.
    quote!(::callback_core::__private)
}
