//! The `install-tracker` binary as its own process on `127.0.0.1:0`, and the
//! signed (or deliberately bad) callbacks the load and crash tests send it
//! over real HTTP, each carrying a unique org id so that the database can be
//! checked callback by callback afterwards.
#![allow(dead_code, unreachable_pub)] // each test binary uses a different part

use callback_actix::prelude::*;
use rusqlite::{Connection, OpenFlags};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The secret the server is started with (`ZOHO_EXTENSION_SECRET`).
pub const SECRET: &str = "install-tracker-load-secret-7d2f";
/// The first org id the tests use; callback `i` comes from `ORG_BASE + i`.
pub const ORG_BASE: u64 = 9_000_000_000;
/// The server's body limit (the default).
pub const BODY_LIMIT: usize = 64 * 1024;

/// A running `install-tracker`, killed when dropped.
pub struct Tracker {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
}

impl Tracker {
    /// The binary, set to listen on an OS-chosen port of 127.0.0.1 with
    /// `database`, reading its secret from its manifest, calling nothing
    /// out, logging at its default level.
    pub fn command(database: &Path) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_install-tracker"));
        command
            .env("BIND_ADDR", "127.0.0.1:0")
            .env("DATABASE_PATH", database)
            .env_remove("ZOHO_EXTENSION_SECRET")
            .env_remove("ZOHO_INVOKE_BASE_URL")
            .env_remove("MANIFEST_PATH")
            .env_remove("RUST_LOG");
        command
    }

    /// Starts [`Tracker::command`] signed with [`SECRET`].
    pub fn start(database: &Path) -> Tracker {
        let mut command = Tracker::command(database);
        command.env("ZOHO_EXTENSION_SECRET", SECRET);
        Tracker::spawn(command)
    }

    /// Starts `command` and waits for its "listening" line.
    pub fn spawn(mut command: Command) -> Tracker {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("install-tracker starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let base_url = loop {
            let line = lines
                .next()
                .expect("install-tracker printed where it listens before exiting")
                .expect("readable stdout");
            if let Some(url) = line.strip_prefix("install-tracker listening on ") {
                break url.trim().to_owned();
            }
        };
        // One log line a callback: keep draining so the server never blocks
        // on a full pipe. The thread ends when the process does.
        std::thread::spawn(move || lines.for_each(drop));
        Tracker { child, base_url }
    }

    /// Stops it as Ctrl-C or a service manager would (SIGTERM), and waits
    /// for a successful exit.
    pub fn stop(mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("waitable") {
                assert!(status.success(), "install-tracker exited with {status}");
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("install-tracker did not stop within 20 s of SIGTERM");
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's resident memory, in KiB (`VmRSS` of
    /// `/proc/<pid>/status`).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("the server is running");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().strip_suffix("kB"))
            .and_then(|v| v.trim().parse().ok())
            .expect("a VmRSS line")
    }

    /// SIGKILL, as the OOM killer or a power cut would: no shutdown at all.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL is sent");
        self.child.wait().expect("the process is reaped");
    }
}

impl Drop for Tracker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What callback `i` of a load is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Correctly signed: `200`, stored once.
    Valid,
    /// Signed with another secret: `401 signature_mismatch`.
    BadHash,
    /// Signed, but not JSON: `400 invalid_json`.
    BadJson,
    /// Signed, larger than the body limit: `413 payload_too_large`.
    Oversized,
}

impl Kind {
    /// Seven valid callbacks in ten, then one of each invalid kind.
    pub fn of(i: u64) -> Kind {
        match i % 10 {
            7 => Kind::BadHash,
            8 => Kind::BadJson,
            9 => Kind::Oversized,
            _ => Kind::Valid,
        }
    }

