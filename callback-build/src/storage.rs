//! Finding the places that call extension storage, for the warning that
//! the manifest does not turn storage on.

use crate::error::Location;
use crate::modules::is_cfg_test;
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::path::Path;
use syn::visit::{self, Visit};
use syn::{Attribute, Item, LitStr};

/// The part of the storage API's path that a request to it names:
/// `https://desk.zoho.com/api/v1/installedExtensions/{{installationId}}/storage`
/// (callback-invoke's `STORAGE_PATH` holds it). A string literal holding it
/// counts as a storage call.
pub const STORAGE_PATH_PART: &str = "/installedExtensions/{{installationId}}/storage";

/// The method that reaches extension storage through callback-invoke:
/// `invoke.storage()`.
const STORAGE_METHOD: &str = "storage";

/// Walks one file's syntax tree, recording each storage call.
pub(crate) struct StorageUses<'a> {
    file: &'a Path,
    found: &'a mut Vec<Location>,
}

impl<'a> StorageUses<'a> {
    /// Records the calls in `file` (as shown in messages) into `found`.
    pub(crate) fn new(file: &'a Path, found: &'a mut Vec<Location>) -> Self {
        StorageUses { file, found }
    }

    /// Walks every item of `file` but those under `#[cfg(test)]`.
    pub(crate) fn file(mut self, file: &syn::File) {
        self.visit_file(file);
    }

    fn record(&mut self, span: proc_macro2::Span) {
        self.found.push(Location::of(self.file, span));
    }

    /// A macro's tokens are not parsed as code: a string literal holding
    /// the path, or `.storage()`, anywhere in them counts.
    fn tokens(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, tree) in tokens.iter().enumerate() {
            match tree {
                TokenTree::Group(group) => self.tokens(group.stream()),
                TokenTree::Literal(literal) => {
                    if let Ok(lit) = syn::parse2::<LitStr>(TokenTree::from(literal.clone()).into())
                    {
                        self.visit_lit_str(&lit);
                    }
                }
                TokenTree::Ident(ident) if ident == STORAGE_METHOD => {
                    let after_dot = i
                        .checked_sub(1)
                        .and_then(|j| tokens.get(j))
                        .is_some_and(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == '.'));
                    let no_arguments = matches!(
                        tokens.get(i + 1),
                        Some(TokenTree::Group(g))
                            if g.delimiter() == Delimiter::Parenthesis && g.stream().is_empty()
                    );
                    if after_dot && no_arguments {
                        self.record(ident.span());
                    }
                }
                _ => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for StorageUses<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        if !is_cfg_test(item_attrs(item)) {
            visit::visit_item(self, item);
        }
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !is_cfg_test(&f.attrs) {
            visit::visit_impl_item_fn(self, f);
        }
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == STORAGE_METHOD && call.args.is_empty() {
            self.record(call.method.span());
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_lit_str(&mut self, lit: &'ast LitStr) {
        if lit.value().contains(STORAGE_PATH_PART) {
            self.record(lit.span());
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
    }
}

/// An item's attributes (none for an item syn does not model).
fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::ExternCrate(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::ForeignMod(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}
