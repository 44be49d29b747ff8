//! `Config::run_or_exit` as Cargo runs it: in its own process, with the
//! environment Cargo gives build scripts, printing `cargo::` lines.
//!
//! Each test re-runs this test binary with only `child_build_script`
//! selected and the environment it wants, so nothing here changes the
//! environment of the test process itself.

use crate::common::{TREE_FILES, fixture, temp_crate};
use callback_build::{
    Config, HANDLERS_FILE, LISTENER_FILE, WEBHOOK_FILE, read_desk_handlers, read_handlers,
};
use std::path::Path;
use std::process::Command;

/// Set in the child process: only then does `child_build_script` run.
const CHILD: &str = "CALLBACK_BUILD_TEST_CHILD";
/// In the child: the manifest to merge into, if any.
const CHILD_MERGE: &str = "CALLBACK_BUILD_TEST_MERGE";
/// In the child: the resources.json to merge into, if any.
const CHILD_RESOURCES: &str = "CALLBACK_BUILD_TEST_RESOURCES";

/// The build script under test.
#[test]
fn child_build_script() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let mut config = Config::new();
    if let Some(manifest) = std::env::var_os(CHILD_MERGE) {
        config = config.merge_into(manifest);
    }
    if let Some(resources) = std::env::var_os(CHILD_RESOURCES) {
        config = config.resources_into(resources);
    }
    config.run_or_exit();
}

struct Run {
    /// The exit status: 0 also on failure, which the `cargo::error=` lines
    /// signal (see `Config::run_or_exit`).
    code: i32,
    /// The `cargo::` lines printed, in order.
    cargo: Vec<String>,
    /// Everything printed, standard output then standard error.
    all: String,
}

/// The arguments that make this test binary run only `child_build_script`.
const CHILD_ARGS: [&str; 4] = [
    "--exact",
    "build_script::child_build_script",
    "--nocapture",
    "--quiet",
];

/// Sets the environment of the build script for the crate in `dir` with
/// `OUT_DIR=out` on `cmd`.
fn child_env<'c>(
    cmd: &'c mut Command,
    dir: &Path,
    out: &Path,
    env: &[(&str, &str)],
) -> &'c mut Command {
    cmd.env(CHILD, "1")
        .env_remove("CALLBACK_BASE_URL")
        .env_remove("PROFILE")
        .env("CARGO_MANIFEST_DIR", dir)
        .env("OUT_DIR", out)
        .env("CARGO_PKG_NAME", "tree-ext")
        .envs(env.iter().copied())
}

/// Runs the build script for the crate in `dir` with `OUT_DIR=out`.
fn build_script(dir: &Path, out: &Path, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    let output = child_env(cmd.args(CHILD_ARGS), dir, out, env)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    Run {
        code: output.status.code().unwrap(),
        cargo: stdout
            .lines()
            .filter(|l| l.starts_with("cargo::"))
            .map(str::to_owned)
            .collect(),
        all: format!("{stdout}{stderr}"),
    }
}

const BASE_URL: (&str, &str) = ("CALLBACK_BASE_URL", "https://ext.example.com/");

/// What a build without a base URL prints when it is not a debug build.
const MISSING_BASE_URL: [&str; 2] = [
    "cargo::rerun-if-env-changed=CALLBACK_BASE_URL",
    "cargo::error=no base URL for callbackListener in a release build: set the \
     CALLBACK_BASE_URL environment variable to the server's public URL (for example \
     `CALLBACK_BASE_URL=https://ext.example.com cargo build --release`, or under [env] in \
     .cargo/config.toml), or call `.base_url(\"https://ext.example.com\")` in build.rs \
     (debug builds default to http://127.0.0.1:8080)",
];

#[test]
fn a_release_build_without_a_base_url_fails_saying_how_to_set_it() {
    let out = tempfile::tempdir().unwrap();
    let run = build_script(&fixture("tree"), out.path(), &[("PROFILE", "release")]);
    assert_eq!(run.code, 0);
    assert_eq!(run.cargo, MISSING_BASE_URL);
    assert!(!out.path().join(LISTENER_FILE).exists(), "nothing written");
}

