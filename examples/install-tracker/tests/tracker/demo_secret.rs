//! The committed manifest's demo secret: a debug build (what the quick
//! start `cargo run -p install-tracker` runs) starts with it and warns, in
//! its log and on standard error; a release build refuses to start with it,
//! saying how to set a real one.

use crate::common;

use common::Tracker;
use install_tracker::config::DEMO_SECRET_WARNING;

#[cfg(debug_assertions)]
#[test]
fn a_debug_build_warns_at_start_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let server = Tracker::spawn(Tracker::command(&dir.path().join("t.db")));
    assert_eq!(
        server.stderr_line("demo secret"),
        format!("warning: {DEMO_SECRET_WARNING}")
    );
    let logged = server.stdout_line("demo secret");
    assert!(logged.contains(" WARN "), "{logged}");
    assert!(logged.ends_with(DEMO_SECRET_WARNING), "{logged}");
    // And it serves: the read API answers.
    assert_eq!(common::get(&server.base_url, "/orgs/1", &[]).0, 404);
    server.stop();
}

#[cfg(debug_assertions)]
#[test]
fn a_debug_build_with_its_own_secret_does_not_warn() {
    let dir = tempfile::tempdir().unwrap();
    let server = Tracker::start(&dir.path().join("t.db"));
    // Everything up to the last start-up line is printed by then.
    server.stdout_line("Ctrl-C stops it");
    let printed = server.printed();
    assert!(!printed.contains("demo secret"), "{printed}");
    server.stop();
}

#[cfg(not(debug_assertions))]
#[test]
fn a_release_build_refuses_to_start() {
    // No ZOHO_EXTENSION_SECRET: the committed manifest's secret. The
    // database is never opened.
    let output = common::run_to_exit(Tracker::command("/nonexistent/never-opened.db".as_ref()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("listening"));
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: {}",
            install_tracker::config::SettingsError::DemoSecret
        )
    );
}
