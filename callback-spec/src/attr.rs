//! The handler attribute grammars: `#[on_install]` or
//! `#[on_install(path = "/x")]` for callbacks, and
//! `#[desk_event(Ticket_Update, include_prev_state)]` for Desk events.
//!
//! Parsed here, once, for both the attribute macros and the build-time
//! scanner. Every problem in one attribute is reported, combined into one
//! [`syn::Error`].

use crate::{
    DEFAULT_WEBHOOK, DeskEventSelector, DeskEventType, DeskHandlerInfo, Event,
    MAX_SUBSCRIPTION_FIELDS, ThreadDirection, default_path, default_webhook_path, option_problem,
    validate_path,
};
use proc_macro2::{Span, TokenStream};
use std::borrow::Cow;
use syn::ext::IdentExt;
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
    let mut errors = Errors::default();
    let mut push = |e: syn::Error| errors.push(e);

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

    errors.finish(HandlerArgs { path })
}

/// Every error of one attribute, combined in the order found.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    fn error(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.0 {
            Some(e) => Err(e),
            None => Ok(value),
        }
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

/// The name of the Desk event attribute: `#[desk_event(Ticket_Add)]`.
pub const DESK_EVENT_ATTRIBUTE: &str = "desk_event";

/// What `#[desk_event]` is written like, for messages.
const DESK_EXAMPLE: &str = "#[desk_event(Ticket_Add)]";

/// The options of `#[desk_event(...)]`, after the event type.
const DESK_OPTIONS: [&str; 5] = [
    "include_prev_state",
    "fields",
    "direction",
    "webhook",
    "path",
];

/// The arguments of one `#[desk_event(...)]` attribute, with the defaults
/// filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeskEventArgs {
    /// The events the handler takes: the first argument, an event type of
    /// the table (`Ticket_Add`) or `any` (the catch-all).
    pub event: DeskEventSelector,
    /// `include_prev_state`.
    pub include_prev_state: bool,
    /// `fields = [...]`, in the order written; empty without it.
    pub fields: Vec<String>,
    /// `direction = "in" | "out"`.
    pub direction: Option<ThreadDirection>,
    /// `webhook = "..."`, or [`DEFAULT_WEBHOOK`].
    pub webhook: String,
    /// `path = "..."`, or [`default_webhook_path`] of the webhook.
    pub path: String,
}

impl DeskEventArgs {
    /// The handler's description, for the function `name` declared in
    /// `module` (as `module_path!()` gives it).
    pub fn info(&self, name: &str, module: &str) -> DeskHandlerInfo {
        let fields: Vec<Cow<'static, str>> = self.fields.iter().cloned().map(Cow::Owned).collect();
        DeskHandlerInfo {
            webhook: self.webhook.clone().into(),
            path: self.path.clone().into(),
            event: self.event,
            include_prev_state: self.include_prev_state,
            fields: fields.into(),
            direction: self.direction,
            name: name.to_owned().into(),
            module: module.to_owned().into(),
        }
    }
}

