//! The integration tests of callback-axum, in one test binary: one module
//! per subject. The HTTP contract itself is `callback-contract`'s table,
//! run here over real HTTP against `axum::serve`, the same table
//! callback-actix runs; the other modules test what only this adapter has
//! (its ways of mounting, the declared prefix, what it logs, its test
//! helpers).

mod contract;
mod error_status;
mod helpers;
mod logging;
mod mounting;
mod prefix;
mod server;
