//! The annotated item and its attribute, read into the one model that
//! `valid` checks and `expand` turns into code.

use crate::ctxt::Ctxt;
use callback_spec::{Event, default_path, parse_args};
use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, ReturnType, Type};

/// A function annotated with a handler attribute, and what the attribute says.
pub(crate) struct HandlerFn {
    /// The event the attribute handles.
    pub(crate) event: Event,
    /// The path: the attribute's `path`, or the event's default path (also
    /// when the arguments are invalid, so that expansion can go on and
    /// report every error at once).
    pub(crate) path: String,
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
    /// Reads the attribute's arguments and the item. Every problem goes into
    /// `cx`; `None` when the item is not a function at all.
    pub(crate) fn from_tokens(
        cx: &Ctxt,
        event: Event,
        args: TokenStream,
        item: TokenStream,
    ) -> Option<HandlerFn> {
        let path = match parse_args(args) {
            Ok(args) => args.resolved_path(event),
            Err(err) => {
                cx.syn_error(err);
                default_path(event)
            }
        };
        let attribute = event.attribute_name();
        let item: syn::Item = match syn::parse2(item) {
            Ok(item) => item,
            Err(err) => {
                cx.syn_error(err);
                return None;
            }
        };
        let syn::Item::Fn(item) = item else {
            let (span, what) = item_keyword(&item);
            cx.syn_error(syn::Error::new(
                span,
                format!(
                    "`#[{attribute}]` goes on an `async fn`, not on {what}; \
                     write `#[{attribute}] async fn handler(cb: Callback) {{ ... }}`"
                ),
            ));
            return None;
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
        Some(HandlerFn {
            event,
            path,
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
