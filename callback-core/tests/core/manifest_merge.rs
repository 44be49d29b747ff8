//! The `callbackListener` merge into a realistic `plugin-manifest.json`:
//! every byte outside that one value unchanged (replaced in place, or
//! appended), idempotence, the errors for broken manifests, two handlers
//! for one event, and reading the secret from the same file.

use crate::common::handler_info as reg;
use callback_core::manifest::{CallbackListener, ListenerError, MergeError, merge_listener};
use callback_core::{Event, Secret, SecretError};
use std::ops::Range;

/// The fixture without `callbackListener`.
const WITHOUT: &str = include_str!("../fixtures/plugin-manifest.json");
/// The same, with an older `callbackListener` (one `-ize` spelling) between
/// `config` and `secret`.
const WITH: &str = include_str!("../fixtures/plugin-manifest-with-listener.json");

const KEY: &str = "\"callbackListener\"";

/// Five handlers, given out of order, two sharing a path.
fn listener() -> CallbackListener {
    CallbackListener::new(
        "https://ext.example.com/",
        &[
            reg(Event::Uninstall, "/callbacks/onUninstall", "ext::bye"),
            reg(Event::ConfigParamDelete, "/zoho/config", "ext::cfg_del"),
            reg(Event::Install, "/callbacks/onInstall", "ext::hi"),
            reg(Event::ConfigParamAdd, "/zoho/config", "ext::cfg_add"),
            reg(Event::TpaAuthorise, "/zoho/tpa", "ext::tpa"),
        ],
    )
    .expect("valid handlers")
}

/// onInstall at `/i` and onUninstall at `/u` of `https://x.example`.
fn install_and_uninstall() -> CallbackListener {
    CallbackListener::new(
        "https://x.example",
        &[
            reg(Event::Install, "/i", "ext::a"),
            reg(Event::Uninstall, "/u", "ext::b"),
        ],
    )
    .expect("valid")
}

/// The fixture with the comma after `"service": "DESK"` (line 6) removed.
fn missing_comma() -> String {
    WITHOUT.replacen("\"service\": \"DESK\",", "\"service\": \"DESK\"", 1)
}

/// The listener's entries as they must appear, in the documented order.
const EXPECTED_ENTRIES: [(&str, &str); 5] = [
    ("onInstall", "https://ext.example.com/callbacks/onInstall"),
    ("onTPAAuthorise", "https://ext.example.com/zoho/tpa"),
    ("onConfigParamAdd", "https://ext.example.com/zoho/config"),
    ("onConfigParamDelete", "https://ext.example.com/zoho/config"),
    (
        "onUninstall",
        "https://ext.example.com/callbacks/onUninstall",
    ),
];

/// The byte range of the value of the one top-level `callbackListener` key
/// (an object, whose strings hold no braces or escaped quotes here).
fn listener_value(text: &str) -> Range<usize> {
    assert_eq!(text.matches(KEY).count(), 1, "one callbackListener");
    let key = text.find(KEY).expect("present");
    let after_key = key + KEY.len();
    let colon = after_key + text[after_key..].find(':').expect("a colon");
    let start = colon + 1 + (text[colon + 1..].len() - text[colon + 1..].trim_start().len());
    assert_eq!(&text[start..=start], "{", "the value is an object");
    let mut depth = 0;
    let mut in_string = false;
    for (i, c) in text[start..].char_indices() {
        match (in_string, c) {
            (true, '"') => in_string = false,
            (true, _) => {}
            (false, '"') => in_string = true,
            (false, '{') => depth += 1,
            (false, '}') => {
                depth -= 1;
                if depth == 0 {
                    return start..start + i + 1;
                }
            }
            _ => {}
        }
    }
    panic!("unterminated callbackListener");
}

/// Checks that the value text holds exactly `EXPECTED_ENTRIES`, in order.
#[track_caller]
fn assert_expected_entries(value_text: &str) {
    let value: serde_json::Value = serde_json::from_str(value_text).expect("the value is JSON");
    let object = value.as_object().expect("an object");
    assert_eq!(object.len(), EXPECTED_ENTRIES.len(), "{value_text}");
    let mut last = 0;
    for (event, url) in EXPECTED_ENTRIES {
        assert_eq!(object.get(event), Some(&serde_json::json!(url)), "{event}");
        let at = value_text
            .find(&format!("\"{event}\""))
            .expect("the key is written verbatim");
        assert!(at > last, "{event} is out of the documented order");
        last = at;
    }
}

