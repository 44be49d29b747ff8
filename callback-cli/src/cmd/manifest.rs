//! `callback manifest`: the `callbackListener` section from the sources, and
//! the manifest kept in step with it.

use crate::error::CliError;
use callback_build::{ManifestUpdate, listener, scan_crate};
use callback_core::Event;
use callback_core::manifest::CallbackListener;
use jsonc_parser::ParseResult;
use jsonc_parser::ast::Value as JsonValue;
use jsonc_parser::common::Ranged;
use serde_json::Value;
use std::path::PathBuf;

/// Print the callbackListener section from a crate's sources, or merge it
/// into plugin-manifest.json.
///
/// Scans the crate's sources for handler attributes (`#[on_install]`, …) as the
/// build script does and prints the section: each event mapped to the base
/// URL plus the handler's path. With --manifest and --write, merges it into
/// the file, keeping every other byte; with --check, exits 1 and prints what
/// differs when the file is stale (for CI, like `cargo fmt --check`). With
/// --manifest alone, prints the merged file without writing it, its
/// "secret" replaced by a placeholder so that no log holds it.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
    callback manifest --src . --base-url https://ext.example.com\n  \
    callback manifest --src . --base-url https://ext.example.com --manifest plugin-manifest.json --write\n  \
    callback manifest --src . --manifest plugin-manifest.json --check   # in CI, with CALLBACK_BASE_URL set")]
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
    /// Write the merged manifest to FILE (only if it changes).
    #[arg(long, requires = "manifest", conflicts_with = "check")]
    write: bool,
    /// Exit 1, printing what differs, when FILE's callbackListener is not
    /// the one the sources give (for CI).
    #[arg(long, requires = "manifest")]
    check: bool,
}

pub(crate) fn run(args: Args) -> Result<(), CliError> {
    let handlers = scan_crate(&args.src)?;
    let section = listener(&args.base_url, &handlers)?;
    let Some(path) = args.manifest else {
        println!("{}", section.to_json_pretty());
        return Ok(());
    };
    let update = ManifestUpdate::prepare(&path, &section)?;
    if args.write {
        let verb = if update.write()? {
            "updated"
        } else {
            "unchanged"
        };
        println!("{}: {verb}", path.display());
    } else if args.check {
        if !update.is_up_to_date() {
            print!("{}", diff(&path, update.current(), &section));
            return Err(CliError::Stale { path });
        }
        println!("{}: up to date", path.display());
    } else {
        print!("{}", redact_secret(&path, update.merged())?);
    }
    Ok(())
}

/// The key of the extension's secret in a manifest.
const SECRET_KEY: &str = "secret";

/// `manifest` with the value of each top-level `"secret"` replaced by
/// `"<redacted: N chars>"` (N the secret's length; `"<redacted>"` for a
/// value that is not a string) and every other byte as it is. A manifest
/// whose members cannot be found is refused rather than printed.
fn redact_secret(path: &std::path::Path, manifest: &str) -> Result<String, CliError> {
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
fn diff(path: &std::path::Path, current: &str, section: &CallbackListener) -> String {
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