#[test]
fn a_build_outside_cargo_without_a_base_url_has_no_default() {
    let out = tempfile::tempdir().unwrap();
    let run = build_script(&fixture("tree"), out.path(), &[]);
    assert_eq!(run.code, 0);
    assert_eq!(run.cargo, MISSING_BASE_URL);
}

#[test]
fn a_debug_build_without_a_base_url_uses_the_local_default_and_warns() {
    let out = tempfile::tempdir().unwrap();
    let run = build_script(&fixture("tree"), out.path(), &[("PROFILE", "debug")]);
    assert_eq!(run.code, 0, "{:?}", run.cargo);
    let listener = std::fs::read_to_string(out.path().join(LISTENER_FILE)).unwrap();
    assert!(
        listener.contains(r#""onInstall": "http://127.0.0.1:8080/callbacks/onInstall""#),
        "{listener}"
    );
    assert!(
        !run.cargo.iter().any(|l| l.starts_with("cargo::error")),
        "{:?}",
        run.cargo
    );
    assert_eq!(
        run.cargo.last().unwrap(),
        "cargo::warning=CALLBACK_BASE_URL is not set: callbackListener and the webhooks point \
         at http://127.0.0.1:8080, the default of debug builds; set CALLBACK_BASE_URL to the \
         server's public URL (for example `CALLBACK_BASE_URL=https://ext.example.com cargo \
         build`, or under [env] in .cargo/config.toml) before packaging the extension; a \
         release build requires it"
    );
}

#[test]
fn a_base_url_set_is_used_in_either_profile_without_a_warning() {
    for profile in ["debug", "release"] {
        let out = tempfile::tempdir().unwrap();
        let run = build_script(
            &fixture("tree"),
            out.path(),
            &[BASE_URL, ("PROFILE", profile)],
        );
        assert_eq!(run.code, 0, "{profile}: {:?}", run.cargo);
        assert!(
            !run.cargo.iter().any(|l| l.starts_with("cargo::warning")),
            "{profile}: {:?}",
            run.cargo
        );
        let listener = std::fs::read_to_string(out.path().join(LISTENER_FILE)).unwrap();
        assert!(
            listener.contains(r#""onInstall": "https://ext.example.com/callbacks/onInstall""#),
            "{profile}: {listener}"
        );
    }
}

/// The rule itself, without a build script: the value given on the
/// `Config` first, then the variable, then the profile's default.
#[test]
fn resolve_base_url_takes_given_then_env_then_the_debug_default() {
    use callback_build::{BuildError, DEV_BASE_URL, resolve_base_url};
    let given = resolve_base_url(Some("https://a.example"), Some("https://b.example"), None);
    assert_eq!(given.unwrap().url, "https://a.example");
    let env = resolve_base_url(None, Some("https://b.example"), Some("release")).unwrap();
    assert_eq!((env.url.as_str(), env.warning), ("https://b.example", None));
    // A blank variable is no base URL.
    let blank = resolve_base_url(None, Some("  "), Some("debug")).unwrap();
    assert_eq!(blank.url, DEV_BASE_URL);
    assert!(
        blank
            .warning
            .unwrap()
            .contains("CALLBACK_BASE_URL is not set")
    );
    for profile in [Some("release"), Some("bench"), None] {
        assert!(
            matches!(
                resolve_base_url(None, Some(""), profile),
                Err(BuildError::MissingBaseUrl)
            ),
            "{profile:?}"
        );
    }
}

#[test]
fn an_unusable_base_url_fails_the_build() {
    let out = tempfile::tempdir().unwrap();
    let run = build_script(
        &fixture("tree"),
        out.path(),
        &[("CALLBACK_BASE_URL", "ext.example.com")],
    );
    assert_eq!(run.code, 0);
    assert_eq!(
        run.cargo.last().unwrap(),
        "cargo::error=the base URL \"ext.example.com\" is not usable: it must start with \
         https:// or http://; give one such as \"https://ext.example.com\""
    );
}

#[test]
fn a_base_url_with_credentials_fails_the_build_without_showing_them() {
    let out = tempfile::tempdir().unwrap();
    let run = build_script(
        &fixture("tree"),
        out.path(),
        &[("CALLBACK_BASE_URL", "https://u:hunter2@x.example")],
    );
    assert_eq!(run.code, 0);
    assert_eq!(
        run.cargo.last().unwrap(),
        "cargo::error=the base URL \"https://x.example\" is not usable: it must not carry \
         credentials (user:password@): URLs are printed and logged; give credentials another way; \
         give one such as \"https://ext.example.com\""
    );
    assert!(!run.all.contains("hunter2"), "{}", run.all);
    assert!(!out.path().join(LISTENER_FILE).exists());
}

#[test]
fn the_debug_of_a_config_shows_its_base_url_without_credentials() {
    let config = Config::new()
        .base_url("https://u:hunter2@x.example/zoho")
        .merge_into("plugin-manifest.json");
    assert_eq!(
        format!("{config:?}"),
        "Config { base_url: Some(\"https://x.example/zoho\"), crate_dir: None, crate_name: None, \
         out_dir: None, roots: [], manifest: Some(\"plugin-manifest.json\"), resources: None }"
    );
}

#[test]
fn writes_the_section_and_the_handler_list_to_out_dir() {
    let dir = fixture("tree");
    let out = tempfile::tempdir().unwrap();
    let run = build_script(&dir, out.path(), &[BASE_URL]);
    assert_eq!(run.code, 0, "{:?}", run.cargo);

    let listener = std::fs::read_to_string(out.path().join(LISTENER_FILE)).unwrap();
    assert_eq!(
        listener,
        r#"{
  "onInstall": "https://ext.example.com/callbacks/onInstall",
  "onZohoAuthorise": "https://ext.example.com/callbacks/onZohoAuthorise",
  "onTPAAuthorise": "https://ext.example.com/callbacks/onTPAAuthorise",
  "onTPARevoke": "https://ext.example.com/tpa/revoked",
  "onUpdate": "https://ext.example.com/x",
  "onConfigParamAdd": "https://ext.example.com/zoho/config",
  "onConfigParamDelete": "https://ext.example.com/zoho/config",
  "onUninstall": "https://ext.example.com/callbacks/onUninstall"
}"#
    );

    let handlers = std::fs::read_to_string(out.path().join(HANDLERS_FILE)).unwrap();
    let handlers = read_handlers(&handlers).unwrap();
    assert_eq!(handlers.len(), 8);
    assert_eq!(
        handlers[0].info.qualified_name(),
        "tree_ext::auth::zoho::zoho_authorised"
    );
    assert_eq!(handlers[0].source.as_deref(), Some("src/auth/zoho.rs:3"));

    let mut expected = vec!["cargo::rerun-if-env-changed=CALLBACK_BASE_URL".to_owned()];
    for file in TREE_FILES {
        expected.push(format!(
            "cargo::rerun-if-changed={}",
            dir.join(file).display()
        ));
    }
    assert_eq!(run.cargo, expected);
}

#[test]
fn scan_problems_are_cargo_errors_naming_file_and_line() {
    let out = tempfile::tempdir().unwrap();
    let run = build_script(&fixture("duplicate"), out.path(), &[BASE_URL]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.cargo[1..],
        [
            "cargo::error=src/lib.rs:3:1: two handlers for onInstall: `tree_ext::first` here and \
          `tree_ext::again::second` at src/again.rs:3:1; keep one"
        ]
    );

    let run = build_script(&fixture("bad_attr"), out.path(), &[BASE_URL]);
    assert_eq!(run.code, 0);
    assert_eq!(run.cargo.len(), 3, "{:?}", run.cargo);
    assert!(run.cargo[1].starts_with("cargo::error=src/lib.rs:1:14: invalid `#[on_install]`"));
    assert!(run.cargo[2].starts_with("cargo::error=src/lib.rs:4:20: invalid `#[on_update]`"));

    let run = build_script(&fixture("syntax"), out.path(), &[BASE_URL]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.cargo[1..],
        ["cargo::error=src/broken.rs:3:13: cannot parse this file: expected an expression"]
    );
}

/// Copies the `tree` fixture and a manifest into a temporary crate.
fn crate_with_manifest(manifest: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("tree"), dir.path());
    std::fs::write(dir.path().join("plugin-manifest.json"), manifest).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

const MANIFEST: &str = "{\n    \"service\": \"DESK\",\n    \"callbackListener\": {\n        \"onInstall\": \"https://old.example.com/gone\"\n    },\n    \"secret\": \"s\"\n}\n";

#[test]
fn merges_into_the_manifest_and_rewrites_it_only_when_it_changes() {
    let dir = crate_with_manifest(MANIFEST);
    let manifest = dir.path().join("plugin-manifest.json");
    let out = tempfile::tempdir().unwrap();
    let merge = (CHILD_MERGE, "plugin-manifest.json");

    let run = build_script(dir.path(), out.path(), &[BASE_URL, merge]);
    assert_eq!(run.code, 0, "{:?}", run.cargo);
    assert_eq!(
        run.cargo.last().unwrap(),
        &format!("cargo::rerun-if-changed={}", manifest.display())
    );
    let merged = std::fs::read_to_string(&manifest).unwrap();
    assert!(merged.starts_with("{\n    \"service\": \"DESK\",\n    \"callbackListener\": {\n"));
    assert!(
        merged.ends_with("},\n    \"secret\": \"s\"\n}\n"),
        "{merged}"
    );
    assert!(merged.contains("\"onUninstall\": \"https://ext.example.com/callbacks/onUninstall\""));
    assert!(!merged.contains("old.example.com"));

    let written = std::fs::metadata(&manifest).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let run = build_script(dir.path(), out.path(), &[BASE_URL, merge]);
    assert_eq!(run.code, 0);
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), merged);
    assert_eq!(
        std::fs::metadata(&manifest).unwrap().modified().unwrap(),
        written
    );
}