/// Parses the tokens inside `#[desk_event(...)]`'s parentheses; `attribute`
/// is where errors about the attribute as a whole point (a missing event
/// type).
///
/// The first argument is the event type, by its wire name (`Ticket_Update`)
/// or `any`; the options follow in any order: `include_prev_state`,
/// `fields = ["status", ...]`, `direction = "in" | "out"`,
/// `webhook = "name"` and `path = "/x"`. Errors, all reported together,
/// each saying the fix: no event type, a misspelt one (with the closest
/// names), a second event type, an unknown or repeated option, an option of
/// the wrong form, an option the event type does not take (the rules of
/// [`option_problem`]), more than [`MAX_SUBSCRIPTION_FIELDS`] fields, a
/// webhook name that cannot be a `resourceName` and path segment, and a path
/// that [`validate_path`] rejects.
pub fn parse_desk_args(tokens: TokenStream, attribute: Span) -> syn::Result<DeskEventArgs> {
    let args = (|input: ParseStream<'_>| {
        Punctuated::<_, Token![,]>::parse_terminated_with(input, |input: ParseStream<'_>| {
            // A literal is never right, but reported with the fix.
            if input.peek(Lit) {
                input.parse().map(Err)
            } else {
                input.parse().map(Ok)
            }
        })
    })
    .parse2(tokens)?;
    let mut errors = Errors::default();
    let mut parsed = DeskParse::default();
    if args.is_empty() {
        errors.error(attribute, missing_event());
    }
    for (i, arg) in args.into_iter().enumerate() {
        match arg {
            Ok(meta) => parsed.meta(&mut errors, i, &meta),
            Err(lit) => parsed.literal(&mut errors, i, &lit),
        }
    }
    parsed.check_options(&mut errors);
    let webhook = parsed.webhook.unwrap_or_else(|| DEFAULT_WEBHOOK.to_owned());
    let path = parsed
        .path
        .unwrap_or_else(|| default_webhook_path(&webhook));
    let args = DeskEventArgs {
        event: parsed.event.unwrap_or(DeskEventSelector::Any),
        include_prev_state: parsed.include_prev_state.is_some(),
        fields: parsed.fields.map(|f| f.values).unwrap_or_default(),
        direction: parsed.direction.map(|(d, _)| d),
        webhook,
        path,
    };
    errors.finish(args)
}

fn missing_event() -> String {
    format!(
        "name the Desk event type first, for example `{DESK_EXAMPLE}`, or \
         `#[desk_event(any)]` for a catch-all"
    )
}

/// The `fields` option as read: the names and where they are.
struct Fields {
    values: Vec<String>,
    /// The option's name, `fields`.
    name: Span,
    /// The list.
    list: Span,
}

/// What `#[desk_event(...)]` says, read so far.
#[derive(Default)]
struct DeskParse {
    /// The event type; `None` when missing or misspelt.
    event: Option<DeskEventSelector>,
    /// Where `include_prev_state` is, if given.
    include_prev_state: Option<Span>,
    fields: Option<Fields>,
    direction: Option<(ThreadDirection, Span)>,
    webhook: Option<String>,
    path: Option<String>,
    /// The options given, to refuse one given twice.
    given: Vec<String>,
}

impl DeskParse {
    /// A literal argument: the event type in quotes (first), or an option
    /// without its name.
    fn literal(&mut self, errors: &mut Errors, i: usize, lit: &Lit) {
        match lit {
            Lit::Str(s) if i == 0 => {
                let name = s.value();
                errors.push(syn::Error::new_spanned(
                    lit,
                    format!("write the event type without quotes: `#[desk_event({name})]`"),
                ));
                self.event = desk_selector(&name);
            }
            Lit::Str(s) if s.value().starts_with('/') => errors.push(syn::Error::new_spanned(
                lit,
                format!("name the argument: write `path = {:?}`", s.value()),
            )),
            _ => errors.push(syn::Error::new_spanned(
                lit,
                "name the argument: `#[desk_event]` takes the event type, then \
                 `include_prev_state`, `fields = [...]`, `direction = \"in\"`, \
                 `webhook = \"...\"` or `path = \"/...\"`",
            )),
        }
    }

