//! A Desk delivery's token and body: `TokenVerifier` (with the TEST key
//! set) and `parse_batch`, never a panic, each refusal one of the
//! documented codes. Input format and properties: `checks/desk_delivery.rs`,
//! which `cargo test -p callback-core --test core fuzz_regressions` also
//! runs on every committed seed.

#![no_main]

#[path = "checks/desk_delivery.rs"]
mod desk_delivery;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    desk_delivery::check(data);
});
