//! `callback manifest`: the `callbackListener` section from the sources, the
//! manifest kept in step with it, and `resources.json`'s webhooks with the
//! Desk event handlers.

use crate::error::CliError;
use callback_build::{
    ManifestUpdate, ResourcesUpdate, Scanner, Webhooks, check_webhook_manifest, listener,
    storage_warning,
};
use callback_core::Event;
use callback_core::manifest::CallbackListener;
use jsonc_parser::ParseResult;
use jsonc_parser::ast::Value as JsonValue;
use jsonc_parser::common::Ranged;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Print the callbackListener section from a crate's sources, or merge it
/// into plugin-manifest.json (and the webhooks of its Desk event handlers
/// into resources.json).
///
/// Scans the crate's sources for handler attributes (`#[on_install]`, …) as the
/// build script does and prints the section: each event mapped to the base
/// URL plus the handler's path. With --manifest and --write, merges it into
/// the file, keeping every other byte; with --check, exits 1 and prints what
/// differs when the file is stale (for CI, like `cargo fmt --check`). With
/// --manifest alone, prints the merged file without writing it, its
/// "secret" replaced by a placeholder so that no log holds it.
///
/// The `#[desk_event(...)]` handlers' webhooks go to resources.json the same
/// way: --resources FILE, or by default resources.json beside the manifest
/// (when the sources have Desk event handlers or the file exists). The
/// manifest must then be "type": "org" with the Desk.events.ALL scope.
/// Sources that call extension storage while the manifest lacks
/// "storage": true give a warning.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
    callback manifest --src . --base-url https://ext.example.com\n  \
    callback manifest --src . --base-url https://ext.example.com --manifest plugin-manifest.json --write\n  \
    callback manifest --src . --manifest plugin-manifest.json --check   # in CI, with CALLBACK_BASE_URL set\n  \
    callback manifest --src . --resources resources.json               # resources.json merged, not written")]
#[command(group = clap::ArgGroup::new("files").args(["manifest", "resources"]).multiple(true))]
pub(crate) struct Args {
    /// The crate's directory (holding src/lib.rs or src/main.rs), or its src
    /// directory.
    #[arg(long, value_name = "DIR")]
    src: PathBuf,
    /// The URL every handler path is appended to.
    #[arg(long, value_name = "URL", env = "CALLBACK_BASE_URL")]
    base_url: String,
    /// The plugin-manifest.json to merge into or check (alone: print it
    /// merged, its "secret" hidden).
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// The resources.json to merge the Desk event handlers' webhooks into or
    /// check (created by --write if missing). By default, resources.json
    /// beside --manifest, when the sources have Desk event handlers or it
    /// exists.
    #[arg(long, value_name = "FILE")]
    resources: Option<PathBuf>,
    /// Write the merged files (each only if it changes).
    #[arg(long, requires = "files", conflicts_with = "check")]
    write: bool,
    /// Exit 1, printing what differs, when a file is not the one the
    /// sources give (for CI).
    #[arg(long, requires = "files")]
    check: bool,
}

/// The file names resources.json has beside plugin-manifest.json.
const RESOURCES_FILE: &str = "resources.json";

pub(crate) fn run(args: Args) -> Result<(), CliError> {
    let scan = Scanner::new(&args.src).scan()?;
    let section = listener(&args.base_url, &scan.handlers)?;
    let webhooks = Webhooks::new(&args.base_url, scan.desk_handlers.iter().map(|h| &h.info))?;
    let resources_path = args.resources.clone().or_else(|| {
        let beside = args.manifest.as_ref()?.with_file_name(RESOURCES_FILE);
        (!webhooks.is_empty() || beside.exists()).then_some(beside)
    });
    if args.manifest.is_none() && resources_path.is_none() {
        println!("{}", section.to_json_pretty());
        return Ok(());
    }

    let manifest = match &args.manifest {
        Some(path) => {
            let update = ManifestUpdate::prepare(path, &section)?;
            if !webhooks.is_empty() {
                check_webhook_manifest(path, update.current())?;
            }
            if let Some(warning) = storage_warning(&scan.storage_calls, path, update.current()) {
                eprintln!("warning: {warning}");
            }
            Some(update)
        }
        None => None,
    };
    let resources = resources_path
        .map(|path| ResourcesUpdate::prepare(path, &webhooks))
        .transpose()?;

    if args.write {
        if let Some(update) = &manifest {
            report_write(update.path(), update.write()?);
        }
        if let Some(update) = &resources {
            report_write(update.path(), update.write()?);
        }
    } else if args.check {
        let mut stale = Vec::new();
        if let Some(update) = &manifest {
            if update.is_up_to_date() {
                println!("{}: up to date", update.path().display());
            } else {
                print!("{}", diff(update.path(), update.current(), &section));
                stale.push(update.path().to_owned());
            }
        }
        if let Some(update) = &resources {
            if update.is_up_to_date() {
                println!("{}: up to date", update.path().display());
            } else {
                print!("{}", resources_diff(update));
                stale.push(update.path().to_owned());
            }
        }
        if !stale.is_empty() {
            return Err(CliError::Stale { paths: stale });
        }
    } else {
        let both = manifest.is_some() && resources.is_some();
        if let Some(update) = &manifest {
            if both {
                println!("==> {} <==", update.path().display());
            }
            print!("{}", redact_secret(update.path(), update.merged())?);
        }
        if let Some(update) = &resources {
            if both {
                println!("==> {} <==", update.path().display());
            }
            print!("{}", update.merged().unwrap_or_default());
        }
    }
    Ok(())
}

