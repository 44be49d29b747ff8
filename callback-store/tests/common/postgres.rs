//! PostgreSQL for tests, shared by every crate whose tests need one
//! (`#[path]`-included): the shared cluster `scripts/with-postgres.sh`
//! starts (a fresh database on it per test), or a cluster of a test's own,
//! to stop and start.
//!
//! `scripts/with-postgres.sh cargo test -p <crate>` runs a crate's tests
//! with a throwaway cluster on 127.0.0.1; without it the tests that need
//! PostgreSQL are skipped with one line saying so, unless
//! `CALLBACK_TEST_POSTGRES_REQUIRED=1` (as in CI, which the script sets),
//! when they fail.
#![allow(dead_code, unreachable_pub)]

use sqlx::Connection;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};
use tempfile::TempDir;

/// The variable that holds the shared cluster's URL.
pub const URL_ENV: &str = "CALLBACK_TEST_POSTGRES_URL";
/// The variable that says PostgreSQL must be there (CI sets it).
pub const REQUIRED_ENV: &str = "CALLBACK_TEST_POSTGRES_REQUIRED";
/// The variable that names the folder of the server's programs.
pub const BIN_ENV: &str = "CALLBACK_TEST_POSTGRES_BIN";

/// The one line a skipped test prints.
fn skipped() {
    eprintln!(
        "skipped: no PostgreSQL ({URL_ENV} is not set); run the tests through \
         `scripts/with-postgres.sh cargo test -p {}` to include it",
        env!("CARGO_PKG_NAME")
    );
}

/// Whether PostgreSQL must be there.
pub fn required() -> bool {
    std::env::var(REQUIRED_ENV).is_ok_and(|v| v == "1")
}

/// The shared cluster's superuser URL; `None` (with the line saying how to
/// run the test) when there is none and none is required. Panics when one
/// is required but missing.
pub fn admin_url() -> Option<String> {
    match std::env::var(URL_ENV) {
        Ok(url) => Some(url),
        Err(_) if required() => panic!(
            "{REQUIRED_ENV}=1 but {URL_ENV} is not set: run the tests through \
             scripts/with-postgres.sh"
        ),
        Err(_) => {
            skipped();
            None
        }
    }
}

/// A new database on the shared cluster, by URL; `None` as
/// [`admin_url`] says. Panics when the cluster cannot be reached.
pub async fn new_database() -> Option<String> {
    Some(create_database(&admin_url()?).await)
}

/// Makes a new database on the cluster of `admin` and gives its URL.
pub async fn create_database(admin: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let mut conn = match sqlx::PgConnection::connect(admin).await {
        Ok(conn) => conn,
        Err(error) => panic!("{URL_ENV} is set, but its server cannot be reached: {error}"),
    };
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let name = format!(
        "store_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let (base, _) = admin.rsplit_once('/').expect("a URL with a database");
    format!("{base}/{name}")
}

/// The folder of the PostgreSQL server's programs (`pg_dump`, …).
pub fn pg_bin() -> PathBuf {
    std::env::var_os(BIN_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/postgresql/15/bin"))
}

/// `pg_dump` of the database at `url`, in plain SQL: what an attacker with
/// a backup reads.
pub fn pg_dump(url: &str) -> Vec<u8> {
    let output = Command::new(pg_bin().join("pg_dump"))
        .arg(url)
        .output()
        .expect("pg_dump runs");
    assert!(
        output.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// `scripts/with-postgres.sh`, found from the including crate's folder up.
fn script() -> PathBuf {
    let mut dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    loop {
        let script = dir.join("scripts/with-postgres.sh");
        if script.exists() {
            return script;
        }
        dir = dir
            .parent()
            .expect("the workspace holds scripts/with-postgres.sh");
    }
}

/// A PostgreSQL cluster of one test's own, stopped (as by a crash) when
/// dropped.
pub struct OwnCluster {
    dir: TempDir,
    /// Its superuser's URL (database `postgres`).
    pub url: String,
}

impl OwnCluster {
    /// A new cluster, where PostgreSQL tests run (see [`admin_url`]);
    /// `None` with the line saying how to run it.
    pub fn start() -> Option<OwnCluster> {
        if std::env::var(URL_ENV).is_err() && !required() {
            skipped();
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let url = run_script(&["--start", &dir.path().display().to_string()]);
        Some(OwnCluster { dir, url })
    }

    /// Stops the server with pg_ctl's `mode` (`immediate`: a crash).
    pub fn stop(&self, mode: &str) {
        run_script(&["--stop", &self.dir.path().display().to_string(), mode]);
    }

    /// Starts the server again, on its port.
    pub fn restart(&self) {
        let url = run_script(&["--start", &self.dir.path().display().to_string()]);
        assert_eq!(url, self.url);
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = Command::new(script())
            .args([
                "--stop",
                &self.dir.path().display().to_string(),
                "immediate",
            ])
            .status();
    }
}

fn run_script(args: &[&str]) -> String {
    let output = Command::new(script()).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "with-postgres.sh {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}
