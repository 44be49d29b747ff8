//! The black-box tests of callback-actix over real HTTP, in one test
//! binary: one module per subject, each against a real `HttpServer` with
//! one worker on `127.0.0.1:0`, driven by the raw-HTTP peer of
//! `callback-contract`.
//!
//! Only a test that needs a process of its own has its own binary: those
//! that install the global `tracing` subscriber (`no_secrets_in_logs.rs`,
//! `no_secrets_in_router_log.rs`).

mod faults;
mod header_abuse;
mod no_secrets_in_errors;
mod over_http;
mod raw_socket;
mod slow_clients;
