//! The integration tests of callback-actix, in one test binary: one module
//! per subject. The HTTP contract itself is `callback-contract`'s table,
//! run here over real HTTP against an actix `HttpServer`; the other modules
//! test what only this adapter has (its builder alias, its ways of
//! mounting, its `actix_web::test` helpers).
//!
//! Only a test that needs a process of its own has its own binary:
//! `tests/idle_body_memory.rs` installs a counting global allocator.

// Shared with callback-tests, where its items are the library's public API.
#[allow(unreachable_pub)]
mod server;

mod building;
mod contract;
mod error_status;
mod helpers;
mod prefix;