    /// The status and error code (`"ok"` for success) it must get.
    pub fn expected(self) -> (u16, &'static str) {
        match self {
            Kind::Valid => (200, "ok"),
            Kind::BadHash => (401, "signature_mismatch"),
            Kind::BadJson => (400, "invalid_json"),
            Kind::Oversized => (413, "payload_too_large"),
        }
    }
}

/// The org id of callback `i`.
pub fn org_of(i: u64) -> u64 {
    ORG_BASE + i
}

/// The event of callback `i`: all eight, in turn.
pub fn event_of(i: u64) -> Event {
    Event::ALL[(i % Event::COUNT as u64) as usize]
}

/// Callback `i`: its path, `HASH` and body. Each carries its org id and
/// its index (`"seq"`), so the database shows which callbacks it holds.
pub fn callback(i: u64) -> (String, String, Vec<u8>) {
    let secret = Secret::new(SECRET).expect("not blank");
    let event = event_of(i);
    let mut cb = TestCallback::new(event, &secret)
        .org_id(org_of(i))
        .security_context(&format!("load-security-context-{i}"))
        .extra("seq", serde_json::json!(i));
    match Kind::of(i) {
        Kind::Valid => {}
        Kind::BadHash => {
            cb = cb.signed_with(&Secret::new("not the server's secret").expect("not blank"));
        }
        Kind::BadJson => {
            // Cut short after the org id: signed, and not JSON.
            cb = cb.body(format!(
                r#"{{"event":"{event}","orgId":{},"seq":{i},"#,
                org_of(i)
            ));
        }
        Kind::Oversized => {
            cb = cb.extra("padding", serde_json::json!("x".repeat(BODY_LIMIT)));
        }
    }
    let built = cb.build();
    (built.path, built.hash.expect("signed"), built.body)
}

/// What came of one callback: the status and the error code (`"ok"` for
/// success), or the client's error.
pub type Answer = Result<(u16, String), String>;

/// POSTs callback `i` and reads the answer.
pub async fn send(client: &reqwest::Client, base_url: &str, i: u64) -> Answer {
    let (path, hash, body) = callback(i);
    let response = client
        .post(format!("{base_url}{path}"))
        .header("HASH", hash)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| format!("{e:?}"))?;
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.map_err(|e| format!("{e:?}"))?;
    let code = match body.get("error") {
        Some(code) => code.as_str().unwrap_or("?").to_owned(),
        None if body["ok"] == true => "ok".to_owned(),
        None => format!("unexpected body {body}"),
    };
    Ok((status, code))
}

/// A client for many concurrent callbacks to one server: a pool of
/// keep-alive connections, and a timeout so nothing waits forever.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(128)
        .build()
        .expect("a client")
}

/// What the database holds, by org id: the event and `"seq"` of each row of
/// `callbacks`, in order. Opened read-only (the server may be running).
pub fn stored(database: &Path) -> HashMap<u64, Vec<(String, u64)>> {
    let conn = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the database opens");
    let mut stmt = conn
        .prepare("SELECT org_id, event, extra FROM callbacks ORDER BY id")
        .expect("a query");
    let mut stored: HashMap<u64, Vec<(String, u64)>> = HashMap::new();
    let rows = stmt
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })
        .expect("rows");
    for row in rows {
        let (org, event, extra) = row.expect("a row");
        let extra: serde_json::Value = serde_json::from_str(&extra).expect("JSON extra");
        let seq = extra["seq"]
            .as_u64()
            .expect("each stored callback has its seq");
        stored
            .entry(org.parse().expect("a numeric org id"))
            .or_default()
            .push((event, seq));
    }
    stored
}

/// `PRAGMA integrity_check` of the database: `"ok"` when sound.
pub fn integrity(database: &Path) -> String {
    let conn = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the database opens");
    conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("the check runs")
}

/// How many rows the `orgs` table has.
pub fn org_count(database: &Path) -> u64 {
    let conn = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the database opens");
    conn.query_row("SELECT COUNT(*) FROM orgs", [], |row| row.get(0))
        .expect("a count")
}
