//! The integration tests of callback-core, in one test binary: one module
//! per subject, sharing the helpers of `common`. One binary links the crate
//! once and runs every test in one process.
//!
//! Only a test that needs a process of its own has its own binary:
//! `tests/allocations.rs` installs a counting global allocator.

mod common;

mod call_context;
mod desk_common;
mod desk_dispatch;
mod desk_keys;
mod desk_properties;
mod extractors;
mod fuzz_regressions;
mod known_answers;
mod manifest_merge;
mod manifest_read;
mod payload_edge_cases;
mod properties;
mod rotation;
mod router_dispatch;
mod store;
mod testing_helpers;
mod tracing_capture;
mod verify_rejections;
