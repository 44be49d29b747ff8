//! Where the file of a `mod` declaration is, by the compiler's rules.
//!
//! The model is rustc's own: each module has a directory its `mod x;`
//! declarations resolve in, plus, for a file that is not `lib.rs`, `main.rs`
//! or `mod.rs` (such as `src/a.rs`), a pending directory component (`a`)
//! that `mod x;` goes through (`src/a/x.rs`) but `#[path]` does not
//! (`#[path = "y.rs"]` in `src/a.rs` is `src/y.rs`).

use std::path::{Path, PathBuf};
use syn::{Attribute, Expr, ExprLit, Lit, Meta};

/// Where the `mod` declarations of one module resolve.
#[derive(Clone, Debug)]
pub(crate) struct ModDir {
    dir: PathBuf,
    relative: Option<String>,
}

/// The outcome of looking for a module's file.
#[derive(Debug)]
pub(crate) enum Resolved {
    /// The module's file and where its own declarations resolve.
    Found { file: PathBuf, dir: ModDir },
    /// Neither `x.rs` nor `x/mod.rs` exists.
    NotFound([PathBuf; 2]),
    /// Both exist.
    Ambiguous([PathBuf; 2]),
}

impl ModDir {
    /// The declarations of a crate root file, or of a file loaded by
    /// `#[path]`, resolve in the file's own directory.
    pub(crate) fn of_file(file: &Path) -> ModDir {
        ModDir {
            dir: file.parent().map(Path::to_owned).unwrap_or_default(),
            relative: None,
        }
    }

    /// The directory with the pending component, if any.
    fn full(&self) -> PathBuf {
        match &self.relative {
            Some(component) => self.dir.join(component),
            None => self.dir.clone(),
        }
    }

    /// Where the declarations inside an inline `mod name { … }` resolve. A
    /// `#[path]` on an inline module names a directory.
    pub(crate) fn inline(&self, name: &str, path_attr: Option<&str>) -> ModDir {
        let dir = match path_attr {
            Some(path) => self.dir.join(path),
            None => self.full().join(name),
        };
        ModDir {
            dir,
            relative: None,
        }
    }

    /// The file of `mod name;`: `#[path]` relative to this module's
    /// directory, else `name.rs` or `name/mod.rs`.
    pub(crate) fn file(&self, name: &str, path_attr: Option<&str>) -> Resolved {
        if let Some(path) = path_attr {
            let file = self.dir.join(path);
            let dir = ModDir::of_file(&file);
            return Resolved::Found { file, dir };
        }
        let base = self.full();
        let flat = base.join(format!("{name}.rs"));
        let nested = base.join(name).join("mod.rs");
        match (flat.is_file(), nested.is_file()) {
            (true, false) => Resolved::Found {
                file: flat,
                dir: ModDir {
                    dir: base,
                    relative: Some(name.to_owned()),
                },
            },
            (false, true) => {
                let dir = ModDir::of_file(&nested);
                Resolved::Found { file: nested, dir }
            }
            (false, false) => Resolved::NotFound([flat, nested]),
            (true, true) => Resolved::Ambiguous([flat, nested]),
        }
    }
}

/// The value of a `#[path = "…"]` attribute: `Ok(None)` without one, `Err`
/// with the malformed attribute.
pub(crate) fn path_attribute(attrs: &[Attribute]) -> Result<Option<String>, &Attribute> {
    let Some(attr) = attrs.iter().find(|a| a.path().is_ident("path")) else {
        return Ok(None);
    };
    match &attr.meta {
        Meta::NameValue(nv) => match &nv.value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => Ok(Some(s.value())),
            _ => Err(attr),
        },
        _ => Err(attr),
    }
}

/// Whether an item is `#[cfg(test)]`: never part of the build the manifest
/// is for, so test-only handlers stay out of it.
pub(crate) fn is_cfg_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| match &a.meta {
        Meta::List(list) if list.path.is_ident("cfg") => list.tokens.to_string() == "test",
        _ => false,
    })
}

/// Whether an item has any `#[cfg(…)]`.
pub(crate) fn has_cfg(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("cfg"))
}
