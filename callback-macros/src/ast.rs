//! The annotated item, read into what the expansion needs.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, ReturnType, Type};

/// A function annotated with a handler attribute.
pub(crate) struct HandlerFn {
    /// The function, emitted unchanged.
    pub(crate) item: ItemFn,
    /// The type of each typed argument (receivers are refused in `valid`).
    pub(crate) arg_types: Vec<Type>,
    /// The declared return type, or `()` spanned on the parentheses' end
    /// when there is none. The generated code names it, so that an error
    /// about it points at the user's return type.
    pub(crate) output: Type,
}

impl HandlerFn {
    /// Reads `tokens` as a function, or says what was found instead.
    pub(crate) fn parse(tokens: TokenStream, attribute: &str) -> syn::Result<HandlerFn> {
        let item: syn::Item = syn::parse2(tokens)?;
        let syn::Item::Fn(item) = item else {
            let (span, what) = item_keyword(&item);
            return Err(syn::Error::new(
                span,
                format!(
                    "`#[{attribute}]` goes on an `async fn`, not on {what}; \
                     write `#[{attribute}] async fn handler(cb: Callback) {{ ... }}`"
                ),
            ));
        };
        let arg_types = item
            .sig
            .inputs
            .iter()
            .filter_map(|arg| match arg {
                FnArg::Typed(pat) => Some((*pat.ty).clone()),
                FnArg::Receiver(_) => None,
            })
            .collect();
        let output = match &item.sig.output {
            ReturnType::Type(_, ty) => (**ty).clone(),
            ReturnType::Default => {
                let span = item.sig.paren_token.span.close();
                syn::parse_quote_spanned!(span=> ())
            }
        };
        Ok(HandlerFn {
            item,
            arg_types,
            output,
        })
    }
}

/// The keyword that says what an item is (`struct`, `impl`, …), so that an
/// error points there rather than at the whole item, and what to call it.
fn item_keyword(item: &syn::Item) -> (Span, &'static str) {
    use syn::Item;
    match item {
        Item::Struct(i) => (i.struct_token.span, "a `struct`"),
        Item::Enum(i) => (i.enum_token.span, "an `enum`"),
        Item::Union(i) => (i.union_token.span, "a `union`"),
        Item::Impl(i) => (i.impl_token.span, "an `impl` block"),
        Item::Mod(i) => (i.mod_token.span, "a module"),
        Item::Const(i) => (i.const_token.span, "a `const`"),
        Item::Static(i) => (i.static_token.span, "a `static`"),
        Item::Trait(i) => (i.trait_token.span, "a `trait`"),
        Item::Type(i) => (i.type_token.span, "a type alias"),
        Item::Use(i) => (i.use_token.span, "a `use`"),
        Item::ExternCrate(i) => (i.extern_token.span, "an `extern crate`"),
        Item::ForeignMod(i) => (i.abi.extern_token.span, "an `extern` block"),
        Item::Macro(i) => (i.mac.path.span(), "a macro invocation"),
        other => (other.span(), "this item"),
    }
}
