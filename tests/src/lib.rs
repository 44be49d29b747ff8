//! Black-box helpers: the fixture extension served by a real
//! `actix_web::HttpServer` on `127.0.0.1:0`, and clients for it (reqwest,
//! and a raw socket for what a well-behaved client will not send).

#[path = "../../callback-actix/tests/common/fixture.rs"]
pub mod fixture;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpServer};
use callback_actix::CallbackRoutes;
use fixture::{Calls, Case, Framing, Request, Response, snapshot};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tracing_subscriber::fmt::MakeWriter;

/// How long actix waits for a request head before answering `408`: short,
/// so that tests of stalled clients are fast.
pub const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_millis(500);

/// The longest any test waits for an answer: generous, to stay reliable on
/// a loaded machine, yet finite, so that a hanging server fails the test.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A real server on `127.0.0.1:0`, in its own thread and actix `System`,
/// stopped when dropped.
pub struct TestServer {
    addr: SocketAddr,
    handle: ServerHandle,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Serves `routes` (mounted with `App::service`) with one worker.
    pub fn start(routes: CallbackRoutes) -> Self {
        TestServer::start_with_head_timeout(routes, CLIENT_REQUEST_TIMEOUT)
    }

    /// [`TestServer::start`], giving clients `head_timeout` to send a
    /// request head instead of [`CLIENT_REQUEST_TIMEOUT`]: for tests that
    /// open many connections at once on a machine that may be loaded.
    pub fn start_with_head_timeout(routes: CallbackRoutes, head_timeout: Duration) -> Self {
        let (sender, receiver) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || App::new().service(routes.clone()))
                    .workers(1)
                    .disable_signals()
                    .client_request_timeout(head_timeout)
                    .shutdown_timeout(1)
                    .bind(("127.0.0.1", 0))
                    .expect("bind 127.0.0.1:0");
                let addr = server.addrs()[0];
                let server = server.run();
                sender
                    .send((addr, server.handle()))
                    .expect("the test waits");
                server.await.expect("the server runs");
            });
        });
        let (addr, handle) = receiver.recv().expect("the server starts");
        TestServer {
            addr,
            handle,
            thread: Some(thread),
        }
    }

    /// Serves the fixture's routes, counting handler calls in the returned
    /// [`Calls`].
    pub fn fixture() -> (Self, Calls) {
        let calls = Calls::default();
        (TestServer::start(fixture::routes(&calls)), calls)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends `request`: with reqwest when it has a `Content-Length`, over a
    /// raw socket when it is chunked, stalls or is cut short.
    pub async fn send(&self, request: &Request) -> Response {
        if request.framing != Framing::Length {
            let bytes = wire_bytes(request);
            let reply = if request.framing == Framing::Truncated {
                raw_exchange_closing(self.addr, &bytes)
            } else {
                raw_exchange(self.addr, &bytes)
            };
            return match reply {
                RawReply::Response(response) => response,
                RawReply::Closed => panic!("the server closed without answering"),
            };
        }
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).expect("a method");
        let mut builder = client()
            .request(method, self.url(&request.path))
            .body(request.body.clone());
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        let response = builder.send().await.expect("the server answers");
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|v: &reqwest::header::HeaderValue| v.to_str().expect("ASCII").to_owned())
        };
        let (status, content_type, allow) = (
            response.status().as_u16(),
            header(reqwest::header::CONTENT_TYPE),
            header(reqwest::header::ALLOW),
        );
        let body = response.bytes().await.expect("a body").to_vec();
        Response {
            status,
            content_type,
            allow,
            body,
        }
    }

    /// Sends each case in turn and checks everything it expects.
    pub async fn run(&self, calls: &Calls, cases: &[Case]) {
        for case in cases {
            let before = snapshot(calls);
            let response = self.send(&case.request).await;
            case.check(&response, &before, calls);
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // `stop` sends the command at once; its future only waits for it.
        drop(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Everything a `tracing` subscriber writes, kept in memory so that a test
/// can search it: pass it to `tracing_subscriber::fmt().with_writer(..)`.
#[derive(Clone, Debug, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned")).into_owned()
    }
}

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl MakeWriter<'_> for LogCapture {
    type Writer = LogCapture;

    fn make_writer(&self) -> LogCapture {
        self.clone()
    }
}

/// What must never be printed (in a log, a `Debug` output, an error message
/// or a response): the fixture's secrets, its security context, and the MAC
/// of each body a test sent under each secret the server holds, in either
/// case. Any run of [`Forbidden::WINDOW`] characters of one of them counts,
/// so a truncated copy is caught too.
#[derive(Clone, Debug)]
pub struct Forbidden {
    /// Each window, and what it is a piece of.
    windows: std::collections::HashMap<String, &'static str>,
}

impl Forbidden {
    /// How many consecutive characters of a secret make a leak.
    pub const WINDOW: usize = 12;

