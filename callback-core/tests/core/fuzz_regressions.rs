//! Inputs the fuzz targets (`fuzz/`, see FUZZING.md) found, kept as tests.
//!
//! Each test names its finding in FUZZING.md. A test that is `#[ignore]`d
//! states what the documentation promises and fails until the code keeps
//! that promise (or the promise is changed); run it with
//! `cargo test -p callback-core --test core fuzz_regressions -- --ignored`.

use callback_core::manifest::{CallbackListener, merge_listener};
use callback_core::{Event, HandlerInfo};

fn listener() -> CallbackListener {
    CallbackListener::new(
        "https://ext.example.com",
        &[HandlerInfo::new(
            Event::Install,
            "/callbacks/onInstall",
            "installed",
            "ext",
        )],
    )
    .expect("a valid listener")
}

/// Finding 1 (manifest_merge): appending `callbackListener` to a manifest
/// that has none rewrites whitespace that is not part of that key, although
/// `merge_listener` documents that "every other key, its order, its value and
/// the file's indentation stay byte for byte". jsonc-parser's
/// `CstObject::append` first calls `ensure_multiline` (a one-line object is
/// spread over several lines) and re-lays out the whitespace before the first
/// member and after the last one.
///
/// Each case here is the manifest, and the bytes of it that must still be in
/// the merged text, in order and unchanged, with only the new member added
/// after the last value.
#[test]
fn appending_the_listener_keeps_every_other_byte() {
    let cases = [
        // A manifest written on one line (minified, or by a tool).
        r#"{"service":"DESK","secret":"s"}"#,
        // A blank line after `{`.
        "{\n\n  \"service\": \"DESK\"\n}\n",
        // A blank line before `}`.
        "{\n  \"service\": \"DESK\"\n\n}\n",
    ];
    let mut rewritten = Vec::new();
    for manifest in cases {
        let merged = merge_listener(manifest, &listener()).expect("a valid manifest");
        // Everything up to the end of the last value is kept as it was,
        // and everything after it: the whitespace before `}`, `}` and the
        // end of the file.
        let last_value_end = manifest.rfind('"').expect("a string value") + 1;
        if !(merged.starts_with(&manifest[..last_value_end])
            && merged.ends_with(&manifest[last_value_end..]))
        {
            rewritten.push(format!("{manifest:?} became {merged:?}"));
        }
    }
    assert!(
        rewritten.is_empty(),
        "bytes outside callbackListener changed:\n{}",
        rewritten.join("\n")
    );
}

/// What does hold, and what the fuzz target checks on every input: each
/// member's own text (key through value) is kept byte for byte, and so is
/// everything up to `{` and from `}` on.
#[test]
fn appending_the_listener_keeps_each_member_text() {
    let manifest = "\u{feff}{\"service\":\"DESK\",  \"secret\" :\n\"s\"}\n";
    let merged = merge_listener(manifest, &listener()).expect("a valid manifest");
    assert!(merged.starts_with("\u{feff}{"), "{merged:?}");
    assert!(merged.contains("\"service\":\"DESK\""), "{merged:?}");
    assert!(merged.contains("\"secret\" :\n\"s\""), "{merged:?}");
    assert!(merged.ends_with("}\n"), "{merged:?}");
    assert_eq!(
        merge_listener(&merged, &listener()).as_deref(),
        Ok(merged.as_str())
    );
}

/// The `desk_delivery` target's checks, compiled here too, so that every
/// committed seed runs through them in `cargo test`.
#[path = "../../../fuzz/fuzz_targets/checks/desk_delivery.rs"]
mod desk_delivery;

/// Every `seed-*` of `fuzz/corpus/desk_delivery` passes the target's
/// checks and gives the refusal (or the batch) its name says: a seed that
/// stopped being what it was made for would no longer steer the fuzzer
/// there.
#[test]
fn every_desk_delivery_seed_passes_the_fuzz_targets_checks() {
    use desk_delivery::Checked;
    let ok = |events| Checked {
        token: Ok(()),
        batch: Ok(events),
    };
    let refused = |token, batch| Checked { token, batch };
    let expected = [
        ("seed-absent", refused(Err("missing_token"), Ok(1))),
        (
            "seed-alg-none",
            refused(Err("unsupported_algorithm"), Ok(0)),
        ),
        (
            "seed-body-duplicate-field",
            refused(Ok(()), Err("invalid_payload")),
        ),
        ("seed-body-not-json", refused(Ok(()), Err("invalid_json"))),
        ("seed-body-object", refused(Ok(()), Err("invalid_payload"))),
        ("seed-ec-kid", refused(Err("wrong_key_type"), Ok(0))),
        ("seed-empty-array", ok(0)),
        ("seed-expired", refused(Err("token_expired"), Ok(0))),
        (
            "seed-hs256-public-key",
            refused(Err("unsupported_algorithm"), Ok(0)),
        ),
        (
            "seed-other-key",
            refused(Err("token_signature_mismatch"), Ok(1)),
        ),
        ("seed-repeated", refused(Err("repeated_token"), Ok(0))),
        ("seed-valid-millis", ok(1)),
        ("seed-valid-signed", ok(1)),
        ("seed-valid-token", ok(2)),
        ("seed-wrong-issuer", refused(Err("wrong_issuer"), Ok(0))),
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/desk_delivery");
    let mut seeds: Vec<String> = std::fs::read_dir(&dir)
        .expect("the corpus directory")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.starts_with("seed-"))
        .collect();
    seeds.sort();
    let names: Vec<&str> = expected.iter().map(|(name, _)| *name).collect();
    assert_eq!(seeds, names, "every seed has its expected result here");
    for (name, expected) in expected {
        let input = std::fs::read(dir.join(name)).expect("a seed");
        assert_eq!(desk_delivery::check(&input), expected, "{name}");
    }
}