/// The mode bits of `path`.
#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(path).unwrap().permissions())
        & 0o7777
}

#[cfg(unix)]
#[test]
fn a_merge_keeps_the_manifests_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = crate_with_manifest(MANIFEST);
    let manifest = dir.path().join("plugin-manifest.json");
    // Not 0600, which a temporary file has to begin with.
    std::fs::set_permissions(&manifest, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = tempfile::tempdir().unwrap();

    let run = build_script(
        dir.path(),
        out.path(),
        &[BASE_URL, (CHILD_MERGE, "plugin-manifest.json")],
    );
    assert_eq!(run.code, 0, "{:?}", run.cargo);
    let merged = std::fs::read_to_string(&manifest).unwrap();
    assert!(merged.contains("\"onUninstall\": \"https://ext.example.com/callbacks/onUninstall\""));
    assert!(
        merged.ends_with("},\n    \"secret\": \"s\"\n}\n"),
        "{merged}"
    );
    assert_eq!(mode(&manifest), 0o640);
}

/// SIGXFSZ on Linux and macOS: sent to a process that writes past its
/// file-size limit.
#[cfg(unix)]
const SIGXFSZ: i32 = 25;

/// A build script killed while it writes the manifest (here by a file-size
/// limit of 0, which kills it at its first byte written to any file) leaves
/// the old manifest as it was, not truncated.
#[cfg(unix)]
#[test]
fn a_build_script_killed_while_writing_leaves_the_old_manifest() {
    use std::os::unix::process::ExitStatusExt;
    let dir = crate_with_manifest(MANIFEST);
    let manifest = dir.path().join("plugin-manifest.json");
    let out = tempfile::tempdir().unwrap();
    let env = [BASE_URL, (CHILD_MERGE, "plugin-manifest.json")];
    // A first run writes the OUT_DIR files, so that the second writes only
    // the manifest, put back as it was.
    assert_eq!(build_script(dir.path(), out.path(), &env).code, 0);
    std::fs::write(&manifest, MANIFEST).unwrap();

    let mut cmd = Command::new("sh");
    cmd.args(["-c", "ulimit -f 0 && exec \"$0\" \"$@\""])
        .arg(std::env::current_exe().unwrap())
        .args(CHILD_ARGS);
    let output = child_env(&mut cmd, dir.path(), out.path(), &env)
        .output()
        .unwrap();
    assert_eq!(output.status.signal(), Some(SIGXFSZ), "{output:?}");
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), MANIFEST);
}

