//! `callback manifest` on a realistic extension: print, write, check.

use crate::common::{self, assert_error, fixture, run, sh};
use std::path::{Path, PathBuf};

const BASE: &str = "https://ext.example.com";

/// The section the fixture's sources give.
const SECTION: &str = r#"{
  "onInstall": "https://ext.example.com/callbacks/onInstall",
  "onConfigParamAdd": "https://ext.example.com/zoho/config",
  "onUninstall": "https://ext.example.com/callbacks/onUninstall"
}"#;

/// A copy of the `extension` fixture (sources and manifest).
fn extension() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let from = fixture("extension");
    std::fs::create_dir(dir.path().join("src")).unwrap();
    for file in ["src/lib.rs", "src/config.rs", "plugin-manifest.json"] {
        std::fs::copy(from.join(file), dir.path().join(file)).unwrap();
    }
    let manifest = dir.path().join("plugin-manifest.json");
    let src = dir.path().to_owned();
    (dir, src, manifest)
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `manifest --src SRC --base-url BASE --manifest MANIFEST`, then `flags`.
fn merge_args<'a>(src: &'a Path, manifest: &'a Path, flags: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "manifest",
        "--src",
        s(src),
        "--base-url",
        BASE,
        "--manifest",
        s(manifest),
    ];
    args.extend(flags);
    args
}

/// The text before and after the value of the one `"callbackListener"` key.
fn outside_listener(text: &str) -> (&str, &str) {
    let key = "\"callbackListener\": ";
    let start = text.find(key).expect("a callbackListener") + key.len();
    let end = start + text[start..].find('}').expect("its end") + 1;
    (&text[..start], &text[end..])
}

#[test]
fn prints_the_section_from_the_sources() {
    let ran = sh(&format!(
        "manifest --src {} --base-url {BASE}",
        s(&fixture("extension"))
    ));
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (0, format!("{SECTION}\n").as_str(), "")
    );
}

#[test]
fn the_base_url_can_come_from_callback_base_url() {
    let ran = common::run_with_stdin(
        common::callback(&["manifest", "--src", s(&fixture("extension"))])
            .env("CALLBACK_BASE_URL", BASE),
        b"",
    );
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (0, format!("{SECTION}\n").as_str())
    );
}

#[test]
fn write_keeps_every_byte_outside_callback_listener() {
    let (_dir, src, manifest) = extension();
    let before = std::fs::read_to_string(&manifest).unwrap();
    let ran = sh(&format!(
        "manifest --src {} --base-url {BASE} --manifest {} --write",
        src.display(),
        manifest.display()
    ));
    assert_eq!(
        (ran.code, ran.stdout.clone()),
        (0, format!("{}: updated\n", manifest.display())),
        "{ran:?}"
    );

    let after = std::fs::read_to_string(&manifest).unwrap();
    assert_eq!(outside_listener(&after), outside_listener(&before));
    let value: serde_json::Value = serde_json::from_str(&after).unwrap();
    let expected: serde_json::Value = serde_json::from_str(SECTION).unwrap();
    assert_eq!(value["callbackListener"], expected);
    assert!(after.contains("\"callbackListener\": {\n        \"onInstall\": \"https://ext.example.com/callbacks/onInstall\",\n"), "4-space indent kept:\n{after}");
}

#[test]
fn a_second_write_changes_nothing() {
    let (_dir, src, manifest) = extension();
    let write = merge_args(&src, &manifest, &["--write"]);
    assert_eq!(run(&write).code, 0);
    let text = std::fs::read(&manifest).unwrap();
    let modified = std::fs::metadata(&manifest).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));

    let ran = run(&write);
    assert_eq!(
        (ran.code, ran.stdout.clone()),
        (0, format!("{}: unchanged\n", manifest.display()))
    );
    assert_eq!(std::fs::read(&manifest).unwrap(), text);
    assert_eq!(
        std::fs::metadata(&manifest).unwrap().modified().unwrap(),
        modified
    );
}

