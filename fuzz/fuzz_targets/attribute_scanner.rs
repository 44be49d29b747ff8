//! The build-time attribute scanner (`callback_build::Scanner`) and the
//! grammar it shares with the macros (`callback_spec::recognise_attribute`,
//! `callback_spec::parse_args`).
//!
//! Input: UTF-8 text (anything else is skipped), used three ways:
//! 1. as the tokens inside a handler attribute's parentheses, for
//!    `parse_args`;
//! 2. as a list of outer attributes (`#[on_install(path = "/x")] #[doc = ""]`),
//!    each given to `recognise_attribute`;
//! 3. as a crate's `src/lib.rs`, scanned by `Scanner` from a temporary
//!    directory (the scanner reads files only; see FUZZING.md). An input
//!    whose `#[path = "…"]` would leave that directory (an absolute path, or
//!    `..`) is not scanned: `/dev/zero` would never end.
//!
//! Properties:
//! - Nothing panics.
//! - An accepted `path` is one `validate_path` accepts; every error has a
//!   non-empty message and a span on a line of the input.
//! - A scan that succeeds finds handlers with distinct events and valid
//!   paths, at a line of `src/lib.rs`, in modules under the crate name, and
//!   those handlers always make a `callbackListener`; `callback-handlers.json`
//!   written from them reads back the same.
//! - A scan that fails reports problems whose every message starts with
//!   `file:line:column: `, the line one of the file's; "unexpected end of
//!   input" is on the file's last line.

#![no_main]

use callback_build::{
    HandlerRecord, Location, Problem, Scanner, handlers_json, listener, read_handlers,
};
use callback_spec::{Event, parse_args, recognise_attribute, validate_path};
use libfuzzer_sys::fuzz_target;
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use syn::parse::Parser;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        run(text);
    }
    // proc-macro2 keeps every source text it lexed, for span locations,
    // until told to forget it: without this the fuzzer runs out of memory.
    proc_macro2::extra::invalidate_current_thread_spans();
});

fn run(text: &str) {
    // Lines a span may be on: the last one may be just after a final newline.
    let lines = text.split('\n').count();

    let tokens: Result<TokenStream, _> = text.parse();
    if let Ok(tokens) = &tokens {
        check_args(tokens.clone(), lines);
    }
    if let Ok(attrs) = syn::Attribute::parse_outer.parse_str(text) {
        for attr in &attrs {
            if let Some(found) = recognise_attribute(attr) {
                check_line(found.span.start().line, lines, "attribute span");
                check_args_result(found.args, found.event, lines);
            }
        }
    }
    match &tokens {
        Ok(tokens) if leaves_the_directory(tokens.clone()) => {}
        _ => check_scan(text, lines),
    }
}

fn check_args(tokens: TokenStream, lines: usize) {
    for event in Event::ALL {
        check_args_result(parse_args(tokens.clone()), event, lines);
    }
}

fn check_args_result(args: syn::Result<callback_spec::HandlerArgs>, event: Event, lines: usize) {
    match args {
        Ok(args) => {
            let path = args.resolved_path(event);
            assert!(
                validate_path(&path).is_ok(),
                "an invalid path was accepted: {path:?}"
            );
        }
        Err(errors) => {
            for e in errors {
                assert!(!e.to_string().is_empty(), "an empty error message");
                check_line(e.span().start().line, lines, &e.to_string());
            }
        }
    }
}

fn check_line(line: usize, lines: usize, what: &str) {
    assert!(
        (1..=lines).contains(&line),
        "line {line} is outside the input's {lines} lines: {what}"
    );
}

