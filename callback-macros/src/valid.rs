//! The rules a handler's signature must follow, all checked at once.
//!
//! Each error covers the offending tokens (`new_spanned`, so the whole
//! `<T>` or `&self` is underlined on stable too) and says how to fix it.

use crate::ast::HandlerFn;
use crate::ctxt::Ctxt;
use syn::{GenericArgument, PathArguments, ReturnType, Type};

/// Adds every problem with the signature to `cx`.
pub(crate) fn check(cx: &Ctxt, handler: &HandlerFn) {
    let sig = &handler.item.sig;
    let attribute = handler.trigger.attribute();
    let noun = handler.trigger.noun();

    if sig.asyncness.is_none() {
        cx.syn_error(syn::Error::new(
            sig.fn_token.span,
            format!("`#[{attribute}]` handlers must be `async fn`; add `async` before `fn`"),
        ));
    }
    if let Some(constness) = &sig.constness {
        cx.syn_error(syn::Error::new(
            constness.span,
            format!("a {noun} cannot be `const`; remove `const`"),
        ));
    }
    if let Some(unsafety) = &sig.unsafety {
        cx.syn_error(syn::Error::new(
            unsafety.span,
            format!(
                "a {noun} cannot be `unsafe`; remove `unsafe` (put unsafe code in an \
                 `unsafe {{ ... }}` block inside the handler)"
            ),
        ));
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned_by(
            abi,
            format!("a {noun} cannot have an `extern` ABI; remove it"),
        );
    }
    if !sig.generics.params.is_empty() {
        cx.error_spanned_by(
            &sig.generics,
            format!(
                "a {noun} cannot be generic; remove the generic parameters and use concrete \
                 types (for shared state, `State<YourType>`)"
            ),
        );
    }
    if let Some(where_clause) = &sig.generics.where_clause {
        cx.error_spanned_by(
            where_clause,
            format!("a {noun} cannot have a `where` clause; remove it and use concrete types"),
        );
    }
    for arg in &sig.inputs {
        match arg {
            syn::FnArg::Receiver(receiver) => cx.error_spanned_by(
                receiver,
                format!(
                    "a {noun} is a free function: it cannot take `self`; move it out of the \
                     `impl` block and take what it needs as arguments (shared values as \
                     `State<YourType>`)"
                ),
            ),
            syn::FnArg::Typed(arg) => {
                if let Some(impl_trait) = find_impl_trait(&arg.ty) {
                    cx.error_spanned_by(
                        impl_trait,
                        format!(
                            "a {noun} argument cannot be `impl Trait`; name a concrete type \
                             that implements `{}`",
                            handler.trigger.extractor()
                        ),
                    );
                }
            }
        }
    }
    if let ReturnType::Type(_, ty) = &sig.output
        && let Some(impl_trait) = find_impl_trait(ty)
    {
        cx.error_spanned_by(
            impl_trait,
            format!(
                "a {noun} cannot return `impl Trait`; return `()` or `Result<(), E>` \
                 where `E: Display`"
            ),
        );
    }
    if let Some(variadic) = &sig.variadic {
        cx.error_spanned_by(
            variadic,
            format!("a {noun} cannot be variadic; remove the `...`"),
        );
    }
}

/// The first `impl Trait` anywhere in `ty`: the generated code names each
/// argument and return type, which `impl Trait` cannot be.
fn find_impl_trait(ty: &Type) -> Option<&Type> {
    match ty {
        Type::ImplTrait(_) => Some(ty),
        Type::Array(t) => find_impl_trait(&t.elem),
        Type::Group(t) => find_impl_trait(&t.elem),
        Type::Paren(t) => find_impl_trait(&t.elem),
        Type::Ptr(t) => find_impl_trait(&t.elem),
        Type::Reference(t) => find_impl_trait(&t.elem),
        Type::Slice(t) => find_impl_trait(&t.elem),
        Type::Tuple(t) => t.elems.iter().find_map(find_impl_trait),
        Type::Path(t) => t
            .path
            .segments
            .iter()
            .filter_map(|segment| match &segment.arguments {
                PathArguments::AngleBracketed(args) => Some(args),
                _ => None,
            })
            .flat_map(|args| &args.args)
            .find_map(|arg| match arg {
                GenericArgument::Type(t) => find_impl_trait(t),
                _ => None,
            }),
        _ => None,
    }
}