#[test]
fn check_passes_after_write_and_fails_after_a_handler_is_added() {
    let (_dir, src, manifest) = extension();
    let args = |flag: &'static str| {
        vec![
            "manifest".to_owned(),
            "--src".into(),
            s(&src).into(),
            "--base-url".into(),
            BASE.into(),
            "--manifest".into(),
            s(&manifest).into(),
            flag.into(),
        ]
    };
    let run_owned = |args: Vec<String>| run(&args.iter().map(String::as_str).collect::<Vec<_>>());

    // The fixture's listener is stale to begin with.
    assert_eq!(run_owned(args("--check")).code, 1);
    assert_eq!(run_owned(args("--write")).code, 0);
    let ran = run_owned(args("--check"));
    assert_eq!(
        (ran.code, ran.stdout.clone(), ran.stderr.as_str()),
        (0, format!("{}: up to date\n", manifest.display()), "")
    );

    let lib = src.join("src/lib.rs");
    let mut code = std::fs::read_to_string(&lib).unwrap();
    code.push_str("\n#[on_update(path = \"/zoho/updated\")]\nasync fn updated() {}\n");
    std::fs::write(&lib, code).unwrap();

    let ran = run_owned(args("--check"));
    assert_eq!(ran.code, 1);
    let diff = [
        format!("--- {} (callbackListener)", manifest.display()),
        "+++ from the sources".to_owned(),
        r#"    "onInstall": "https://ext.example.com/callbacks/onInstall""#.to_owned(),
        r#"+   "onUpdate": "https://ext.example.com/zoho/updated""#.to_owned(),
        r#"    "onConfigParamAdd": "https://ext.example.com/zoho/config""#.to_owned(),
        r#"    "onUninstall": "https://ext.example.com/callbacks/onUninstall""#.to_owned(),
    ];
    assert_eq!(ran.stdout, format!("{}\n", diff.join("\n")));
    assert_eq!(
        ran.stderr,
        format!(
            "error: {} is out of date; run `callback manifest --write` to update it\n",
            manifest.display()
        )
    );
}

#[test]
fn check_shows_removed_and_changed_entries() {
    let (_dir, src, manifest) = extension();
    let ran = sh(&format!(
        "manifest --src {} --base-url {BASE} --manifest {} --check",
        src.display(),
        manifest.display()
    ));
    assert_eq!(ran.code, 1);
    assert_eq!(
        ran.stdout,
        format!(
            "--- {} (callbackListener)\n\
             +++ from the sources\n\
             -   \"onInstall\": \"https://old.example.com/install\"\n\
             +   \"onInstall\": \"https://ext.example.com/callbacks/onInstall\"\n\
             -   \"onTPAAuthorize\": \"https://old.example.com/tpa\"\n\
             +   \"onConfigParamAdd\": \"https://ext.example.com/zoho/config\"\n\
             +   \"onUninstall\": \"https://ext.example.com/callbacks/onUninstall\"\n",
            manifest.display()
        )
    );
}

/// The fixture manifest's `"secret"` value, as it is written.
const SECRET_JSON: &str = "\"desk-ext-Secret_2024!\"";
/// What the preview shows instead.
const REDACTED_JSON: &str = "\"<redacted: 21 chars>\"";

#[test]
fn manifest_alone_prints_the_merged_file_without_writing() {
    let (_dir, src, manifest) = extension();
    let before = std::fs::read_to_string(&manifest).unwrap();
    let ran = sh(&format!(
        "manifest --src {} --base-url {BASE} --manifest {}",
        src.display(),
        manifest.display()
    ));
    assert_eq!(ran.code, 0);
    assert_eq!(
        outside_listener(&ran.stdout),
        outside_listener(&before.replace(SECRET_JSON, REDACTED_JSON))
    );
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), before);
}

#[test]
fn the_preview_hides_the_secret_and_write_writes_it() {
    let (_dir, src, manifest) = extension();
    let preview = run(&merge_args(&src, &manifest, &[]));
    assert_eq!((preview.code, preview.stderr.as_str()), (0, ""));
    assert!(
        !preview.stdout.contains("desk-ext-Secret_2024!"),
        "{}",
        preview.stdout
    );

    assert_eq!(run(&merge_args(&src, &manifest, &["--write"])).code, 0);
    let written = std::fs::read_to_string(&manifest).unwrap();
    assert_eq!(written.matches(SECRET_JSON).count(), 1, "{written}");
    // Every other byte is the merged file's.
    assert_eq!(preview.stdout, written.replace(SECRET_JSON, REDACTED_JSON));
}

#[test]
fn a_base_url_with_credentials_is_refused_without_showing_them() {
    let ran = sh(&format!(
        "manifest --src {} --base-url https://u:hunter2@x.example",
        s(&fixture("extension"))
    ));
    assert_error(
        &ran,
        2,
        "the base URL \"https://x.example\" is not usable: it must not carry credentials \
         (user:password@): URLs are printed and logged; give credentials another way; give one such \
         as \"https://ext.example.com\"",
    );
}

#[test]
fn write_to_a_manifest_named_relative_to_the_current_directory() {
    let (_dir, src, manifest) = extension();
    let ran = common::run_with_stdin(
        common::callback(&[
            "manifest",
            "--src",
            ".",
            "--base-url",
            BASE,
            "--manifest",
            "plugin-manifest.json",
            "--write",
        ])
        .current_dir(&src),
        b"",
    );
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (0, "plugin-manifest.json: updated\n", "")
    );
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    assert_eq!(
        value["callbackListener"],
        serde_json::from_str::<serde_json::Value>(SECTION).unwrap()
    );
}

