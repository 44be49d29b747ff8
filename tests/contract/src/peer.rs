//! The one raw-HTTP test peer: a blocking `HTTP/1.1` client over a
//! [`TcpStream`] that writes a [`Request`] exactly as its [`Framing`] says
//! (including what no well-behaved client sends) and reads one
//! [`Response`], with a timeout on every step.
//!
//! For hostile clients, [`raw_exchange`] writes any bytes and returns the
//! raw reply; [`connect`] and [`read_reply`] drive a connection by hand
//! (keep-alive, trickled bytes).

use crate::table::{Framing, Request, Response};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::Instant;

/// The longest the peer waits for a connection, a write or an answer:
/// generous, to stay reliable on a loaded machine, yet finite, so that a
/// server that hangs fails the test instead of hanging it.
pub const PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);

/// How many bytes a [`Framing::Stalled`] or [`Framing::Truncated`] body
/// announces beyond the bytes it sends.
pub const MISSING_BYTES: usize = 100;

/// How many bytes each chunk of a [`Framing::Chunked`] body holds.
pub const CHUNK_SIZE: usize = 100;

/// What the server did with a request.
#[derive(Debug)]
pub enum RawReply {
    /// It answered.
    Response(Response),
    /// It closed (or reset) the connection without a complete answer.
    Closed,
}

impl RawReply {
    /// The response.
    ///
    /// # Panics
    ///
    /// On [`RawReply::Closed`], naming `what` was sent.
    pub fn expect_response(self, what: &str) -> Response {
        match self {
            RawReply::Response(response) => response,
            RawReply::Closed => {
                panic!("{what}: the server closed the connection without a complete answer")
            }
        }
    }
}

/// A new connection to `addr`, with [`PATIENCE`] as its read and write
/// timeouts and Nagle's algorithm off (each write goes out at once).
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, PATIENCE)
        .unwrap_or_else(|e| panic!("connecting to {addr}: {e}"));
    stream.set_read_timeout(Some(PATIENCE)).expect("a timeout");
    stream.set_write_timeout(Some(PATIENCE)).expect("a timeout");
    stream.set_nodelay(true).expect("no delay");
    stream
}

/// The bytes of `request` on the wire: the request line, `Host`, its
/// headers in order, the framing header, and the body as [`Framing`] says
/// (chunks of [`CHUNK_SIZE`] bytes; a stalled or truncated body announces
/// [`MISSING_BYTES`] more than it holds).
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
            let announced = request.body.len() + MISSING_BYTES;
            head.push_str(&format!("Content-Length: {announced}\r\n"));
            body.extend_from_slice(&request.body);
        }
        Framing::Chunked => {
            head.push_str("Transfer-Encoding: chunked\r\n");
            for chunk in request.body.chunks(CHUNK_SIZE) {
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

/// Sends `request` on a new connection as its framing says (a truncated
/// body then closes the writing side; a stalled one keeps the connection
/// open and silent) and reads the reply.
pub fn exchange(addr: SocketAddr, request: &Request) -> RawReply {
    let bytes = wire_bytes(request);
    match request.framing {
        Framing::Truncated => raw_exchange_closing(addr, &bytes),
        Framing::Length | Framing::Chunked | Framing::Stalled => raw_exchange(addr, &bytes),
    }
}

/// [`exchange`], for a request the server must answer.
///
/// # Panics
///
/// When the server closes the connection without a complete answer, or
/// gives none within [`PATIENCE`].
pub fn send(addr: SocketAddr, request: &Request) -> Response {
    exchange(addr, request).expect_response(&format!("{} {}", request.method, request.path))
}

/// Writes `bytes` on a new connection, keeps it open, and reads one reply.
pub fn raw_exchange(addr: SocketAddr, bytes: &[u8]) -> RawReply {
    write_and_read(addr, bytes, false)
}

/// [`raw_exchange`], but closes the writing side after `bytes`, as a client
/// that went away before the end of its body.
pub fn raw_exchange_closing(addr: SocketAddr, bytes: &[u8]) -> RawReply {
    write_and_read(addr, bytes, true)
}

fn write_and_read(addr: SocketAddr, bytes: &[u8], close_write: bool) -> RawReply {
    let mut stream = connect(addr);
    // The server may answer and close before reading everything: a failed
    // write is then expected, and the answer is still there to read.
    let _ = stream.write_all(bytes);
    if close_write {
        let _ = stream.shutdown(Shutdown::Write);
    }
    read_reply(&mut stream)
}

/// Reads one response from `stream` (a request other than `HEAD` was
/// sent on it), skipping interim `1xx` answers. The body is delimited by
/// `Transfer-Encoding: chunked` (and de-chunked), by `Content-Length`, or
/// by the end of the connection, as RFC 9112, 6.3 says; it returns as
/// soon as the response is complete, leaving a keep-alive connection open.
///
/// # Panics
///
/// When neither a complete answer nor the end of the connection comes
/// within [`PATIENCE`], or the bytes received are not an `HTTP/1.x`
/// response.
pub fn read_reply(stream: &mut TcpStream) -> RawReply {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0; 4096];
    loop {
        if let Some(response) = parse_response(&received, false) {
            return RawReply::Response(response);
        }
        assert!(
            started.elapsed() < PATIENCE,
            "no complete answer after {:?}; received {:?}",
            started.elapsed(),
            String::from_utf8_lossy(&received)
        );
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!(
                    "no answer and no close after {:?}; received {:?}",
                    started.elapsed(),
                    String::from_utf8_lossy(&received)
                )
            }
            // Reset by the server: what arrived before is all there is.
            Err(_) => break,
        }
    }
    match parse_response(&received, true) {
        Some(response) => RawReply::Response(response),
        None => RawReply::Closed,
    }
}

