//! Payload edge cases, each through the only public path to a payload: sign
//! the body, verify it, then parse the `Verified` bytes. Checks the value
//! read, or the error's kind, message and position.

use crate::common;

use callback_core::payload::{PayloadError, PayloadErrorKind};
use callback_core::{Event, Payload};
use common::{SECURITY_CONTEXT, parse_signed};
use serde_json::json;

const ORG_ID_EXPECTED: &str =
    "orgId must be a non-negative integer (a JSON number or a string of digits)";
const ORG_ID_WHOLE: &str = "orgId must be a whole number no larger than 18446744073709551615";
const VALID_EVENTS: &str = "onInstall, onZohoAuthorise, onTPAAuthorise, onTPARevoke, onUpdate, \
                            onConfigParamAdd, onConfigParamDelete, onUninstall";

fn ok(body: &str) -> Payload {
    parse_signed(body.as_bytes()).unwrap_or_else(|e| panic!("{body}: {e}"))
}

fn err(body: impl AsRef<[u8]>) -> PayloadError {
    let body = body.as_ref();
    match parse_signed(body) {
        Ok(payload) => panic!("{}: parsed as {payload:?}", String::from_utf8_lossy(body)),
        Err(e) => e,
    }
}

/// The 1-based column of the last byte of the first `token` in `body`
/// (on line 1): where serde_json stops after reading that token.
fn column_after(body: &str, token: &str) -> usize {
    body.find(token).expect("token in body") + token.len()
}

/// Asserts a data error: kind `Data`, message `reason` followed by the
/// position serde_json reports, which must be just after `token`.
#[track_caller]
fn assert_data_error(body: &str, token: &str, reason: &str) {
    let e = err(body);
    let column = column_after(body, token);
    assert_eq!(e.kind(), PayloadErrorKind::Data, "{body}: {e}");
    assert_eq!(e.position(), Some((1, column)), "{body}");
    assert_eq!(e.to_string(), format!("{reason} at line 1 column {column}"));
}

/// Asserts a data error for a value serde_json refuses on its opening
/// bracket, where the column it reports depends on how it read the bracket:
/// kind `Data`, message `reason` at some column of line 1.
#[track_caller]
fn assert_data_error_on_line_1(body: &str, reason: &str) {
    let e = err(body);
    assert_eq!(e.kind(), PayloadErrorKind::Data, "{body}: {e}");
    let Some((1, column)) = e.position() else {
        panic!("{body}: no position on line 1: {:?}", e.position());
    };
    assert_eq!(e.to_string(), format!("{reason} at line 1 column {column}"));
}

