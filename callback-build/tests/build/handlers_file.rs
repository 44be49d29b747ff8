//! `callback-handlers.json`: what `handlers_json` writes, `read_handlers`
//! reads back unchanged.

use crate::common::fixture;
use callback_build::{
    HandlerRecord, Scanner, handlers_json, read_desk_handlers, read_handlers, scan_json,
};
use callback_core::{DeskHandlerInfo, HandlerInfo};

#[test]
fn the_file_gives_back_exactly_the_scanned_handlers_in_order() {
    for (name, crate_name, count) in [("tree", "tree-ext", 8), ("bin_and_lib", "both", 2)] {
        let scanned = Scanner::new(fixture(name))
            .crate_name(crate_name)
            .scan()
            .unwrap()
            .handlers;
        assert_eq!(scanned.len(), count, "{name}");

        let read = read_handlers(&handlers_json(&scanned)).unwrap();
        let infos: Vec<&HandlerInfo> = read.iter().map(|r| &r.info).collect();
        let expected: Vec<&HandlerInfo> = scanned.iter().map(|h| &h.info).collect();
        assert_eq!(infos, expected, "{name}");
        let sources: Vec<Option<String>> = read.into_iter().map(|r| r.source).collect();
        let expected: Vec<Option<String>> = scanned
            .iter()
            .map(|h| Some(format!("{}:{}", h.location.file.display(), h.location.line)))
            .collect();
        assert_eq!(sources, expected, "{name}");
    }
}

#[test]
fn a_scan_without_handlers_reads_back_empty() {
    let read: Vec<HandlerRecord> = read_handlers(&handlers_json(&[])).unwrap();
    assert_eq!(read, []);
}

#[test]
fn the_file_gives_back_the_desk_event_handlers_in_order() {
    let scan = Scanner::new(fixture("desk"))
        .crate_name("desk-ext")
        .scan()
        .unwrap();
    assert_eq!(scan.desk_handlers.len(), 4);
    let text = scan_json(&scan.handlers, &scan.desk_handlers);
    let read = read_desk_handlers(&text).unwrap();
    let infos: Vec<&DeskHandlerInfo> = read.iter().map(|r| &r.info).collect();
    let expected: Vec<&DeskHandlerInfo> = scan.desk_handlers.iter().map(|h| &h.info).collect();
    assert_eq!(infos, expected);
    assert_eq!(read[0].source.as_deref(), Some("src/threads.rs:1"));
    assert_eq!(read_handlers(&text).unwrap().len(), 1);
    // Each record as written: the description's fields, camelCase.
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        value["deskHandlers"][2],
        serde_json::json!({
            "webhook": "deskEvents",
            "path": "/desk/deskEvents",
            "event": {"type": "Ticket_Update"},
            "includePrevState": true,
            "fields": ["status", "priority"],
            "direction": null,
            "name": "updated",
            "module": "desk_ext::tickets",
            "source": "src/tickets.rs:6"
        })
    );
    // A file of callbacks alone has no deskHandlers key, and reads as none.
    let callbacks_only = handlers_json(&scan.handlers);
    assert!(!callbacks_only.contains("deskHandlers"), "{callbacks_only}");
    assert_eq!(read_desk_handlers(&callbacks_only).unwrap(), []);
}
