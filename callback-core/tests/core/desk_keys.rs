//! Desk's key set fetched over HTTP from a server on 127.0.0.1: cached,
//! refetched once per unknown `kid` at most once per interval, one fetch
//! for every waiter, each fetch cut at its timeout; a host down, slow or
//! serving garbage refused fast with `503 keys_unavailable` while cached
//! keys keep working.

use crate::desk_common::ORG;
use callback_core::desk::{DeskKeys, KeySetError, KeySettings, TokenError, TokenVerifier};
use callback_core::testing::desk::{OTHER_TEST_KEY_ID, TEST_JWKS, TestDelivery};
use callback_core::{OrgId, SignatureHeader};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the key server does with each request.
#[derive(Clone, Debug)]
enum Mode {
    /// Answers `200` with this body, after this delay.
    Serve(String, Duration),
    /// Answers `200` with text that is not a key set.
    Garbage,
    /// Closes the connection without answering.
    Reset,
}

/// A key server on 127.0.0.1, counting the requests it gets.
struct KeyServer {
    addr: SocketAddr,
    mode: Arc<Mutex<Mode>>,
    hits: Arc<AtomicUsize>,
}

impl KeyServer {
    fn start(mode: Mode) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("an address");
        let mode = Arc::new(Mutex::new(mode));
        let hits = Arc::new(AtomicUsize::new(0));
        let (m, h) = (mode.clone(), hits.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (m, h) = (m.clone(), h.clone());
                std::thread::spawn(move || answer(stream, &m, &h));
            }
        });
        KeyServer { addr, mode, hits }
    }

    fn url(&self) -> String {
        format!("http://{}/.well-known/jwks.json", self.addr)
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn answer(mut stream: TcpStream, mode: &Mutex<Mode>, hits: &AtomicUsize) {
    let mut head = Vec::new();
    let mut byte = [0; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).unwrap_or(0) == 0 {
            return;
        }
        head.push(byte[0]);
    }
    hits.fetch_add(1, Ordering::SeqCst);
    let mode = mode.lock().unwrap().clone();
    let body = match mode {
        Mode::Reset => return,
        Mode::Garbage => "<html>not a key set</html>".to_owned(),
        Mode::Serve(body, delay) => {
            std::thread::sleep(delay);
            body
        }
    };
    let _ = stream.write_all(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
}

fn serve(jwks: &str) -> Mode {
    Mode::Serve(jwks.to_owned(), Duration::ZERO)
}

/// The TEST key set with the other TEST key added.
fn both_keys() -> String {
    let mut set: serde_json::Value = serde_json::from_str(TEST_JWKS).unwrap();
    let other: serde_json::Value =
        serde_json::from_str(callback_core::testing::desk::OTHER_TEST_JWKS).unwrap();
    set["keys"]
        .as_array_mut()
        .unwrap()
        .push(other["keys"][0].clone());
    set.to_string()
}

fn settings(min_refetch_interval: Duration) -> KeySettings {
    let mut settings = KeySettings::default();
    settings.min_refetch_interval = min_refetch_interval;
    settings
}

fn verifier(server: &KeyServer, settings: KeySettings) -> TokenVerifier {
    TokenVerifier::new(DeskKeys::from_url_with(&server.url(), settings).expect("a loopback URL"))
}

fn test_token() -> String {
    TestDelivery::new(ORG).token_value().unwrap()
}

fn other_token() -> String {
    TestDelivery::new(ORG)
        .kid(OTHER_TEST_KEY_ID)
        .signed_with_other_key()
        .token_value()
        .unwrap()
}

async fn check(verifier: &TokenVerifier, token: &str) -> Result<(), TokenError> {
    verifier
        .verify(
            SignatureHeader::One(token.as_bytes()),
            OrgId::new(ORG),
            None,
        )
        .await
        .map(|_| ())
}

#[test]
fn the_defaults_are_the_documented_ones() {
    let settings = KeySettings::default();
    assert_eq!(settings.fetch_timeout, Duration::from_millis(1500));
    assert_eq!(settings.min_refetch_interval, Duration::from_secs(10));
    assert_eq!(settings.max_age, Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn one_cold_fetch_then_the_cache_serves_every_token() {
    let server = KeyServer::start(serve(TEST_JWKS));
    let verifier = verifier(&server, KeySettings::default());
    for _ in 0..3 {
        assert_eq!(check(&verifier, &test_token()).await, Ok(()));
    }
    assert_eq!(server.hits(), 1);
    assert_eq!(
        verifier.keys().key_ids(),
        ["callback-test-ec-key", "callback-test-key-1"]
    );
}

#[tokio::test]
async fn an_unknown_kid_refetches_once_and_no_sooner_than_the_interval() {
    let server = KeyServer::start(serve(TEST_JWKS));
    let verifier = verifier(&server, settings(Duration::from_millis(400)));
    assert_eq!(check(&verifier, &test_token()).await, Ok(()));
    // Published after the first fetch; within the interval, no refetch.
    server.set(serve(&both_keys()));
    assert_eq!(
        check(&verifier, &other_token()).await,
        Err(TokenError::UnknownKey)
    );
    assert_eq!(server.hits(), 1);
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(check(&verifier, &other_token()).await, Ok(()));
    assert_eq!(server.hits(), 2);
    // A made-up kid right after: refused without a fetch.
    let made_up = TestDelivery::new(ORG).kid("made-up").token_value().unwrap();
    assert_eq!(
        check(&verifier, &made_up).await,
        Err(TokenError::UnknownKey)
    );
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn every_waiter_for_an_unknown_kid_shares_one_fetch_and_cached_kids_never_wait() {
    let server = KeyServer::start(serve(TEST_JWKS));
    let verifier = verifier(&server, settings(Duration::ZERO));
    assert_eq!(check(&verifier, &test_token()).await, Ok(()));
    server.set(Mode::Serve(both_keys(), Duration::from_millis(600)));
    let started = Instant::now();
    let waiters = (0..8).map(|_| {
        let verifier = verifier.clone();
        tokio::spawn(async move { check(&verifier, &other_token()).await })
    });
    let waiters: Vec<_> = waiters.collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    // A token of a cached kid, while the fetch is under way (signed before
    // the clock starts).
    let token = test_token();
    let cached = Instant::now();
    assert_eq!(check(&verifier, &token).await, Ok(()));
    assert!(
        cached.elapsed() < Duration::from_millis(300),
        "a cached kid waited {:?}",
        cached.elapsed()
    );
    for waiter in waiters {
        assert_eq!(waiter.await.unwrap(), Ok(()));
    }
    assert!(started.elapsed() >= Duration::from_millis(600));
    assert_eq!(server.hits(), 2, "one fetch for the eight waiters");
}

#[tokio::test]
async fn a_host_down_is_refused_fast_and_cached_keys_keep_working() {
    let server = KeyServer::start(serve(TEST_JWKS));
    let verifier = verifier(&server, settings(Duration::ZERO));
    assert_eq!(check(&verifier, &test_token()).await, Ok(()));
    server.set(Mode::Reset);
    let started = Instant::now();
    assert_eq!(
        check(&verifier, &other_token()).await,
        Err(TokenError::KeysUnavailable)
    );
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(check(&verifier, &test_token()).await, Ok(()));

    // Nothing listening at all, from the start.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let down = TokenVerifier::new(DeskKeys::from_url(&format!("http://{port}/jwks.json")).unwrap());
    let started = Instant::now();
    let refused = check(&down, &test_token()).await;
    assert_eq!(refused, Err(TokenError::KeysUnavailable));
    assert_eq!(refused.unwrap_err().rejection().status(), 503);
    assert!(started.elapsed() < Duration::from_millis(1000));
    // Within the interval, the next one is refused without trying (the
    // token is signed before the clock starts: RSA signing is slow in a
    // debug build).
    let token = test_token();
    let started = Instant::now();
    assert_eq!(check(&down, &token).await, Err(TokenError::KeysUnavailable));
    assert!(
        started.elapsed() < Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_slow_host_is_cut_at_the_fetch_timeout() {
    let server = KeyServer::start(Mode::Serve(TEST_JWKS.to_owned(), Duration::from_secs(5)));
    let verifier = verifier(&server, KeySettings::default());
    let started = Instant::now();
    assert_eq!(
        check(&verifier, &test_token()).await,
        Err(TokenError::KeysUnavailable)
    );
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(1400) && elapsed < Duration::from_millis(2500),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn garbage_is_refused_and_the_cache_is_kept() {
    let server = KeyServer::start(Mode::Garbage);
    let verifier = verifier(&server, settings(Duration::ZERO));
    assert_eq!(
        check(&verifier, &test_token()).await,
        Err(TokenError::KeysUnavailable)
    );
    server.set(serve(TEST_JWKS));
    assert_eq!(check(&verifier, &test_token()).await, Ok(()));
    for bad in [
        Mode::Garbage,
        serve(r#"{"keys":[]}"#),
        serve(r#"{"keys":[{"kty":"oct","kid":"x","k":"AA"}]}"#),
    ] {
        server.set(bad.clone());
        assert_eq!(
            check(&verifier, &other_token()).await,
            Err(TokenError::KeysUnavailable),
            "{bad:?}"
        );
        assert_eq!(check(&verifier, &test_token()).await, Ok(()), "{bad:?}");
    }
}

#[test]
fn a_key_set_comes_over_https_or_from_this_machine() {
    let err = DeskKeys::from_url("http://desk.example.com/.well-known/jwks.json").unwrap_err();
    assert!(matches!(err, KeySetError::InsecureUrl(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "http://desk.example.com/.well-known/jwks.json is plain http:// to a host that is not this machine: a key set must come over https://"
    );
    assert!(DeskKeys::from_url(callback_core::desk::DEFAULT_JWKS_URL).is_ok());
    assert!(DeskKeys::from_url("http://127.0.0.1:9/jwks.json").is_ok());
    let with_credentials = DeskKeys::from_url("https://u:hunter2@desk.zoho.com/jwks").unwrap_err();
    assert!(!with_credentials.to_string().contains("hunter2"));
}

#[test]
fn a_fixed_key_set_is_read_with_each_key_usable_or_not() {
    let keys = DeskKeys::from_jwks(TEST_JWKS).unwrap();
    assert_eq!(
        keys.key_ids(),
        ["callback-test-ec-key", "callback-test-key-1"]
    );
    assert_eq!(
        DeskKeys::from_jwks(r#"{"keys":[]}"#).unwrap_err(),
        KeySetError::NoUsableKey
    );
    assert!(matches!(
        DeskKeys::from_jwks("[]").unwrap_err(),
        KeySetError::NotAKeySet(_)
    ));
}
