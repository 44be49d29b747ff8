//! What a handler attribute expands to: the function unchanged, a companion
//! type of the same name, and the runtime trait impls for it.

use crate::ast::HandlerFn;
use crate::{runtime, valid};
use callback_spec::{Event, default_path, parse_args};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;

/// Expands one handler attribute. On any error, the original item is
/// emitted as well, so the rest of the crate (and the IDE) still sees it;
/// when that item is a free function, so is a stub companion type, so that
/// `callbacks![...]` naming it adds no error of its own.
pub(crate) fn handler(event: Event, args: TokenStream, item: TokenStream) -> TokenStream {
    let attribute = event.attribute_name();
    let args = parse_args(args);
    let handler = match HandlerFn::parse(item.clone(), attribute) {
        Ok(handler) => handler,
        Err(err) => {
            let err = combine(args.err(), Some(err)).expect("one error at least");
            return with_errors(item, err);
        }
    };
    let signature = valid::check(&handler, attribute);
    match (args, signature) {
        (Ok(args), None) => {
            let path = args.resolved_path(event);
            companion(event, &path, &handler, Body::Calls)
        }
        (args, signature) => {
            let path = match &args {
                Ok(args) => args.resolved_path(event),
                Err(_) => default_path(event),
            };
            let err = combine(args.err(), signature).expect("one error at least");
            let expanded = match handler.item.sig.receiver() {
                // In an `impl` block, where no struct may be declared.
                Some(_) => {
                    let item = &handler.item;
                    quote!(#item)
                }
                None => companion(event, &path, &handler, Body::Unreachable),
            };
            with_errors(expanded, err)
        }
    }
}

fn combine(a: Option<syn::Error>, b: Option<syn::Error>) -> Option<syn::Error> {
    match (a, b) {
        (Some(mut a), Some(b)) => {
            a.combine(b);
            Some(a)
        }
        (a, b) => a.or(b),
    }
}

fn with_errors(item: TokenStream, err: syn::Error) -> TokenStream {
    let errors = err.to_compile_error();
    quote!(#item #errors)
}

/// What the generated `Handler` methods do.
enum Body {
    /// Extract the arguments and call the function.
    Calls,
    /// Nothing: the signature is invalid and compilation fails anyway; the
    /// companion only keeps other references to the handler resolving.
    Unreachable,
}

/// The function unchanged, its companion type, and the runtime trait impls.
fn companion(event: Event, path: &str, handler: &HandlerFn, body: Body) -> TokenStream {
    let rt = runtime::private_path();
    let item = &handler.item;
    let vis = &item.vis;
    let name = &item.sig.ident;
    let name_str = name.unraw().to_string();
    let event_variant = format_ident!("{}", variant_name(event));

    // Every local of the generated code has mixed-site hygiene: no name in
    // the user's code (a function called `__cx`, say) can collide with it.
    let cx = syn::Ident::new("__cx", Span::mixed_site());
    let state = syn::Ident::new("__state", Span::mixed_site());
    let (check_state_body, call_body) = match body {
        Body::Calls => calls(&rt, handler, &cx, &state),
        Body::Unreachable => {
            let unreachable = quote!(::core::unreachable!());
            (unreachable.clone(), unreachable)
        }
    };

    quote! {
        #item

        #[doc(hidden)]
        #[allow(non_camel_case_types, missing_docs, unreachable_pub)]
        #vis struct #name {}

        #[allow(deprecated)]
        impl #rt::StaticHandler for #name {
            const INFO: #rt::HandlerInfo = #rt::HandlerInfo {
                event: #rt::Event::#event_variant,
                path: #path,
                name: #name_str,
                module: ::core::module_path!(),
            };
            const HANDLER: &'static dyn #rt::Handler = &#name {};
        }

        #[allow(deprecated)]
        impl #rt::Handler for #name {
            fn info(&self) -> &'static #rt::HandlerInfo {
                const INFO: &#rt::HandlerInfo = &<#name as #rt::StaticHandler>::INFO;
                INFO
            }

            fn check_state(
                &self,
                #state: &#rt::StateMap,
            ) -> #rt::Result<(), #rt::MissingState> {
                #check_state_body
            }

            fn call(
                &self,
                #cx: &#rt::CallContext<'_>,
            ) -> #rt::Result<#rt::HandlerFuture, #rt::Rejection> {
                #call_body
            }
        }
    }
}

/// The bodies of `check_state` and `call` for a valid handler. Each use of a
/// user's type is spanned on that type, so that a type the framework cannot
/// provide or return is reported there, naming the missing trait.
fn calls(
    rt: &TokenStream,
    handler: &HandlerFn,
    cx: &syn::Ident,
    state: &syn::Ident,
) -> (TokenStream, TokenStream) {
    let name = &handler.item.sig.ident;
    let arg_names: Vec<_> = (0..handler.arg_types.len())
        .map(|i| syn::Ident::new(&format!("__arg{i}"), Span::mixed_site()))
        .collect();
    let extractions = handler.arg_types.iter().zip(&arg_names).map(|(ty, arg)| {
        quote_spanned! {ty.span()=>
            let #arg = <#ty as #rt::FromCallback>::from_callback(#cx)?;
        }
    });
    let state_checks = handler.arg_types.iter().map(|ty| {
        quote_spanned! {ty.span()=>
            <#ty as #rt::FromCallback>::check_state(#state)?;
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
        #(#extractions)*
        #rt::Result::Ok(#rt::Box::pin(async move {
            let #returned = #name(#(#arg_names),*).await;
            #into_result
        }))
    };
    (check_state, call)
}

/// The `Event` variant's name, as the runtime spells it.
fn variant_name(event: Event) -> String {
    format!("{event:?}")
}