#[test]
fn a_broken_manifest_fails_the_build() {
    let dir = crate_with_manifest("{\"service\": \"DESK\",}");
    let out = tempfile::tempdir().unwrap();
    let run = build_script(
        dir.path(),
        out.path(),
        &[BASE_URL, (CHILD_MERGE, "plugin-manifest.json")],
    );
    assert_eq!(run.code, 0);
    assert_eq!(
        run.cargo.last().unwrap(),
        &format!(
            "cargo::error={}: the manifest is not valid JSON at line 1, column 20: trailing comma",
            dir.path().join("plugin-manifest.json").display()
        )
    );
}

#[test]
fn a_cfg_module_without_a_file_is_a_cargo_warning() {
    let dir = temp_crate(&[("src/main.rs", "#[cfg(windows)]\nmod win;\nfn main() {}\n")]);
    let out = tempfile::tempdir().unwrap();
    let run = build_script(dir.path(), out.path(), &[BASE_URL]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.cargo[run.cargo.len() - 2..],
        [
            "cargo::warning=src/main.rs:2:5: module `win` is behind a #[cfg] and has no file; \
             skipped",
            "cargo::warning=no handler attributes (#[on_install], #[desk_event(…)], …) found; \
             callbackListener is empty",
        ]
    );
    let listener = std::fs::read_to_string(out.path().join(LISTENER_FILE)).unwrap();
    assert_eq!(listener, "{}");
    let webhook = std::fs::read_to_string(out.path().join(WEBHOOK_FILE)).unwrap();
    assert_eq!(webhook, "[]");
}

