//! The database holds security contexts: on unix its three files (the
//! database, its `-wal` and its `-shm`) are readable by their owner only
//! (`0600`), whether the server creates them or finds them readable by
//! others, which it then says, naming each file.
#![cfg(unix)]

use crate::common;

use callback_actix::callback_core::callback_store::database_files;
use common::Tracker;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// The mode bits of `file`, in octal.
fn mode(file: &Path) -> String {
    let meta = std::fs::metadata(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    format!("{:04o}", meta.permissions().mode() & 0o7777)
}

/// Starts the server under umask 022 (with which SQLite alone creates
/// `0644` files), and records one callback: the `-wal` and `-shm` exist
/// while the server runs.
fn start_and_record(database: &Path) -> Tracker {
    let mut command = Tracker::command_with_umask(database, "022");
    command.env("ZOHO_EXTENSION_SECRET", common::SECRET);
    let server = Tracker::spawn(command);
    assert_eq!(
        common::send_blocking(&server.base_url, 0),
        Ok((200, "ok".to_owned()))
    );
    server
}

#[test]
fn a_new_database_its_wal_and_its_shm_are_0600() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("new.db");
    let server = start_and_record(&database);
    for file in database_files(&database) {
        assert_eq!(mode(&file), "0600", "{}", file.display());
    }
    let printed = server.printed();
    assert!(
        !printed.contains("had mode"),
        "nothing to tighten: {printed}"
    );
    server.stop();
}

#[test]
fn files_readable_by_others_are_made_0600_with_a_warning_naming_each() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("old.db");
    // A SIGKILL leaves the -wal and -shm behind, as a crash would.
    start_and_record(&database).kill();
    let files = database_files(&database);
    for file in &files {
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    let server = start_and_record(&database);
    for file in &files {
        assert_eq!(mode(file), "0600", "{}", file.display());
        let warning = server.stdout_line(&format!("the database file {} had", file.display()));
        assert!(warning.contains(" WARN "), "{warning}");
        assert!(
            warning.ends_with(&format!(
                "the database file {} had mode 0644, which lets other users read it; its \
                 mode is now 0600",
                file.display()
            )),
            "{warning}"
        );
    }
    // The callback stored before the kill is still there, beside the new one.
    assert_eq!(common::stored(&database)[&common::org_of(0)].len(), 2);
    server.stop();
}
