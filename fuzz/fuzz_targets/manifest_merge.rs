//! `manifest::merge_listener`: arbitrary manifest text, a small listener.
//!
//! Input format (see FUZZING.md):
//!
//! ```text
//! byte 0: which events the listener has (bit i: Event::ALL[i])
//! byte 1: its base URL, by value mod 4: https://ext.example.com,
//!         http://127.0.0.1:8080/base/, a URL needing JSON escapes
//!         (https://ext.example.com/a"b\c/é), or the next line of the input
//! byte 2: its paths, by value mod 4: the default paths, one shared path,
//!         a path of every allowed punctuation, or the next line
//! rest:   the manifest text (UTF-8; anything else is skipped)
//! ```
//!
//! Properties, writing O for the manifest after its leading byte-order marks
//! and M for the merged text after as many of them:
//! - It never panics. It fails exactly when an independent reading says so:
//!   `InvalidJson` (at the line and column serde_json gives) when O is not
//!   JSON, `NotAnObject` when it is not an object, `DuplicateKey { count }`
//!   when it has `count` > 1 top-level `callbackListener` keys.
//! - On success, M is JSON; its top-level members are O's, in order, with
//!   the `callbackListener` value replaced (or appended last when absent);
//!   that value has exactly the listener's entries, in its order; merging M
//!   again returns M byte for byte, and M keeps O's byte-order marks.
//! - Bytes: when O has the key, M is O up to the start of the old value,
//!   then the new value, then O from the end of the old value on; when O
//!   already holds exactly this listener, M is O. When O has none, M is O
//!   with one insertion, starting with `,`, right after the last member's
//!   value (right after `{` when there is no member): every other byte is
//!   kept, whatever the layout (finding 1 of FUZZING.md, since fixed).

#![no_main]

mod common;

use callback_core::manifest::{CallbackListener, MergeError, merge_listener};
use callback_core::{Event, HandlerInfo, default_path};
use common::Members;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const KEY: &str = "callbackListener";
const BOM: char = '\u{feff}';

fuzz_target!(|data: &[u8]| run(data));

fn run(data: &[u8]) {
    let [mask, base_choice, path_choice, rest @ ..] = data else {
        return;
    };
    let Ok(mut rest) = std::str::from_utf8(rest) else {
        return;
    };
    let mut next_line = || {
        let (line, after) = rest.split_once('\n').unwrap_or((rest, ""));
        rest = after;
        line
    };
    let base = match base_choice % 4 {
        0 => "https://ext.example.com",
        1 => "http://127.0.0.1:8080/base/",
        2 => "https://ext.example.com/a\"b\\c/\u{e9}",
        _ => next_line(),
    };
    let custom_path = (path_choice % 4 == 3).then(&mut next_line);
    let manifest = rest;

    let handlers: Vec<HandlerInfo> = Event::ALL
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, &event)| HandlerInfo {
            event,
            path: match (path_choice % 4, custom_path) {
                (1, _) => "/zoho/callbacks".to_owned(),
                (2, _) => format!("/a-._~!$&'()*+,;=:@%41/{}", event.wire_name()),
                (3, Some(path)) => path.to_owned(),
                _ => default_path(event),
            }
            .into(),
            name: event.attribute_name().into(),
            module: "fuzz".into(),
        })
        .collect();
    let Ok(listener) = CallbackListener::new(base, &handlers) else {
        return;
    };

    check(manifest, &listener);
}