    fn meta(&mut self, errors: &mut Errors, i: usize, meta: &Meta) {
        let ident = meta.path().get_ident().map(|i| i.unraw().to_string());
        let option = ident.as_deref().filter(|name| DESK_OPTIONS.contains(name));
        let Some(option) = option else {
            self.not_an_option(errors, i, meta, ident.as_deref());
            return;
        };
        if i == 0 {
            errors.error(meta.path().span(), missing_event());
        }
        if self.given.iter().any(|g| g == option) {
            errors.error(
                meta.path().span(),
                format!("`{option}` is given more than once; keep one"),
            );
            return;
        }
        self.given.push(option.to_owned());
        let name = meta.path().span();
        match option {
            "include_prev_state" => match meta {
                Meta::Path(_) => self.include_prev_state = Some(name),
                _ => errors.push(syn::Error::new_spanned(
                    meta,
                    "`include_prev_state` takes no value; write `include_prev_state` alone",
                )),
            },
            "fields" => self.fields = fields(errors, meta, name),
            "direction" => {
                let Some(lit) = string_value(errors, meta, "direction = \"in\"") else {
                    return;
                };
                match lit.value().as_str() {
                    "in" => self.direction = Some((ThreadDirection::In, name)),
                    "out" => self.direction = Some((ThreadDirection::Out, name)),
                    _ => errors.error(
                        lit.span(),
                        "`direction` is \"in\" (incoming threads) or \"out\" (outgoing \
                         threads); write `direction = \"in\"` or `direction = \"out\"`",
                    ),
                }
            }
            "webhook" => {
                let Some(lit) = string_value(errors, meta, "webhook = \"tickets\"") else {
                    return;
                };
                match check_webhook_name(&lit.value()) {
                    Ok(()) => self.webhook = Some(lit.value()),
                    Err(message) => errors.error(lit.span(), message),
                }
            }
            "path" => {
                let Some(lit) = string_value(errors, meta, "path = \"/zoho/desk\"") else {
                    return;
                };
                match validate_path(&lit.value()) {
                    Ok(()) => self.path = Some(lit.value()),
                    Err(e) => errors.error(lit.span(), e),
                }
            }
            _ => unreachable!("every name of DESK_OPTIONS is matched"),
        }
    }

    /// An argument that is not an option: the event type when first, else
    /// a second event type or an unknown argument.
    fn not_an_option(&mut self, errors: &mut Errors, i: usize, meta: &Meta, ident: Option<&str>) {
        match (i, meta, ident) {
            (0, Meta::Path(_), Some(name)) => match desk_selector(name) {
                Some(event) => self.event = Some(event),
                None => errors.error(meta.path().span(), unknown_event(name)),
            },
            (0, _, _) => errors.push(syn::Error::new_spanned(meta, missing_event())),
            (_, Meta::Path(_), Some(name)) if desk_selector(name).is_some() => errors.error(
                meta.path().span(),
                "a handler takes one event type, named first; write one handler per event \
                 type, or one `#[desk_event(any)]` catch-all",
            ),
            _ => {
                let shown = ident.map_or_else(|| "this".to_owned(), |i| format!("`{i}`"));
                errors.error(
                    meta.path().span(),
                    format!(
                        "unknown argument {shown}; after the event type, `#[desk_event]` takes \
                         `include_prev_state`, `fields = [...]`, `direction = \"in\"`, \
                         `webhook = \"...\"` and `path = \"/...\"`"
                    ),
                );
            }
        }
    }

    /// Each option given is one the event type takes (the rules of
    /// [`option_problem`], asked about each option alone so that the error
    /// points at it), and `fields` names at most
    /// [`MAX_SUBSCRIPTION_FIELDS`].
    fn check_options(&self, errors: &mut Errors) {
        let Some(event) = self.event else {
            return;
        };
        let problem = |set: &dyn Fn(&mut DeskHandlerInfo)| {
            let mut info = DeskHandlerInfo {
                webhook: Cow::Borrowed(""),
                path: Cow::Borrowed(""),
                event,
                include_prev_state: false,
                fields: Cow::Borrowed(&[]),
                direction: None,
                name: Cow::Borrowed(""),
                module: Cow::Borrowed(""),
            };
            set(&mut info);
            option_problem(&info)
        };
        let prev_state = self
            .include_prev_state
            .map(|span| (span, problem(&|info| info.include_prev_state = true)));
        if let Some((span, Some(reason))) = prev_state {
            errors.error(span, format!("{reason}; remove it"));
        }
        if let Some(fields) = &self.fields {
            let values: Vec<Cow<'static, str>> =
                fields.values.iter().cloned().map(Cow::Owned).collect();
            let reason = problem(&|info| info.fields = values.clone().into());
            let too_many = fields.values.len().saturating_sub(MAX_SUBSCRIPTION_FIELDS);
            match (reason, event) {
                (None, _) => {}
                (Some(reason), DeskEventSelector::Type(ty)) if ty.takes_fields() => {
                    errors.error(fields.list, format!("{reason}; remove {too_many} of them"));
                }
                (Some(reason), _) => errors.error(fields.name, format!("{reason}; remove it")),
            }
        }
        let direction = self
            .direction
            .map(|(direction, span)| (span, problem(&|info| info.direction = Some(direction))));
        if let Some((span, Some(reason))) = direction {
            errors.error(span, format!("{reason}; remove it"));
        }
    }
}

