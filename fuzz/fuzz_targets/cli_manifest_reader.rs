//! How `callback send --manifest` reads plugin-manifest.json: the secret
//! with `Secret::from_manifest_str`, the `callbackListener` with
//! `CallbackListener::from_manifest_str` and, for `--base-url`,
//! `CallbackListener::with_base_url` (all callback-core, as the CLI calls
//! them in callback-cli/src/cmd/send.rs).
//!
//! Input: the manifest text (UTF-8; anything else is skipped).
//!
//! Properties:
//! - Nothing panics.
//! - The secret is what an independent reading gives: after one leading
//!   byte-order mark, not JSON is `ManifestJson` at serde_json's line and
//!   column; no top-level `"secret"` is `MissingInManifest`; a non-string
//!   one `NotAStringInManifest`; an empty or whitespace one
//!   `EmptyInManifest`; otherwise the secret is that string, unchanged.
//!   Two or more top-level `"secret"` keys (by their decoded names) are
//!   `DuplicateInManifest` with their number.
//! - The listener is what an independent reading (serde_json into ordered
//!   members, repeated keys kept) gives: `InvalidJson` at serde_json's line
//!   and column; `Missing` when the text is not an object or has no
//!   top-level `callbackListener`; `DuplicateKey` with the number of them;
//!   `NotAnObject`; then, member by member in the file's order, the first
//!   of `UnknownEvent` (a key that is neither an event's wire name nor its
//!   `-ize` alias), `DuplicateEvent` (an event met before, with both keys),
//!   `UrlNotAString`, `InvalidUrl` (not `http://` or `https://`, an empty
//!   authority, whitespace or a control character anywhere). Otherwise it
//!   holds exactly those events with their URLs as decoded, in event order.
//! - A listener read merges back into the same text (`merge_listener`) and
//!   reads back equal.
//! - `with_base_url`: a base `CallbackListener::new` refuses is refused
//!   with the same error; otherwise each URL becomes the base (trailing `/`
//!   trimmed) followed by the URL's own path, query and fragment: the URL
//!   is `scheme://authority` then that suffix, the authority holding none
//!   of `/?#` and the suffix empty or starting with one of them.
//! - Nothing about the secret's value shows in a result: the input with the
//!   letters and digits of its `"secret"` values changed gives the same
//!   secret error (or, on success, the changed secret) and the same
//!   listener result.

#![no_main]

mod common;

use callback_core::manifest::{CallbackListener, ReadListenerError, merge_listener};
use callback_core::{Event, Secret, SecretError, UnknownEvent};
use common::Members;
use libfuzzer_sys::fuzz_target;
use serde::de::IgnoredAny;
use serde_json::Value;
use serde_json::value::RawValue;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        run(text);
    }
});

fn run(text: &str) {
    let listener = CallbackListener::from_manifest_str(text);
    check_listener(text, &listener);
    let result = Secret::from_manifest_str(text);
    check_against_reading(text, &result);
    if let Some(rotated) = rotate_secret_value(text) {
        assert_eq!(
            CallbackListener::from_manifest_str(&rotated),
            listener,
            "the listener read depends on the secret"
        );
        let other = Secret::from_manifest_str(&rotated);
        match (&result, &other) {
            (Ok(a), Ok(b)) => assert_eq!(
                rotate(a.expose()),
                b.expose(),
                "the secret read is not the manifest's"
            ),
            (Err(a), Err(b)) => {
                assert_eq!(a, b, "an error depends on the secret's value");
                assert_eq!(a.to_string(), b.to_string());
            }
            _ => panic!("changing the secret's letters changed success: {result:?} {other:?}"),
        }
    }
}

fn check_against_reading(text: &str, result: &Result<Secret, SecretError>) {
    let json = text.strip_prefix('\u{feff}').unwrap_or(text);
    let expected: Result<&str, SecretError> = match serde_json::from_str::<Value>(json) {
        Err(e) => {
            match result {
                Err(SecretError::ManifestJson { line, column, .. }) => {
                    assert_eq!((*line, *column), (e.line(), e.column()), "{e}");
                }
                other => panic!("not JSON ({e}), yet {other:?}"),
            }
            return;
        }
        // Two top-level "secret" keys (by their decoded names): readers
        // disagree on which counts, so it is refused (commit 77945fb).
        Ok(_) if top_level_secrets(json) > 1 => Err(SecretError::DuplicateInManifest {
            count: top_level_secrets(json),
        }),
        Ok(value) => match value.get("secret") {
            None => Err(SecretError::MissingInManifest),
            Some(Value::String(s)) if s.trim().is_empty() => Err(SecretError::EmptyInManifest),
            Some(Value::String(_)) => Ok(""),
            Some(_) => Err(SecretError::NotAStringInManifest),
        },
    };
    match (result, expected) {
        (Ok(secret), Ok(_)) => {
            let value: Value = serde_json::from_str(json).expect("parsed above");
            assert_eq!(Some(secret.expose()), value["secret"].as_str());
            assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        }
        (Err(got), Err(want)) => assert_eq!(got, &want),
        (got, want) => panic!("read {got:?}, expected {want:?}"),
    }
}

/// How many top-level `"secret"` keys a JSON text has (0 if it is not an
/// object).
fn top_level_secrets(json: &str) -> usize {
    serde_json::from_str::<Members<IgnoredAny>>(json).map_or(0, |members| {
        members.0.iter().filter(|(k, _)| k == "secret").count()
    })
}

