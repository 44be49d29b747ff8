//! Both hello examples, started as the binaries they build to (on
//! `BIND_ADDR=127.0.0.1:0`, with `ZOHO_EXTENSION_SECRET`), answer every
//! request of one set exactly alike over real HTTP: status, `Content-Type`,
//! `Allow` and body, each also checked against what it must be; and both
//! refuse to start, alike, without their secret.

use callback_contract::{Framing, Request, Response, peer};
use callback_core::testing::TestCallback;
use callback_core::{Event, Secret};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const SECRET: &str = "hello-both-secret-71c4e0";
const ORG_ID: u64 = 387238;

/// One example's binary, running; killed when dropped.
struct Hello {
    name: &'static str,
    child: Child,
    addr: SocketAddr,
    /// Each line the binary prints after its address.
    lines: mpsc::Receiver<String>,
}

impl Hello {
    fn start(name: &'static str, binary: &str) -> Self {
        let mut child = Command::new(binary)
            .env("BIND_ADDR", "127.0.0.1:0")
            .env("ZOHO_EXTENSION_SECRET", SECRET)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {name}: {e}"));
        let (send, lines) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    return;
                }
            }
        });
        let first = lines
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|e| panic!("{name} printed no address: {e}"));
        let addr = first
            .strip_prefix("listening on http://")
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| panic!("{name} printed {first:?}"));
        Hello {
            name,
            child,
            addr,
            lines,
        }
    }

    /// The lines printed so far, waiting a little for `expected` of them.
    fn printed(&self, expected: usize) -> Vec<String> {
        let mut lines = Vec::new();
        while lines.len() < expected {
            match self.lines.recv_timeout(Duration::from_secs(5)) {
                Ok(line) => lines.push(line),
                Err(_) => break,
            }
        }
        lines
    }
}

impl Drop for Hello {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn secret() -> Secret {
    Secret::new(SECRET).expect("non-empty")
}

fn install() -> TestCallback {
    TestCallback::new(Event::Install, &secret()).org_id(ORG_ID)
}

fn post(callback: TestCallback) -> Request {
    Request::from_callback(&callback)
}

/// The requests, each with the status it must get.
fn requests() -> Vec<(&'static str, Request, u16)> {
    let other = Secret::new("another secret").expect("non-empty");
    let twice = {
        let request = post(install());
        let hash = request.headers[0].1.clone();
        request.header("HASH", &hash)
    };
    vec![
        ("signed", post(install()), 200),
        (
            "signed, chunked",
            post(install()).framing(Framing::Chunked),
            200,
        ),
        ("another secret", post(install().signed_with(&other)), 401),
        ("tampered", post(install().tamper_body()), 401),
        ("no HASH", post(install().without_hash()), 401),
        ("two HASHes", twice, 401),
        (
            "text/plain",
            post(install().content_type("text/plain")),
            415,
        ),
        ("not JSON", post(install().body("{\"event\":")), 400),
        (
            "another event here",
            post(TestCallback::new(Event::Uninstall, &secret()).path("/callbacks/onInstall")),
            400,
        ),
        (
            "too large",
            post(install().extra("padding", json!("x".repeat(70 * 1024)))),
            413,
        ),
        ("GET", post(install()).method("GET"), 405),
        ("DELETE", post(install()).method("DELETE"), 405),
    ]
}

/// What the test compares: everything but the date and the framing.
fn essentials(response: &Response) -> (u16, Vec<&str>, Vec<&str>, &[u8]) {
    (
        response.status,
        response.header_values("content-type"),
        response.header_values("allow"),
        &response.body,
    )
}

#[test]
fn both_hello_examples_answer_every_request_alike() {
    let actix = Hello::start("hello (actix-web)", env!("CARGO_BIN_EXE_hello-actix"));
    let axum = Hello::start("hello-axum", env!("CARGO_BIN_EXE_hello-axum"));
    let mut handled = 0;
    for (name, request, status) in requests() {
        let answers: Vec<Response> = [&actix, &axum]
            .iter()
            .map(|hello| peer::send(hello.addr, &request))
            .collect();
        assert_eq!(answers[0].status, status, "{name}: {}", actix.name);
        assert_eq!(
            essentials(&answers[0]),
            essentials(&answers[1]),
            "{name}: {} and {} differ",
            actix.name,
            axum.name
        );
        handled += usize::from(status == 200);
    }
    let greeting = format!("installed in org {ORG_ID}");
    for hello in [&actix, &axum] {
        assert_eq!(
            hello.printed(handled),
            vec![greeting.clone(); handled],
            "{}: the handler ran once per accepted callback",
            hello.name
        );
    }
}

/// What either prints without its secret: the error's message, not its
/// `Debug` (`Error: MissingEnv("ZOHO_EXTENSION_SECRET")`).
const NO_SECRET: &str = "error: the environment variable ZOHO_EXTENSION_SECRET is not set; \
                         export it with your extension's secret\n";

#[test]
fn both_refuse_to_start_without_the_secret_with_its_message() {
    let outputs: Vec<(Option<i32>, String)> = [
        env!("CARGO_BIN_EXE_hello-actix"),
        env!("CARGO_BIN_EXE_hello-axum"),
    ]
    .into_iter()
    .map(|binary| {
        let output = Command::new(binary)
            .env("BIND_ADDR", "127.0.0.1:0")
            .env_remove("ZOHO_EXTENSION_SECRET")
            .output()
            .expect("runs");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    })
    .collect();
    assert_eq!(outputs[0], (Some(1), NO_SECRET.to_owned()));
    assert_eq!(outputs[0], outputs[1]);
}
