//! `callback manifest` with Desk event handlers: resources.json written,
//! checked and previewed beside plugin-manifest.json, the manifest held to
//! what extension webhooks need, and the warning for extension storage.

use crate::common::{Ran, fixture, run};
use std::path::{Path, PathBuf};

const BASE: &str = "https://ext.example.com";

/// A copy of the `desk-extension` fixture: its directory, manifest and
/// resources.json.
fn desk_extension() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let from = fixture("desk-extension");
    std::fs::create_dir(dir.path().join("src")).unwrap();
    for file in ["src/lib.rs", "plugin-manifest.json", "resources.json"] {
        std::fs::copy(from.join(file), dir.path().join(file)).unwrap();
    }
    let manifest = dir.path().join("plugin-manifest.json");
    let resources = dir.path().join("resources.json");
    (dir, manifest, resources)
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `manifest --src DIR --base-url BASE --manifest MANIFEST`, then `flags`.
fn manifest(dir: &Path, flags: &[&str]) -> Ran {
    let manifest = dir.join("plugin-manifest.json");
    let mut args = vec![
        "manifest",
        "--src",
        s(dir),
        "--base-url",
        BASE,
        "--manifest",
        s(&manifest),
    ];
    args.extend(flags);
    run(&args)
}

/// resources.json once merged with the fixture's handlers.
const MERGED: &str = r#"{
  "webhook": {
    "resourceName": "deskEvents",
    "name": "Ticket sync",
    "url": "https://ext.example.com/desk/deskEvents",
    "subscriptions": {
      "Ticket_Add": null,
      "Ticket_Update": {
        "includePrevState": true
      }
    }
  }
}
"#;

/// The warning for the fixture's storage call, its manifest at `manifest`.
fn storage_warning(manifest: &Path) -> String {
    format!(
        "warning: src/lib.rs:8:20: this calls extension storage, but {} does not have \
         \"storage\": true, without which Zoho refuses the extension's storage calls; add \
         \"storage\": true to it\n",
        manifest.display()
    )
}

#[test]
fn write_merges_both_files_and_check_then_passes_with_the_storage_warning() {
    let (dir, manifest_path, resources) = desk_extension();
    let ran = manifest(dir.path(), &["--write"]);
    assert_eq!(
        (ran.code, ran.stdout.clone(), ran.stderr.clone()),
        (
            0,
            format!(
                "{}: updated\n{}: updated\n",
                manifest_path.display(),
                resources.display()
            ),
            storage_warning(&manifest_path)
        )
    );
    assert_eq!(std::fs::read_to_string(&resources).unwrap(), MERGED);

    let ran = manifest(dir.path(), &["--check"]);
    assert_eq!(
        (ran.code, ran.stdout.clone(), ran.stderr.clone()),
        (
            0,
            format!(
                "{}: up to date\n{}: up to date\n",
                manifest_path.display(),
                resources.display()
            ),
            storage_warning(&manifest_path)
        )
    );
}

#[test]
fn check_shows_what_differs_in_resources_json_as_a_unified_diff() {
    let (dir, manifest_path, resources) = desk_extension();
    assert_eq!(manifest(dir.path(), &["--write"]).code, 0);
    let lib = dir.path().join("src/lib.rs");
    let mut code = std::fs::read_to_string(&lib).unwrap();
    code.push_str("\n#[desk_event(Ticket_Comment_Add)]\nasync fn commented() {}\n");
    std::fs::write(&lib, code).unwrap();

    let ran = manifest(dir.path(), &["--check"]);
    assert_eq!(ran.code, 1);
    let diff = r#"+++ from the sources
@@ -7,7 +7,8 @@
       "Ticket_Add": null,
       "Ticket_Update": {
         "includePrevState": true
-      }
+      },
+      "Ticket_Comment_Add": null
     }
   }
 }
"#;
    assert_eq!(
        ran.stdout,
        format!(
            "{}: up to date\n--- {}\n{diff}",
            manifest_path.display(),
            resources.display()
        )
    );
    assert_eq!(
        ran.stderr,
        format!(
            "{}error: {} is out of date; run `callback manifest --write` to update it\n",
            storage_warning(&manifest_path),
            resources.display()
        )
    );
    // The file is as it was.
    assert_eq!(std::fs::read_to_string(&resources).unwrap(), MERGED);
}

