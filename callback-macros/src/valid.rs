//! The rules a handler's signature must follow, all checked at once.

use crate::ast::HandlerFn;
use syn::spanned::Spanned;

/// Every problem with the signature, combined into one error.
pub(crate) fn check(handler: &HandlerFn, attribute: &str) -> Option<syn::Error> {
    let sig = &handler.item.sig;
    let mut errors: Vec<syn::Error> = Vec::new();

    if sig.asyncness.is_none() {
        errors.push(syn::Error::new(
            sig.fn_token.span,
            format!("`#[{attribute}]` handlers must be `async fn`; add `async` before `fn`"),
        ));
    }
    if let Some(constness) = &sig.constness {
        errors.push(syn::Error::new(
            constness.span,
            "a callback handler cannot be `const`",
        ));
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.push(syn::Error::new(
            unsafety.span,
            "a callback handler cannot be `unsafe`",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new(
            abi.span(),
            "a callback handler cannot have an `extern` ABI",
        ));
    }
    if !sig.generics.params.is_empty() {
        errors.push(syn::Error::new(
            sig.generics.params.span(),
            "a callback handler cannot be generic; use concrete types (for shared state, `State<YourType>`)",
        ));
    }
    if let Some(where_clause) = &sig.generics.where_clause {
        errors.push(syn::Error::new(
            where_clause.span(),
            "a callback handler cannot have a `where` clause",
        ));
    }
    for arg in &sig.inputs {
        if let syn::FnArg::Receiver(receiver) = arg {
            errors.push(syn::Error::new(
                receiver.span(),
                "a callback handler is a free function: it cannot take `self`",
            ));
        }
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new(
            variadic.span(),
            "a callback handler cannot be variadic",
        ));
    }

    errors.into_iter().reduce(|mut all, e| {
        all.combine(e);
        all
    })
}