/// The selector an event type argument names: `any`, or a wire name of the
/// table (exactly: names are case-sensitive).
fn desk_selector(name: &str) -> Option<DeskEventSelector> {
    match name {
        "any" => Some(DeskEventSelector::Any),
        _ => DeskEventType::from_wire_name(name).map(DeskEventSelector::Type),
    }
}

/// The message for an event type the table does not know, with the
/// closest names it does.
fn unknown_event(name: &str) -> String {
    if name.eq_ignore_ascii_case("any") {
        return format!("unknown Desk event type `{name}`; write `any` for a catch-all");
    }
    let closest = DeskEventType::closest(name);
    match closest.first() {
        Some(first) if first.eq_ignore_ascii_case(name) => format!(
            "unknown Desk event type `{name}`: event types are case-sensitive; write `{first}`"
        ),
        Some(_) => {
            let quoted: Vec<String> = closest.iter().map(|n| format!("`{n}`")).collect();
            let list = match quoted.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => unreachable!("not empty"),
            };
            format!("unknown Desk event type `{name}`; did you mean {list}?")
        }
        None => format!(
            "unknown Desk event type `{name}`; write one of the table by its wire name (such as \
             `Ticket_Add` or `Ticket_Update`), or `any` for a catch-all"
        ),
    }
}

/// The string value of `name = "..."`, or an error saying to write
/// `example`.
fn string_value<'m>(errors: &mut Errors, meta: &'m Meta, example: &str) -> Option<&'m LitStr> {
    let name = meta
        .path()
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default();
    let message = format!("`{name}` takes a string literal, for example `{example}`");
    match meta {
        Meta::NameValue(nv) => match &nv.value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => Some(s),
            other => {
                errors.push(syn::Error::new_spanned(other, message));
                None
            }
        },
        _ => {
            errors.push(syn::Error::new_spanned(meta, message));
            None
        }
    }
}

/// `fields = ["status", ...]`: a list of distinct, non-empty names.
fn fields(errors: &mut Errors, meta: &Meta, name: Span) -> Option<Fields> {
    const FORM: &str = "`fields` takes a list of ticket field names, for example `fields = [\"status\", \"priority\"]`";
    let Meta::NameValue(nv) = meta else {
        errors.push(syn::Error::new_spanned(meta, FORM));
        return None;
    };
    let Expr::Array(array) = &nv.value else {
        errors.push(syn::Error::new_spanned(&nv.value, FORM));
        return None;
    };
    if array.elems.is_empty() {
        errors.push(syn::Error::new_spanned(
            array,
            "`fields = []` names no field; list at least one, or remove `fields` to receive \
             updates of every field",
        ));
        return None;
    }
    let mut values: Vec<String> = Vec::new();
    let mut ok = true;
    for elem in &array.elems {
        let Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) = elem
        else {
            errors.push(syn::Error::new_spanned(
                elem,
                "a field name is a string literal, for example \"status\"",
            ));
            ok = false;
            continue;
        };
        let value = s.value();
        if value.trim().is_empty() {
            errors.error(s.span(), "a field name cannot be empty");
            ok = false;
        } else if values.contains(&value) {
            errors.error(s.span(), format!("{value:?} is listed twice; keep one"));
            ok = false;
        } else {
            values.push(value);
        }
    }
    ok.then(|| Fields {
        values,
        name,
        list: array.span(),
    })
}

