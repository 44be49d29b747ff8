//! How `callback send --manifest` reads plugin-manifest.json.
//!
//! The CLI takes the secret with `Secret::from_manifest_str` (callback-core),
//! fuzzed here. Its reading of `callbackListener` (`Manifest::read` in
//! callback-cli/src/cmd/send.rs) is private to the `callback` binary, so it
//! cannot be called from here; see FUZZING.md for the function asked to be
//! exposed.
//!
//! Input: the manifest text (UTF-8; anything else is skipped).
//!
//! Properties:
//! - Nothing panics.
//! - The result is what an independent reading gives: after one leading
//!   byte-order mark, not JSON is `ManifestJson` at serde_json's line and
//!   column; no top-level `"secret"` is `MissingInManifest`; a non-string
//!   one `NotAStringInManifest`; an empty or whitespace one
//!   `EmptyInManifest`; otherwise the secret is that string, unchanged.
//!   Two or more top-level `"secret"` keys (by their decoded names) are
//!   `DuplicateInManifest` with their number.
//! - Nothing about the secret's value shows in an error: the input with the
//!   letters and digits of its `"secret"` value changed gives the same error
//!   (and, when it succeeds, the changed secret).

#![no_main]

use callback_core::{Secret, SecretError};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        run(text);
    }
});

fn run(text: &str) {
    let result = Secret::from_manifest_str(text);
    check_against_reading(text, &result);
    if let Some(rotated) = rotate_secret_value(text) {
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
    struct Count(usize);
    impl<'de> serde::Deserialize<'de> for Count {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Count;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("any JSON value")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Count, A::Error> {
                    let mut n = 0;
                    while let Some((key, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                        n += usize::from(key == "secret");
                    }
                    Ok(Count(n))
                }
                fn visit_seq<A: serde::de::SeqAccess<'de>>(
                    self,
                    mut seq: A,
                ) -> Result<Count, A::Error> {
                    while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                    Ok(Count(0))
                }
                fn visit_bool<E>(self, _: bool) -> Result<Count, E> {
                    Ok(Count(0))
                }
                fn visit_i64<E>(self, _: i64) -> Result<Count, E> {
                    Ok(Count(0))
                }
                fn visit_u64<E>(self, _: u64) -> Result<Count, E> {
                    Ok(Count(0))
                }
                fn visit_f64<E>(self, _: f64) -> Result<Count, E> {
                    Ok(Count(0))
                }
                fn visit_str<E>(self, _: &str) -> Result<Count, E> {
                    Ok(Count(0))
                }
                fn visit_unit<E>(self) -> Result<Count, E> {
                    Ok(Count(0))
                }
            }
            d.deserialize_any(V)
        }
    }
    serde_json::from_str::<Count>(json).map_or(0, |c| c.0)
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
