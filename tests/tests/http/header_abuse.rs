//! Headers no honest client sends, over real HTTP (a raw socket where a
//! well-behaved client would refuse to send them): repeated, huge, folded
//! and non-ASCII `HASH` values, `HASH` forms next to the right one, odd
//! `Content-Type`s, and a gzip-encoded body. Each is answered with its exact
//! status and code, no handler runs for a refusal (counted, not logged), and
//! the server keeps serving.
//!
//! The decisions proven here (README, "The HASH scheme" and "HTTP
//! contract"): whitespace around the `HASH` value is stripped by the HTTP
//! parser before the verifier sees it; any case of the 64 digits is
//! accepted; anything else is `malformed_signature`. A body is verified as
//! the bytes received: `Content-Encoding: gzip` is not decoded, so only the
//! `HASH` of the compressed bytes verifies, and those are not JSON.

use callback_actix::prelude::*;
use callback_contract::fixture::{SECURITY_CONTEXT, callback, secret};
use callback_contract::peer::{raw_exchange, wire_bytes};
use callback_contract::{Calls, Case, Expect, Request, Response, cases, run};
use callback_core::Signer;
use callback_tests::TestServer;

/// The right `HASH` of `request`, as the fixture signed it.
fn hash_of(request: &Request) -> String {
    request
        .headers
        .iter()
        .find(|(name, _)| *name == "HASH")
        .map(|(_, value)| value.clone())
        .expect("a signed request")
}

/// `request` with its `HASH` header's value replaced by `value`.
fn with_hash(mut request: Request, value: &str) -> Request {
    for header in &mut request.headers {
        if header.0 == "HASH" {
            header.1 = value.to_owned();
        }
    }
    request
}

/// A signed `onInstall` callback.
fn install() -> Request {
    Request::from_callback(&callback(Event::Install))
}

/// Sends `bytes` on a new connection: the server must answer.
fn answer(server: &TestServer, bytes: &[u8]) -> Response {
    raw_exchange(server.addr(), bytes).expect_response("a raw request")
}

/// `bytes` with `from` (which must occur in them) replaced by `to`: how a
/// header value that is not UTF-8, or a head a client would not write, is
/// sent.
fn replace(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = bytes
        .windows(from.len())
        .position(|w| w == from)
        .expect("the placeholder is in the request");
    [&bytes[..at], to, &bytes[at + from.len()..]].concat()
}

/// Checks `response` against `expect` as the answer to an `onInstall`
/// callback, counting handler calls from `before`.
fn check(name: &'static str, expect: Expect, response: &Response, before: &[usize], calls: &Calls) {
    let case = Case {
        name,
        request: install(),
        expect,
    };
    case.check(response, before, calls);
}