fn with_org_id(org_id: &str) -> String {
    format!(r#"{{"event":"onInstall","orgId":{org_id}}}"#)
}

// ----------------------------------------------------------------- orgId

#[test]
fn org_id_as_a_number() {
    assert_eq!(ok(&with_org_id("387238")).org_id().get(), 387238);
    assert_eq!(ok(&with_org_id("0")).org_id().get(), 0);
}

#[test]
fn org_id_as_a_numeric_string() {
    assert_eq!(ok(&with_org_id(r#""387238""#)).org_id().get(), 387238);
}

#[test]
fn org_id_above_2_pow_53_is_exact() {
    // 2^53 + 1: the first integer an f64 (or JavaScript) cannot hold.
    for raw in ["9007199254740993", r#""9007199254740993""#] {
        let id = ok(&with_org_id(raw)).org_id().get();
        assert_eq!(id, 9_007_199_254_740_993, "{raw}");
        assert_ne!(id, 9_007_199_254_740_992, "{raw}");
    }
}

#[test]
fn org_id_u64_max_is_exact() {
    for raw in ["18446744073709551615", r#""18446744073709551615""#] {
        assert_eq!(ok(&with_org_id(raw)).org_id().get(), u64::MAX, "{raw}");
    }
}

#[test]
fn org_id_negative_is_refused() {
    assert_data_error(&with_org_id("-1"), "-1", "orgId must not be negative");
    assert_data_error(
        &with_org_id("-9223372036854775808"),
        "-9223372036854775808",
        "orgId must not be negative",
    );
    assert_data_error(&with_org_id(r#""-1""#), r#""-1""#, ORG_ID_EXPECTED);
}

#[test]
fn org_id_float_is_refused() {
    for raw in ["1.5", "1e3", "1.0", "387238.0", "3.87238E5"] {
        assert_data_error(&with_org_id(raw), raw, ORG_ID_WHOLE);
    }
}

#[test]
fn org_id_string_with_sign_or_spaces_is_refused() {
    for raw in [
        r#""+1""#,
        r#"" 1""#,
        r#""1 ""#,
        r#""1 2""#,
        r#""""#,
        r#""0x10""#,
        r#""1e3""#,
        r#""١٢٣""#,
    ] {
        assert_data_error(&with_org_id(raw), raw, ORG_ID_EXPECTED);
    }
}

#[test]
fn org_id_beyond_u64_max_is_refused() {
    assert_data_error(
        &with_org_id("18446744073709551616"),
        "18446744073709551616",
        ORG_ID_WHOLE,
    );
    assert_data_error(
        &with_org_id(r#""18446744073709551616""#),
        r#""18446744073709551616""#,
        ORG_ID_EXPECTED,
    );
}

#[test]
fn org_id_of_another_type_is_refused() {
    for raw in ["null", "true", "false"] {
        assert_data_error(&with_org_id(raw), raw, ORG_ID_EXPECTED);
    }
    for raw in ["[1]", "[]", r#"{"id":1}"#] {
        assert_data_error_on_line_1(&with_org_id(raw), ORG_ID_EXPECTED);
    }
}

// ------------------------------------------------------ missing fields

#[test]
fn missing_event_is_a_data_error_naming_it() {
    let body = r#"{"orgId":387238,"securityContext":"x"}"#;
    assert_data_error(body, body, "missing field `event`");
}

#[test]
fn missing_org_id_is_a_data_error_naming_it() {
    let body = r#"{"event":"onInstall","securityContext":"x"}"#;
    assert_data_error(body, body, "missing field `orgId`");
}

#[test]
fn missing_security_context_is_none() {
    let payload = ok(r#"{"event":"onInstall","orgId":1}"#);
    assert_eq!(payload.security_context(), None);
}

#[test]
fn null_security_context_is_none() {
    let payload = ok(r#"{"event":"onInstall","orgId":1,"securityContext":null}"#);
    assert_eq!(payload.security_context(), None);
    assert!(payload.extra().is_empty(), "not kept as an extra field");
}

#[test]
fn security_context_is_read_and_redacted() {
    let body =
        format!(r#"{{"event":"onInstall","orgId":1,"securityContext":"{SECURITY_CONTEXT}"}}"#);
    let payload = ok(&body);
    let context = payload.security_context().expect("present");
    assert_eq!(context.expose(), SECURITY_CONTEXT);
    assert!(!format!("{payload:?}").contains(SECURITY_CONTEXT));
    assert!(!format!("{context} {context:?}").contains(SECURITY_CONTEXT));
}

// --------------------------------------------------------- wrong types

#[test]
fn security_context_of_another_type_is_refused_without_quoting_it() {
    for raw in [
        "73194620581",
        "-42",
        "3.25",
        "true",
        r#"["2398deio3qwnx3c9xwi3nc3njkh9jfico"]"#,
        r#"{"token":"2398deio3qwnx3c9xwi3nc3njkh9jfico"}"#,
    ] {
        let body = format!(r#"{{"event":"onInstall","orgId":1,"securityContext":{raw}}}"#);
        // Arrays and objects are refused on their opening bracket.
        let token = if raw.starts_with(['[', '{']) {
            &raw[..1]
        } else {
            raw
        };
        let at = body.rfind(raw).expect("in body") + token.len();
        let e = err(&body);
        assert_eq!(e.kind(), PayloadErrorKind::Data);
        assert_eq!(e.position(), Some((1, at)));
        assert_eq!(
            e.to_string(),
            format!("securityContext must be a string at line 1 column {at}")
        );
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains(raw), "{shown}");
        assert!(!shown.contains("2398deio"), "{shown}");
        assert!(!shown.contains("73194620581"), "{shown}");
    }
}

#[test]
fn event_of_another_type_is_refused() {
    assert_data_error(
        r#"{"event":5,"orgId":1}"#,
        "5",
        r#"invalid type: integer `5`, expected an event name string such as "onInstall""#,
    );
    assert_data_error(
        r#"{"event":null,"orgId":1}"#,
        "null",
        r#"invalid type: null, expected an event name string such as "onInstall""#,
    );
    assert_data_error_on_line_1(
        r#"{"event":["onInstall"],"orgId":1}"#,
        r#"invalid type: sequence, expected an event name string such as "onInstall""#,
    );
}

// -------------------------------------------------------------- events

#[test]
fn unknown_event_quotes_it_and_lists_the_valid_ones() {
    for name in ["onDelete", "oninstall", "OnInstall", " onInstall", ""] {
        let body = format!(r#"{{"event":"{name}","orgId":1}}"#);
        let e = err(&body);
        assert_eq!(e.kind(), PayloadErrorKind::UnknownEvent, "{name:?}");
        assert_eq!(e.position(), None);
        assert_eq!(
            e.to_string(),
            format!("unknown event {name:?}; expected one of: {VALID_EVENTS}")
        );
    }
}

#[test]
fn a_huge_unknown_event_is_quoted_shortened() {
    let name = "x".repeat(100_000);
    let e = err(format!(r#"{{"event":"{name}","orgId":1}}"#));
    assert_eq!(e.kind(), PayloadErrorKind::UnknownEvent);
    let shortened = format!("{}…", "x".repeat(64));
    assert_eq!(
        e.to_string(),
        format!("unknown event {shortened:?}; expected one of: {VALID_EVENTS}")
    );
}

#[test]
fn every_documented_event_is_read() {
    for event in Event::ALL {
        let body = format!(r#"{{"event":"{event}","orgId":1}}"#);
        assert_eq!(ok(&body).event(), event);
    }
}

#[test]
fn ize_spellings_are_accepted() {
    for (name, event) in [
        ("onZohoAuthorize", Event::ZohoAuthorise),
        ("onTPAAuthorize", Event::TpaAuthorise),
    ] {
        let payload = ok(&format!(r#"{{"event":"{name}","orgId":1}}"#));
        assert_eq!(payload.event(), event);
        // Written back with the documented spelling.
        assert_eq!(
            serde_json::to_value(&payload).expect("serialises")["event"],
            json!(event.wire_name())
        );
    }
}

#[test]
fn escaped_names_and_values_are_decoded() {
    // `\u0065vent` is `event`; `on\u0049nstall` is `onInstall`.
    let payload =
        ok(r#"{"\u0065vent":"on\u0049nstall","org\u0049d":"1","securityContext":"a\"b"}"#);
    assert_eq!(payload.event(), Event::Install);
    assert_eq!(payload.org_id().get(), 1);
    assert_eq!(payload.security_context().map(|c| c.expose()), Some("a\"b"));
    assert!(payload.extra().is_empty());
}

// -------------------------------------------------------- extra fields

#[test]
fn extra_fields_are_kept_nested_and_all() {
    let body = r#"{
        "event": "onConfigParamAdd",
        "orgId": 387238,
        "securityContext": "ctx",
        "configParams": {"jira": {"domain": "acme.atlassian.net", "keys": ["ACME", "OPS"], "port": null}},
        "installedBy": 9007199254740993,
        "ratio": 0.25,
        "flags": [true, false],
        "OrgId": "not the orgId: names are case-sensitive",
        "": "an empty name"
    }"#;
    let payload = ok(body);
    assert_eq!(payload.event(), Event::ConfigParamAdd);
    let expected = json!({
        "configParams": {"jira": {"domain": "acme.atlassian.net", "keys": ["ACME", "OPS"], "port": null}},
        "installedBy": 9_007_199_254_740_993_u64,
        "ratio": 0.25,
        "flags": [true, false],
        "OrgId": "not the orgId: names are case-sensitive",
        "": "an empty name"
    });
    assert_eq!(
        &serde_json::Value::Object(payload.extra().clone()),
        &expected
    );
    assert_eq!(
        payload.extra()["installedBy"].as_u64(),
        Some(9_007_199_254_740_993)
    );
    for known in ["event", "orgId", "securityContext"] {
        assert!(!payload.extra().contains_key(known), "{known}");
    }
}

#[test]
fn deeply_nested_extra_returns_instead_of_crashing() {
    let nested = |depth: usize| {
        format!(
            r#"{{"event":"onInstall","orgId":1,"deep":{}{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        )
    };
    // Moderate nesting is kept.
    let payload = ok(&nested(100));
    let mut value = &payload.extra()["deep"];
    for _ in 1..100 {
        value = &value[0];
    }
    assert_eq!(value, &json!([]));

    // 10 000 levels: serde_json's recursion limit refuses it as a syntax
    // error rather than overflowing the stack.
    let body = nested(10_000);
    let e = err(&body);
    assert_eq!(e.kind(), PayloadErrorKind::Syntax);
    assert!(
        e.to_string()
            .starts_with("recursion limit exceeded at line 1 column "),
        "{e}"
    );
    assert!(e.position().is_some());
}

// ---------------------------------------------------------- duplicates

#[test]
fn a_documented_field_given_twice_is_refused() {
    let cases = [
        (
            r#"{"event":"onInstall","event":"onUpdate","orgId":1}"#,
            "event",
            r#""event":"onUpdate""#,
        ),
        (
            r#"{"event":"onInstall","orgId":1,"orgId":2}"#,
            "orgId",
            r#""orgId":2"#,
        ),
        (
            r#"{"event":"onInstall","orgId":1,"securityContext":"a","securityContext":"b"}"#,
            "securityContext",
            r#""securityContext":"b""#,
        ),
        // A null first value still counts.
        (
            r#"{"event":"onInstall","orgId":1,"securityContext":null,"securityContext":"b"}"#,
            "securityContext",
            r#""securityContext":"b""#,
        ),
        // So does the -ize spelling of the same event.
        (
            r#"{"event":"onZohoAuthorise","orgId":1,"event":"onZohoAuthorize"}"#,
            "event",
            r#""event":"onZohoAuthorize""#,
        ),
    ];
    for (body, field, second) in cases {
        // Reported where the second value ends, or on the character after
        // it when serde_json has already read that one.
        let end = column_after(body, second);
        let e = err(body);
        assert_eq!(e.kind(), PayloadErrorKind::Data, "{body}");
        let Some((1, column)) = e.position() else {
            panic!("{body}: {:?}", e.position());
        };
        assert!(
            column == end || column == end + 1,
            "{body}: column {column}"
        );
        assert_eq!(
            e.to_string(),
            format!("duplicate field `{field}` at line 1 column {column}")
        );
    }
}

#[test]
fn an_extra_field_given_twice_is_refused() {
    let body = r#"{"event":"onInstall","orgId":1,"note":"a","note":"b"}"#;
    // Reported on the closing brace, just after the second value.
    assert_data_error(body, body, "a field appears twice");
    let body = r#"{"event":"onInstall","note":{"x":1},"orgId":1,"note":null}"#;
    assert_data_error(body, body, "a field appears twice");
}

// ------------------------------------------------------ not a payload

#[test]
fn non_utf8_bytes_inside_a_string_are_a_syntax_error() {
    let body = b"{\"event\":\"onInstall\",\"orgId\":1,\"note\":\"caf\xe9\"}";
    let e = err(body);
    assert_eq!(e.kind(), PayloadErrorKind::Syntax);
    // Column of the bad byte.
    let at = body.iter().position(|&b| b == 0xe9).expect("present") + 1;
    assert_eq!(e.position(), Some((1, at)));
    assert_eq!(
        e.to_string(),
        format!("invalid unicode code point at line 1 column {at}")
    );

    // Inside the security context: refused, and nothing of it quoted.
    let body = b"{\"event\":\"onInstall\",\"orgId\":1,\"securityContext\":\"2398deio\xff3qwnx\"}";
    let e = err(body);
    assert_eq!(e.kind(), PayloadErrorKind::Syntax);
    assert!(!e.to_string().contains("2398deio"), "{e}");
}

#[test]
fn an_empty_body_is_a_syntax_error() {
    let e = err(b"");
    assert_eq!(e.kind(), PayloadErrorKind::Syntax);
    assert_eq!(e.position(), Some((1, 0)));
    assert_eq!(
        e.to_string(),
        "EOF while parsing a value at line 1 column 0"
    );

    let e = err(b" \n ");
    assert_eq!(e.kind(), PayloadErrorKind::Syntax);
    assert_eq!(e.position(), Some((2, 1)));
}

#[test]
fn a_truncated_body_is_a_syntax_error() {
    let body = r#"{"event":"onInstall","orgId":1"#;
    let e = err(body);
    assert_eq!(e.kind(), PayloadErrorKind::Syntax);
    assert_eq!(
        e.to_string(),
        format!(
            "EOF while parsing an object at line 1 column {}",
            body.len()
        )
    );
}

#[test]
fn trailing_garbage_is_a_syntax_error() {
    let body = r#"{"event":"onInstall","orgId":1}x"#;
    let e = err(body);
    assert_eq!(e.kind(), PayloadErrorKind::Syntax);
    assert_eq!(e.position(), Some((1, body.len())));
    assert_eq!(
        e.to_string(),
        format!("trailing characters at line 1 column {}", body.len())
    );
    let e = err(r#"{"event":"onInstall","orgId":1}{}"#);
    assert_eq!(e.kind(), PayloadErrorKind::Syntax);
}

#[test]
fn trailing_whitespace_is_fine() {
    assert_eq!(
        ok("{\"event\":\"onInstall\",\"orgId\":1}\r\n")
            .org_id()
            .get(),
        1
    );
}

#[test]
fn a_json_array_is_a_data_error() {
    let e = err(br#"[{"event":"onInstall","orgId":1}]"#);
    assert_eq!(e.kind(), PayloadErrorKind::Data);
    assert!(
        e.to_string().starts_with(
            "invalid type: sequence, expected a callback payload object with `event` and `orgId`"
        ),
        "{e}"
    );
}

#[test]
fn other_json_values_are_data_errors() {
    for (body, found) in [
        ("null", "null"),
        ("true", "boolean `true`"),
        ("42", "integer `42`"),
        (r#""onInstall""#, r#"string "onInstall""#),
    ] {
        let e = err(body);
        assert_eq!(e.kind(), PayloadErrorKind::Data, "{body}");
        assert_eq!(
            e.to_string(),
            format!(
                "invalid type: {found}, expected a callback payload object with `event` and `orgId` at line 1 column {}",
                body.len()
            )
        );
    }
}
