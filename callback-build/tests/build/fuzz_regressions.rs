//! Inputs found while fuzzing the scanner (`fuzz/`, target
//! `attribute_scanner`; see FUZZING.md), kept as tests.
//!
//! A test that is `#[ignore]`d states what should happen and fails until the
//! code does it; run it with
//! `cargo test -p callback-build --test build fuzz_regressions -- --ignored`.

use crate::common::temp_crate;
use callback_build::{Problem, scan_crate};

fn syntax_error_at(lib_rs: &str) -> String {
    let dir = temp_crate(&[("src/lib.rs", lib_rs)]);
    let err = scan_crate(dir.path()).unwrap_err();
    assert!(matches!(err.problems(), [Problem::Syntax { .. }]), "{err}");
    err.to_string()
}

/// Finding 2 (attribute_scanner): a file that ends too early is reported at
/// `src/lib.rs:1:1`, not where it ends. syn reports "unexpected end of
/// input" with `Span::call_site()`, which has no place in the file, and
/// `Location::of` turns that into line 1, column 1. Here the file ends on
/// line 3, after `mod m`.
#[test]
fn an_early_end_of_file_is_reported_where_the_file_ends() {
    let message = syntax_error_at("//! An extension.\n\nmod m");
    assert!(
        message.starts_with("src/lib.rs:3:6: "),
        "the error should be on line 3, where the file ends: {message}"
    );
}

/// What holds today, and the fuzz target checks on every input: a syntax
/// error inside the file names the file, a line of it and a column, before
/// the message.
#[test]
fn a_syntax_error_names_the_file_and_line() {
    let message = syntax_error_at("fn ok() {}\n\n#[on_install]\nfn f( {}\n");
    assert!(message.starts_with("src/lib.rs:4:"), "{message}");
    assert!(message.contains(": cannot parse this file: "), "{message}");
}
