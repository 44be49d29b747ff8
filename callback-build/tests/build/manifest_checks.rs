//! What plugin-manifest.json must say for the sources: an org extension
//! with `Desk.events.ALL` for extension webhooks (an error), and
//! `"storage": true` for extension storage (a warning).

use callback_build::{Location, WebhookManifestProblem, check_webhook_manifest, storage_warning};
use std::path::{Path, PathBuf};

const PATH: &str = "plugin-manifest.json";

fn problems(manifest: &str) -> Vec<String> {
    match check_webhook_manifest(Path::new(PATH), manifest) {
        Ok(()) => Vec::new(),
        Err(e) => e.to_string().lines().map(str::to_owned).collect(),
    }
}

const NOT_ORG: &str = "plugin-manifest.json: \"type\" is \"personal\"; extension webhooks \
                       (#[desk_event] handlers) are only for org extensions: set \"type\": \"org\"";
const NO_SCOPE: &str = "plugin-manifest.json: \"zohoAuthorisation\".\"scope\" lacks \
                        \"Desk.events.ALL\", which extension webhooks (#[desk_event] handlers) \
                        need: add it";

#[test]
fn an_org_extension_with_the_events_scope_passes() {
    for scope in [
        "[\"Desk.tickets.ALL\", \"Desk.events.ALL\"]",
        "\"Desk.tickets.ALL, desk.events.all\"",
    ] {
        let manifest =
            format!("{{\"type\": \"org\", \"zohoAuthorisation\": {{\"scope\": {scope}}}}}");
        assert_eq!(problems(&manifest), Vec::<String>::new(), "{scope}");
    }
    let fixture =
        std::fs::read_to_string(crate::common::fixture("desk/plugin-manifest.json")).unwrap();
    assert_eq!(problems(&fixture), Vec::<String>::new());
}

#[test]
fn a_personal_extension_or_a_missing_scope_is_refused_with_the_fix() {
    assert_eq!(
        problems(
            "{\"type\": \"personal\", \"zohoAuthorisation\": {\"scope\": [\"Desk.tickets.ALL\"]}}"
        ),
        [NOT_ORG, NO_SCOPE]
    );
    assert_eq!(
        problems("{\"zohoAuthorisation\": {\"scope\": [\"Desk.events.ALL\"]}}"),
        [
            "plugin-manifest.json: \"type\" is missing; extension webhooks (#[desk_event] handlers) \
          are only for org extensions: set \"type\": \"org\""
        ]
    );
    assert_eq!(problems("{\"type\": \"org\"}"), [NO_SCOPE]);
    let err = check_webhook_manifest(Path::new(PATH), "{\"type\": 1}").unwrap_err();
    assert_eq!(
        err.problems,
        [
            WebhookManifestProblem::NotOrg { found: "1".into() },
            WebhookManifestProblem::NoEventsScope
        ]
    );
}

fn calls(n: usize) -> Vec<Location> {
    (1..=n)
        .map(|line| Location {
            file: PathBuf::from("src/jobs.rs"),
            line,
            column: 5,
        })
        .collect()
}

#[test]
fn storage_calls_without_storage_on_warn_with_the_fix() {
    let path = Path::new(PATH);
    assert_eq!(
        storage_warning(&calls(1), path, "{\"type\": \"org\"}").as_deref(),
        Some(
            "src/jobs.rs:1:5: this calls extension storage, but plugin-manifest.json does not \
             have \"storage\": true, without which Zoho refuses the extension's storage calls; \
             add \"storage\": true to it"
        )
    );
    assert_eq!(
        storage_warning(&calls(3), path, "{\"storage\": false}").as_deref(),
        Some(
            "src/jobs.rs:1:5: this calls extension storage (and 2 more places), but \
             plugin-manifest.json does not have \"storage\": true, without which Zoho refuses \
             the extension's storage calls; add \"storage\": true to it"
        )
    );
    assert_eq!(
        storage_warning(&calls(2), path, "{\"storage\": true}"),
        None
    );
    assert_eq!(storage_warning(&[], path, "{}"), None);
}
