//! Running `callback` as a process, and a real HTTP server to send to.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

/// What a run of `callback` did.
#[derive(Debug)]
pub(crate) struct Ran {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// A `callback` command with a clean environment for our variables.
pub(crate) fn callback(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_callback"));
    cmd.args(args)
        .env_remove("CALLBACK_BASE_URL")
        .env_remove("RUST_BACKTRACE");
    cmd
}

/// A `callback` command run by `sh` with a file-size limit of 0 and SIGXFSZ
/// ignored, so that its first write of a byte to any file fails with
/// "File too large".
#[cfg(unix)]
pub(crate) fn callback_unable_to_write(args: &[&str]) -> Command {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "trap '' XFSZ && ulimit -f 0 && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_callback"))
        .args(args)
        .env_remove("CALLBACK_BASE_URL")
        .env_remove("RUST_BACKTRACE");
    cmd
}

/// Runs `cmd` with `stdin` as its standard input.
pub(crate) fn run_with_stdin(cmd: &mut Command, stdin: &[u8]) -> Ran {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The command may exit before reading its input: a closed pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    let output = child.wait_with_output().unwrap();
    Ran {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Runs `callback args` with empty standard input.
pub(crate) fn run(args: &[&str]) -> Ran {
    run_with_stdin(&mut callback(args), b"")
}

/// Asserts a failed run: `code`, nothing on standard output, and exactly
/// the one line `error: {message}` on standard error.
#[track_caller]
pub(crate) fn assert_error(ran: &Ran, code: i32, message: &str) {
    assert_eq!(
        (ran.code, ran.stderr.as_str(), ran.stdout.as_str()),
        (code, format!("error: {message}\n").as_str(), ""),
    );
}

/// `tests/fixtures/<name>`.
pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Writes `contents` to `name` in a new temporary directory.
pub(crate) fn temp_file(name: &str, contents: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

/// One request as the server received it.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Request {
    /// The value of the header `name` (case-insensitive), if sent once.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        let mut values = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        let first = values.next()?;
        assert!(values.next().is_none(), "{name} sent twice");
        Some(first.1.as_str())
    }
}

/// An HTTP/1.1 server on 127.0.0.1 that records every request and answers
/// each with one status and body, closing the connection.
pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    /// Starts answering `status` with `body`.
    pub(crate) fn start(status: u16, body: &'static str) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let mut reader = BufReader::new(stream);
                // Recorded before answering, so the client never exits first.
                if let Some(request) = read_request(&mut reader) {
                    recorded.lock().unwrap().push(request);
                    respond(reader.get_mut(), status, body);
                }
            }
        });
        Server { addr, requests }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The requests received so far.
    pub(crate) fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body_bytes = vec![0; length];
    reader.read_exact(&mut body_bytes).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body: body_bytes,
    })
}

fn respond(stream: &mut TcpStream, status: u16, body: &str) {
    let reason = if status == 200 {
        "OK"
    } else {
        "Internal Server Error"
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

/// Runs `callback` with `line` split at whitespace (no argument here holds
/// a space).
pub(crate) fn sh(line: &str) -> Ran {
    run(&line.split_whitespace().collect::<Vec<_>>())
}
