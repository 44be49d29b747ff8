//! `callback-handlers.json`: what `handlers_json` writes, `read_handlers`
//! reads back unchanged.

use crate::common::fixture;
use callback_build::{HandlerRecord, Scanner, handlers_json, read_handlers};
use callback_core::HandlerInfo;

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
