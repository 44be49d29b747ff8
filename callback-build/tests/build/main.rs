//! The integration tests of callback-build, in one test binary: one module
//! per subject, sharing the fixtures of `common`. One binary links the crate
//! once and runs every test in one process; the build-script tests re-run
//! this binary as the child process a build script is.

mod common;

mod agree;
mod build_script;
mod cargo_build;
mod desk_scan;
mod fuzz_regressions;
mod handlers_file;
mod manifest_checks;
mod resources;
mod scan;
mod write;