/// Sends each request raw and checks it; then a valid callback still
/// succeeds.
fn expect_raw(server: &TestServer, calls: &Calls, cases: Vec<(&'static str, Vec<u8>, Expect)>) {
    for (name, bytes, expect) in cases {
        let before = calls.snapshot();
        let response = answer(server, &bytes);
        check(name, expect, &response, &before, calls);
    }
    still_serving(server, calls);
}

/// A valid callback, sent after the abuse, is handled.
fn still_serving(server: &TestServer, calls: &Calls) {
    let case = cases::handled(Event::Uninstall);
    let before = calls.snapshot();
    let response = answer(server, &wire_bytes(&case.request));
    case.check(&response, &before, calls);
}

const MALFORMED: Expect = Expect::Rejected(401, "malformed_signature");
const REPEATED: Expect = Expect::Rejected(401, "repeated_signature");
const HANDLED: Expect = Expect::Handled(Event::Install);

#[test]
fn whitespace_around_the_hash_is_stripped_by_http_and_the_callback_is_handled() {
    let (server, calls) = TestServer::fixture();
    let request = install();
    let hash = hash_of(&request);
    let bytes = wire_bytes(&request);
    let spaced = |pad: &str| replace(&bytes, hash.as_bytes(), pad.as_bytes());
    expect_raw(
        &server,
        &calls,
        vec![
            ("spaces around", spaced(&format!("   {hash}   ")), HANDLED),
            ("tabs around", spaced(&format!("\t{hash}\t")), HANDLED),
            (
                "no space after the colon",
                {
                    let tight = format!("HASH:{hash}");
                    replace(&bytes, format!("HASH: {hash}").as_bytes(), tight.as_bytes())
                },
                HANDLED,
            ),
        ],
    );
    assert_eq!(calls.of(Event::Install), 3);
}

#[test]
fn hash_forms_over_http_are_accepted_in_any_case_and_otherwise_malformed() {
    let (server, calls) = TestServer::fixture();
    let request = install();
    let hash = hash_of(&request);
    let mixed: String = hash
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i % 2 == 0 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect();
    let inner_space = format!("{} {}", &hash[..32], &hash[33..]);
    let form = |value: &str| wire_bytes(&with_hash(install(), value));
    expect_raw(
        &server,
        &calls,
        vec![
            ("upper case", form(&hash.to_ascii_uppercase()), HANDLED),
            ("mixed case", form(&mixed), HANDLED),
            ("prefix", form(&hash[..63]), MALFORMED),
            ("suffix", form(&hash[1..]), MALFORMED),
            ("appended digit", form(&format!("{hash}0")), MALFORMED),
            ("space inside", form(&inner_space), MALFORMED),
            ("sha256= prefix", form(&format!("sha256={hash}")), MALFORMED),
        ],
    );
    assert_eq!(calls.of(Event::Install), 2);
}

#[test]
fn two_hash_headers_are_refused_whatever_they_hold() {
    let (server, calls) = TestServer::fixture();
    let request = install();
    let hash = hash_of(&request);
    let wrong = "0".repeat(64);
    let twice = |first: &str, name: &'static str, second: &str| {
        let mut r = with_hash(install(), first);
        r.headers.push((name, second.to_owned()));
        wire_bytes(&r)
    };
    expect_raw(
        &server,
        &calls,
        vec![
            ("right then wrong", twice(&hash, "HASH", &wrong), REPEATED),
            ("wrong then right", twice(&wrong, "HASH", &hash), REPEATED),
            (
                "right, then right in lower case",
                twice(&hash, "hash", &hash),
                REPEATED,
            ),
            ("right, then empty", twice(&hash, "Hash", ""), REPEATED),
            // What a proxy folding the two into one line sends.
            (
                "comma-joined",
                wire_bytes(&with_hash(install(), &format!("{hash}, {hash}"))),
                MALFORMED,
            ),
        ],
    );
}

#[test]
fn a_64_kib_hash_is_malformed_and_not_echoed() {
    let (server, calls) = TestServer::fixture();
    let huge = "a".repeat(64 * 1024);
    let before = calls.snapshot();
    let response = answer(&server, &wire_bytes(&with_hash(install(), &huge)));
    check("64 KiB hash", MALFORMED, &response, &before, &calls);
    assert!(
        response.body.len() < 512,
        "the answer does not quote the value: {} bytes",
        response.body.len()
    );
    still_serving(&server, &calls);
}

/// Answered by actix-http itself, before our service: the status is
/// actix's (no JSON body), and no handler runs.
fn refused_by_actix(server: &TestServer, calls: &Calls, name: &str, bytes: &[u8], status: u16) {
    let response = raw_exchange(server.addr(), bytes).expect_response(name);
    assert_eq!(response.status, status, "{name}");
    assert_eq!(calls.total(), 0, "{name}: no handler ran");
}

