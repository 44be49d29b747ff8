//! `callback desk`: a key pair the core accepts, its key set written and
//! served, and signed deliveries to a real actix server on 127.0.0.1.

use crate::common::{self, Server, assert_error, run, run_with_stdin, temp_file};
use callback_actix::CallbackRoutes;
use callback_actix::prelude::*;
use callback_core::desk::{TOKEN_HEADER, TokenVerifier};
use callback_core::signature::SignatureHeader;
use callback_core::testing::desk::TEST_PRIVATE_KEY_PEM;
use callback_tests::TestServer;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

const ORG: u64 = 387238;
/// A security context that would show if anything printed it.
const CONTEXT: &str = "ctx-SECRET-7f3a+/=";

/// The key pair `desk keygen` made for this test binary (made once: an RSA
/// key takes seconds in a debug build), and what it printed.
struct Generated {
    _dir: tempfile::TempDir,
    key: PathBuf,
    jwks_file: PathBuf,
    jwks: String,
    stdout: String,
    stderr: String,
    code: i32,
}

fn generated() -> &'static Generated {
    static GENERATED: OnceLock<Generated> = OnceLock::new();
    GENERATED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("desk-key.pem");
        let jwks_file = dir.path().join("desk-jwks.json");
        let ran = run(&[
            "desk",
            "keygen",
            "--key",
            key.to_str().unwrap(),
            "--jwks",
            jwks_file.to_str().unwrap(),
        ]);
        let jwks = std::fs::read_to_string(&jwks_file).unwrap_or_default();
        Generated {
            _dir: dir,
            key,
            jwks_file,
            jwks,
            stdout: ran.stdout,
            stderr: ran.stderr,
            code: ran.code,
        }
    })
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The `kid` of the generated key set's one key.
fn generated_kid() -> String {
    let set: serde_json::Value = serde_json::from_str(&generated().jwks).unwrap();
    set["keys"][0]["kid"].as_str().unwrap().to_owned()
}

/// Verifies `token` as the router does, for `org`, against `jwks`.
fn verify(jwks: &str, token: &str, org: u64) -> Result<(), callback_core::desk::TokenError> {
    let verifier = TokenVerifier::new(DeskKeys::from_jwks(jwks).unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime
        .block_on(verifier.verify(
            SignatureHeader::One(token.as_bytes()),
            OrgId::new(org),
            None,
        ))
        .map(|_| ())
}

#[test]
fn keygen_writes_an_owner_only_key_and_a_key_set_the_core_accepts() {
    let generated = generated();
    assert_eq!(generated.code, 0, "{}", generated.stderr);
    let kid = generated_kid();
    assert_eq!(
        (generated.stdout.as_str(), generated.stderr.as_str()),
        (
            format!(
                "wrote {} (RSA 2048, mode 0600), kid {kid}\nwrote {}\n",
                generated.key.display(),
                generated.jwks_file.display()
            )
            .as_str(),
            ""
        )
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&generated.key)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let pem = std::fs::read_to_string(&generated.key).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "PKCS#8");

    // The key set holds the public key alone, for RS256 signatures.
    let set: serde_json::Value = serde_json::from_str(&generated.jwks).unwrap();
    let keys = set["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(
        (&keys[0]["kty"], &keys[0]["alg"], &keys[0]["use"]),
        (&"RSA".into(), &"RS256".into(), &"sig".into())
    );
    assert!(keys[0].get("d").is_none(), "no private part");
    let desk_keys = DeskKeys::from_jwks(&generated.jwks).unwrap();
    assert_eq!(desk_keys.key_ids(), vec![kid.clone()]);

    // A token signed with the key file under its kid verifies.
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(kid);
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = serde_json::json!({"iss": format!("orgId:{ORG}"), "iat": now, "exp": now + 300});
    let token = jsonwebtoken::encode(&header, &claims, &key).unwrap();
    assert_eq!(verify(&generated.jwks, &token, ORG), Ok(()));
}

#[test]
fn jwks_of_the_key_file_is_the_key_set_keygen_wrote() {
    let generated = generated();
    let ran = run(&["desk", "jwks", "--key", path_str(&generated.key)]);
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (0, generated.jwks.as_str(), "")
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("jwks.json");
    let ran = run(&[
        "desk",
        "jwks",
        "--key",
        path_str(&generated.key),
        "--out",
        path_str(&out),
    ]);
    assert_eq!((ran.code, ran.stdout.as_str()), (0, ""));
    assert_eq!(std::fs::read_to_string(out).unwrap(), generated.jwks);
}

#[test]
fn keygen_refuses_to_replace_a_key_file_and_small_keys() {
    let (_dir, existing) = temp_file("desk-key.pem", b"keep me");
    assert_error(
        &run(&["desk", "keygen", "--key", path_str(&existing)]),
        2,
        &format!("{} exists; give --force to replace it", existing.display()),
    );
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");
    assert_error(
        &run(&[
            "desk",
            "keygen",
            "--key",
            path_str(&existing),
            "--bits",
            "1024",
        ]),
        2,
        "--bits must be at least 2048",
    );
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");
}

