//! How the examples end on a start-up error: its message and each of its
//! causes, one a line, on standard error (never `Debug`), and exit status 1.
//! Shared by the examples' `main.rs` through `#[path]`.

use std::error::Error;
use std::process::ExitCode;

/// Prints `error: <e>` and a `  caused by: <cause>` line for each source,
/// and gives the failure exit code.
pub(crate) fn report(e: &dyn Error) -> ExitCode {
    eprintln!("error: {e}");
    let mut cause = e.source();
    while let Some(c) = cause {
        eprintln!("  caused by: {c}");
        cause = c.source();
    }
    ExitCode::FAILURE
}
