//! The quick start needs no setup: without `ZOHO_STORE_KEY`, a debug build
//! makes a development key in a file beside the database (mode `0600`),
//! says so naming the file, and finds it there on the next start; a
//! release build refuses to start without the key, saying how to make one.

use crate::common;

use common::Tracker;
use std::path::Path;

/// The server on `database` without `ZOHO_STORE_KEY`.
fn without_key(database: &Path) -> std::process::Command {
    let mut command = Tracker::command(database);
    command
        .env_remove("ZOHO_STORE_KEY")
        .env("ZOHO_EXTENSION_SECRET", common::SECRET);
    command
}

#[cfg(debug_assertions)]
#[test]
fn a_debug_build_makes_a_development_key_file_beside_the_database_and_keeps_using_it() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("quick.db");
    let key_file = dir.path().join("quick.db.key");
    let server = Tracker::spawn(without_key(&database));
    let warning = server.stdout_line("ZOHO_STORE_KEY is not set");
    assert!(warning.contains(" WARN "), "{warning}");
    assert!(
        warning.ends_with(&format!(
            "ZOHO_STORE_KEY is not set: the security contexts are encrypted under a \
             development key made now in {} (readable by its owner only), beside the \
             database; set ZOHO_STORE_KEY (`openssl rand -base64 32`) for anything but \
             development, as a release build requires",
            key_file.display()
        )),
        "{warning}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o7777;
        assert_eq!(format!("{mode:04o}"), "0600");
    }
    assert_eq!(
        common::send_blocking(&server.base_url, 0),
        Ok((200, "ok".to_owned()))
    );
    let key = std::fs::read(&key_file).unwrap();
    server.stop();

    // Started again: the same key, found there, opens what it wrote.
    let server = Tracker::spawn(without_key(&database));
    let warning = server.stdout_line("ZOHO_STORE_KEY is not set");
    assert!(
        warning.contains(&format!("development key kept in {}", key_file.display())),
        "{warning}"
    );
    assert_eq!(std::fs::read(&key_file).unwrap(), key);
    let (status, state) = common::get(
        &server.base_url,
        &format!("/orgs/{}", common::org_of(0)),
        &[],
    );
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["installed"], true);
    // The key itself is never printed.
    let printed = server.printed();
    let key = String::from_utf8(key).unwrap();
    assert!(!printed.contains(key.trim()), "{printed}");
    server.stop();
}

#[cfg(not(debug_assertions))]
#[test]
fn a_release_build_refuses_to_start_without_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("quick.db");
    let output = common::run_to_exit(without_key(&database));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(
            "error: ZOHO_STORE_KEY is not set, and a release build does not make a \
             development key: ZOHO_STORE_KEY is not set: it holds the key that encrypts"
        ),
        "{stderr}"
    );
    assert!(!database.exists(), "nothing was created");
    assert!(!dir.path().join("quick.db.key").exists());
}
