//! The `install-tracker` binary as its own process on `127.0.0.1:0`, and the
//! signed (or deliberately bad) callbacks the load and crash tests send it
//! over real HTTP, each carrying a unique org id so that the database can be
//! checked callback by callback afterwards.
#![allow(unreachable_pub)]

use callback_actix::callback_core::testing::TestCallback;
use callback_actix::prelude::*;
use rusqlite::{Connection, OpenFlags};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The secret the server is started with (`ZOHO_EXTENSION_SECRET`).
pub const SECRET: &str = "install-tracker-load-secret-7d2f";
/// The first org id the tests use; callback `i` comes from `ORG_BASE + i`.
pub const ORG_BASE: u64 = 9_000_000_000;
/// The server's body limit (the default).
pub const BODY_LIMIT: usize = 64 * 1024;
/// The installation store's key the server is started with
/// (`ZOHO_STORE_KEY`: the base64 of 32 bytes of 0x5a).
pub const STORE_KEY: &str = "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo=";
/// Where Desk's key set is looked for unless a test serves one: a port
/// nothing listens on, so that nothing leaves the machine.
pub const NO_JWKS_URL: &str = "http://127.0.0.1:9/.well-known/jwks.json";

/// The database at the SQLite file `path`, opened in this process with
/// [`STORE_KEY`], for tests of the app without its binary.
pub async fn open_db(path: &Path) -> install_tracker::Db {
    let keys = StoreKeys::parse(STORE_KEY).expect("a key");
    install_tracker::Db::open(&sqlite_url(path), keys)
        .await
        .expect("the database opens")
}

/// The `DATABASE_URL` of the SQLite file `database`.
pub fn sqlite_url(database: &Path) -> String {
    format!("sqlite://{}", database.display())
}

/// A running `install-tracker`, killed when dropped.
pub struct Tracker {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    stdout: Captured,
    stderr: Captured,
}

/// Everything a stream of the server printed so far, read by a thread that
/// ends with the process.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<String>>>);