/// A copy of the `desk` fixture (sources, manifest and resources.json),
/// the manifest's text changed by `edit`.
fn desk_crate(edit: impl FnOnce(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("desk"), dir.path());
    let manifest = dir.path().join("plugin-manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, edit(text)).unwrap();
    dir
}

const MERGE_BOTH: [(&str, &str); 3] = [
    BASE_URL,
    (CHILD_MERGE, "plugin-manifest.json"),
    (CHILD_RESOURCES, "resources.json"),
];

#[test]
fn writes_resources_json_and_its_section_from_the_desk_event_handlers() {
    let dir = desk_crate(|text| text);
    let out = tempfile::tempdir().unwrap();
    let run = build_script(dir.path(), out.path(), &MERGE_BOTH);
    assert_eq!(run.code, 0, "{}", run.all);
    let rerun: Vec<String> = [
        "src/lib.rs",
        "src/threads.rs",
        "src/tickets.rs",
        "plugin-manifest.json",
        "resources.json",
    ]
    .iter()
    .map(|f| format!("cargo::rerun-if-changed={}", dir.path().join(f).display()))
    .collect();
    assert_eq!(run.cargo[1..], rerun);

    let resources = std::fs::read_to_string(dir.path().join("resources.json")).unwrap();
    assert_eq!(resources, crate::resources::MERGED);
    let section = std::fs::read_to_string(out.path().join(WEBHOOK_FILE)).unwrap();
    let section: serde_json::Value = serde_json::from_str(&section).unwrap();
    let merged: serde_json::Value = serde_json::from_str(&resources).unwrap();
    assert_eq!(section, merged["webhook"]);

    let handlers = std::fs::read_to_string(out.path().join(HANDLERS_FILE)).unwrap();
    let desk = read_desk_handlers(&handlers).unwrap();
    let names: Vec<(String, Option<String>)> = desk
        .iter()
        .map(|r| (r.info.qualified_name(), r.source.clone()))
        .collect();
    let row = |name: &str, source: &str| (name.to_owned(), Some(source.to_owned()));
    assert_eq!(
        names,
        [
            row("tree_ext::threads::thread_added", "src/threads.rs:1"),
            row("tree_ext::tickets::added", "src/tickets.rs:3"),
            row("tree_ext::tickets::updated", "src/tickets.rs:6"),
            row("tree_ext::anything", "src/lib.rs:15"),
        ]
    );
    assert_eq!(read_handlers(&handlers).unwrap().len(), 1);
}

#[test]
fn a_manifest_that_does_not_allow_webhooks_fails_the_build_and_writes_nothing() {
    let dir = desk_crate(|text| {
        text.replace("\"type\": \"org\"", "\"type\": \"personal\"")
            .replace(", \"Desk.events.ALL\"", "")
    });
    let before = std::fs::read_to_string(dir.path().join("resources.json")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = build_script(dir.path(), out.path(), &MERGE_BOTH);
    assert_eq!(run.code, 0);
    let manifest = dir.path().join("plugin-manifest.json");
    assert_eq!(
        run.cargo[run.cargo.len() - 2..],
        [
            format!(
                "cargo::error={}: \"type\" is \"personal\"; extension webhooks (#[desk_event] \
                 handlers) are only for org extensions: set \"type\": \"org\"",
                manifest.display()
            ),
            format!(
                "cargo::error={}: \"zohoAuthorisation\".\"scope\" lacks \"Desk.events.ALL\", \
                 which extension webhooks (#[desk_event] handlers) need: add it",
                manifest.display()
            ),
        ]
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("resources.json")).unwrap(),
        before
    );
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

#[test]
fn storage_calls_without_storage_on_are_a_cargo_warning() {
    let dir = desk_crate(|text| text.replace("    \"storage\": true,\n", ""));
    let out = tempfile::tempdir().unwrap();
    let run = build_script(dir.path(), out.path(), &MERGE_BOTH);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.cargo.last().unwrap(),
        &format!(
            "cargo::warning=src/threads.rs:10:5: this calls extension storage (and 2 more \
             places), but {} does not have \"storage\": true, without which Zoho refuses the \
             extension's storage calls; add \"storage\": true to it",
            dir.path().join("plugin-manifest.json").display()
        )
    );
    // Storage on: no warning.
    let dir = desk_crate(|text| text);
    let run = build_script(dir.path(), out.path(), &MERGE_BOTH);
    assert!(
        !run.cargo.iter().any(|l| l.starts_with("cargo::warning")),
        "{:?}",
        run.cargo
    );
}

#[test]
fn a_resources_json_zoho_refuses_fails_the_build() {
    let dir = desk_crate(|text| text);
    let resources = dir.path().join("resources.json");
    let text = std::fs::read_to_string(&resources).unwrap();
    std::fs::write(
        &resources,
        text.replace(
            "\"Ticket_Add\": null",
            "\"Ticket_Add\": {\"departmentIds\": [\"7\"]}",
        ),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = build_script(dir.path(), out.path(), &MERGE_BOTH);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.cargo.last().unwrap(),
        &format!(
            "cargo::error={}: webhook `deskEvents`, subscription \"Ticket_Add\": remove \
             \"departmentIds\"; Zoho filters the events by the departments chosen in the \
             extension's configuration",
            resources.display()
        )
    );
}
