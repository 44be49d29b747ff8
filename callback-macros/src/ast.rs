//! The annotated item and its attribute, read into the one model that
//! `valid` checks and `expand` turns into code.

use crate::ctxt::Ctxt;
use callback_spec::{
    DEFAULT_WEBHOOK, DeskEventArgs, DeskEventSelector, Event, default_path, default_webhook_path,
    handler_attribute_name, parse_args, parse_desk_args,
};
use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, ReturnType, Type};

/// What runs a handler: a platform event callback, or Desk events.
pub(crate) enum Trigger {
    /// `#[on_install]` and the other callback attributes.
    Callback {
        /// The event the attribute handles.
        event: Event,
        /// The path: the attribute's `path`, or the event's default path
        /// (also when the arguments are invalid, so that expansion can go
        /// on and report every error at once).
        path: String,
    },
    /// `#[desk_event(...)]`, its arguments resolved (a catch-all at the
    /// default webhook when they are invalid, for the same reason).
    Desk(DeskEventArgs),
}

impl Trigger {
    /// The attribute's name, as messages write it: `on_install`,
    /// `desk_event`.
    pub(crate) fn attribute(&self) -> &'static str {
        match self {
            Trigger::Callback { event, .. } => event.attribute_name(),
            Trigger::Desk(_) => callback_spec::DESK_EVENT_ATTRIBUTE,
        }
    }

    /// What messages call the function: "callback handler".
    pub(crate) fn noun(&self) -> &'static str {
        match self {
            Trigger::Callback { .. } => "callback handler",
            Trigger::Desk(_) => "Desk event handler",
        }
    }

    /// The trait each argument implements, as messages name it.
    pub(crate) fn extractor(&self) -> &'static str {
        match self {
            Trigger::Callback { .. } => "FromCallback",
            Trigger::Desk(_) => "FromDeskEvent",
        }
    }

    /// The attribute as an example, with what a handler looks like.
    fn example(&self) -> String {
        match self {
            Trigger::Callback { event, .. } => format!(
                "#[{}] async fn handler(cb: Callback) {{ ... }}",
                event.attribute_name()
            ),
            Trigger::Desk(_) => {
                "#[desk_event(Ticket_Add)] async fn handler(event: DeskEvent) { ... }".to_owned()
            }
        }
    }
}

/// A function annotated with a handler attribute, and what the attribute says.
pub(crate) struct HandlerFn {
    /// What runs it, and where it is mounted.
    pub(crate) trigger: Trigger,
    /// The function, emitted unchanged.
    pub(crate) item: ItemFn,
    /// The type of each typed argument (receivers are refused in `valid`).
    pub(crate) arg_types: Vec<Type>,
    /// The declared return type, or `()` spanned on the parentheses' end
    /// when there is none. The generated code names it, so that an error
    /// about it points at the user's return type.
    pub(crate) output: Type,
}

/// What reading an annotated item gave.
pub(crate) enum Read {
    /// A function, to check and expand.
    Handler(Box<HandlerFn>),
    /// A function that carries another handler attribute as well: emitted
    /// unchanged (with its other attribute, which expands on its own), the
    /// error in `cx`.
    Twice(Box<ItemFn>),
    /// Not a function; the error is in `cx`.
    NotAFunction,
}

impl HandlerFn {
    /// Reads a callback attribute's arguments and the item. Every problem
    /// goes into `cx`.
    pub(crate) fn callback(cx: &Ctxt, event: Event, args: TokenStream, item: TokenStream) -> Read {
        let path = match parse_args(args) {
            Ok(args) => args.resolved_path(event),
            Err(err) => {
                cx.syn_error(err);
                default_path(event)
            }
        };
        HandlerFn::read(cx, Trigger::Callback { event, path }, item)
    }

    /// Reads a `#[desk_event(...)]` attribute's arguments and the item.
    /// Every problem goes into `cx`.
    pub(crate) fn desk(cx: &Ctxt, args: TokenStream, item: TokenStream) -> Read {
        let args = match parse_desk_args(args, Span::call_site()) {
            Ok(args) => args,
            Err(err) => {
                cx.syn_error(err);
                DeskEventArgs {
                    event: DeskEventSelector::Any,
                    include_prev_state: false,
                    fields: Vec::new(),
                    direction: None,
                    webhook: DEFAULT_WEBHOOK.to_owned(),
                    path: default_webhook_path(DEFAULT_WEBHOOK),
                }
            }
        };
        HandlerFn::read(cx, Trigger::Desk(args), item)
    }

    fn read(cx: &Ctxt, trigger: Trigger, item: TokenStream) -> Read {
        let attribute = trigger.attribute();
        let item: syn::Item = match syn::parse2(item) {
            Ok(item) => item,
            Err(err) => {
                cx.syn_error(err);
                return Read::NotAFunction;
            }
        };
        let syn::Item::Fn(item) = item else {
            let (span, what) = item_keyword(&item);
            cx.syn_error(syn::Error::new(
                span,
                format!(
                    "`#[{attribute}]` goes on an `async fn`, not on {what}; write `{}`",
                    trigger.example()
                ),
            ));
            return Read::NotAFunction;
        };
        let other = item
            .attrs
            .iter()
            .find_map(|a| handler_attribute_name(a).map(|name| (a, name)));
        if let Some((other, name)) = other {
            cx.error_spanned_by(
                other,
                format!(
                    "`{}` has two handler attributes, `#[{attribute}]` and `#[{name}]`; keep one \
                     (a function handles one event: write one function per event, or for Desk \
                     events one `#[desk_event(any)]` catch-all)",
                    item.sig.ident
                ),
            );
            return Read::Twice(Box::new(item));
        }
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
        Read::Handler(Box::new(HandlerFn {
            trigger,
            item,
            arg_types,
            output,
        }))
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