fn report_write(path: &Path, written: bool) {
    let verb = if written { "updated" } else { "unchanged" };
    println!("{}: {verb}", path.display());
}

/// What differs between resources.json and what the sources give, as a
/// unified diff of the two texts (every line added for a file that does
/// not exist yet).
fn resources_diff(update: &ResourcesUpdate) -> String {
    let current = update.current().unwrap_or_default();
    let merged = update.merged().unwrap_or_default();
    let path = update.path().display().to_string();
    let old = if update.current().is_some() {
        path
    } else {
        format!("{path} (missing)")
    };
    similar::TextDiff::from_lines(current, merged)
        .unified_diff()
        .context_radius(3)
        .header(&old, "from the sources")
        .to_string()
}

/// The key of the extension's secret in a manifest.
const SECRET_KEY: &str = "secret";

/// `manifest` with the value of each top-level `"secret"` replaced by
/// `"<redacted: N chars>"` (N the secret's length; `"<redacted>"` for a
/// value that is not a string) and every other byte as it is. A manifest
/// whose members cannot be found is refused rather than printed.
fn redact_secret(path: &Path, manifest: &str) -> Result<String, CliError> {
    // A byte-order mark is not JSON: kept, and skipped for the parser.
    let (bom, text) = match manifest.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", manifest),
    };
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &Default::default());
    let Ok(ParseResult {
        value: Some(JsonValue::Object(object)),
        ..
    }) = parsed
    else {
        return Err(CliError::BadManifest {
            path: path.to_owned(),
            reason: "not a JSON object; its \"secret\" cannot be hidden".to_owned(),
        });
    };
    let mut redacted = String::from(bom);
    let mut copied = 0;
    for member in &object.properties {
        if member.name.as_str() != SECRET_KEY {
            continue;
        }
        let range = member.value.range();
        let placeholder = match member.value.as_string_lit() {
            Some(secret) => format!("<redacted: {} chars>", secret.value.chars().count()),
            None => "<redacted>".to_owned(),
        };
        redacted.push_str(&text[copied..range.start]);
        redacted.push_str(&Value::from(placeholder).to_string());
        copied = range.end;
    }
    redacted.push_str(&text[copied..]);
    Ok(redacted)
}

/// What differs between the file's `callbackListener` and the sources', one
/// entry a line, like a unified diff.
fn diff(path: &Path, current: &str, section: &CallbackListener) -> String {
    let old: Vec<(String, String)> = serde_json::from_str::<Value>(current)
        .ok()
        .and_then(|v| {
            v.get("callbackListener")
                .and_then(Value::as_object)
                .cloned()
        })
        .map(|object| {
            object
                .into_iter()
                .map(|(k, v)| (k, v.to_string()))
                .collect()
        })
        .unwrap_or_default();
    let quote = |s: &str| Value::from(s).to_string();
    let mut out = format!(
        "--- {} (callbackListener)\n+++ from the sources\n",
        path.display()
    );
    let mut changed = false;
    let mut line = |mark: char, key: &str, value: &str| {
        changed |= mark != ' ';
        out.push_str(&format!("{mark}   {}: {value}\n", quote(key)));
    };
    for event in Event::ALL {
        let before = old
            .iter()
            .find(|(k, _)| Event::from_wire_name(k) == Some(event));
        let after = section.url(event).map(quote);
        match (before, after) {
            (Some((k, v)), Some(new)) if *k == event.wire_name() && *v == new => line(' ', k, v),
            (before, after) => {
                if let Some((k, v)) = before {
                    line('-', k, v);
                }
                if let Some(new) = after {
                    line('+', event.wire_name(), &new);
                }
            }
        }
    }
    for (k, v) in &old {
        if Event::from_wire_name(k).is_none() {
            line('-', k, v);
        }
    }
    if !changed {
        out.push_str("(the same entries, in another order or layout)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact_secret;
    use std::path::Path;

    fn redact(text: &str) -> String {
        redact_secret(Path::new("m.json"), text).unwrap()
    }

    #[test]
    fn only_the_top_level_secret_value_is_replaced() {
        let text = "{\n  \"secret\" :\t\"s3cr3t\",\n  \"config\": [{\"secret\": \"kept\"}],\n  \"x\": \"secret\"\n}\n";
        assert_eq!(
            redact(text),
            "{\n  \"secret\" :\t\"<redacted: 6 chars>\",\n  \"config\": [{\"secret\": \"kept\"}],\n  \"x\": \"secret\"\n}\n"
        );
    }

    #[test]
    fn every_top_level_secret_is_replaced_whatever_its_value() {
        assert_eq!(
            redact("{\"secret\": \"a\\\"\u{e9}\", \"secret\": 42, \"b\": 1}"),
            "{\"secret\": \"<redacted: 3 chars>\", \"secret\": \"<redacted>\", \"b\": 1}"
        );
    }

    #[test]
    fn a_byte_order_mark_is_kept_and_no_secret_changes_nothing() {
        assert_eq!(
            redact("\u{feff}{\"secret\": \"ab\"}\r\n"),
            "\u{feff}{\"secret\": \"<redacted: 2 chars>\"}\r\n"
        );
        assert_eq!(redact("{\"service\": \"DESK\"}"), "{\"service\": \"DESK\"}");
    }

    #[test]
    fn what_is_not_an_object_is_refused_not_printed() {
        for text in ["[\"secret\"]", "{\"secret\": \"s\"", ""] {
            assert_eq!(
                redact_secret(Path::new("m.json"), text)
                    .unwrap_err()
                    .to_string(),
                "m.json: not a JSON object; its \"secret\" cannot be hidden",
                "{text}"
            );
        }
    }
}