#[test]
fn a_key_file_that_is_not_an_rsa_private_key_is_refused_without_quoting_it() {
    let (_dir, key) = temp_file("desk-key.pem", b"-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n");
    let message = format!(
        "{}: not an RSA private key in PEM (PKCS#8 or PKCS#1)",
        key.display()
    );
    assert_error(
        &run(&["desk", "jwks", "--key", path_str(&key)]),
        2,
        &message,
    );
    let server = Server::start(200, "{}");
    let url = server.url("/desk/deskEvents");
    let ran = desk_send(&url, &key, "1", &[]);
    assert_error(&ran, 2, &message);
    assert!(server.requests().is_empty());
}

/// What the Ticket_Add handler saw: (org, security context) per event.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<(u64, String)>>>);

#[desk_event(Ticket_Add)]
async fn ticket_added(
    org: OrgId,
    context: SecurityContext,
    seen: State<Seen>,
) -> Result<(), HandlerError> {
    let entry = (org.get(), context.expose().to_owned());
    seen.0.0.lock().unwrap().push(entry);
    Ok(())
}

/// The Ticket_Add handler and the key set `jwks`, served by the actix
/// server of callback-actix's own tests (`callback-tests`) on 127.0.0.1.
struct DeskServer {
    server: TestServer,
    seen: Seen,
}

impl DeskServer {
    fn start(jwks: &str) -> Self {
        let seen = Seen::default();
        let routes: CallbackRoutes = Callbacks::new(callbacks![])
            .desk_events(desk_events![ticket_added])
            .desk_keys(DeskKeys::from_jwks(jwks).unwrap())
            .state(seen.clone())
            .build()
            .unwrap();
        DeskServer {
            server: TestServer::start(routes),
            seen,
        }
    }

    fn url(&self) -> String {
        format!("http://{}/desk/deskEvents", self.server.addr())
    }

    fn seen(&self) -> Vec<(u64, String)> {
        self.seen.0.lock().unwrap().clone()
    }
}

/// `callback desk send URL --key KEY --org ORG` and `extra`.
fn desk_send(url: &str, key: &Path, org: &str, extra: &[&str]) -> common::Ran {
    run(&[
        &["desk", "send", url, "--key", path_str(key), "--org", org],
        extra,
    ]
    .concat())
}

#[track_caller]
fn assert_context_not_shown(ran: &common::Ran) {
    for text in [&ran.stdout, &ran.stderr] {
        assert!(!text.contains("ctx-SECRET"), "{text}");
        assert!(!text.contains("securityContext"), "{text}");
    }
}

#[test]
fn send_delivers_a_signed_ticket_add_that_runs_its_handler_with_the_org_and_context() {
    let generated = generated();
    let server = DeskServer::start(&generated.jwks);
    let url = server.url();
    let mut cmd = common::callback(&[
        "desk",
        "send",
        &url,
        "--key",
        path_str(&generated.key),
        "--org",
        &ORG.to_string(),
        "--security-context-stdin",
    ]);
    let ran = run_with_stdin(&mut cmd, format!("{CONTEXT}\n").as_bytes());
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (
            0,
            format!("Desk POST {url} (1 event, org {ORG})\n200 OK\n{{\"ok\":true,\"events\":1}}\n")
                .as_str(),
            ""
        )
    );
    assert_eq!(server.seen(), vec![(ORG, CONTEXT.to_owned())]);
    assert_context_not_shown(&ran);
}

#[test]
fn send_signed_with_a_wrong_key_is_refused_401_with_its_code_and_no_handler_runs() {
    let generated = generated();
    let server = DeskServer::start(&generated.jwks);
    let url = server.url();
    let (_dir, test_key) = temp_file("test-key.pem", TEST_PRIVATE_KEY_PEM.as_bytes());
    let kid = generated_kid();
    for (extra, code) in [
        // Another key under its own kid: not in the key set.
        (vec![], "unknown_key"),
        // Another key under the generated key's kid: a forgery.
        (vec!["--kid", kid.as_str()], "token_signature_mismatch"),
    ] {
        let context = ["--security-context", CONTEXT];
        let ran = desk_send(&url, &test_key, "387238", &[&context[..], &extra].concat());
        assert_eq!(ran.code, 1, "{ran:?}");
        assert_eq!(
            ran.stderr,
            "error: the delivery got a non-2xx answer: 401 Unauthorized\n"
        );
        let mut lines = ran.stdout.lines();
        assert_eq!(
            lines.next(),
            Some(format!("Desk POST {url} (1 event, org {ORG})").as_str())
        );
        assert_eq!(lines.next(), Some("401 Unauthorized"));
        let body: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
        assert_eq!(body["error"], code, "{body}");
        assert_eq!(lines.next(), None);
        assert_context_not_shown(&ran);
    }
    assert_eq!(server.seen(), vec![]);
}

