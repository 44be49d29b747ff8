//! The repository's `README.md`, compiled and run as this crate's doctests
//! (`cargo test -p readme-doctests --doc`), so that it cannot go stale.
//!
//! It lives in a crate of its own, never published, because the README is
//! outside every published package: a published crate cannot include it.

/// Every Rust block of the README.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
