//! Compile-time tests of the handler attributes and `callbacks![]`.
//!
//! `ui/*.rs` must fail to compile with exactly the pinned `ui/*.stderr`: each
//! message points at the offending token and says how to fix it. `pass/*.rs`
//! must compile and run: the hygiene cases (no imports, nested modules,
//! names that clash with generated items, shadowed prelude names).
//!
//! Regenerate the pinned messages with
//! `TRYBUILD=overwrite cargo test -p callback-macros --test macros`, then
//! read every changed `.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/pass/*.rs");
}