#[test]
fn send_puts_org_and_context_in_the_query_and_signs_the_payload_file_as_given() {
    let generated = generated();
    let server = Server::start(200, "{\"ok\":true}");
    let url = server.url("/hooks/desk?tenant=a");
    let one = br#"{"eventType":"Ticket_Update","orgId":"387238","payload":{"id":"1"}}"#;
    let array = br#"[{"eventType":"Ticket_Add","orgId":387238,"payload":{}}, {"eventType":"Teleport","orgId":387238,"payload":null}]"#;
    let (_dir, one_file) = temp_file("one.json", one);
    let (_dir2, array_file) = temp_file("array.json", array);
    for (file, body, events, millis) in [
        (&one_file, [&b"["[..], one, b"]"].concat(), "1 event", false),
        (&array_file, array.to_vec(), "2 events", true),
    ] {
        let mut extra = vec!["--payload", path_str(file), "--security-context", CONTEXT];
        if millis {
            extra.push("--millis");
        }
        let ran = desk_send(&url, &generated.key, "387238", &extra);
        assert_eq!(
            (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
            (
                0,
                format!("Desk POST {url} ({events}, org {ORG})\n200 OK\n{{\"ok\":true}}\n")
                    .as_str(),
                ""
            )
        );
        let request = server.requests().pop().unwrap();
        assert_eq!(request.method, "POST");
        assert_eq!(
            request.path,
            "/hooks/desk?tenant=a&orgId=387238&securityContext=ctx-SECRET-7f3a%2B%2F%3D"
        );
        assert_eq!(request.header("Content-Type"), Some("application/json"));
        assert_eq!(request.body, body);
        let token = request.header(TOKEN_HEADER).expect("the token");
        assert_eq!(verify(&generated.jwks, token, ORG), Ok(()));
        // Another org's delivery would not verify with it.
        assert_eq!(
            verify(&generated.jwks, token, ORG + 1),
            Err(callback_core::desk::TokenError::WrongIssuer)
        );
        let claims: serde_json::Value = {
            use base64::Engine;
            let part = token.split('.').nth(1).unwrap();
            let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(part)
                .unwrap();
            serde_json::from_slice(&json).unwrap()
        };
        let (iat, exp) = (
            claims["iat"].as_u64().unwrap(),
            claims["exp"].as_u64().unwrap(),
        );
        let unit = if millis { 1000 } else { 1 };
        assert_eq!(exp - iat, 300 * unit, "{claims}");
        assert_eq!(claims["iss"], "orgId:387238");
    }
}

#[test]
fn send_refuses_a_payload_that_is_not_events_and_sends_nothing() {
    let generated = generated();
    let server = Server::start(200, "{}");
    let url = server.url("/desk/deskEvents");
    for (contents, reason) in [
        (
            &b"\"Ticket_Add\""[..],
            "not a JSON array of events, nor one event (an object)",
        ),
        (
            b"[{",
            "not JSON (EOF while parsing an object at line 1 column 2)",
        ),
    ] {
        let (_dir, file) = temp_file("events.json", contents);
        let ran = desk_send(&url, &generated.key, "1", &["--payload", path_str(&file)]);
        assert_error(&ran, 2, &format!("{}: {reason}", file.display()));
    }
    assert!(server.requests().is_empty());
}

#[test]
fn send_to_an_unreachable_url_names_it_without_the_query() {
    let generated = generated();
    // A port nothing listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/desk/deskEvents");
    let ran = desk_send(&url, &generated.key, "1", &["--security-context", CONTEXT]);
    assert_eq!((ran.code, ran.stdout.as_str()), (2, ""));
    assert!(
        ran.stderr
            .starts_with(&format!("error: cannot send to {url}: ")),
        "{}",
        ran.stderr
    );
    assert_context_not_shown(&ran);
}

#[test]
fn jwks_serve_serves_the_key_set_at_the_well_known_path_until_stopped() {
    let generated = generated();
    let mut child = common::callback(&[
        "desk",
        "jwks",
        "--key",
        path_str(&generated.key),
        "--serve",
        "127.0.0.1:0",
    ])
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let kid = generated_kid();
    let url = line
        .strip_prefix(&format!("serving the key set (kid {kid}) at "))
        .and_then(|rest| rest.strip_suffix(" until stopped\n"))
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(url.ends_with("/.well-known/jwks.json"), "{url}");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut response = agent.get(&url).call().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "application/json"
    );
    let body = response.body_mut().read_to_string().unwrap();
    // Still serving: a second fetch, as a refetch on an unknown kid would.
    let again = agent
        .get(&url)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(body, generated.jwks);
    assert_eq!(again, generated.jwks);
    assert_eq!(DeskKeys::from_jwks(&body).unwrap().key_ids(), vec![kid]);
}

#[test]
fn jwks_serve_refuses_an_address_that_is_not_this_machine() {
    let generated = generated();
    assert_error(
        &run(&[
            "desk",
            "jwks",
            "--key",
            path_str(&generated.key),
            "--serve",
            "0.0.0.0:8089",
        ]),
        2,
        "cannot serve on 0.0.0.0:8089: not a loopback address: a development key set is \
         served on this machine only (127.0.0.1:PORT)",
    );
}