    /// The secrets and the security context, and the MACs of every body of
    /// `cases`.
    pub fn for_cases(cases: &[Case]) -> Self {
        let mut forbidden = Forbidden {
            windows: Default::default(),
        };
        for (what, value) in [
            ("the secret", fixture::SECRET),
            ("the old secret", fixture::OLD_SECRET),
            ("the foreign secret", fixture::FOREIGN_SECRET),
            ("the security context", fixture::SECURITY_CONTEXT),
        ] {
            forbidden.add(what, value);
        }
        for mac in fixture::expected_macs(cases) {
            forbidden.add("an expected MAC", &mac);
            forbidden.add("an expected MAC", &mac.to_ascii_uppercase());
        }
        forbidden
    }

    /// Also the MACs of `body` under each secret the server holds.
    pub fn with_body(mut self, body: &[u8]) -> Self {
        for secret in [fixture::secret(), fixture::old_secret()] {
            let mac = callback_core::Signer::new(&secret).sign(body);
            self.add("an expected MAC", &mac.to_ascii_uppercase());
            self.add("an expected MAC", &mac);
        }
        self
    }

    fn add(&mut self, what: &'static str, value: &str) {
        let chars: Vec<char> = value.chars().collect();
        for window in chars.windows(Self::WINDOW.min(chars.len())) {
            self.windows.insert(window.iter().collect(), what);
        }
    }

    /// The first piece of a secret in `text`, and what it is a piece of.
    pub fn find(&self, text: &str) -> Option<(&'static str, String)> {
        let chars: Vec<char> = text.chars().collect();
        chars.windows(Self::WINDOW).find_map(|window| {
            let window: String = window.iter().collect();
            self.windows.get(&window).map(|&what| (what, window))
        })
    }

    /// Panics, naming `context`, if `text` holds any piece of a secret.
    pub fn assert_absent(&self, context: &str, text: &str) {
        if let Some((what, piece)) = self.find(text) {
            panic!("{context}: {what} ({piece:?}) is in:\n{text}");
        }
    }
}

/// A reqwest client that never waits forever.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(PATIENCE)
        .build()
        .expect("a client")
}

/// The bytes of `request` on the wire. A chunked body goes in 100-byte
/// chunks; a stalled or truncated one declares 100 bytes more than it sends.
pub fn wire_bytes(request: &Request) -> Vec<u8> {
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        request.method, request.path
    );
    for (name, value) in &request.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let mut body = Vec::new();
    match request.framing {
        Framing::Length => {
            head.push_str(&format!("Content-Length: {}\r\n", request.body.len()));
            body.extend_from_slice(&request.body);
        }
        Framing::Stalled | Framing::Truncated => {
            head.push_str(&format!("Content-Length: {}\r\n", request.body.len() + 100));
            body.extend_from_slice(&request.body);
        }
        Framing::Chunked => {
            head.push_str("Transfer-Encoding: chunked\r\n");
            for chunk in request.body.chunks(100) {
                body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                body.extend_from_slice(chunk);
                body.extend_from_slice(b"\r\n");
            }
            body.extend_from_slice(b"0\r\n\r\n");
        }
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&body);
    bytes
}

/// What the server did with a raw request.
#[derive(Debug)]
pub enum RawReply {
    /// It answered.
    Response(Response),
    /// It closed the connection without a complete answer.
    Closed,
}

/// Writes `bytes` on a new connection, keeps it open, and reads one
/// response (or the close). Panics when neither comes within [`PATIENCE`].
pub fn raw_exchange(addr: SocketAddr, bytes: &[u8]) -> RawReply {
    exchange(addr, bytes, false)
}

/// [`raw_exchange`], but closes the writing side after `bytes`, as a client
/// that went away before the end of its body.
pub fn raw_exchange_closing(addr: SocketAddr, bytes: &[u8]) -> RawReply {
    exchange(addr, bytes, true)
}

fn exchange(addr: SocketAddr, bytes: &[u8], close_write: bool) -> RawReply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    // The server may answer and close before reading everything: a failed
    // write is then expected, and the answer is still there to read.
    let _ = stream.write_all(bytes);
    if close_write {
        let _ = stream.shutdown(std::net::Shutdown::Write);
    }
    read_reply(&mut stream)
}

/// Reads one response from `stream`, or notes that it was closed.
pub fn read_reply(stream: &mut TcpStream) -> RawReply {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0; 4096];
    loop {
        if let Some(response) = parse_response(&received) {
            return RawReply::Response(response);
        }
        match stream.read(&mut buf) {
            Ok(0) => return RawReply::Closed,
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!(
                    "no answer and no close after {:?}; received {:?}",
                    started.elapsed(),
                    String::from_utf8_lossy(&received)
                )
            }
            Err(_) => return RawReply::Closed, // reset by the server
        }
    }
}

/// A complete `HTTP/1.1` response with a `Content-Length` body, if `bytes`
/// holds one.
fn parse_response(bytes: &[u8]) -> Option<Response> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..end]).expect("an ASCII head");
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().expect("a status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let length: usize = header("content-length").map_or(0, |v| v.parse().expect("a length"));
    let body = bytes.get(end + 4..end + 4 + length)?.to_vec();
    Some(Response {
        status,
        content_type: header("content-type"),
        allow: header("allow"),
        body,
    })
}
