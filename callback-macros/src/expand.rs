//! What a handler attribute expands to: the function unchanged, a companion
//! type of the same name, and the runtime trait impls for it.

use crate::ast::HandlerFn;
use crate::ctxt::Ctxt;
use crate::{runtime, valid};
use callback_spec::Event;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;

/// Expands one handler attribute: read (`ast`), check (`valid`), generate.
///
/// On any error the original item is emitted as well, so the rest of the
/// crate (and the IDE) still sees it; when that item is a free function, so
/// is a stub companion type, so that `callbacks![...]` naming it adds no
/// error of its own.
pub(crate) fn handler(event: Event, args: TokenStream, item: TokenStream) -> TokenStream {
    let cx = Ctxt::new();
    let handler = HandlerFn::from_tokens(&cx, event, args, item.clone());
    if let Some(handler) = &handler {
        valid::check(&cx, handler);
    }
    match (handler, cx.check()) {
        (Some(handler), Ok(())) => companion(&handler, Body::Calls),
        // In an `impl` block, where no struct may be declared.
        (Some(handler), Err(err)) if handler.item.sig.receiver().is_some() => {
            let item = &handler.item;
            with_errors(quote!(#item), err)
        }
        (Some(handler), Err(err)) => with_errors(companion(&handler, Body::Unreachable), err),
        (None, Err(err)) => with_errors(item, err),
        (None, Ok(())) => unreachable!("a handler that is not read has an error"),
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
fn companion(handler: &HandlerFn, body: Body) -> TokenStream {
    let (event, path) = (handler.event, &handler.path);
    let rt = runtime::private_path();
    let item = &handler.item;
    let vis = &item.vis;
    let name = &item.sig.ident;
    let name_str = name.unraw().to_string();
    let event_variant = format_ident!("{}", variant_name(event));

    // Every local and lifetime of the generated code has mixed-site
    // hygiene: no name in the user's code (a function called `__cx`, say)
    // can collide with it.
    let cx = syn::Ident::new("__cx", Span::mixed_site());
    let state = syn::Ident::new("__state", Span::mixed_site());
    let lifetime = syn::Lifetime::new("'__cx", Span::mixed_site());
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

        #[automatically_derived]
        #[allow(deprecated)]
        impl #rt::StaticHandler for #name {
            const INFO: &'static #rt::HandlerInfo = &#rt::HandlerInfo::new(
                #rt::Event::#event_variant,
                #path,
                #name_str,
                ::core::module_path!(),
            );
            const HANDLER: &'static dyn #rt::Handler = &#name {};
        }

        #[automatically_derived]
        #[allow(deprecated)]
        impl #rt::Handler for #name {
            fn info(&self) -> &'static #rt::HandlerInfo {
                <#name as #rt::StaticHandler>::INFO
            }

            fn check_state(
                &self,
                #state: &#rt::StateMap,
            ) -> #rt::Result<(), #rt::MissingState> {
                #check_state_body
            }

            fn call<#lifetime>(
                &#lifetime self,
                #cx: &#lifetime #rt::CallContext<#lifetime>,
            ) -> #rt::HandlerFuture<#lifetime> {
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
            let #arg = <#ty as #rt::FromCallback>::from_callback(#cx).await?;
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
        #rt::Box::pin(async move {
            #(#extractions)*
            let #returned = #name(#(#arg_names),*).await;
            #rt::handler_result(#into_result)
        })
    };
    (check_state, call)
}

/// The `Event` variant's name, as the runtime spells it.
fn variant_name(event: Event) -> String {
    format!("{event:?}")
}