/// Whether a `#[path = "…"]` anywhere in the tokens names an absolute path
/// or goes up with `..`: the scanner would read outside its directory.
fn leaves_the_directory(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tree| match tree {
        TokenTree::Group(group) => {
            let inner: Vec<TokenTree> = group.stream().into_iter().collect();
            let outside = group.delimiter() == Delimiter::Bracket
                && match &inner[..] {
                    [
                        TokenTree::Ident(name),
                        TokenTree::Punct(eq),
                        TokenTree::Literal(lit),
                        ..,
                    ] if name == "path" && eq.as_char() == '=' => {
                        syn::parse_str::<syn::LitStr>(&lit.to_string()).is_ok_and(|s| {
                            let v = s.value();
                            v.starts_with('/') || v.contains("..") || v.contains('\\')
                        })
                    }
                    _ => false,
                };
            outside || leaves_the_directory(group.stream())
        }
        _ => false,
    })
}

/// A directory holding `src/`, made once per process, in memory if possible.
fn crate_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_owned()
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("callback-fuzz-scan-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).expect("a temporary directory");
        dir
    })
}

fn check_scan(text: &str, lines: usize) {
    let dir = crate_dir();
    let lib = Path::new("src").join("lib.rs");
    std::fs::write(dir.join(&lib), text).expect("write src/lib.rs");

    match Scanner::new(dir).crate_name("fuzz-ext").scan() {
        Ok(scan) => {
            let mut seen = [false; Event::COUNT];
            for h in &scan.handlers {
                let info = &h.info;
                assert!(
                    !std::mem::replace(&mut seen[info.event.index()], true),
                    "two handlers for {}",
                    info.event
                );
                assert!(
                    validate_path(&info.path).is_ok(),
                    "invalid path {:?}",
                    info.path
                );
                assert!(!info.name.is_empty());
                assert!(
                    info.module == "fuzz_ext" || info.module.starts_with("fuzz_ext::"),
                    "{}",
                    info.module
                );
                check_location(&h.location, &lib, lines);
            }
            let section = listener("https://ext.example.com", &scan.handlers)
                .unwrap_or_else(|e| panic!("scanned handlers make no listener: {e}"));
            assert_eq!(section.entries().len(), scan.handlers.len());
            let json = handlers_json(&scan.handlers);
            let back = read_handlers(&json)
                .unwrap_or_else(|e| panic!("callback-handlers.json does not read back: {e}"));
            let records: Vec<HandlerRecord> = scan
                .handlers
                .iter()
                .map(|h| HandlerRecord {
                    info: h.info.clone(),
                    source: Some(format!("{}:{}", h.location.file.display(), h.location.line)),
                })
                .collect();
            assert_eq!(back, records);
        }
        Err(err) => {
            assert!(!err.problems().is_empty());
            for problem in err.problems() {
                let message = problem.to_string();
                let location = match problem {
                    Problem::Syntax { location, .. }
                    | Problem::ModuleNotFound { location, .. }
                    | Problem::AmbiguousModule { location, .. }
                    | Problem::ModuleCycle { location, .. }
                    | Problem::BadPathAttribute { location, .. }
                    | Problem::BadAttribute { location, .. }
                    | Problem::TwoAttributes { location, .. }
                    | Problem::DuplicateEvent { location, .. } => location,
                    Problem::Read { declared_at, .. } => declared_at
                        .as_ref()
                        .unwrap_or_else(|| panic!("a read problem with no place: {message}")),
                    other => panic!("a problem this target does not know: {other:?}"),
                };
                check_location(location, &lib, lines);
                // Finding 2 (fixed in 8373ddd): a file that ends too early is
                // reported on its last line, not at 1:1.
                if let Problem::Syntax { message: m, .. } = problem
                    && m.starts_with("unexpected end of input")
                {
                    assert_eq!(location.line, lines, "not at the end: {message}");
                }
                assert!(
                    message.starts_with(&format!("{location}: ")),
                    "the message does not start with its place: {message}"
                );
            }
        }
    }
}

fn check_location(location: &Location, lib: &Path, lines: usize) {
    assert_eq!(location.file, lib, "only src/lib.rs exists");
    check_line(location.line, lines, &location.to_string());
    assert!(location.column >= 1);
}