#[test]
fn a_head_past_actix_limits_is_431_before_any_handler() {
    let (server, calls) = TestServer::fixture();
    // 256 KiB of HASH: past actix-http's 128 KiB limit on a request head.
    let giant = wire_bytes(&with_hash(install(), &"a".repeat(256 * 1024)));
    refused_by_actix(&server, &calls, "256 KiB hash", &giant, 431);
    // 100 HASH headers: past actix-http's 96 headers.
    let mut many = install();
    let hash = hash_of(&many);
    many.headers
        .extend((0..100).map(|_| ("HASH", hash.clone())));
    refused_by_actix(&server, &calls, "100 hash headers", &wire_bytes(&many), 431);
    still_serving(&server, &calls);
}

#[test]
fn non_ascii_bytes_in_the_hash_are_malformed() {
    let (server, calls) = TestServer::fixture();
    let request = install();
    let hash = hash_of(&request);
    let bytes = wire_bytes(&request);
    let raw = |value: &[u8]| replace(&bytes, hash.as_bytes(), value);
    // 62 digits and a two-byte UTF-8 character: 64 bytes, not hex.
    let utf8 = [&hash.as_bytes()[..62], "é".as_bytes()].concat();
    // One byte of the right hash replaced by bytes that are not UTF-8.
    let mut latin1 = hash.clone().into_bytes();
    latin1[10] = 0xE9;
    let mut high = hash.clone().into_bytes();
    high[63] = 0xFF;
    expect_raw(
        &server,
        &calls,
        vec![
            ("UTF-8 character", raw(&utf8), MALFORMED),
            ("Latin-1 byte", raw(&latin1), MALFORMED),
            ("0xFF last", raw(&high), MALFORMED),
            ("all 0x80", raw(&[0x80; 64]), MALFORMED),
        ],
    );
}

#[test]
fn control_bytes_or_a_folded_line_in_the_hash_are_400_before_any_handler() {
    let (server, calls) = TestServer::fixture();
    let request = install();
    let hash = hash_of(&request);
    let bytes = wire_bytes(&request);
    for control in [0x00, 0x01, 0x0b, 0x7f] {
        let mut value = hash.clone().into_bytes();
        value[20] = control;
        let name = format!("byte {control:#04x}");
        refused_by_actix(
            &server,
            &calls,
            &name,
            &replace(&bytes, hash.as_bytes(), &value),
            400,
        );
    }
    // obs-fold (RFC 9112, 5.2): the value continued on the next line.
    let folded = replace(&bytes, b"HASH: ", b"HASH:\r\n ");
    refused_by_actix(&server, &calls, "folded", &folded, 400);
    still_serving(&server, &calls);
}

#[test]
fn odd_content_type_parameters_are_json_and_lookalikes_are_not() {
    let (server, calls) = TestServer::fixture();
    let unsupported = Expect::Rejected(415, "unsupported_media_type");
    let table = [
        ("application/json;charset=\"utf-8\";foo=bar", HANDLED),
        ("application/json; charset=UTF-8", HANDLED),
        ("APPLICATION/JSON;CHARSET=UTF-8", HANDLED),
        ("application/jsonx", unsupported),
        ("application/json-patch+json", unsupported),
        ("application/x-json", unsupported),
        ("application/json, text/plain", unsupported),
        ("text/json", unsupported),
        ("json", unsupported),
        ("", unsupported),
    ];
    let cases: Vec<Case> = table
        .into_iter()
        .map(|(content_type, expect)| Case {
            name: "content type",
            request: Request::from_callback(&callback(Event::Install).content_type(content_type)),
            expect,
        })
        .collect();
    run(server.addr(), &calls, &cases);
    still_serving(&server, &calls);
}

/// RFC 9110, 8.3.1: `parameters = *( OWS ";" OWS [ parameter ] )`, so
/// whitespace before the `;` is allowed, and so is an empty parameter.
#[test]
fn whitespace_before_a_content_type_parameter_is_json() {
    let (server, calls) = TestServer::fixture();
    let cases: Vec<Case> = [
        "application/json ; x=y",
        "application/json\t;charset=utf-8",
        "application/json;;charset=utf-8",
    ]
    .into_iter()
    .map(|content_type| Case {
        name: "OWS before ;",
        request: Request::from_callback(&callback(Event::Install).content_type(content_type)),
        expect: HANDLED,
    })
    .collect();
    run(server.addr(), &calls, &cases);
}