#[test]
fn resources_json_beside_the_manifest_is_created_when_missing() {
    let (dir, manifest_path, resources) = desk_extension();
    std::fs::remove_file(&resources).unwrap();
    let ran = manifest(dir.path(), &["--check"]);
    assert_eq!(ran.code, 1);
    let created = r#"+++ from the sources
@@ -0,0 +1,13 @@
+{
+  "webhook": {
+    "resourceName": "deskEvents",
+    "url": "https://ext.example.com/desk/deskEvents",
+    "name": "deskEvents",
+    "subscriptions": {
+      "Ticket_Add": null,
+      "Ticket_Update": {
+        "includePrevState": true
+      }
+    }
+  }
+}
"#;
    assert_eq!(
        ran.stdout,
        format!(
            "--- {} (callbackListener)\n+++ from the sources\n\
             +   \"onInstall\": \"https://ext.example.com/callbacks/onInstall\"\n\
             --- {} (missing)\n{created}",
            manifest_path.display(),
            resources.display()
        )
    );
    assert_eq!(
        ran.stderr,
        format!(
            "{}error: {} is out of date; run `callback manifest --write` to update it\n\
             error: {} is out of date; run `callback manifest --write` to update it\n",
            storage_warning(&manifest_path),
            manifest_path.display(),
            resources.display()
        )
    );

    assert_eq!(manifest(dir.path(), &["--write"]).code, 0);
    let written: String = created
        .lines()
        .skip(2)
        .map(|l| format!("{}\n", &l[1..]))
        .collect();
    assert_eq!(std::fs::read_to_string(&resources).unwrap(), written);
}

#[test]
fn the_preview_shows_both_files_merged_the_secret_hidden() {
    let (dir, manifest_path, resources) = desk_extension();
    let before = std::fs::read_to_string(&resources).unwrap();
    let ran = manifest(dir.path(), &[]);
    assert_eq!(ran.code, 0);
    let (first, rest) = ran
        .stdout
        .split_once(&format!("==> {} <==\n", resources.display()))
        .expect("a header for resources.json");
    assert!(first.starts_with(&format!("==> {} <==\n{{\n", manifest_path.display())));
    assert!(
        first.contains("\"secret\": \"<redacted: 21 chars>\""),
        "{first}"
    );
    assert!(!ran.stdout.contains("desk-ext-Secret_2024!"));
    assert_eq!(rest, MERGED);
    assert_eq!(std::fs::read_to_string(&resources).unwrap(), before);
}

#[test]
fn resources_alone_is_written_without_the_manifest() {
    let (dir, manifest_path, resources) = desk_extension();
    let manifest_before = std::fs::read_to_string(&manifest_path).unwrap();
    let ran = run(&[
        "manifest",
        "--src",
        s(dir.path()),
        "--base-url",
        BASE,
        "--resources",
        s(&resources),
        "--write",
    ]);
    assert_eq!(
        (ran.code, ran.stdout.clone(), ran.stderr.as_str()),
        (0, format!("{}: updated\n", resources.display()), "")
    );
    assert_eq!(std::fs::read_to_string(&resources).unwrap(), MERGED);
    assert_eq!(
        std::fs::read_to_string(&manifest_path).unwrap(),
        manifest_before
    );
}

#[test]
fn storage_on_gives_no_warning() {
    let (dir, manifest_path, _) = desk_extension();
    let text = std::fs::read_to_string(&manifest_path).unwrap();
    std::fs::write(
        &manifest_path,
        text.replace(
            "\"type\": \"org\",",
            "\"type\": \"org\",\n    \"storage\": true,",
        ),
    )
    .unwrap();
    let ran = manifest(dir.path(), &["--write"]);
    assert_eq!((ran.code, ran.stderr.as_str()), (0, ""));
}

#[test]
fn a_manifest_that_does_not_allow_webhooks_is_refused_writing_nothing() {
    let (dir, manifest_path, resources) = desk_extension();
    let text = std::fs::read_to_string(&manifest_path).unwrap();
    std::fs::write(
        &manifest_path,
        text.replace("\"org\"", "\"personal\"")
            .replace(", \"Desk.events.ALL\"", ""),
    )
    .unwrap();
    let before = std::fs::read_to_string(&resources).unwrap();
    let ran = manifest(dir.path(), &["--write"]);
    let path = manifest_path.display();
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr),
        (
            2,
            "",
            format!(
                "error: {path}: \"type\" is \"personal\"; extension webhooks (#[desk_event] \
                 handlers) are only for org extensions: set \"type\": \"org\"\n\
                 error: {path}: \"zohoAuthorisation\".\"scope\" lacks \"Desk.events.ALL\", which \
                 extension webhooks (#[desk_event] handlers) need: add it\n"
            )
        )
    );
    assert_eq!(std::fs::read_to_string(&resources).unwrap(), before);
}

#[test]
fn a_resources_json_zoho_refuses_is_an_error_naming_it() {
    let (dir, _, resources) = desk_extension();
    let text = std::fs::read_to_string(&resources).unwrap();
    std::fs::write(
        &resources,
        text.replace(
            "\"name\": \"Ticket sync\",",
            "\"name\": \"Ticket sync\",\n    \"ignoreSourceId\": \"nope\",",
        ),
    )
    .unwrap();
    let ran = manifest(dir.path(), &["--check"]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.ends_with(&format!(
            "error: {}: webhook `deskEvents`: \"ignoreSourceId\" \"nope\" is not a UUID; write \
             one such as \"2df92c1a-973a-48f5-95b7-5792c68b9c36\", or remove it\n",
            resources.display()
        )),
        "{}",
        ran.stderr
    );
}