#[test]
fn fixtures_are_what_the_tests_assume() {
    assert!(!WITHOUT.contains(KEY));
    assert!(WITH.contains(r#""onTPAAuthorize""#));
    assert!(
        WITHOUT.contains("\n    \"service\": \"DESK\",\n"),
        "4-space indent"
    );
    assert!(WITHOUT.ends_with("}\n"));
    let value: serde_json::Value = serde_json::from_str(WITHOUT).expect("strict JSON");
    for key in [
        "locale",
        "service",
        "type",
        "storage",
        "whiteListedDomains",
        "modules",
        "cspDomains",
        "zohoAuthorisation",
        "connectors",
        "config",
        "secret",
    ] {
        assert!(value.get(key).is_some(), "{key}");
    }
    let widget = &value["modules"]["widgets"][0];
    for key in ["location", "url", "name", "logo", "icon"] {
        assert!(widget.get(key).is_some(), "widget {key}");
    }
    let param = &value["config"][0];
    for key in [
        "displayName",
        "name",
        "secure",
        "type",
        "description",
        "mandatory",
        "userdefined",
    ] {
        assert!(param.get(key).is_some(), "config param {key}");
    }
}

#[test]
fn an_existing_listener_is_replaced_in_place() {
    let merged = merge_listener(WITH, &listener()).expect("merges");
    let old = listener_value(WITH);
    let new = listener_value(&merged);
    // Every byte before and after the value is unchanged.
    assert_eq!(old.start, new.start);
    assert_eq!(&merged[..new.start], &WITH[..old.start]);
    assert_eq!(&merged[new.end..], &WITH[old.end..]);
    assert_expected_entries(&merged[new.clone()]);
    // The -ize spelling is not written back.
    assert!(!merged.contains("onTPAAuthorize"));
    assert!(!merged.contains("old.example.com"));
}

#[test]
fn a_missing_listener_is_appended_after_the_last_key() {
    let merged = merge_listener(WITHOUT, &listener()).expect("merges");
    // The original ends with the value of `secret`, then "\n}\n".
    let last_value_end = WITHOUT.rfind('"').expect("a string") + 1;
    assert_eq!(&WITHOUT[last_value_end..], "\n}\n");
    let (head, tail) = WITHOUT.split_at(last_value_end);

    let value = listener_value(&merged);
    // Before: the original up to the last value, and a comma.
    assert_eq!(&merged[..head.len()], head);
    assert_eq!(&merged[head.len()..=head.len()], ",");
    // The new property, on its own line at the file's indentation.
    assert_eq!(
        &merged[head.len() + 1..value.start],
        "\n    \"callbackListener\": "
    );
    assert_expected_entries(&merged[value.clone()]);
    // After: the rest of the original, byte for byte.
    assert_eq!(&merged[value.end..], tail);
}

#[test]
fn the_rest_of_the_manifest_is_unchanged_as_data_too() {
    for original in [WITHOUT, WITH] {
        let merged = merge_listener(original, &listener()).expect("merges");
        let mut before: serde_json::Value = serde_json::from_str(original).expect("JSON");
        let mut after: serde_json::Value = serde_json::from_str(&merged).expect("JSON");
        before
            .as_object_mut()
            .expect("object")
            .remove("callbackListener");
        after
            .as_object_mut()
            .expect("object")
            .remove("callbackListener");
        assert_eq!(before, after);
        // Escapes and non-ASCII text are kept as written, not re-encoded.
        assert!(merged.contains(r#""Jira \u00e9t\u00e9 \/ Quick View""#));
        assert!(merged.contains("— facultatif"));
    }
}

#[test]
fn a_second_merge_of_the_same_data_changes_nothing() {
    for original in [WITHOUT, WITH] {
        let once = merge_listener(original, &listener()).expect("merges");
        let twice = merge_listener(&once, &listener()).expect("merges");
        assert_eq!(twice, once);
    }
    // Both starting points end with the same listener value.
    let a = merge_listener(WITHOUT, &listener()).expect("merges");
    let b = merge_listener(WITH, &listener()).expect("merges");
    assert_eq!(&a[listener_value(&a)], &b[listener_value(&b)]);
}

#[test]
fn an_identical_listener_in_another_layout_is_left_alone() {
    let single = CallbackListener::new(
        "https://ext.example.com",
        &[reg(Event::Install, "/callbacks/onInstall", "ext::hi")],
    )
    .expect("valid");
    let compact = "{\"service\":\"DESK\",\"callbackListener\":{\"onInstall\":\"https://ext.example.com/callbacks/onInstall\"},\"secret\":\"s\"}";
    assert_eq!(merge_listener(compact, &single).expect("merges"), compact);
}

#[test]
fn the_same_entries_in_another_order_are_rewritten_in_the_documented_order() {
    let pair = install_and_uninstall();
    let reversed = "{\n    \"callbackListener\": {\n        \"onUninstall\": \"https://x.example/u\",\n        \"onInstall\": \"https://x.example/i\"\n    }\n}\n";
    let merged = merge_listener(reversed, &pair).expect("merges");
    assert_ne!(merged, reversed);
    let value = &merged[listener_value(&merged)];
    assert!(
        value.find("onInstall") < value.find("onUninstall"),
        "{value}"
    );
    assert!(merged.starts_with("{\n    \"callbackListener\": "));
    assert!(merged.ends_with("\n}\n"));
}

#[test]
fn an_empty_manifest_gets_the_listener() {
    let merged = merge_listener("{}", &listener()).expect("merges");
    let value: serde_json::Value = serde_json::from_str(&merged).expect("JSON");
    let object = value.as_object().expect("object");
    assert_eq!(object.len(), 1);
    assert_expected_entries(&merged[listener_value(&merged)]);
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("present")
        + 1
}

#[test]
fn invalid_json_reports_line_and_column() {
    // A comma missing after `"service": "DESK"`: the parser stops on the
    // next key, which starts after the 4-space indentation.
    let broken = missing_comma();
    let line = line_of(&broken, "\"type\": \"org\"");
    assert_eq!(line, 7);
    let err = merge_listener(&broken, &listener()).unwrap_err();
    assert_eq!(
        err,
        MergeError::InvalidJson {
            line,
            column: 5,
            reason: "expected `,` or `}`".to_owned(),
        }
    );
    assert_eq!(
        err.to_string(),
        "the manifest is not valid JSON at line 7, column 5: expected `,` or `}`"
    );

    // A trailing comma after the last key: the parser stops on the `}`.
    let broken = WITHOUT.replacen(
        "\"desk-ext-Secret_2024!\"\n}",
        "\"desk-ext-Secret_2024!\",\n}",
        1,
    );
    let err = merge_listener(&broken, &listener()).unwrap_err();
    assert_eq!(
        err,
        MergeError::InvalidJson {
            line: broken.lines().count(),
            column: 1,
            reason: "trailing comma".to_owned(),
        }
    );
}

#[test]
fn comments_are_not_json() {
    let with_comment = WITHOUT.replacen(
        "    \"service\": \"DESK\",",
        "    // Desk only\n    \"service\": \"DESK\",",
        1,
    );
    let err = merge_listener(&with_comment, &listener()).unwrap_err();
    assert!(
        matches!(
            err,
            MergeError::InvalidJson {
                line: 6,
                column: 5,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_manifest_that_is_not_an_object_is_refused() {
    for text in ["[]", "[{\"secret\":\"s\"}]", "\"DESK\"", "null", "42"] {
        assert_eq!(
            merge_listener(text, &listener()),
            Err(MergeError::NotAnObject),
            "{text}"
        );
    }
    assert_eq!(
        MergeError::NotAnObject.to_string(),
        "the manifest must be a JSON object"
    );
}

#[test]
fn two_registrations_for_one_event_name_both_handlers() {
    let err = CallbackListener::new(
        "https://ext.example.com",
        &[
            reg(
                Event::ConfigParamAdd,
                "/zoho/config",
                "my_ext::config::added",
            ),
            reg(Event::Install, "/callbacks/onInstall", "my_ext::installed"),
            reg(
                Event::ConfigParamAdd,
                "/other",
                "my_ext::legacy::config_added",
            ),
        ],
    )
    .unwrap_err();
    assert_eq!(
        err,
        ListenerError::DuplicateEvent {
            event: Event::ConfigParamAdd,
            first: "my_ext::config::added".to_owned(),
            second: "my_ext::legacy::config_added".to_owned(),
        }
    );
    assert_eq!(
        err.to_string(),
        "two handlers for onConfigParamAdd: `my_ext::config::added` and \
         `my_ext::legacy::config_added`; keep one"
    );
}

#[test]
fn the_secret_is_read_from_the_fixture() {
    for text in [WITHOUT, WITH] {
        let secret = Secret::from_manifest_str(text).expect("has a secret");
        assert_eq!(secret.expose(), "desk-ext-Secret_2024!");
        // And still after a merge.
        let merged = merge_listener(text, &listener()).expect("merges");
        assert_eq!(
            Secret::from_manifest_str(&merged).expect("has a secret"),
            secret
        );
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/plugin-manifest.json"
    );
    assert_eq!(
        Secret::from_manifest_file(path).expect("readable").expose(),
        "desk-ext-Secret_2024!"
    );
}

#[test]
fn a_manifest_without_a_usable_secret_says_why() {
    let without_secret = WITHOUT.replacen(",\n    \"secret\": \"desk-ext-Secret_2024!\"", "", 1);
    assert_eq!(
        Secret::from_manifest_str(&without_secret),
        Err(SecretError::MissingInManifest)
    );
    let blank = WITHOUT.replacen("\"desk-ext-Secret_2024!\"", "\"  \"", 1);
    assert_eq!(
        Secret::from_manifest_str(&blank),
        Err(SecretError::EmptyInManifest)
    );
    let number = WITHOUT.replacen("\"desk-ext-Secret_2024!\"", "2024", 1);
    assert_eq!(
        Secret::from_manifest_str(&number),
        Err(SecretError::NotAStringInManifest)
    );
    let broken = missing_comma();
    assert_eq!(
        Secret::from_manifest_str(&broken),
        Err(SecretError::ManifestJson {
            line: 7,
            column: 5,
            reason: "expected `,` or `}`".to_owned(),
        })
    );
}

#[test]
fn the_listener_follows_the_files_indentation_and_line_endings() {
    let pair = install_and_uninstall();
    for (indent, newline) in [("    ", "\n"), ("  ", "\n"), ("\t", "\n"), ("    ", "\r\n")] {
        let original = format!("{{{newline}{indent}\"service\": \"DESK\"{newline}}}{newline}");
        let merged = merge_listener(&original, &pair).expect("merges");
        let expected = [
            "{",
            &format!("{indent}\"service\": \"DESK\","),
            &format!("{indent}\"callbackListener\": {{"),
            &format!("{indent}{indent}\"onInstall\": \"https://x.example/i\","),
            &format!("{indent}{indent}\"onUninstall\": \"https://x.example/u\""),
            &format!("{indent}}}"),
            "}",
            "",
        ]
        .join(newline);
        assert_eq!(merged, expected, "indent {indent:?}, newline {newline:?}");
    }
}

#[test]
fn a_crlf_manifest_keeps_its_bytes_and_line_endings() {
    let crlf = WITH.replace('\n', "\r\n");
    let merged = merge_listener(&crlf, &listener()).expect("merges");
    let old = listener_value(&crlf);
    let new = listener_value(&merged);
    assert_eq!(&merged[..new.start], &crlf[..old.start]);
    assert_eq!(&merged[new.end..], &crlf[old.end..]);
    assert_eq!(
        merged.matches('\n').count(),
        merged.matches("\r\n").count(),
        "no bare LF"
    );
    assert_expected_entries(&merged[new]);
}

#[test]
fn a_duplicated_listener_key_is_not_left_stale() {
    let duplicated = "{\n    \"callbackListener\": {\"onInstall\": \"https://old.example.com/1\"},\n    \"callbackListener\": {\"onInstall\": \"https://old.example.com/2\"}\n}\n";
    let single = CallbackListener::new(
        "https://ext.example.com",
        &[reg(Event::Install, "/callbacks/onInstall", "ext::hi")],
    )
    .expect("valid");
    // Readers disagree on which of two keys counts (serde_json and
    // JSON.parse take the last), so the file is refused rather than edited.
    assert_eq!(
        merge_listener(duplicated, &single),
        Err(MergeError::DuplicateKey { count: 2 })
    );
}

#[test]
fn a_byte_order_mark_is_kept_and_not_an_error() {
    let manifest = "\u{feff}{\n    \"secret\": \"s\"\n}\n";
    let single = CallbackListener::new(
        "https://ext.example.com",
        &[reg(Event::Install, "/callbacks/onInstall", "ext::hi")],
    )
    .expect("valid");
    let merged = merge_listener(manifest, &single).expect("a BOM is allowed");
    assert!(
        merged.starts_with("\u{feff}{\n    \"secret\": \"s\",\n"),
        "{merged:?}"
    );
    assert_eq!(merge_listener(&merged, &single).as_ref(), Ok(&merged));
    assert_eq!(Secret::from_manifest_str(manifest).unwrap().expose(), "s");
}