/// The listener an independent reading of `text` gives.
fn expected_listener(text: &str) -> Result<Vec<(Event, String)>, ReadListenerError> {
    let json = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Err(e) = serde_json::from_str::<Value>(json) {
        let full = e.to_string();
        let at = format!(" at line {} column {}", e.line(), e.column());
        return Err(ReadListenerError::InvalidJson {
            line: e.line(),
            column: e.column(),
            reason: full
                .strip_suffix(&at)
                .expect("serde_json says where")
                .to_owned(),
        });
    }
    let Ok(Members(members)) = serde_json::from_str::<Members<Box<RawValue>>>(json) else {
        return Err(ReadListenerError::Missing);
    };
    let found: Vec<&RawValue> = members
        .iter()
        .filter(|(k, _)| k == "callbackListener")
        .map(|(_, v)| &**v)
        .collect();
    let listener = match found[..] {
        [] => return Err(ReadListenerError::Missing),
        [one] => one,
        _ => return Err(ReadListenerError::DuplicateKey { count: found.len() }),
    };
    let Ok(Members(entries)) = serde_json::from_str::<Members>(listener.get()) else {
        return Err(ReadListenerError::NotAnObject);
    };
    let mut read: Vec<(Event, &str, String)> = Vec::new();
    for (name, value) in &entries {
        let Some(event) = Event::ALL
            .into_iter()
            .find(|e| e.wire_name() == name || e.alias() == Some(name.as_str()))
        else {
            return Err(UnknownEvent::new(name).into());
        };
        if let Some((_, first, _)) = read.iter().find(|(e, _, _)| *e == event) {
            return Err(ReadListenerError::DuplicateEvent {
                event,
                first: (*first).to_owned(),
                second: name.clone(),
            });
        }
        let Value::String(url) = value else {
            return Err(ReadListenerError::UrlNotAString { event });
        };
        if let Some(reason) = url_fault(url) {
            return Err(ReadListenerError::InvalidUrl {
                event,
                url: url.clone(),
                reason,
            });
        }
        read.push((event, name, url.clone()));
    }
    read.sort_by_key(|(event, _, _)| *event);
    Ok(read.into_iter().map(|(e, _, url)| (e, url)).collect())
}

/// What is wrong with a listener URL, by the documented rules.
fn url_fault(url: &str) -> Option<&'static str> {
    let Some((_, authority, _)) = split_url(url) else {
        return Some("it must start with https:// or http://");
    };
    if authority.is_empty() {
        return Some("it has no host");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("it must not contain whitespace");
    }
    None
}

/// An `http` or `https` URL as scheme and `://`, authority (none of
/// `/?#`), and the rest (empty, or starting with one of them).
fn split_url(url: &str) -> Option<(&str, &str, &str)> {
    let scheme = ["https://", "http://"]
        .into_iter()
        .find(|s| url.starts_with(s))?;
    let after = &url[scheme.len()..];
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    Some((scheme, &after[..end], &after[end..]))
}

fn check_listener(text: &str, result: &Result<CallbackListener, ReadListenerError>) {
    let expected = expected_listener(text);
    let listener = match (result, expected) {
        (Ok(got), Ok(want)) => {
            let got_entries: Vec<(Event, String)> =
                got.entries().map(|(e, u)| (e, u.to_owned())).collect();
            assert_eq!(got_entries, want);
            got
        }
        (Err(got), Err(want)) => {
            assert_eq!(got, &want);
            return;
        }
        (got, want) => panic!("read {got:?}, expected {want:?}"),
    };

    let merged = merge_listener(text, listener).expect("a manifest read merges");
    assert_eq!(
        CallbackListener::from_manifest_str(&merged).as_ref(),
        Ok(listener),
        "merged back:\n{merged}"
    );

    for base in [
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8080/proxy/",
        "https://ext.example.com?x",
        "127.0.0.1:8080",
    ] {
        let moved = listener.with_base_url(base);
        match CallbackListener::new(base, []) {
            Err(refused) => assert_eq!(moved, Err(refused), "{base}"),
            Ok(_) => {
                let moved = moved.expect("a base new() takes");
                assert_eq!(moved.entries().len(), listener.entries().len());
                for ((event, url), (moved_event, moved_url)) in
                    listener.entries().zip(moved.entries())
                {
                    assert_eq!(event, moved_event);
                    let (_, _, rest) = split_url(url).expect("a URL read is absolute");
                    assert_eq!(
                        moved_url,
                        format!("{}{rest}", base.trim_end_matches('/')),
                        "{url} moved to {base}"
                    );
                }
            }
        }
    }
}

/// Letters and digits moved one place on, so that the JSON around them
/// stays as it was.
fn rotate(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'z' => 'a',
            'Z' => 'A',
            '9' => '0',
            'a'..='y' | 'A'..='Y' | '0'..='8' => char::from(c as u8 + 1),
            other => other,
        })
        .collect()
}

/// The text with the letters and digits of every `"secret": "…"` value
/// rotated, when those values have no escapes (rotating `\u00e9` would
/// change what it means). `None` when there is no such value.
fn rotate_secret_value(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find("\"secret\"") {
        let (before, after_key) = rest.split_at(at + "\"secret\"".len());
        out.push_str(before);
        let colon = after_key.trim_start_matches([' ', '\t', '\n', '\r']);
        let Some(value) = colon
            .strip_prefix(':')
            .map(|v| v.trim_start_matches([' ', '\t', '\n', '\r']))
            .and_then(|v| v.strip_prefix('"'))
        else {
            rest = after_key;
            continue;
        };
        let Some(end) = value.find('"') else {
            rest = after_key;
            continue;
        };
        let body = &value[..end];
        if body.contains('\\') {
            return None;
        }
        // Everything between the key and the value's opening quote, as is.
        let lead = &after_key[..after_key.len() - value.len()];
        out.push_str(lead);
        out.push_str(&rotate(body));
        changed = true;
        rest = &value[end..];
    }
    out.push_str(rest);
    changed.then_some(out)
}
