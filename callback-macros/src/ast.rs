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
    /// Where errors about the return type point: the type, or the
    /// parentheses' end when there is none (`()`).
    pub(crate) return_span: Span,
}

impl HandlerFn {
    /// Reads `tokens` as a function, or says what was found instead.
    pub(crate) fn parse(tokens: TokenStream, attribute: &str) -> syn::Result<HandlerFn> {
        let item: syn::Item = syn::parse2(tokens)?;
        let syn::Item::Fn(item) = item else {
            return Err(syn::Error::new(
                item_keyword_span(&item),
                format!("`#[{attribute}]` can only be applied to an `async fn`"),
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
        let return_span = match &item.sig.output {
            ReturnType::Type(_, ty) => ty.span(),
            ReturnType::Default => item.sig.paren_token.span.close(),
        };
        Ok(HandlerFn {
            item,
            arg_types,
            return_span,
        })
    }
}

/// The span of the keyword that says what an item is (`struct`, `impl`, …),
/// so an error points there rather than at the whole item.
fn item_keyword_span(item: &syn::Item) -> Span {
    use syn::Item;
    match item {
        Item::Struct(i) => i.struct_token.span,
        Item::Enum(i) => i.enum_token.span,
        Item::Impl(i) => i.impl_token.span,
        Item::Mod(i) => i.mod_token.span,
        Item::Const(i) => i.const_token.span,
        Item::Static(i) => i.static_token.span,
        Item::Trait(i) => i.trait_token.span,
        Item::Type(i) => i.type_token.span,
        Item::Use(i) => i.use_token.span,
        other => other.span(),
    }
}
