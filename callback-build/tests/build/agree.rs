//! The scanner and the attribute macros agree on the same source: the
//! handlers `callbacks![]` mounts from `fixtures/agree/handlers.rs` are the
//! ones the scanner finds in it, with the same events, paths and names, and
//! so are its Desk event handlers, with the same webhooks and options; the
//! drift check passes on them.

#[path = "../fixtures/agree/handlers.rs"]
mod handlers;

use callback_build::{
    Drift, DriftCheck, DriftError, Scan, Scanner, check_drift, handlers_json, scan_json,
};
use callback_core::desk::DeskHandlerList;
use callback_core::{DeskHandlerInfo, Event, HandlerInfo, HandlerList, callbacks, desk_events};
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

fn mounted_desk() -> DeskHandlerList {
    desk_events![
        handlers::desk::added,
        handlers::desk::updated,
        handlers::desk::r#match,
        handlers::desk::anything,
    ]
}

/// What the scanner finds in the same file, with module paths as
/// `module_path!()` gives them inside this test crate.
fn scan() -> Scan {
    Scanner::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agree"))
        .root("handlers.rs")
        .crate_name(concat!(module_path!(), "::handlers"))
        .scan()
        .unwrap()
}

fn scanned() -> Vec<callback_build::ScannedHandler> {
    scan().handlers
}

/// `callback-handlers.json` of the whole scan.
fn scanned_json() -> String {
    let scan = scan();
    scan_json(&scan.handlers, &scan.desk_handlers)
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

fn by_name(mut infos: Vec<DeskHandlerInfo>) -> Vec<DeskHandlerInfo> {
    infos.sort_by_key(DeskHandlerInfo::qualified_name);
    infos
}

#[test]
fn macros_and_scanner_give_the_same_desk_handlers() {
    let from_macros = by_name(mounted_desk().infos().cloned().collect());
    let from_scanner = by_name(scan().desk_handlers.into_iter().map(|h| h.info).collect());
    assert_eq!(from_macros, from_scanner);
    // Spot checks, so that agreeing on something wrong does not pass.
    let shown: Vec<String> = from_macros.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "build::agree::handlers::desk::added (Ticket_Add at /desk/deskEvents)",
            "build::agree::handlers::desk::anything (any event at /desk/deskEvents)",
            "build::agree::handlers::desk::match (Ticket_Thread_Add at /zoho/sync)",
            "build::agree::handlers::desk::updated (Ticket_Update at /zoho/sync)",
        ]
    );
    assert_eq!(from_macros[3].fields.as_ref(), ["status", "priority"]);
}

#[test]
fn the_drift_check_passes_on_both_kinds_of_handler() {
    DriftCheck::new(&scanned_json())
        .callbacks(&mounted())
        .desk_events(&mounted_desk())
        .check()
        .unwrap();
}

#[test]
fn the_drift_check_names_each_desk_handler_left_unmounted() {
    let json = scanned_json();
    let partial = desk_events![
        handlers::desk::added,
        handlers::desk::updated,
        handlers::desk::anything,
    ];
    let err = DriftCheck::new(&json)
        .callbacks(&mounted())
        .desk_events(&partial)
        .check()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the mounted handlers differ from the build-time manifest:\n  \
         - `build::agree::handlers::desk::match` (Ticket_Thread_Add (direction \"out\") of webhook \
         `sync` at /zoho/sync, handlers.rs:69) is in resources.json but not mounted; add it to \
         `desk_events![]` and give the list to the drift check (`DriftCheck::desk_events`), or \
         check its `#[cfg]`"
    );

    // check_drift compares callbacks: the scanned Desk event handlers are
    // reported as not mounted, never left unchecked.
    let Err(DriftError::Differs(drifts)) = check_drift(&mounted(), &json) else {
        panic!("four Desk event handlers are not mounted");
    };
    assert_eq!(drifts.len(), 4);
    assert!(
        drifts
            .iter()
            .all(|d| matches!(d, Drift::DeskNotMounted { .. }))
    );
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
