//! Every error of one expansion, collected so that all are reported at
//! once (as serde_derive's `Ctxt` does).

use quote::ToTokens;
use std::cell::RefCell;
use std::fmt::Display;

/// Collects errors while an attribute is read and checked.
///
/// [`Ctxt::check`] must be called before it is dropped: a forgotten check
/// would silently drop errors, so dropping an unchecked `Ctxt` panics.
pub(crate) struct Ctxt {
    errors: RefCell<Option<Vec<syn::Error>>>,
}

impl Ctxt {
    pub(crate) fn new() -> Self {
        Ctxt {
            errors: RefCell::new(Some(Vec::new())),
        }
    }

    /// An error covering `tokens` (the whole `<T>` or `&self` underlined).
    pub(crate) fn error_spanned_by<T: ToTokens, M: Display>(&self, tokens: T, message: M) {
        self.syn_error(syn::Error::new_spanned(tokens, message));
    }

    /// An error already made, or several combined in one.
    pub(crate) fn syn_error(&self, err: syn::Error) {
        self.errors
            .borrow_mut()
            .as_mut()
            .expect("no error is added after check")
            .push(err);
    }

    /// Every error collected, in the order they were added, combined into one.
    pub(crate) fn check(self) -> Result<(), syn::Error> {
        let errors = self.errors.borrow_mut().take().expect("checked once");
        match errors.into_iter().reduce(|mut all, e| {
            all.combine(e);
            all
        }) {
            None => Ok(()),
            Some(err) => Err(err),
        }
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if !std::thread::panicking() && self.errors.borrow().is_some() {
            panic!("forgot to check for errors");
        }
    }
}
