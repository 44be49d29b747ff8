//! The build script under Cargo itself: what a user sees in `cargo build`
//! when the scan finds a problem.
//!
//! A crate made in a temporary directory, with callback-build as its
//! build-dependency (by path) and `Config::run_or_exit` as its `build.rs`,
//! built by the same `cargo` that runs this test, offline, into
//! `target/cargo-build-e2e` (kept between runs, so only the first run
//! compiles callback-build's dependencies).

use crate::common::fixture;
use std::path::Path;
use std::process::Command;

const BUILD_RS: &str = "fn main() {\n    callback_build::Config::new().run_or_exit();\n}\n";

/// `cargo build` of the `duplicate` fixture (two handlers for onInstall):
/// its exit status and what it printed on stderr.
fn cargo_build_duplicate() -> (Option<i32>, String) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let manifest = format!(
        "[package]\nname = \"tree-ext\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [build-dependencies]\ncallback-build = {{ path = {:?} }}\n\n[workspace]\n",
        repo.join("callback-build")
    );
    std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.path().join("build.rs"), BUILD_RS).unwrap();
    // The workspace's versions of every dependency, so that `--offline`
    // finds them all in the local registry.
    std::fs::copy(repo.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    for file in ["lib.rs", "again.rs"] {
        std::fs::copy(fixture("duplicate").join("src").join(file), src.join(file)).unwrap();
    }

    let output = Command::new(env!("CARGO"))
        .args(["build", "--offline", "--quiet", "--color", "never"])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", repo.join("target/cargo-build-e2e"))
        .env("CALLBACK_BASE_URL", "https://ext.example.com")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    (
        output.status.code(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_scan_problem_fails_cargo_build_with_only_our_message() {
    let (code, stderr) = cargo_build_duplicate();
    assert_ne!(code, Some(0), "the build must fail:\n{stderr}");
    assert!(
        stderr.contains(
            "error: tree-ext@0.1.0: src/lib.rs:3:1: two handlers for onInstall: \
             `tree_ext::first` here and `tree_ext::again::second` at src/again.rs:3:1; keep one"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: build script logged errors"),
        "{stderr}"
    );
    for noise in [
        "failed to run custom build command",
        "--- stdout",
        "cargo::rerun-if",
    ] {
        assert!(!stderr.contains(noise), "{noise:?} in:\n{stderr}");
    }
}
