//! A bare HTTP/1.1 server on 127.0.0.1 that answers each request with
//! scripted bytes: for answers a framework would not write (a
//! `Content-Length` with the body held back, chunks of a chosen size) and
//! for counting every connection made to it, answered or not.
//!
//! Only `tokio` is used. Each connection carries one request; every scripted
//! answer should say `connection: close` (every helper here does).

#![allow(dead_code, unreachable_pub)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the server answers one request.
#[derive(Clone, Debug)]
pub enum RawReply {
    /// These bytes, then the connection is closed.
    Bytes(Vec<u8>),
    /// These bytes, then the connection is held open and nothing more is
    /// written.
    Hold(Vec<u8>),
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct RawRequest {
    /// The request line and headers, as text.
    pub head: String,
    /// The body (as long as its `Content-Length`).
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The request head and body as one text, for searching.
    pub fn text(&self) -> String {
        format!("{}{}", self.head, String::from_utf8_lossy(&self.body))
    }
}

struct Shared {
    connections: AtomicUsize,
    requests: Mutex<Vec<RawRequest>>,
    script: Mutex<VecDeque<RawReply>>,
}

/// A running raw server.
pub struct RawServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl RawServer {
    /// Starts a server answering successive requests with `replies`; a
    /// request beyond them gets `500` with an empty body. Must run inside a
    /// tokio runtime.
    pub async fn start(replies: impl IntoIterator<Item = RawReply>) -> RawServer {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("a local address");
        let shared = Arc::new(Shared {
            connections: AtomicUsize::new(0),
            requests: Mutex::new(Vec::new()),
            script: Mutex::new(replies.into_iter().collect()),
        });
        let accepting = Arc::clone(&shared);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                accepting.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, Arc::clone(&accepting)));
            }
        });
        RawServer { addr, shared }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Every request read, oldest first.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.shared.requests.lock().unwrap().clone()
    }
}

async fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    shared.requests.lock().unwrap().push(request);
    let reply = shared.script.lock().unwrap().pop_front();
    let reply = reply.unwrap_or_else(|| RawReply::Bytes(answer(500, &[], b"")));
    match reply {
        RawReply::Bytes(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        RawReply::Hold(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        }
    }
}

/// The head up to the blank line, then `Content-Length` bytes of body.
async fn read_request(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[head_end..].to_vec();
    Some(RawRequest { head, body })
}

/// `HTTP/1.1 <status>` with `headers`, a `Content-Length` of `body`'s and
/// `connection: close`, then `body`.
pub fn answer(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    sized(head(status, headers), body.len(), body)
}

/// `HTTP/1.1 <status>` with a `Content-Length` of `length` and
/// `connection: close`, then `body`, which may be shorter (with
/// [`RawReply::Hold`]: the rest never comes).
pub fn declared(status: u16, length: usize, body: &[u8]) -> Vec<u8> {
    sized(head(status, &[]), length, body)
}

/// `HTTP/1.1 <status>` with `transfer-encoding: chunked` and
/// `connection: close`, then `chunks` each as one chunk, and the last,
/// empty chunk.
pub fn chunked(status: u16, chunks: &[&[u8]]) -> Vec<u8> {
    let mut out = chunked_unfinished(status, chunks);
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// [`chunked`] without the last, empty chunk: with [`RawReply::Hold`], a
/// body that never ends.
pub fn chunked_unfinished(status: u16, chunks: &[&[u8]]) -> Vec<u8> {
    let mut out = head(status, &[]);
    out.extend_from_slice(b"transfer-encoding: chunked\r\n\r\n");
    for chunk in chunks.iter().filter(|c| !c.is_empty()) {
        out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn sized(mut out: Vec<u8>, length: usize, body: &[u8]) -> Vec<u8> {
    out.extend_from_slice(format!("content-length: {length}\r\n\r\n").as_bytes());
    out.extend_from_slice(body);
    out
}

fn head(status: u16, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Scripted\r\nconnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.into_bytes()
}
