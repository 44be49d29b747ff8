//! The handler attribute grammar: `#[on_install]` or `#[on_install(path = "/x")]`.
//!
//! Parsed here, once, for both the attribute macros and the build-time
//! scanner. Every problem in one attribute is reported, combined into one
//! [`syn::Error`].

use crate::{Event, default_path, validate_path};
use proc_macro2::{Span, TokenStream};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, LitStr, Meta, Token};

/// The arguments of one handler attribute.
#[derive(Clone, Debug)]
pub struct HandlerArgs {
    /// The `path = "..."` argument, if given.
    pub path: Option<LitStr>,
}

impl HandlerArgs {
    /// The path the handler is mounted at: the explicit one, or the default
    /// for `event`.
    pub fn resolved_path(&self, event: Event) -> String {
        match &self.path {
            Some(lit) => lit.value(),
            None => default_path(event),
        }
    }
}

/// Parses the tokens inside an attribute's parentheses (empty for a bare
/// `#[on_install]`).
///
/// Errors, all reported together: a bare literal (`"/x"` for `path = "/x"`),
/// an argument other than `path`, `path` given
/// twice, a `path` that is not a string literal, and a string that
/// [`validate_path`] rejects (spanned on the string).
pub fn parse_args(tokens: TokenStream) -> syn::Result<HandlerArgs> {
    let args = (|input: ParseStream<'_>| {
        Punctuated::<_, Token![,]>::parse_terminated_with(input, parse_arg)
    })
    .parse2(tokens)?;
    let mut path: Option<LitStr> = None;
    let mut errors: Option<syn::Error> = None;
    let mut push = |e: syn::Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };

    for arg in args {
        let meta = match arg {
            Ok(meta) => meta,
            Err(e) => {
                push(e);
                continue;
            }
        };
        if !meta.path().is_ident("path") {
            let name = meta
                .path()
                .get_ident()
                .map_or_else(|| "this".to_owned(), |i| format!("`{i}`"));
            push(syn::Error::new_spanned(
                meta.path(),
                format!("unknown argument {name}; the only argument is `path = \"/your/path\"`"),
            ));
            continue;
        }
        let lit = match &meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => s.clone(),
                other => {
                    push(syn::Error::new_spanned(
                        other,
                        "`path` takes a string literal, for example `path = \"/zoho/callbacks\"`",
                    ));
                    continue;
                }
            },
            _ => {
                push(syn::Error::new_spanned(
                    &meta,
                    "write `path = \"/your/path\"`",
                ));
                continue;
            }
        };
        if path.is_some() {
            push(syn::Error::new(
                meta.path().span(),
                "`path` is given more than once; keep one",
            ));
            continue;
        }
        if let Err(e) = validate_path(&lit.value()) {
            push(syn::Error::new(lit.span(), e));
        }
        path = Some(lit);
    }

    match errors {
        Some(e) => Err(e),
        None => Ok(HandlerArgs { path }),
    }
}

/// One comma-separated argument: `name = value` (or any other [`Meta`]); a
/// bare literal such as `"/x"` (the actix-web habit) is refused, with the
/// named form to write instead, without stopping the parse.
fn parse_arg(input: ParseStream<'_>) -> syn::Result<syn::Result<Meta>> {
    if !input.peek(Lit) {
        return input.parse().map(Ok);
    }
    let lit: Lit = input.parse()?;
    let fix = match &lit {
        Lit::Str(s) => format!("path = {:?}", s.value()),
        _ => "path = \"/your/path\"".to_owned(),
    };
    Ok(Err(syn::Error::new_spanned(
        lit,
        format!("name the argument: write `{fix}`"),
    )))
}

/// A handler attribute found on an item: which event, and its arguments.
#[derive(Debug)]
pub struct HandlerAttr {
    /// The event the attribute names.
    pub event: Event,
    /// The parsed arguments, or what is wrong with them.
    pub args: syn::Result<HandlerArgs>,
    /// Where the attribute is, for error reports.
    pub span: Span,
}

/// Recognises one of our attributes by the last segment of its path, in any
/// import form (`#[on_install]`, `#[callback_actix::on_install]`,
/// `#[prelude::on_install(path = "/x")]`), and parses its arguments.
///
/// Returns `None` for any other attribute.
pub fn recognise_attribute(attr: &syn::Attribute) -> Option<HandlerAttr> {
    let last = attr.path().segments.last()?;
    let event = Event::from_attribute_name(&last.ident.to_string())?;
    let args = match &attr.meta {
        Meta::Path(_) => Ok(HandlerArgs { path: None }),
        Meta::List(list) => parse_args(list.tokens.clone()),
        Meta::NameValue(nv) => Err(syn::Error::new(
            nv.eq_token.span,
            format!(
                "write `#[{}]` or `#[{}(path = \"/your/path\")]`",
                event.attribute_name(),
                event.attribute_name()
            ),
        )),
    };
    Some(HandlerAttr {
        event,
        args,
        span: attr.span(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn messages(err: syn::Error) -> Vec<String> {
        err.into_iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn empty_args_mean_the_default_path() {
        let args = parse_args(TokenStream::new()).unwrap();
        assert!(args.path.is_none());
        assert_eq!(
            args.resolved_path(Event::Uninstall),
            "/callbacks/onUninstall"
        );
    }

    #[test]
    fn explicit_path_wins() {
        let args = parse_args(quote!(path = "/zoho/config")).unwrap();
        assert_eq!(args.resolved_path(Event::ConfigParamAdd), "/zoho/config");
    }

    #[test]
    fn all_problems_are_reported_at_once() {
        let err =
            parse_args(quote!(route = "/a", path = "nope", path = "/b", path = 3)).unwrap_err();
        assert_eq!(
            messages(err),
            [
                "unknown argument `route`; the only argument is `path = \"/your/path\"`",
                "a callback path must start with `/`; write \"/nope\"",
                "`path` is given more than once; keep one",
                "`path` takes a string literal, for example `path = \"/zoho/callbacks\"`",
            ]
        );
    }

    #[test]
    fn a_bare_string_is_refused_with_the_named_form() {
        let err = parse_args(quote!("/zoho/install")).unwrap_err();
        assert_eq!(
            messages(err),
            ["name the argument: write `path = \"/zoho/install\"`"]
        );
    }

    #[test]
    fn recognises_every_import_form() {
        let attrs: Vec<syn::Attribute> = vec![
            syn::parse_quote!(#[on_install]),
            syn::parse_quote!(#[callback_actix::on_update]),
            syn::parse_quote!(#[::callback_actix::prelude::on_tpa_revoke(path = "/t")]),
            syn::parse_quote!(#[derive(Debug)]),
        ];
        let found: Vec<_> = attrs
            .iter()
            .filter_map(recognise_attribute)
            .map(|a| (a.event, a.args.unwrap().resolved_path(a.event)))
            .collect();
        assert_eq!(
            found,
            [
                (Event::Install, "/callbacks/onInstall".to_owned()),
                (Event::Update, "/callbacks/onUpdate".to_owned()),
                (Event::TpaRevoke, "/t".to_owned()),
            ]
        );
    }

    #[test]
    fn name_value_form_is_an_error() {
        let attr: syn::Attribute = syn::parse_quote!(#[on_install = "/x"]);
        let found = recognise_attribute(&attr).unwrap();
        assert_eq!(
            messages(found.args.unwrap_err()),
            ["write `#[on_install]` or `#[on_install(path = \"/your/path\")]`"]
        );
    }
}