fn check(manifest: &str, listener: &CallbackListener) {
    let boms = manifest.chars().take_while(|&c| c == BOM).count();
    let original = &manifest[boms * BOM.len_utf8()..];
    let result = merge_listener(manifest, listener);

    // The independent reading of the original.
    let value = match serde_json::from_str::<Value>(original) {
        Err(e) => {
            match result {
                Err(MergeError::InvalidJson { line, column, .. }) => {
                    assert_eq!((line, column), (e.line(), e.column()), "{e}");
                }
                other => panic!("not JSON ({e}), yet merge gave {other:?}"),
            }
            return;
        }
        Ok(value) => value,
    };
    if !value.is_object() {
        assert_eq!(result, Err(MergeError::NotAnObject));
        return;
    }
    let top = scan_object(original);
    let at: Vec<&Member> = top.members.iter().filter(|m| m.key == KEY).collect();
    if at.len() > 1 {
        assert_eq!(result, Err(MergeError::DuplicateKey { count: at.len() }));
        return;
    }
    let merged = result.unwrap_or_else(|e| panic!("a valid manifest was refused: {e}"));

    // Byte-order marks kept.
    let prefix: String = std::iter::repeat_n(BOM, boms).collect();
    let m = merged
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("the byte-order marks were lost: {merged:?}"));
    assert!(!m.starts_with(BOM), "a byte-order mark was added");

    // M is JSON with O's members, the listener's value replaced or appended.
    let merged_top = scan_object(m);
    let expected_keys: Vec<&str> = match at.first() {
        Some(_) => top.members.iter().map(|m| m.key.as_str()).collect(),
        None => top
            .members
            .iter()
            .map(|m| m.key.as_str())
            .chain([KEY])
            .collect(),
    };
    let got_keys: Vec<&str> = merged_top.members.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(got_keys, expected_keys, "members changed: {m}");
    for (old, new) in top.members.iter().zip(&merged_top.members) {
        if old.key != KEY {
            assert_eq!(
                &original[old.value.clone()],
                &m[new.value.clone()],
                "the value of {:?} changed",
                old.key
            );
        }
    }
    let new_listener = merged_top
        .members
        .iter()
        .find(|mb| mb.key == KEY)
        .expect("checked above");
    let entries = serde_json::from_str::<Members>(&m[new_listener.value.clone()])
        .unwrap_or_else(|e| panic!("callbackListener is not an object ({e}): {m}"))
        .0;
    let expected_entries: Vec<(String, Value)> = listener
        .entries()
        .map(|(event, url)| (event.wire_name().to_owned(), Value::from(url)))
        .collect();
    assert_eq!(
        entries, expected_entries,
        "the listener was not written as is"
    );

    // Idempotent.
    assert_eq!(
        merge_listener(&merged, listener).as_deref(),
        Ok(merged.as_str()),
        "a second merge changed the text"
    );

    // Bytes kept.
    match at.first() {
        Some(old) => {
            let already = serde_json::from_str::<Members>(&original[old.value.clone()])
                .is_ok_and(|members| members.0 == expected_entries);
            if already {
                assert_eq!(merged, manifest, "the same listener changed the text");
            }
            let (start, end) = (old.value.start, old.value.end);
            assert_eq!(
                &m[..start],
                &original[..start],
                "bytes before the value changed"
            );
            assert!(
                m.ends_with(&original[end..]),
                "bytes after the value changed: {m:?}"
            );
            assert_eq!(
                new_listener.value.start, start,
                "the new value does not start where the old one did"
            );
        }
        None => {
            // One insertion, nothing else: after the last member's value, or
            // after `{` when there is none (finding 1, fixed in ebdb2fe).
            let at = top.members.last().map_or(top.open + 1, |mb| mb.value.end);
            assert!(
                m.len() > original.len()
                    && m.starts_with(&original[..at])
                    && m.ends_with(&original[at..]),
                "bytes outside the appended member changed: {original:?} became {m:?}"
            );
            let inserted = &m[at..m.len() - (original.len() - at)];
            match top.members.last() {
                Some(_) => assert!(
                    inserted.starts_with(','),
                    "no comma before the new member: {inserted:?}"
                ),
                None => assert!(
                    !inserted.trim_start().starts_with(','),
                    "a comma before the only member: {inserted:?}"
                ),
            }
        }
    }
}

/// One top-level member: its decoded key, and the byte range of its value.
struct Member {
    key: String,
    value: std::ops::Range<usize>,
}

/// The top level of a JSON object text: offsets of `{` and of each member.
struct TopLevel {
    open: usize,
    members: Vec<Member>,
}

/// Scans text that serde_json accepted as an object. Written from RFC 8259,
/// independent of the code under test.
fn scan_object(text: &str) -> TopLevel {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    assert_eq!(b[i], b'{');
    let open = i;
    i += 1;
    let mut members = Vec::new();
    loop {
        i = skip_ws(b, i);
        match b[i] {
            b'}' => break,
            b',' => i = skip_ws(b, i + 1),
            _ => {}
        }
        let key_end = end_of_string(b, i);
        let key: String = serde_json::from_str(&text[i..key_end]).expect("a JSON string");
        i = skip_ws(b, key_end);
        assert_eq!(b[i], b':');
        let start = skip_ws(b, i + 1);
        let end = end_of_value(b, start);
        members.push(Member {
            key,
            value: start..end,
        });
        i = skip_ws(b, end);
        if b[i] == b'}' {
            break;
        }
    }
    assert_eq!(b[i], b'}');
    TopLevel { open, members }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// `b[i]` is `"`: the index after the closing quote.
fn end_of_string(b: &[u8], mut i: usize) -> usize {
    assert_eq!(b[i], b'"');
    i += 1;
    loop {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
}

fn end_of_value(b: &[u8], mut i: usize) -> usize {
    match b[i] {
        b'"' => end_of_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            loop {
                match b[i] {
                    b'"' => {
                        i = end_of_string(b, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            while !matches!(
                b.get(i),
                None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            ) {
                i += 1;
            }
            i
        }
    }
}
