//! The scanner and the attribute macros agree on the same source: the
//! handlers `callbacks![]` mounts from `fixtures/agree/handlers.rs` are the
//! ones the scanner finds in it, with the same events, paths and names, and
//! the drift check passes on them.

#[path = "../fixtures/agree/handlers.rs"]
mod handlers;

use callback_build::{Drift, DriftError, Scanner, check_drift, handlers_json};
use callback_core::{Event, HandlerInfo, HandlerList, callbacks};
use std::path::Path;

fn mounted() -> HandlerList {
    callbacks![
        handlers::installed,
        handlers::zoho_authorised,
        handlers::config::added,
        handlers::config::deleted,
        handlers::lifecycle::tpa_authorised,
        handlers::lifecycle::tpa_revoked,
        handlers::lifecycle::updated,
        handlers::lifecycle::deeper::uninstalled,
    ]
}

/// What the scanner finds in the same file, with module paths as
/// `module_path!()` gives them inside this test crate.
fn scanned() -> Vec<callback_build::ScannedHandler> {
    Scanner::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agree"))
        .root("handlers.rs")
        .crate_name(concat!(module_path!(), "::handlers"))
        .scan()
        .unwrap()
        .handlers
}

fn by_event(mut infos: Vec<HandlerInfo>) -> Vec<HandlerInfo> {
    infos.sort_by_key(|h| h.event);
    infos
}

#[test]
fn macros_and_scanner_give_the_same_events_paths_and_names() {
    let from_macros = by_event(mounted().infos().cloned().collect());
    let from_scanner = by_event(scanned().into_iter().map(|h| h.info).collect());
    assert_eq!(from_macros, from_scanner);
    assert_eq!(from_macros.len(), Event::COUNT);
    // Spot checks, so that agreeing on something wrong does not pass.
    assert_eq!(from_macros[0].path, "/callbacks/onInstall");
    assert_eq!(
        from_macros[0].qualified_name(),
        "build::agree::handlers::installed"
    );
    assert_eq!(
        from_macros[7].qualified_name(),
        "build::agree::handlers::lifecycle::deeper::uninstalled"
    );
}

#[test]
fn the_drift_check_passes_on_the_scanned_list() {
    check_drift(&mounted(), &handlers_json(&scanned())).unwrap();
}

#[test]
fn the_drift_check_names_a_handler_left_out_of_callbacks() {
    let partial = callbacks![handlers::installed, handlers::config::added];
    let Err(DriftError::Differs(drifts)) = check_drift(&partial, &handlers_json(&scanned())) else {
        panic!("six handlers are not mounted");
    };
    assert_eq!(drifts.len(), 6);
    assert!(matches!(
        &drifts[0],
        Drift::NotMounted { handler, event: Event::ZohoAuthorise, source: Some(source) }
            if handler == "build::agree::handlers::zoho_authorised" && source == "handlers.rs:15"
    ));
}