/// A webhook name is its `resourceName` in `resources.json` and the last
/// segment of its default path (`/desk/<name>`), so it holds ASCII letters,
/// digits, `_` and `-` only. (Zoho documents no rule for `resourceName`
/// beyond uniqueness; this one keeps both uses safe.)
fn check_webhook_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a webhook name cannot be empty; write one such as \"tickets\"".to_owned());
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    match name.char_indices().find(|&(_, c)| !allowed(c)) {
        None => Ok(()),
        Some((index, ch)) => {
            let fixed: String = name
                .chars()
                .map(|c| if allowed(c) { c } else { '_' })
                .collect();
            Err(format!(
                "a webhook name holds ASCII letters, digits, `_` and `-` only, not {ch:?} (at \
                 byte {index}): it is the webhook's resourceName and the last segment of its \
                 default path; write {fixed:?}"
            ))
        }
    }
}

/// A `#[desk_event(...)]` attribute found on an item.
#[derive(Debug)]
pub struct DeskAttr {
    /// The parsed arguments, or what is wrong with them.
    pub args: syn::Result<DeskEventArgs>,
    /// Where the attribute is, for error reports.
    pub span: Span,
}

/// Recognises `#[desk_event(...)]` by the last segment of its path, in any
/// import form (`#[desk_event(..)]`, `#[callback_actix::desk_event(..)]`,
/// `#[prelude::desk_event(..)]`), and parses its arguments with
/// [`parse_desk_args`].
///
/// Returns `None` for any other attribute.
pub fn recognise_desk_attribute(attr: &syn::Attribute) -> Option<DeskAttr> {
    let last = attr.path().segments.last()?;
    if last.ident != DESK_EVENT_ATTRIBUTE {
        return None;
    }
    let span = attr.span();
    let args = match &attr.meta {
        Meta::Path(_) => Err(syn::Error::new(span, missing_event())),
        Meta::List(list) => parse_desk_args(list.tokens.clone(), span),
        Meta::NameValue(nv) => Err(syn::Error::new(
            nv.eq_token.span,
            format!("write `{DESK_EXAMPLE}`, naming the event type in parentheses"),
        )),
    };
    Some(DeskAttr { args, span })
}

