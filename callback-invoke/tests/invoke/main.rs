//! The integration tests of callback-invoke, in one test binary: one
//! module per subject, sharing `support` (the fake Zoho, the raw HTTP
//! server, log capture). One binary links the crate once and runs every
//! test in one process.
//!
//! No test installs a global `tracing` subscriber: those that read logs
//! capture their own thread's only (`support::logs`), so they share the
//! process with the others.

#[path = "../support/mod.rs"]
mod support;

mod answer_shape;
mod background;
mod calls;
mod config_params;
mod desk;
mod end_to_end;
mod extension_logs;
mod insecure_warning;
mod known_answer;
mod redaction;
mod redirects;
mod response_limit;
mod retry_after;
mod spans;
mod storage;