/// The JSON of the gzip tests: a valid `onInstall` callback.
fn plain_json() -> String {
    serde_json::json!({
        "event": "onInstall",
        "orgId": 387238,
        "securityContext": SECURITY_CONTEXT,
    })
    .to_string()
}

/// [`plain_json`] compressed by `gzip -9n` (RFC 1952: the magic `1f 8b`
/// first, the uncompressed length last).
const GZIPPED: [u8; 105] = [
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x15, 0xca, 0xc1, 0x0e, 0x40, 0x30,
    0x0c, 0x00, 0xd0, 0x7f, 0xe9, 0x99, 0xcb, 0x7a, 0xb0, 0xb9, 0x3a, 0xed, 0x33, 0xa4, 0x8a, 0x8d,
    0xb4, 0x61, 0xc3, 0x44, 0xfc, 0xbb, 0x78, 0xe7, 0xf7, 0x00, 0x9f, 0x2c, 0x19, 0x5a, 0x50, 0xf1,
    0x92, 0x72, 0xbf, 0xae, 0x50, 0x81, 0xee, 0x93, 0x1f, 0xa0, 0x45, 0xdb, 0x18, 0xb4, 0x15, 0x24,
    0xa6, 0x63, 0x0f, 0xf9, 0xee, 0x54, 0x32, 0x97, 0x3f, 0x27, 0xaa, 0x0d, 0x3a, 0x3b, 0x70, 0x50,
    0xdc, 0x2e, 0x29, 0x48, 0xae, 0x5c, 0x01, 0x85, 0x50, 0xe2, 0x32, 0xbb, 0x38, 0x06, 0x52, 0x78,
    0x3f, 0x6f, 0x6a, 0xc4, 0x65, 0x5d, 0x00, 0x00, 0x00,
];

/// A request whose body is `body`, signed over `signed`.
fn signed_over(name: &'static str, body: &[u8], signed: &[u8], expect: Expect) -> Case {
    let hash = Signer::new(&secret()).sign(signed);
    let cb = callback(Event::Install).body(body.to_vec()).hash(&hash);
    Case {
        name,
        request: Request::from_callback(&cb),
        expect,
    }
}

#[test]
fn a_gzip_body_is_verified_as_the_bytes_received_and_is_then_not_json() {
    let plain = plain_json();
    assert_eq!(GZIPPED[..2], [0x1f, 0x8b], "the gzip magic");
    assert_eq!(GZIPPED[101..], (plain.len() as u32).to_le_bytes(), "ISIZE");
    let gzip = |mut case: Case| {
        case.request
            .headers
            .push(("Content-Encoding", "gzip".to_owned()));
        case
    };
    let (server, calls) = TestServer::fixture();
    let cases = [
        // The HASH of the compressed bytes verifies (the HASH is checked
        // before the JSON, so `invalid_json` says it matched); they are not
        // JSON.
        gzip(signed_over(
            "HASH of the gzip bytes",
            &GZIPPED,
            &GZIPPED,
            Expect::Rejected(400, "invalid_json"),
        )),
        // The HASH of the JSON inside does not: nothing is decompressed.
        gzip(signed_over(
            "HASH of the JSON inside",
            &GZIPPED,
            plain.as_bytes(),
            Expect::Rejected(401, "signature_mismatch"),
        )),
    ];
    run(server.addr(), &calls, &cases);
    assert_eq!(calls.total(), 0, "no handler ran");
    // The same JSON sent plain with its HASH is handled: the refusals above
    // are about the encoding alone.
    let plain_case = signed_over("plain", plain.as_bytes(), plain.as_bytes(), HANDLED);
    run(server.addr(), &calls, &[plain_case]);
}
