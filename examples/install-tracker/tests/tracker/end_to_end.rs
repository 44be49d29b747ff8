//! The whole product, as a user runs it: `install-tracker` as its own process
//! on a free port with a temporary database, every event fired at it by the
//! `callback` binary, the state read back over HTTP, a tampered callback
//! that changes nothing, and a restart that keeps the state.

use crate::common;

use callback_actix::prelude::Event;
use common::Tracker;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ORG: &str = "387238";
const MANIFEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/plugin-manifest.json");

/// `install-tracker` on a free port with `database`, reading the `secret`
/// of its manifest.
fn start(database: &Path) -> Tracker {
    Tracker::spawn(Tracker::command(database))
}

/// The `callback` binary of the workspace, built if this test runs alone.
fn callback_binary() -> PathBuf {
    let dir = std::env::current_exe()
        .expect("test binary path")
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/..")
        .to_owned();
    let binary = dir.join(format!("callback{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-p", "callback-cli", "--bin", "callback"])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the callback binary failed");
    }
    assert!(
        binary.exists(),
        "no callback binary at {}",
        binary.display()
    );
    binary
}

fn callback(args: &[&str]) -> Output {
    Command::new(callback_binary())
        .args(args)
        .output()
        .expect("the callback binary runs")
}

fn get(base_url: &str, path: &str) -> (u16, serde_json::Value) {
    common::get(base_url, path, &[])
}

#[test]
fn every_event_from_the_cli_is_recorded_forgeries_are_not_and_state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("install-tracker.db");
    let server = start(&database);

    // Zoho's side: every event the manifest lists, in lifecycle order.
    let sent = callback(&[
        "send",
        "--manifest",
        MANIFEST,
        "--base-url",
        &server.base_url,
        "--all",
        "--org-id",
        ORG,
        "--security-context",
        "e2e-security-context",
    ]);
    assert!(
        sent.status.success(),
        "callback send --all failed: {}",
        String::from_utf8_lossy(&sent.stderr)
    );

    let (status, state) = get(&server.base_url, &format!("/orgs/{ORG}"));
    assert_eq!(status, 200, "{state}");
    let all = Event::ALL.map(Event::wire_name);
    assert_eq!(state["events"], serde_json::json!(all));
    assert_eq!(state["installed"], false, "uninstalled last: {state}");
    assert_eq!(state["updates"], 1);
    assert_eq!(state["configParamAdds"], 1);

    // A callback signed with the wrong secret is refused and changes nothing.
    let forged = callback(&[
        "send",
        "onInstall",
        "--url",
        &format!("{}/callbacks/onInstall", server.base_url),
        "--secret",
        "not-the-manifest-secret",
        "--org-id",
        ORG,
    ]);
    assert!(!forged.status.success(), "a forged callback must fail");
    assert!(
        String::from_utf8_lossy(&forged.stdout).contains("401"),
        "stdout: {}",
        String::from_utf8_lossy(&forged.stdout)
    );
    let (_, after_forgery) = get(&server.base_url, &format!("/orgs/{ORG}"));
    assert_eq!(after_forgery, state);

    // An org nobody heard from is unknown.
    assert_eq!(get(&server.base_url, "/orgs/1").0, 404);

    // Stopped and started again on the same database: nothing is lost.
    server.stop();
    let restarted = start(&database);
    let (status, after_restart) = get(&restarted.base_url, &format!("/orgs/{ORG}"));
    assert_eq!(status, 200);
    assert_eq!(after_restart, state);
    restarted.stop();
}