impl Captured {
    fn push(&self, line: String) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(line);
    }

    /// Keeps reading lines of `reader` into this (any bytes that are not
    /// UTF-8 replaced), on a thread of its own, until the stream ends.
    fn drain(&self, reader: impl BufRead + Send + 'static) {
        let this = self.clone();
        std::thread::spawn(move || {
            for line in reader.split(b'\n').map_while(Result::ok) {
                this.push(String::from_utf8_lossy(&line).into_owned());
            }
        });
    }

    /// The first line holding `needle`, waiting up to 10 s for it.
    fn wait_for(&self, needle: &str, stream: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let lines = self.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
            if let Some(line) = lines.iter().find(|l| l.contains(needle)) {
                return line.clone();
            }
            assert!(
                Instant::now() < deadline,
                "no line with {needle:?} on {stream} within 10 s; it printed:\n{}",
                lines.join("\n")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Tracker {
    /// The binary, set to listen on an OS-chosen port of 127.0.0.1 with
    /// the SQLite file `database` and [`STORE_KEY`], reading its secret
    /// from its manifest, calling nothing out, logging at its default
    /// level.
    pub fn command(database: &Path) -> Command {
        Tracker::command_url(&sqlite_url(database))
    }

    /// [`Tracker::command`] on the database at `url` (`sqlite://…` or
    /// `postgres://…`).
    pub fn command_url(url: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_install-tracker"));
        Tracker::configure(&mut command, url);
        command
    }

    /// [`Tracker::command`] run with the file-creation mask `umask` (such
    /// as `"022"`), whatever the test's own: through `sh`, which `exec`s the
    /// binary, so the process is still the server's.
    #[cfg(unix)]
    pub fn command_with_umask(database: &Path, umask: &str) -> Command {
        let mut command = Command::new("sh");
        command.args([
            "-c",
            &format!("umask {umask} && exec \"$0\""),
            env!("CARGO_BIN_EXE_install-tracker"),
        ]);
        Tracker::configure(&mut command, &sqlite_url(database));
        command
    }

    fn configure(command: &mut Command, url: &str) {
        command
            .env("BIND_ADDR", "127.0.0.1:0")
            .env("DATABASE_URL", url)
            .env("ZOHO_STORE_KEY", STORE_KEY)
            .env("ZOHO_DESK_JWKS_URL", NO_JWKS_URL)
            .env_remove("ZOHO_EXTENSION_SECRET")
            .env_remove("ZOHO_INVOKE_BASE_URL")
            .env_remove("MANIFEST_PATH")
            .env_remove("ADMIN_TOKEN")
            .env_remove("MAX_CONNECTIONS")
            .env_remove("WORKERS")
            .env_remove("RUST_LOG");
    }

    /// Starts [`Tracker::command`] signed with [`SECRET`].
    pub fn start(database: &Path) -> Tracker {
        Tracker::start_with(database, &[])
    }

    /// [`Tracker::start`] with the variables `vars` set too.
    pub fn start_with(database: &Path, vars: &[(&str, &str)]) -> Tracker {
        Tracker::start_url(&sqlite_url(database), vars)
    }

    /// [`Tracker::start_with`] on the database at `url`.
    pub fn start_url(url: &str, vars: &[(&str, &str)]) -> Tracker {
        let mut command = Tracker::command_url(url);
        command
            .env("ZOHO_EXTENSION_SECRET", SECRET)
            .envs(vars.iter().copied());
        Tracker::spawn(command)
    }

    /// Starts `command` and waits for its "listening" line.
    pub fn spawn(mut command: Command) -> Tracker {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("install-tracker starts");
        let (stdout, stderr) = (Captured::default(), Captured::default());
        stderr.drain(BufReader::new(child.stderr.take().expect("piped stderr")));
        let mut reader = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut lines = reader.by_ref().lines();
        let base_url = loop {
            let line = lines
                .next()
                .expect("install-tracker printed where it listens before exiting")
                .expect("readable stdout");
            stdout.push(line.clone());
            if let Some(url) = line.strip_prefix("install-tracker listening on ") {
                break url.trim().to_owned();
            }
        };
        // One log line a callback: keep draining so the server never blocks
        // on a full pipe. The thread ends when the process does.
        stdout.drain(reader);
        Tracker {
            child,
            base_url,
            stdout,
            stderr,
        }
    }

    /// The first line of standard output (where the log goes) that holds
    /// `needle`, waiting up to 10 s for it to be printed.
    pub fn stdout_line(&self, needle: &str) -> String {
        self.stdout.wait_for(needle, "standard output")
    }

    /// The first line of standard error that holds `needle`, waiting up to
    /// 10 s for it to be printed.
    pub fn stderr_line(&self, needle: &str) -> String {
        self.stderr.wait_for(needle, "standard error")
    }

    /// Every line it printed so far, standard output then standard error.
    pub fn printed(&self) -> String {
        [&self.stdout, &self.stderr]
            .iter()
            .flat_map(|c| c.0.lock().unwrap_or_else(|p| p.into_inner()).clone())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The `host:port` it listens on.
    pub fn addr(&self) -> &str {
        self.base_url
            .strip_prefix("http://")
            .expect("an http:// base URL")
    }

    /// Stops it as Ctrl-C or a service manager would (SIGTERM), and waits
    /// for a successful exit. Unix only: elsewhere there is no SIGTERM to
    /// send (see the other `stop`).
    #[cfg(unix)]
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
        panic!(
            "install-tracker did not stop within 20 s of SIGTERM; it printed:\n{}",
            self.printed()
        );
    }

    /// Stops it where there is no SIGTERM (Windows): killed, as a service
    /// manager does there. What the graceful shutdown keeps is not checked
    /// on such systems; only that the server stops.
    #[cfg(not(unix))]
    pub fn stop(mut self) {
        self.child.kill().expect("the server is stopped");
        self.child.wait().expect("the process is reaped");
    }

    /// The process id.
    #[cfg_attr(not(unix), allow(dead_code))]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's resident memory, in KiB (`VmRSS` of
    /// `/proc/<pid>/status`): Linux only, `None` on other systems.
    #[cfg(target_os = "linux")]
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("the server is running");
        let kib = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().strip_suffix("kB"))
            .and_then(|v| v.trim().parse().ok())
            .expect("a VmRSS line");
        Some(kib)
    }

    /// Without `/proc`, the memory is not measured.
    #[cfg(not(target_os = "linux"))]
    pub fn rss_kib(&self) -> Option<u64> {
        None
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

/// Runs `command`, which must exit within 10 s (as a server refusing to
/// start does), and returns what it printed. One that keeps running is
/// killed, and the test fails with its output.
pub fn run_to_exit(mut command: Command) -> std::process::Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("install-tracker runs");
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().expect("waitable").is_none() {
        if Instant::now() > deadline {
            child.kill().expect("SIGKILL is sent");
            let output = child.wait_with_output().expect("the process is reaped");
            panic!(
                "it did not exit within 10 s; it printed:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("the output is read")
}

/// `GET path` over a plain socket with `headers`: the status and the JSON
/// body.
pub fn get(base_url: &str, path: &str, headers: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let addr = base_url.strip_prefix("http://").expect("an http URL");
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("a response");
    let status = response[9..12].parse().expect("a status code");
    let body = response.split_once("\r\n\r\n").expect("headers end").1;
    (status, serde_json::from_str(body).expect("a JSON body"))
}

/// What came of one callback: the status and the error code (`"ok"` for
/// success), or the client's error.
pub type Answer = Result<(u16, String), String>;

/// POSTs callback `i` and reads the answer.
pub async fn send(client: &reqwest::Client, base_url: &str, i: u64) -> Answer {
    let (path, hash, body) = callback(i);
    post(client, base_url, path, hash, body).await
}

/// POSTs the callback of `event` from `org` carrying `context`, signed
/// with [`SECRET`], and reads the answer.
pub async fn send_event(
    client: &reqwest::Client,
    base_url: &str,
    event: Event,
    org: u64,
    context: &str,
) -> Answer {
    let secret = Secret::new(SECRET).expect("not blank");
    let built = TestCallback::new(event, &secret)
        .org_id(org)
        .security_context(context)
        .build();
    let hash = built.hash.expect("signed");
    post(client, base_url, built.path, hash, built.body).await
}

/// POSTs a signed callback body to `path` and reads the answer.
async fn post(
    client: &reqwest::Client,
    base_url: &str,
    path: String,
    hash: String,
    body: Vec<u8>,
) -> Answer {
    let request = client
        .post(format!("{base_url}{path}"))
        .header("HASH", hash)
        .header("Content-Type", "application/json")
        .body(body);
    answer(request).await
}

/// Sends `request` and reads the answer: its status and the error code of
/// its JSON body (`"ok"` for success).
async fn answer(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.map_err(|e| format!("{e:?}"))?;
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.map_err(|e| format!("{e:?}"))?;
    let code = match body.get("error") {
        Some(code) => code.as_str().unwrap_or("?").to_owned(),
        None if body["ok"] == true => "ok".to_owned(),
        None => format!("unexpected body {body}"),
    };
    Ok((status, code))
}

/// Sends callback `i` and waits for its answer, on a runtime of its own
/// whose end closes the connection (a connection left open would hold the
/// server's graceful stop until it idles out).
pub fn send_blocking(base_url: &str, i: u64) -> Answer {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(send(&client(), base_url, i))
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

/// What the database holds, by org id: the event and `"seq"` of each
/// callback install-tracker recorded, in order. Opened read-only (the server
/// may be running).
pub fn stored(database: &Path) -> HashMap<u64, Vec<(String, u64)>> {
    let conn = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the database opens");
    let mut stmt = conn
        .prepare(
            "SELECT org_id, name, detail FROM tracker_events WHERE source = 'callback' \
             ORDER BY id",
        )
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

/// How many orgs the installation store keeps.
pub fn org_count(database: &Path) -> u64 {
    let conn = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the database opens");
    conn.query_row("SELECT COUNT(*) FROM installations", [], |row| row.get(0))
        .expect("a count")
}

/// The orgs the installation store keeps.
pub fn stored_orgs(database: &Path) -> std::collections::BTreeSet<u64> {
    let conn = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the database opens");
    let mut stmt = conn
        .prepare("SELECT org_id FROM installations")
        .expect("a query");
    stmt.query_map([], |row| row.get::<_, String>(0))
        .expect("rows")
        .map(|org| org.expect("a row").parse().expect("a numeric org id"))
        .collect()
}

/// Asserts that no file of the SQLite database `database` holds the
/// security contexts of the common callbacks in plaintext (they all start
/// `load-security-context-`).
pub fn assert_no_plaintext_context(database: &Path) {
    let files = database_bytes(database);
    assert!(!files.is_empty());
    for (file, bytes) in files {
        assert!(
            !contains(&bytes, b"load-security-context-"),
            "{file} holds a security context in plaintext"
        );
    }
}

/// Whether `needle` occurs anywhere in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// The bytes of the SQLite database `database`, its `-wal` and its `-shm`
/// (those that exist), each by name.
pub fn database_bytes(database: &Path) -> Vec<(String, Vec<u8>)> {
    callback_actix::callback_core::callback_store::database_files(database)
        .iter()
        .filter_map(|file| Some((file.display().to_string(), std::fs::read(file).ok()?)))
        .collect()
}

/// Desk's key set (the TEST keys of `callback_core::testing::desk`) served
/// on 127.0.0.1 for as long as the process runs: its URL, for
/// `ZOHO_DESK_JWKS_URL`.
pub fn serve_test_jwks() -> String {
    use callback_actix::callback_core::testing::desk::TEST_JWKS;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let addr = listener.local_addr().expect("an address");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0; 4096];
            let _ = stream.read(&mut request);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{TEST_JWKS}",
                TEST_JWKS.len()
            );
        }
    });
    format!("http://{addr}/.well-known/jwks.json")
}

/// POSTs a Desk delivery, signed with the TEST key, and reads the answer.
pub async fn deliver(
    client: &reqwest::Client,
    base_url: &str,
    delivery: &callback_actix::callback_core::testing::desk::TestDelivery,
) -> Answer {
    let built = delivery.build();
    let mut request = client
        .post(format!("{base_url}{}", built.uri()))
        .header("Content-Type", "application/json")
        .body(built.body.clone());
    if let Some(token) = &built.token {
        request = request.header("X-ZDesk-JWT", token);
    }
    answer(request).await
}
