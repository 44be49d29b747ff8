//! Finding every handler in a crate's sources.

use crate::error::{Location, Problem, ScanError};
use crate::modules::{ModDir, Resolved, has_cfg, is_cfg_test, path_attribute};
use crate::storage::StorageUses;
use callback_core::{Event, HandlerInfo};
use callback_spec::{
    DESK_EVENT_ATTRIBUTE, DeskHandlerInfo, DeskHandlersError, check_desk_handlers,
    earlier_of_same_event, handler_attribute_name, recognise_attribute, recognise_desk_attribute,
};
use std::path::{Path, PathBuf};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Item, ItemFn};

/// A handler found in the sources: a free `fn` carrying one of the handler
/// attributes, described as the attribute macro describes it, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScannedHandler {
    /// Its event, path (the attribute's `path`, or
    /// [`callback_core::default_path`]), name, and module as `module_path!()`
    /// gives it (`my_ext::config`).
    pub info: HandlerInfo,
    /// Where its attribute is.
    pub location: Location,
}

/// A Desk event handler found in the sources: a free `fn` carrying
/// `#[desk_event(...)]`, described as the attribute macro describes it, and
/// where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScannedDeskHandler {
    /// Its webhook, path, event type, subscription options, name, and
    /// module as `module_path!()` gives it.
    pub info: DeskHandlerInfo,
    /// Where its attribute is.
    pub location: Location,
}

/// What a scan found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// Every callback handler, in the order found (module tree order).
    pub handlers: Vec<ScannedHandler>,
    /// Every Desk event handler, in the order found.
    pub desk_handlers: Vec<ScannedDeskHandler>,
    /// Where the sources call extension storage, in the order found: a
    /// method call `.storage()` without arguments (callback-invoke's
    /// `Invoke::storage`), or a string literal holding the storage API's
    /// path ([`STORAGE_PATH_PART`](crate::STORAGE_PATH_PART)). Items under
    /// `#[cfg(test)]` are skipped.
    pub storage_calls: Vec<Location>,
    /// Every file read, for `cargo::rerun-if-changed`.
    pub files: Vec<PathBuf>,
    /// Things worth saying that do not stop the build, such as a module
    /// behind a `#[cfg]` whose file does not exist.
    pub warnings: Vec<String>,
}

/// Scans a crate's sources for handlers.
///
/// By default the roots are `src/lib.rs` and `src/main.rs` of the crate's
/// directory, each that exists (or `lib.rs` and `main.rs` in the directory
/// itself, when it is a `src` directory), and the module paths start with
/// `crate`.
///
/// ```no_run
/// use callback_build::Scanner;
///
/// let scan = Scanner::new("my-extension").crate_name("my_extension").scan()?;
/// for handler in &scan.handlers {
///     println!("{}", handler.info);
/// }
/// # Ok::<(), callback_build::ScanError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Scanner {
    dir: PathBuf,
    crate_name: String,
    roots: Vec<PathBuf>,
}

impl Scanner {
    /// A scanner for the crate in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Scanner {
            dir: dir.into(),
            crate_name: "crate".to_owned(),
            roots: Vec::new(),
        }
    }

    /// The first segment of every module path: the crate's name as
    /// `module_path!()` writes it (`-` becomes `_`).
    pub fn crate_name(mut self, name: &str) -> Self {
        self.crate_name = name.replace('-', "_");
        self
    }

    /// Adds a root file, relative to the crate's directory. Once one is
    /// given, the default roots are not looked for.
    pub fn root(mut self, file: impl Into<PathBuf>) -> Self {
        self.roots.push(file.into());
        self
    }

    /// Scans every root and every module it reaches. All problems are
    /// reported together; two handlers for one event are one of them, and
    /// so is every Desk event handler that [`check_desk_handlers`] refuses
    /// beside the ones found before it.
    pub fn scan(&self) -> Result<Scan, ScanError> {
        let mut walker = Walker {
            dir: &self.dir,
            scan: Scan::default(),
            problems: Vec::new(),
            open: Vec::new(),
        };
        let roots = self.root_files();
        if roots.is_empty() {
            walker.problems.push(Problem::NoRoot {
                dir: self.dir.clone(),
            });
        }
        for root in roots {
            let dir = ModDir::of_file(&root);
            walker.file(&root, &self.crate_name, dir, None);
        }
        walker.check_duplicates();
        walker.check_desk_handlers();
        match ScanError::from_problems(walker.problems) {
            Some(err) => Err(err),
            None => Ok(walker.scan),
        }
    }

    fn root_files(&self) -> Vec<PathBuf> {
        if !self.roots.is_empty() {
            return self.roots.iter().map(|r| self.dir.join(r)).collect();
        }
        for base in [self.dir.join("src"), self.dir.clone()] {
            let found: Vec<PathBuf> = ["lib.rs", "main.rs"]
                .iter()
                .map(|f| base.join(f))
                .filter(|f| f.is_file())
                .collect();
            if !found.is_empty() {
                return found;
            }
        }
        Vec::new()
    }
}

