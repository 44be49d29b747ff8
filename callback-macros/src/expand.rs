//! What a handler attribute expands to: the function unchanged, a companion
//! type of the same name, and the runtime trait impls for it.

use crate::ast::HandlerFn;
use crate::{runtime, valid};
use callback_spec::{Event, HandlerArgs, parse_args};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

/// Expands one handler attribute. On any error, the original item is
/// emitted as well, so the rest of the crate (and the IDE) still sees it.
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
        (Ok(args), None) => generate(event, &args, &handler),
        (args, signature) => {
            let err = combine(args.err(), signature).expect("one error at least");
            let item = &handler.item;
            with_errors(quote!(#item), err)
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

fn generate(event: Event, args: &HandlerArgs, handler: &HandlerFn) -> TokenStream {
    let rt = runtime::private_path();
    let item = &handler.item;
    let vis = &item.vis;
    let name = &item.sig.ident;
    let name_str = name.to_string();
    let path = args.resolved_path(event);
    let event_variant = format_ident!("{}", variant_name(event));

    // Locals get mixed-site hygiene: no user name can collide with them.
    let arg_names: Vec<_> = (0..handler.arg_types.len())
        .map(|i| syn::Ident::new(&format!("__arg{i}"), Span::mixed_site()))
        .collect();
    let extractions = handler.arg_types.iter().zip(&arg_names).map(|(ty, arg)| {
        quote_spanned! {ty.span()=>
            let #arg = <#ty as #rt::FromCallback>::from_callback(__cx)?;
        }
    });
    let state_checks = handler.arg_types.iter().map(|ty| {
        quote_spanned! {ty.span()=>
            <#ty as #rt::FromCallback>::check_state(__state)?;
        }
    });
    let into_result = quote_spanned! {handler.return_span=>
        #rt::IntoHandlerResult::into_handler_result
    };

    quote! {
        #item

        #[doc(hidden)]
        #[allow(non_camel_case_types, missing_docs, unreachable_pub)]
        #vis struct #name {}

        impl #rt::StaticHandler for #name {
            const INFO: #rt::HandlerInfo = #rt::HandlerInfo {
                event: #rt::Event::#event_variant,
                path: #path,
                name: #name_str,
                module: ::core::module_path!(),
            };
            const HANDLER: &'static dyn #rt::Handler = &#name {};
        }

        impl #rt::Handler for #name {
            fn info(&self) -> &'static #rt::HandlerInfo {
                const INFO: &#rt::HandlerInfo = &<#name as #rt::StaticHandler>::INFO;
                INFO
            }

            fn check_state(
                &self,
                __state: &#rt::StateMap,
            ) -> #rt::Result<(), #rt::MissingState> {
                #(#state_checks)*
                #rt::Result::Ok(())
            }

            fn call(
                &self,
                __cx: &#rt::CallContext<'_>,
            ) -> #rt::Result<#rt::HandlerFuture, #rt::Rejection> {
                #(#extractions)*
                #rt::Result::Ok(#rt::Box::pin(async move {
                    #into_result(#name(#(#arg_names),*).await)
                }))
            }
        }
    }
}

/// The `Event` variant's name, as the runtime spells it.
fn variant_name(event: Event) -> String {
    format!("{event:?}")
}