/// The name of the handler attribute `attr` is (`on_install`, …,
/// `desk_event`), recognised by the last segment of its path as
/// [`recognise_attribute`] and [`recognise_desk_attribute`] do, or `None`.
pub fn handler_attribute_name(attr: &syn::Attribute) -> Option<&'static str> {
    let last = attr.path().segments.last()?.ident.to_string();
    if last == DESK_EVENT_ATTRIBUTE {
        return Some(DESK_EVENT_ATTRIBUTE);
    }
    Event::from_attribute_name(&last).map(Event::attribute_name)
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

    fn desk(tokens: TokenStream) -> syn::Result<DeskEventArgs> {
        parse_desk_args(tokens, Span::call_site())
    }

    fn desk_messages(tokens: TokenStream) -> Vec<String> {
        messages(desk(tokens).unwrap_err())
    }

    #[test]
    fn a_desk_event_alone_takes_the_default_webhook_and_path() {
        let args = desk(quote!(Ticket_Add)).unwrap();
        assert_eq!(
            args,
            DeskEventArgs {
                event: DeskEventSelector::Type(DeskEventType::TicketAdd),
                include_prev_state: false,
                fields: vec![],
                direction: None,
                webhook: "deskEvents".to_owned(),
                path: "/desk/deskEvents".to_owned(),
            }
        );
        let any = desk(quote!(any, webhook = "tickets")).unwrap();
        assert_eq!(
            (any.event, any.webhook.as_str(), any.path.as_str()),
            (DeskEventSelector::Any, "tickets", "/desk/tickets")
        );
    }

    #[test]
    fn every_desk_option_is_read() {
        let update = desk(quote!(
            Ticket_Update,
            include_prev_state,
            fields = ["status", "priority"],
            webhook = "sync",
            path = "/zoho/desk"
        ))
        .unwrap();
        assert_eq!(
            update.event,
            DeskEventSelector::Type(DeskEventType::TicketUpdate)
        );
        assert!(update.include_prev_state);
        assert_eq!(update.fields, ["status", "priority"]);
        assert_eq!(
            (update.webhook.as_str(), update.path.as_str()),
            ("sync", "/zoho/desk")
        );

        let thread = desk(quote!(Ticket_Thread_Add, direction = "out")).unwrap();
        assert_eq!(thread.direction, Some(ThreadDirection::Out));

        let info = update.info("on_update", "ext::desk");
        assert_eq!(info.qualified_name(), "ext::desk::on_update");
        assert_eq!(info.fields.as_ref(), ["status", "priority"]);
        assert_eq!(option_problem(&info), None);
    }

    #[test]
    fn a_misspelt_event_type_lists_the_closest_names() {
        assert_eq!(
            desk_messages(quote!(Ticket_Ad)),
            ["unknown Desk event type `Ticket_Ad`; did you mean `Ticket_Add`?"]
        );
        assert_eq!(
            desk_messages(quote!(Event_Upd)),
            ["unknown Desk event type `Event_Upd`; did you mean `Event_Add` or `Event_Update`?"]
        );
        assert_eq!(
            desk_messages(quote!(ticket_update)),
            [
                "unknown Desk event type `ticket_update`: event types are case-sensitive; write \
              `Ticket_Update`"
            ]
        );
        assert_eq!(
            desk_messages(quote!(Something_Else_Entirely)),
            [
                "unknown Desk event type `Something_Else_Entirely`; write one of the table by its \
              wire name (such as `Ticket_Add` or `Ticket_Update`), or `any` for a catch-all"
            ]
        );
        assert_eq!(
            desk_messages(quote!(Any)),
            ["unknown Desk event type `Any`; write `any` for a catch-all"]
        );
    }

    #[test]
    fn the_event_type_comes_first_and_alone() {
        let missing = "name the Desk event type first, for example `#[desk_event(Ticket_Add)]`, \
                       or `#[desk_event(any)]` for a catch-all";
        assert_eq!(desk_messages(TokenStream::new()), [missing]);
        assert_eq!(desk_messages(quote!(webhook = "w")), [missing]);
        assert_eq!(
            desk_messages(quote!(Ticket_Add, Ticket_Update)),
            [
                "a handler takes one event type, named first; write one handler per event type, or \
              one `#[desk_event(any)]` catch-all"
            ]
        );
        assert_eq!(
            desk_messages(quote!("Ticket_Add")),
            ["write the event type without quotes: `#[desk_event(Ticket_Add)]`"]
        );
    }

    #[test]
    fn an_option_the_event_type_does_not_take_is_refused_with_the_fix() {
        assert_eq!(
            desk_messages(quote!(Ticket_Add, include_prev_state)),
            ["`include_prev_state` is for update events; Ticket_Add does not take it; remove it"]
        );
        assert_eq!(
            desk_messages(quote!(Ticket_Comment_Update, fields = ["content"])),
            ["`fields` is for Ticket_Update; Ticket_Comment_Update does not take it; remove it"]
        );
        assert_eq!(
            desk_messages(quote!(any, direction = "in")),
            [
                "`direction` is for Ticket_Thread_Add; a catch-all handler does not take it; remove it"
            ]
        );
        assert_eq!(
            desk_messages(quote!(
                Ticket_Update,
                fields = ["a", "b", "c", "d", "e", "f", "g"]
            )),
            ["`fields` names 7 fields; Zoho takes at most 5; remove 2 of them"]
        );
        // A misspelt event type: its options cannot be judged, and are not.
        assert_eq!(
            desk_messages(quote!(Ticket_Ad, include_prev_state)).len(),
            1
        );
    }

    #[test]
    fn every_desk_option_problem_is_reported_at_once() {
        assert_eq!(
            desk_messages(quote!(
                Ticket_Update,
                route = "/x",
                include_prev_state = true,
                fields = "status",
                direction = "both",
                webhook = "my hooks",
                path = "desk",
                path = "/again",
                "/positional",
                3
            )),
            [
                "unknown argument `route`; after the event type, `#[desk_event]` takes \
                 `include_prev_state`, `fields = [...]`, `direction = \"in\"`, \
                 `webhook = \"...\"` and `path = \"/...\"`",
                "`include_prev_state` takes no value; write `include_prev_state` alone",
                "`fields` takes a list of ticket field names, for example \
                 `fields = [\"status\", \"priority\"]`",
                "`direction` is \"in\" (incoming threads) or \"out\" (outgoing threads); write \
                 `direction = \"in\"` or `direction = \"out\"`",
                "a webhook name holds ASCII letters, digits, `_` and `-` only, not ' ' (at byte \
                 2): it is the webhook's resourceName and the last segment of its default path; \
                 write \"my_hooks\"",
                "a callback path must start with `/`; write \"/desk\"",
                "`path` is given more than once; keep one",
                "name the argument: write `path = \"/positional\"`",
                "name the argument: `#[desk_event]` takes the event type, then \
                 `include_prev_state`, `fields = [...]`, `direction = \"in\"`, \
                 `webhook = \"...\"` or `path = \"/...\"`",
            ]
        );
    }

    #[test]
    fn fields_are_distinct_non_empty_strings() {
        assert_eq!(
            desk_messages(quote!(Ticket_Update, fields = [])),
            [
                "`fields = []` names no field; list at least one, or remove `fields` to receive \
              updates of every field"
            ]
        );
        assert_eq!(
            desk_messages(quote!(
                Ticket_Update,
                fields = ["status", status, "", "status"]
            )),
            [
                "a field name is a string literal, for example \"status\"",
                "a field name cannot be empty",
                "\"status\" is listed twice; keep one",
            ]
        );
        assert_eq!(
            desk_messages(quote!(any, webhook = "")),
            ["a webhook name cannot be empty; write one such as \"tickets\""]
        );
        assert_eq!(
            desk_messages(quote!(any, webhook = 7)),
            ["`webhook` takes a string literal, for example `webhook = \"tickets\"`"]
        );
    }

    #[test]
    fn recognises_the_desk_attribute_in_every_import_form() {
        let attrs: Vec<syn::Attribute> = vec![
            syn::parse_quote!(#[desk_event(Ticket_Add)]),
            syn::parse_quote!(#[callback_actix::desk_event(any)]),
            syn::parse_quote!(#[::callback_actix::prelude::desk_event(Ticket_Thread_Add, direction = "in")]),
            syn::parse_quote!(#[on_install]),
            syn::parse_quote!(#[derive(Debug)]),
        ];
        let found: Vec<DeskEventSelector> = attrs
            .iter()
            .filter_map(recognise_desk_attribute)
            .map(|a| a.args.unwrap().event)
            .collect();
        assert_eq!(
            found,
            [
                DeskEventSelector::Type(DeskEventType::TicketAdd),
                DeskEventSelector::Any,
                DeskEventSelector::Type(DeskEventType::TicketThreadAdd),
            ]
        );
        let names: Vec<_> = attrs.iter().map(handler_attribute_name).collect();
        assert_eq!(
            names,
            [
                Some("desk_event"),
                Some("desk_event"),
                Some("desk_event"),
                Some("on_install"),
                None
            ]
        );
    }

    #[test]
    fn a_bare_or_name_value_desk_attribute_says_how_to_write_it() {
        let bare: syn::Attribute = syn::parse_quote!(#[desk_event]);
        assert_eq!(
            messages(recognise_desk_attribute(&bare).unwrap().args.unwrap_err()),
            [
                "name the Desk event type first, for example `#[desk_event(Ticket_Add)]`, or \
              `#[desk_event(any)]` for a catch-all"
            ]
        );
        let nv: syn::Attribute = syn::parse_quote!(#[desk_event = "Ticket_Add"]);
        assert_eq!(
            messages(recognise_desk_attribute(&nv).unwrap().args.unwrap_err()),
            ["write `#[desk_event(Ticket_Add)]`, naming the event type in parentheses"]
        );
    }
}
