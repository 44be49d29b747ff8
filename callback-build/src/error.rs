//! What can go wrong while scanning, each problem with the file and line it
//! is about.

use callback_core::Event;
use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a source file: `src/config.rs:14:1`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file, relative to the scanned crate's directory when it is inside it.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl Location {
    /// Just past the last character of `text`, the contents of `file`.
    pub(crate) fn end_of(file: &Path, text: &str) -> Self {
        let last_line = text.rsplit('\n').next().unwrap_or_default();
        Location {
            file: file.to_owned(),
            line: text.matches('\n').count() + 1,
            column: last_line.chars().count() + 1,
        }
    }

    /// The start of `span` in `file`.
    pub(crate) fn of(file: &Path, span: proc_macro2::Span) -> Self {
        let start = span.start();
        Location {
            file: file.to_owned(),
            line: start.line,
            column: start.column + 1,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// One problem found while scanning. Its message starts with the place it is
/// about, like a compiler's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// Neither root file exists.
    #[error(
        "{}: found neither src/lib.rs nor src/main.rs; give the crate's root files explicitly",
        dir.display()
    )]
    NoRoot {
        /// The directory scanned.
        dir: PathBuf,
    },
    /// A source file could not be read.
    #[error("{}cannot read {}: {reason}", prefix(declared_at.as_ref()), file.display())]
    Read {
        /// Where the module was declared (`None` for a root file).
        declared_at: Option<Location>,
        /// The file.
        file: PathBuf,
        /// The I/O error.
        reason: String,
    },
    /// A source file is not valid Rust.
    #[error("{location}: cannot parse this file: {message}")]
    Syntax {
        /// Where the parser stopped.
        location: Location,
        /// What it expected.
        message: String,
    },
    /// `mod x;` names a file that does not exist.
    #[error(
        "{location}: file not found for module `{name}`; create {} or {}",
        candidates[0].display(),
        candidates[1].display()
    )]
    ModuleNotFound {
        /// Where the module is declared.
        location: Location,
        /// Its name.
        name: String,
        /// The two files looked for (`x.rs` and `x/mod.rs`).
        candidates: [PathBuf; 2],
    },
    /// `mod x;` matches both `x.rs` and `x/mod.rs`.
    #[error(
        "{location}: module `{name}` has two files, {} and {}; delete one",
        candidates[0].display(),
        candidates[1].display()
    )]
    AmbiguousModule {
        /// Where the module is declared.
        location: Location,
        /// Its name.
        name: String,
        /// Both files.
        candidates: [PathBuf; 2],
    },
    /// A module's file includes itself, directly or through others.
    #[error("{location}: module `{name}` includes {} again, which would never end", file.display())]
    ModuleCycle {
        /// Where the module is declared.
        location: Location,
        /// Its name.
        name: String,
        /// The file already being scanned.
        file: PathBuf,
    },
    /// A `#[path]` attribute is not `#[path = "file.rs"]`.
    #[error("{location}: write `#[path = \"file.rs\"]`")]
    BadPathAttribute {
        /// The attribute.
        location: Location,
    },
    /// A handler attribute does not parse (the message is the same the
    /// attribute macro gives).
    #[error("{location}: invalid `#[{attribute}]`: {message}")]
    BadAttribute {
        /// Where the problem is.
        location: Location,
        /// The attribute's name, such as `on_install` or `desk_event`.
        attribute: &'static str,
        /// What is wrong.
        message: String,
    },
    /// One function carries two handler attributes.
    #[error(
        "{location}: `{function}` has two handler attributes, `#[{first}]` and `#[{second}]`; keep one"
    )]
    TwoAttributes {
        /// The second attribute.
        location: Location,
        /// The function.
        function: String,
        /// The first attribute's name.
        first: &'static str,
        /// The second attribute's name.
        second: &'static str,
    },
    /// Two handlers for one event.
    #[error(
        "{location}: two handlers for {event}: `{second}` here and `{first}` at {first_location}; keep one"
    )]
    DuplicateEvent {
        /// The event.
        event: Event,
        /// The handler found first.
        first: String,
        /// Where it is.
        first_location: Location,
        /// The handler found second.
        second: String,
        /// Where it is.
        location: Location,
    },
    /// A Desk event handler that cannot be mounted beside the ones found
    /// before it: a second handler for one event type (or a second
    /// catch-all) of a webhook, or a second path for one webhook.
    #[error("{location}: {source}{}", other.as_ref().map_or_else(String::new, |o| format!(" (the other is at {o})")))]
    DeskHandlers {
        /// The handler found second.
        location: Location,
        /// What is wrong, as [`callback_spec::check_desk_handlers`] says it.
        source: callback_spec::DeskHandlersError,
        /// Where the handler it conflicts with is, when there is one.
        other: Option<Location>,
    },
}

fn prefix(location: Option<&Location>) -> String {
    location.map_or_else(String::new, |l| format!("{l}: "))
}

/// Why a scan failed: every problem found, in the order found.
///
/// Its message has one line per problem.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", lines(.problems))]
pub struct ScanError {
    problems: Vec<Problem>,
}

fn lines(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl ScanError {
    /// Wraps the problems found; `None` when there are none.
    pub(crate) fn from_problems(problems: Vec<Problem>) -> Option<Self> {
        (!problems.is_empty()).then_some(ScanError { problems })
    }

    /// Every problem, in the order found (never empty).
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}
