//! What a handler attribute expands to: the function unchanged, a companion
//! type of the same name, and the runtime trait impls for it.

use crate::ast::{HandlerFn, Read, Trigger};
use crate::ctxt::Ctxt;
use crate::{runtime, valid};
use callback_spec::{DeskEventArgs, DeskEventSelector, Event, ThreadDirection};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;

/// Expands one callback attribute.
pub(crate) fn handler(event: Event, args: TokenStream, item: TokenStream) -> TokenStream {
    let cx = Ctxt::new();
    let read = HandlerFn::callback(&cx, event, args, item.clone());
    finish(cx, read, item)
}

/// Expands one `#[desk_event(...)]` attribute.
pub(crate) fn desk_event(args: TokenStream, item: TokenStream) -> TokenStream {
    let cx = Ctxt::new();
    let read = HandlerFn::desk(&cx, args, item.clone());
    finish(cx, read, item)
}

/// Checks a handler read from its attribute (`valid`) and generates it.
///
/// On any error the original item is emitted as well, so the rest of the
/// crate (and the IDE) still sees it; when that item is a free function, so
/// is a stub companion type, so that a list naming it (`callbacks![...]`)
/// adds no error of its own.
fn finish(cx: Ctxt, read: Read, item: TokenStream) -> TokenStream {
    if let Read::Handler(handler) = &read {
        valid::check(&cx, handler);
    }
    match (read, cx.check()) {
        (Read::Handler(handler), Ok(())) => companion(&handler, Body::Calls),
        // In an `impl` block, where no struct may be declared.
        (Read::Handler(handler), Err(err)) if handler.item.sig.receiver().is_some() => {
            let item = &handler.item;
            with_errors(quote!(#item), err)
        }
        (Read::Handler(handler), Err(err)) => {
            with_errors(companion(&handler, Body::Unreachable), err)
        }
        // Its other attribute makes the companion.
        (Read::Twice(item), Err(err)) => with_errors(quote!(#item), err),
        (Read::NotAFunction, Err(err)) => with_errors(item, err),
        (Read::Twice(_) | Read::NotAFunction, Ok(())) => {
            unreachable!("a handler that is not read has an error")
        }
    }
}

fn with_errors(item: TokenStream, err: syn::Error) -> TokenStream {
    let errors = err.to_compile_error();
    quote!(#item #errors)
}

/// What the generated handler methods do.
enum Body {
    /// Extract the arguments and call the function.
    Calls,
    /// Nothing: the signature is invalid and compilation fails anyway; the
    /// companion only keeps other references to the handler resolving.
    Unreachable,
}

/// The names the generated code declares. Every local and lifetime has
/// mixed-site hygiene: no name in the user's code (a function called
/// `__cx`, say) can collide with it.
struct Locals {
    cx: syn::Ident,
    state: syn::Ident,
    lifetime: syn::Lifetime,
}

impl Locals {
    fn new() -> Self {
        Locals {
            cx: syn::Ident::new("__cx", Span::mixed_site()),
            state: syn::Ident::new("__state", Span::mixed_site()),
            lifetime: syn::Lifetime::new("'__cx", Span::mixed_site()),
        }
    }
}

/// The function unchanged, its companion type, and the runtime trait impls.
fn companion(handler: &HandlerFn, body: Body) -> TokenStream {
    let rt = runtime::private_path();
    let item = &handler.item;
    let vis = &item.vis;
    let name = &item.sig.ident;
    let locals = Locals::new();
    let Locals {
        cx,
        state,
        lifetime,
    } = &locals;

    let extractor = match handler.trigger {
        Trigger::Callback { .. } => Extractor {
            tr: "FromCallback",
            method: "from_callback",
        },
        Trigger::Desk(_) => Extractor {
            tr: "FromDeskEvent",
            method: "from_desk_event",
        },
    };
    let (check_state_body, call_body) = match body {
        Body::Calls => calls(&rt, handler, &extractor, &locals),
        Body::Unreachable => {
            let unreachable = quote!(::core::unreachable!());
            (unreachable.clone(), unreachable)
        }
    };
    let (static_trait, handler_trait, info_type, context) = match handler.trigger {
        Trigger::Callback { .. } => (
            quote!(#rt::StaticHandler),
            quote!(#rt::Handler),
            quote!(#rt::HandlerInfo),
            quote!(#rt::CallContext),
        ),
        Trigger::Desk(_) => (
            quote!(#rt::StaticDeskHandler),
            quote!(#rt::DeskHandler),
            quote!(#rt::DeskHandlerInfo),
            quote!(#rt::DeskContext),
        ),
    };
    let info = info(&rt, handler);

    quote! {
        #item

        #[doc(hidden)]
        #[allow(non_camel_case_types, missing_docs, unreachable_pub)]
        #vis struct #name {}

        #[automatically_derived]
        #[allow(deprecated)]
        impl #static_trait for #name {
            const INFO: &'static #info_type = &#info;
            const HANDLER: &'static dyn #handler_trait = &#name {};
        }

        #[automatically_derived]
        #[allow(deprecated)]
        impl #handler_trait for #name {
            fn info(&self) -> &'static #info_type {
                <#name as #static_trait>::INFO
            }

            fn check_state(
                &self,
                #state: &#rt::StateMap,
            ) -> #rt::Result<(), #rt::MissingState> {
                #check_state_body
            }

            fn call<#lifetime>(
                &#lifetime self,
                #cx: &#lifetime #context<#lifetime>,
            ) -> #rt::HandlerFuture<#lifetime> {
                #call_body
            }
        }
    }
}

/// The handler's description, as a constant expression.
fn info(rt: &TokenStream, handler: &HandlerFn) -> TokenStream {
    let name_str = handler.item.sig.ident.unraw().to_string();
    match &handler.trigger {
        Trigger::Callback { event, path } => {
            let event_variant = format_ident!("{}", variant_name(event));
            quote! {
                #rt::HandlerInfo::new(
                    #rt::Event::#event_variant,
                    #path,
                    #name_str,
                    ::core::module_path!(),
                )
            }
        }
        Trigger::Desk(args) => desk_info(rt, args, &name_str),
    }
}

/// A `DeskHandlerInfo` literal: every string borrowed, so that it is a
/// constant.
fn desk_info(rt: &TokenStream, args: &DeskEventArgs, name: &str) -> TokenStream {
    let DeskEventArgs {
        event,
        include_prev_state,
        fields,
        direction,
        webhook,
        path,
    } = args;
    let event = match event {
        DeskEventSelector::Type(ty) => {
            let variant = format_ident!("{}", variant_name(ty));
            quote!(#rt::DeskEventSelector::Type(#rt::DeskEventType::#variant))
        }
        DeskEventSelector::Any => quote!(#rt::DeskEventSelector::Any),
    };
    let direction = match direction {
        Some(ThreadDirection::In) => quote!(#rt::Option::Some(#rt::ThreadDirection::In)),
        Some(ThreadDirection::Out) => quote!(#rt::Option::Some(#rt::ThreadDirection::Out)),
        None => quote!(#rt::Option::None),
    };
    quote! {
        #rt::DeskHandlerInfo {
            webhook: #rt::Cow::Borrowed(#webhook),
            path: #rt::Cow::Borrowed(#path),
            event: #event,
            include_prev_state: #include_prev_state,
            fields: #rt::Cow::Borrowed(&[#(#rt::Cow::Borrowed(#fields)),*]),
            direction: #direction,
            name: #rt::Cow::Borrowed(#name),
            module: #rt::Cow::Borrowed(::core::module_path!()),
        }
    }
}

/// The trait each argument is extracted with, and its method, by name:
/// each use is spanned on the argument's type, so that an error about a
/// missing impl points there alone.
struct Extractor {
    tr: &'static str,
    method: &'static str,
}

/// The bodies of `check_state` and `call` for a valid handler. Each use of a
/// user's type is spanned on that type, so that a type the framework cannot
/// provide or return is reported there, naming the missing trait.
fn calls(
    rt: &TokenStream,
    handler: &HandlerFn,
    extractor: &Extractor,
    locals: &Locals,
) -> (TokenStream, TokenStream) {
    let Extractor { tr, method } = extractor;
    let Locals { cx, state, .. } = locals;
    let name = &handler.item.sig.ident;
    let arg_names: Vec<_> = (0..handler.arg_types.len())
        .map(|i| syn::Ident::new(&format!("__arg{i}"), Span::mixed_site()))
        .collect();
    let spanned = |name: &str, ty: &syn::Type| syn::Ident::new(name, ty.span());
    let extractions = handler.arg_types.iter().zip(&arg_names).map(|(ty, arg)| {
        let (tr, method) = (spanned(tr, ty), spanned(method, ty));
        quote_spanned! {ty.span()=>
            let #arg = <#ty as #rt::#tr>::#method(#cx).await?;
        }
    });
    let state_checks = handler.arg_types.iter().map(|ty| {
        let tr = spanned(tr, ty);
        quote_spanned! {ty.span()=>
            <#ty as #rt::#tr>::check_state(#state)?;
        }
    });
    let output = &handler.output;
    let returned = syn::Ident::new("__returned", Span::mixed_site());
    let into_result = quote_spanned! {output.span()=>
        <#output as #rt::IntoHandlerResult>::into_handler_result(#returned)
    };

    let check_state = quote! {
        #(#state_checks)*
        #rt::Result::Ok(())
    };
    let call = quote! {
        #rt::Box::pin(async move {
            #(#extractions)*
            let #returned = #name(#(#arg_names),*).await;
            #rt::handler_result(#into_result)
        })
    };
    (check_state, call)
}

/// A variant's name, as the runtime's enum spells it (`Install`,
/// `TicketAdd`).
fn variant_name(value: &impl std::fmt::Debug) -> String {
    format!("{value:?}")
}