#[cfg(unix)]
mod unix {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// The names of the files in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn write_keeps_the_manifests_permissions() {
        let (_dir, src, manifest) = extension();
        for mode in [0o600, 0o640] {
            std::fs::write(
                &manifest,
                std::fs::read(fixture("extension/plugin-manifest.json")).unwrap(),
            )
            .unwrap();
            std::fs::set_permissions(&manifest, std::fs::Permissions::from_mode(mode)).unwrap();
            let ran = run(&merge_args(&src, &manifest, &["--write"]));
            assert_eq!(ran.stdout, format!("{}: updated\n", manifest.display()));
            let after = std::fs::read_to_string(&manifest).unwrap();
            assert!(
                after
                    .contains("\"onUninstall\": \"https://ext.example.com/callbacks/onUninstall\"")
            );
            assert!(
                after.ends_with(&format!("\"secret\": {SECRET_JSON}\n}}\n")),
                "{after}"
            );
            assert_eq!(
                std::fs::metadata(&manifest).unwrap().permissions().mode() & 0o7777,
                mode
            );
        }
    }

    #[test]
    fn a_write_that_fails_leaves_the_old_manifest_as_it_was() {
        let (dir, src, manifest) = extension();
        let before = std::fs::read(&manifest).unwrap();
        let files = names(dir.path());
        let mut cmd = common::callback_unable_to_write(&merge_args(&src, &manifest, &["--write"]));
        assert_error(
            &common::run_with_stdin(&mut cmd, b""),
            2,
            &format!(
                "cannot write {}: File too large (os error 27)",
                manifest.display()
            ),
        );
        assert_eq!(std::fs::read(&manifest).unwrap(), before);
        assert_eq!(names(dir.path()), files);
    }
}

#[test]
fn bad_input_is_one_line() {
    let (_dir, src, manifest) = extension();
    assert_error(
        &sh(&format!("manifest --src {}", src.display())),
        2,
        "the following required arguments were not provided: --base-url <URL>",
    );
    assert_error(
        &sh(&format!(
            "manifest --src {} --base-url {BASE} --write",
            src.display()
        )),
        2,
        "the following required arguments were not provided: <--manifest <FILE>|--resources \
         <FILE>>",
    );
    assert_error(
        &sh(&format!(
            "manifest --src {} --base-url {BASE} --manifest {} --write --check",
            src.display(),
            manifest.display()
        )),
        2,
        "the argument '--write' cannot be used with '--check'",
    );
    assert_error(
        &sh(&format!(
            "manifest --src {} --base-url ext.example.com",
            src.display()
        )),
        2,
        "the base URL \"ext.example.com\" is not usable: it must start with https:// or http://; \
         give one such as \"https://ext.example.com\"",
    );
    assert_error(
        &sh(&format!(
            "manifest --src {} --base-url {BASE} --manifest /nonexistent.json --check",
            src.display()
        )),
        2,
        "cannot read /nonexistent.json: No such file or directory (os error 2)",
    );
    std::fs::write(&manifest, "[1, 2]").unwrap();
    assert_error(
        &sh(&format!(
            "manifest --src {} --base-url {BASE} --manifest {} --write",
            src.display(),
            manifest.display()
        )),
        2,
        &format!("{}: the manifest must be a JSON object", manifest.display()),
    );
}

#[test]
fn scan_problems_are_one_line_each_naming_file_and_line() {
    let (_dir, src, _) = extension();
    std::fs::write(
        src.join("src/config.rs"),
        "#[on_install]\nasync fn again() {}\n\n#[on_update(path = \"x\")]\nasync fn up() {}\n",
    )
    .unwrap();
    let ran = sh(&format!(
        "manifest --src {} --base-url {BASE}",
        src.display()
    ));
    assert_eq!(ran.code, 2);
    assert_eq!(ran.stdout, "");
    assert_eq!(
        ran.stderr,
        "error: src/config.rs:4:20: invalid `#[on_update]`: a callback path must start with `/`; write \"/x\"\n\
         error: src/lib.rs:7:1: two handlers for onInstall: `crate::installed` here and `crate::config::again` at src/config.rs:1:1; keep one\n"
    );
    let ran = sh(&format!("manifest --src /nonexistent --base-url {BASE}"));
    assert_error(
        &ran,
        2,
        "/nonexistent: found neither src/lib.rs nor src/main.rs; give the crate's root files explicitly",
    );
}