/// The first final response in `bytes`, if it is complete; `closed` says
/// the connection has ended, which completes a body delimited by the close.
fn parse_response(bytes: &[u8], closed: bool) -> Option<Response> {
    let mut start = 0;
    loop {
        let rest = &bytes[start..];
        let end = find(rest, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&rest[..end]);
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let status: u16 = status_line
            .strip_prefix("HTTP/1.")
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP/1.x status line: {status_line:?}"));
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let body_start = start + end + 4;
        if (100..200).contains(&status) && status != 101 {
            start = body_start;
            continue;
        }
        let body = &bytes[body_start..];
        let value = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let body = if status == 204 || status == 304 {
            Vec::new()
        } else if value("transfer-encoding")
            .is_some_and(|codings| codings.to_ascii_lowercase().ends_with("chunked"))
        {
            dechunk(body)?
        } else if let Some(length) = value("content-length") {
            let length: usize = length
                .parse()
                .unwrap_or_else(|_| panic!("not a Content-Length: {length:?}"));
            body.get(..length)?.to_vec()
        } else if closed {
            body.to_vec()
        } else {
            return None;
        };
        return Some(Response {
            status,
            headers,
            body,
        });
    }
}

/// The data of a complete chunked body at the start of `bytes` (RFC 9112,
/// 7.1: chunk extensions ignored, trailers skipped), if it is complete.
fn dechunk(mut bytes: &[u8]) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    loop {
        let line_end = find(bytes, b"\r\n")?;
        let line = String::from_utf8_lossy(&bytes[..line_end]);
        let size = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size, 16)
            .unwrap_or_else(|_| panic!("not a chunk size: {line:?}"));
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            // Trailer fields, then an empty line.
            loop {
                let end = find(bytes, b"\r\n")?;
                if end == 0 {
                    return Some(data);
                }
                bytes = &bytes[end + 2..];
            }
        }
        let chunk = bytes.get(..size)?;
        if bytes.get(size..size + 2)? != b"\r\n" {
            panic!("chunk of {size} bytes not followed by CRLF");
        }
        data.extend_from_slice(chunk);
        bytes = &bytes[size + 2..];
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread::JoinHandle;
    use std::time::Duration;

    /// A server for one connection: reads what `read` says, writes
    /// `reply`, then holds the connection open until the client closes it,
    /// and returns what it received.
    fn serve_once(
        read: fn(&mut TcpStream) -> Vec<u8>,
        reply: impl Fn(&[u8]) -> Vec<u8> + Send + 'static,
    ) -> (SocketAddr, JoinHandle<Vec<u8>>) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("an address");
        let thread = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("a client");
            stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
            let received = read(&mut stream);
            stream.write_all(&reply(&received)).expect("the reply");
            let _ = stream.read(&mut [0; 1]);
            received
        });
        (addr, thread)
    }

    /// Reads up to the end of a request head.
    fn head(stream: &mut TcpStream) -> Vec<u8> {
        let mut received = Vec::new();
        let mut byte = [0; 1];
        while find(&received, b"\r\n\r\n").is_none() {
            stream.read_exact(&mut byte).expect("a request head");
            received.push(byte[0]);
        }
        received
    }

    /// Reads until the client closes its writing side.
    fn to_end(stream: &mut TcpStream) -> Vec<u8> {
        let mut received = Vec::new();
        stream
            .read_to_end(&mut received)
            .expect("the client closes");
        received
    }

    fn answer(reply: &'static [u8]) -> (SocketAddr, JoinHandle<Vec<u8>>) {
        serve_once(head, move |_| reply.to_vec())
    }

    /// Reads a request head, writes `reply`, and closes the connection.
    fn answer_then_close(reply: &'static [u8]) -> (SocketAddr, JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("an address");
        let thread = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("a client");
            head(&mut stream);
            stream.write_all(reply).expect("the reply");
        });
        (addr, thread)
    }

    fn request(framing: Framing, body: &[u8]) -> Request {
        Request {
            method: "POST",
            path: "/p".to_owned(),
            headers: vec![("HASH", "ab".to_owned()), ("HASH", "cd".to_owned())],
            body: body.to_vec(),
            framing,
        }
    }

    fn reply_to(addr: SocketAddr, bytes: &[u8]) -> Response {
        raw_exchange(addr, bytes).expect_response("the test request")
    }

    #[test]
    fn each_framing_is_written_as_it_says() {
        let head = "POST /p HTTP/1.1\r\nHost: 127.0.0.1\r\nHASH: ab\r\nHASH: cd\r\n";
        let length = wire_bytes(&request(Framing::Length, b"hello"));
        assert_eq!(
            String::from_utf8(length).unwrap(),
            format!("{head}Content-Length: 5\r\n\r\nhello")
        );
        let body = vec![b'x'; 150];
        let chunked = wire_bytes(&request(Framing::Chunked, &body));
        let expected = format!(
            "{head}Transfer-Encoding: chunked\r\n\r\n64\r\n{}\r\n32\r\n{}\r\n0\r\n\r\n",
            "x".repeat(100),
            "x".repeat(50)
        );
        assert_eq!(String::from_utf8(chunked).unwrap(), expected);
        for framing in [Framing::Stalled, Framing::Truncated] {
            let short = wire_bytes(&request(framing, b"hello"));
            assert_eq!(
                String::from_utf8(short).unwrap(),
                format!("{head}Content-Length: 105\r\n\r\nhello"),
                "{framing:?}"
            );
        }
    }

    #[test]
    fn a_length_delimited_answer_is_read_with_every_header_in_order_on_an_open_connection() {
        let (addr, server) = answer(
            b"HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\n\
              Allow: POST\r\nX-Twice: a\r\nx-twice:b \r\nContent-Length: 7\r\n\r\n{\"a\":1}",
        );
        let response = reply_to(addr, b"GET / HTTP/1.1\r\n\r\n");
        assert_eq!(response.status, 405);
        assert_eq!(response.content_type(), Some("application/json"));
        assert_eq!(response.allow(), Some("POST"));
        assert_eq!(response.header_values("X-TWICE"), ["a", "b"]);
        assert_eq!(response.headers.len(), 5);
        assert_eq!(response.body, b"{\"a\":1}");
        server.join().unwrap();
    }

    #[test]
    fn a_chunked_answer_is_de_chunked_with_extensions_and_trailers() {
        let (addr, server) = answer(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
              4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n",
        );
        let response = reply_to(addr, b"POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        assert_eq!(response.status, 200);
        assert_eq!(response.body, b"Wikipedia");
        server.join().unwrap();
    }

    #[test]
    fn interim_answers_are_skipped_and_a_204_has_no_body() {
        let (addr, server) =
            answer(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
        let response = reply_to(addr, b"POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        assert_eq!(response.status, 204);
        assert!(response.body.is_empty());
        server.join().unwrap();
    }

    #[test]
    fn an_answer_without_a_length_ends_with_the_connection() {
        let (addr, server) =
            answer_then_close(b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\nlate");
        let response = reply_to(addr, b"GET / HTTP/1.1\r\n\r\n");
        assert_eq!((response.status, &response.body[..]), (408, &b"late"[..]));
        server.join().unwrap();
    }

    #[test]
    fn an_answer_cut_short_is_a_close() {
        let (addr, server) = answer_then_close(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        let reply = raw_exchange(addr, b"GET / HTTP/1.1\r\n\r\n");
        assert!(matches!(reply, RawReply::Closed), "{reply:?}");
        server.join().unwrap();
    }

    #[test]
    fn a_truncated_request_closes_the_writing_side_after_its_bytes() {
        let request = request(Framing::Truncated, b"hello");
        let (addr, server) = serve_once(to_end, |received| {
            let n = received.len().to_string();
            format!(
                "HTTP/1.1 400 Bad Request\r\nContent-Length: {}\r\n\r\n{n}",
                n.len()
            )
            .into_bytes()
        });
        let response = send(addr, &request);
        assert_eq!(
            response.body,
            wire_bytes(&request).len().to_string().as_bytes()
        );
        assert_eq!(server.join().unwrap(), wire_bytes(&request));
    }

    #[test]
    fn a_stalled_request_keeps_the_connection_open_and_silent() {
        let request = request(Framing::Stalled, b"hello");
        let sent = wire_bytes(&request).len();
        let (addr, server) = serve_once(
            |stream| {
                let mut received = head(stream);
                let mut body = [0; 5];
                stream.read_exact(&mut body).expect("the body");
                received.extend_from_slice(&body);
                // Neither more bytes nor the end of the connection come.
                stream
                    .set_read_timeout(Some(Duration::from_millis(200)))
                    .unwrap();
                let err = stream.read(&mut [0; 1]).expect_err("silence");
                assert!(matches!(
                    err.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut
                ));
                received
            },
            |_| b"HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\nok".to_vec(),
        );
        let response = send(addr, &request);
        assert_eq!((response.status, &response.body[..]), (400, &b"ok"[..]));
        assert_eq!(server.join().unwrap().len(), sent);
    }
}