/// Scans the crate in `dir` with the default roots, module paths starting
/// with `crate`: the handlers, or every problem found.
pub fn scan_crate(dir: impl AsRef<Path>) -> Result<Vec<ScannedHandler>, ScanError> {
    Scanner::new(dir.as_ref()).scan().map(|scan| scan.handlers)
}

struct Walker<'a> {
    dir: &'a Path,
    scan: Scan,
    problems: Vec<Problem>,
    /// The files being scanned, root first: a file that includes one of
    /// them is a cycle.
    open: Vec<PathBuf>,
}

impl Walker<'_> {
    /// The path shown in messages: relative to the crate's directory.
    fn shown(&self, file: &Path) -> PathBuf {
        file.strip_prefix(self.dir).unwrap_or(file).to_owned()
    }

    fn file(&mut self, file: &Path, module: &str, dir: ModDir, declared_at: Option<Location>) {
        let shown = self.shown(file);
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                self.problems.push(Problem::Read {
                    declared_at,
                    file: shown,
                    reason: e.to_string(),
                });
                return;
            }
        };
        self.scan.files.push(file.to_owned());
        let parsed = match syn::parse_file(&text) {
            Ok(parsed) => parsed,
            Err(e) => {
                // syn reports a file that ends too early at the call site,
                // which has no place in the file: report where it ends.
                let message = e.to_string();
                let location = if message.starts_with("unexpected end of input") {
                    Location::end_of(&shown, &text)
                } else {
                    Location::of(&shown, e.span())
                };
                self.problems.push(Problem::Syntax { location, message });
                return;
            }
        };
        self.open.push(identity(file));
        let cx = Context {
            file: &shown,
            module,
        };
        self.items(&parsed.items, &cx, &dir);
        StorageUses::new(&shown, &mut self.scan.storage_calls).file(&parsed);
        self.open.pop();
    }

    fn items(&mut self, items: &[Item], cx: &Context<'_>, dir: &ModDir) {
        for item in items {
            match item {
                Item::Fn(f) if !is_cfg_test(&f.attrs) => self.function(f, cx),
                Item::Mod(m) if !is_cfg_test(&m.attrs) => self.module(m, cx, dir),
                _ => {}
            }
        }
    }

    fn module(&mut self, m: &syn::ItemMod, cx: &Context<'_>, dir: &ModDir) {
        let name = m.ident.unraw().to_string();
        let module = format!("{}::{name}", cx.module);
        let location = Location::of(cx.file, m.ident.span());
        let path_attr = match path_attribute(&m.attrs) {
            Ok(p) => p,
            Err(attr) => {
                self.problems.push(Problem::BadPathAttribute {
                    location: Location::of(cx.file, syn::spanned::Spanned::span(attr)),
                });
                return;
            }
        };
        if let Some((_, items)) = &m.content {
            let inner = Context {
                file: cx.file,
                module: &module,
            };
            self.items(items, &inner, &dir.inline(&name, path_attr.as_deref()));
            return;
        }
        match dir.file(&name, path_attr.as_deref()) {
            Resolved::Found { file, .. } if self.open.contains(&identity(&file)) => {
                self.problems.push(Problem::ModuleCycle {
                    location,
                    name,
                    file: self.shown(&file),
                });
            }
            Resolved::Found { file, dir } => self.file(&file, &module, dir, Some(location)),
            Resolved::NotFound(_) if has_cfg(&m.attrs) => self.scan.warnings.push(format!(
                "{location}: module `{name}` is behind a #[cfg] and has no file; skipped"
            )),
            Resolved::NotFound(candidates) => self.problems.push(Problem::ModuleNotFound {
                location,
                name,
                candidates: candidates.map(|c| self.shown(&c)),
            }),
            Resolved::Ambiguous(candidates) => self.problems.push(Problem::AmbiguousModule {
                location,
                name,
                candidates: candidates.map(|c| self.shown(&c)),
            }),
        }
    }

    fn function(&mut self, f: &ItemFn, cx: &Context<'_>) {
        let mut attributes = f
            .attrs
            .iter()
            .filter_map(|a| handler_attribute_name(a).map(|name| (name, a)));
        let Some((first, attr)) = attributes.next() else {
            return;
        };
        let name = f.sig.ident.unraw().to_string();
        if let Some((second, attr)) = attributes.next() {
            self.problems.push(Problem::TwoAttributes {
                location: Location::of(cx.file, attr.span()),
                function: name,
                first,
                second,
            });
            return;
        }
        if first == DESK_EVENT_ATTRIBUTE {
            self.desk_function(attr, name, cx);
            return;
        }
        let Some(attr) = recognise_attribute(attr) else {
            unreachable!("handler_attribute_name named a callback attribute");
        };
        match attr.args {
            Ok(args) => self.scan.handlers.push(ScannedHandler {
                info: HandlerInfo {
                    event: attr.event,
                    path: args.resolved_path(attr.event).into(),
                    name: name.into(),
                    module: cx.module.to_owned().into(),
                },
                location: Location::of(cx.file, attr.span),
            }),
            Err(errors) => self.bad_attribute(errors, attr.event.attribute_name(), cx),
        }
    }

    fn desk_function(&mut self, attr: &syn::Attribute, name: String, cx: &Context<'_>) {
        let Some(attr) = recognise_desk_attribute(attr) else {
            unreachable!("handler_attribute_name named the Desk attribute");
        };
        match attr.args {
            Ok(args) => self.scan.desk_handlers.push(ScannedDeskHandler {
                info: args.info(&name, cx.module),
                location: Location::of(cx.file, attr.span),
            }),
            Err(errors) => self.bad_attribute(errors, DESK_EVENT_ATTRIBUTE, cx),
        }
    }

    /// One problem per error of an attribute that does not parse.
    fn bad_attribute(&mut self, errors: syn::Error, attribute: &'static str, cx: &Context<'_>) {
        for e in errors {
            self.problems.push(Problem::BadAttribute {
                location: Location::of(cx.file, e.span()),
                attribute,
                message: e.to_string(),
            });
        }
    }

    /// Reports each Desk event handler that cannot be mounted beside the
    /// ones found before it (by the one rule, [`check_desk_handlers`]), at
    /// its attribute, naming where the other handler is.
    fn check_desk_handlers(&mut self) {
        let mut accepted: Vec<&ScannedDeskHandler> = Vec::new();
        for h in &self.scan.desk_handlers {
            let with = accepted.iter().map(|a| &a.info).chain([&h.info]);
            let Err(source) = check_desk_handlers(with) else {
                accepted.push(h);
                continue;
            };
            let other = match &source {
                DeskHandlersError::Duplicate { first, .. }
                | DeskHandlersError::TwoPaths { first, .. } => accepted
                    .iter()
                    .find(|a| a.info.qualified_name() == *first)
                    .map(|a| a.location.clone()),
                _ => None,
            };
            self.problems.push(Problem::DeskHandlers {
                location: h.location.clone(),
                source,
                other,
            });
        }
    }

    /// Reports each handler whose event an earlier one already handles.
    fn check_duplicates(&mut self) {
        let handlers = &self.scan.handlers;
        let events: Vec<Event> = handlers.iter().map(|h| h.info.event).collect();
        for (i, h) in handlers.iter().enumerate() {
            if let Some(first) = earlier_of_same_event(&events, i) {
                let earlier = &handlers[first];
                self.problems.push(Problem::DuplicateEvent {
                    event: h.info.event,
                    first: earlier.info.qualified_name(),
                    first_location: earlier.location.clone(),
                    second: h.info.qualified_name(),
                    location: h.location.clone(),
                });
            }
        }
    }
}

/// A file's identity for the cycle check: `src/../src/lib.rs` is `src/lib.rs`.
fn identity(file: &Path) -> PathBuf {
    std::fs::canonicalize(file).unwrap_or_else(|_| file.to_owned())
}

/// The module being scanned: its file (as shown) and its path.
struct Context<'a> {
    file: &'a Path,
    module: &'a str,
}
