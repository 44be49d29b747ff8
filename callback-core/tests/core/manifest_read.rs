//! Reading a manifest's `callbackListener` back (what `callback send
//! --manifest` does): the realistic fixture, the `-ize` spellings, every
//! error with its exact message, and moving the URLs to a local server.

use crate::common::handler_info;
use callback_core::manifest::{CallbackListener, ListenerError, ReadListenerError, merge_listener};
use callback_core::{Event, UnknownEvent};

/// A realistic manifest with a `callbackListener` (one `-ize` spelling).
const WITH: &str = include_str!("../fixtures/plugin-manifest-with-listener.json");
/// The same manifest without one.
const WITHOUT: &str = include_str!("../fixtures/plugin-manifest.json");

fn read(text: &str) -> Result<CallbackListener, ReadListenerError> {
    CallbackListener::from_manifest_str(text)
}

fn listener(json: &str) -> Result<CallbackListener, ReadListenerError> {
    read(&format!(
        "{{\"secret\": \"s\", \"callbackListener\": {json}}}"
    ))
}

/// The events and URLs of `listener`, in its order.
fn entries(listener: &CallbackListener) -> Vec<(Event, &str)> {
    listener.entries().collect()
}

#[test]
fn the_fixture_is_read_in_event_order_with_the_ize_spelling_as_its_event() {
    let got = read(WITH).unwrap();
    let value: serde_json::Value = serde_json::from_str(WITH).unwrap();
    let object = value["callbackListener"].as_object().unwrap();
    assert_eq!(got.entries().len(), object.len());
    for (name, url) in object {
        let event = Event::from_wire_name(name).unwrap();
        assert_eq!(got.url(event), url.as_str(), "{name}");
    }
    let events: Vec<Event> = got.entries().map(|(e, _)| e).collect();
    let mut sorted = events.clone();
    sorted.sort();
    assert_eq!(events, sorted, "documented event order");
}

#[test]
fn what_merge_writes_reads_back_the_same() {
    let written = CallbackListener::new(
        "https://ext.example.com/base",
        &[
            handler_info(Event::Uninstall, "/callbacks/bye", "ext::bye"),
            handler_info(Event::Install, "/callbacks/hi", "ext::hi"),
        ],
    )
    .unwrap();
    let merged = merge_listener(WITHOUT, &written).unwrap();
    assert_eq!(read(&merged), Ok(written.clone()));
    let with_bom = format!("\u{feff}{merged}");
    assert_eq!(read(&with_bom), Ok(written));
}

#[test]
fn an_empty_listener_is_read_as_empty() {
    assert!(listener("{}").unwrap().is_empty());
}

#[test]
fn each_broken_manifest_gets_its_error_and_message() {
    let cases: [(&str, ReadListenerError, &str); 5] = [
        (
            "{\"callbackListener\": {},}",
            ReadListenerError::InvalidJson {
                line: 1,
                column: 25,
                reason: "trailing comma".into(),
            },
            "not valid JSON: trailing comma at line 1 column 25",
        ),
        (
            WITHOUT,
            ReadListenerError::Missing,
            "no \"callbackListener\" object",
        ),
        (
            "[{\"callbackListener\": {}}]",
            ReadListenerError::Missing,
            "no \"callbackListener\" object",
        ),
        (
            "{\"callbackListener\": [\"https://x.example/a\"]}",
            ReadListenerError::NotAnObject,
            "\"callbackListener\" is not an object",
        ),
        (
            "{\"callbackListener\": {}, \"secret\": \"s\", \"callback\\u004cistener\": {}}",
            ReadListenerError::DuplicateKey { count: 2 },
            "the manifest has 2 top-level \"callbackListener\" keys; keep one",
        ),
    ];
    for (text, error, message) in cases {
        let got = read(text).unwrap_err();
        assert_eq!(got, error, "{text}");
        assert_eq!(got.to_string(), message, "{text}");
    }
}

#[test]
fn each_broken_entry_gets_its_error_and_message() {
    let cases: [(&str, ReadListenerError, &str); 7] = [
        (
            r#"{"onNope": "https://x.example/a"}"#,
            ReadListenerError::UnknownEvent(UnknownEvent::new("onNope")),
            "in \"callbackListener\": unknown event \"onNope\"; expected one of: onInstall, \
             onZohoAuthorise, onTPAAuthorise, onTPARevoke, onUpdate, onConfigParamAdd, \
             onConfigParamDelete, onUninstall",
        ),
        // The macro's attribute names are not manifest keys.
        (
            r#"{"on_install": "https://x.example/a"}"#,
            ReadListenerError::UnknownEvent(UnknownEvent::new("on_install")),
            "in \"callbackListener\": unknown event \"on_install\"; expected one of: onInstall, \
             onZohoAuthorise, onTPAAuthorise, onTPARevoke, onUpdate, onConfigParamAdd, \
             onConfigParamDelete, onUninstall",
        ),
        (
            r#"{"onInstall": "https://x.example/a", "onInstall": "https://x.example/b"}"#,
            ReadListenerError::DuplicateEvent {
                event: Event::Install,
                first: "onInstall".into(),
                second: "onInstall".into(),
            },
            "in \"callbackListener\": onInstall is listed twice, as \"onInstall\" and \
             \"onInstall\"; keep one",
        ),
        (
            r#"{"onTPAAuthorise": "https://x.example/a", "onUpdate": "https://x.example/u", "onTPAAuthorize": "https://x.example/b"}"#,
            ReadListenerError::DuplicateEvent {
                event: Event::TpaAuthorise,
                first: "onTPAAuthorise".into(),
                second: "onTPAAuthorize".into(),
            },
            "in \"callbackListener\": onTPAAuthorise is listed twice, as \"onTPAAuthorise\" and \
             \"onTPAAuthorize\"; keep one",
        ),
        (
            r#"{"onInstall": 3}"#,
            ReadListenerError::UrlNotAString {
                event: Event::Install,
            },
            "the URL of onInstall is not a string",
        ),
        (
            r#"{"onUpdate": "ftp://x.example/a"}"#,
            ReadListenerError::InvalidUrl {
                event: Event::Update,
                url: "ftp://x.example/a".into(),
                reason: "it must start with https:// or http://",
            },
            "the URL of onUpdate, \"ftp://x.example/a\", is not usable: it must start with \
             https:// or http://",
        ),
        (
            r#"{"onUpdate": "https:///callbacks"}"#,
            ReadListenerError::InvalidUrl {
                event: Event::Update,
                url: "https:///callbacks".into(),
                reason: "it has no host",
            },
            "the URL of onUpdate, \"https:///callbacks\", is not usable: it has no host",
        ),
    ];
    for (json, error, message) in cases {
        let got = listener(json).unwrap_err();
        assert_eq!(got, error, "{json}");
        assert_eq!(got.to_string(), message, "{json}");
    }
}

#[test]
fn the_secret_never_shows_in_an_error() {
    let secret = "s3cr3t-never-shown";
    for json in [
        r#"{"onNope": "https://x.example/a"}"#,
        r#"{"onInstall": 3}"#,
        r#"{"onInstall": "x", "onInstall": "y"}"#,
    ] {
        let text = format!("{{\"secret\": \"{secret}\", \"callbackListener\": {json}}}");
        let err = read(&text).unwrap_err();
        assert!(!err.to_string().contains(secret), "{err}");
        assert!(!format!("{err:?}").contains(secret), "{err:?}");
    }
}

#[test]
fn urls_may_carry_a_path_query_and_port() {
    let got = listener(
        r#"{"onInstall": "http://127.0.0.1:8080", "onUninstall": "https://x.example:8443/cb/bye?tenant=7#top"}"#,
    )
    .unwrap();
    assert_eq!(
        entries(&got),
        [
            (Event::Install, "http://127.0.0.1:8080"),
            (
                Event::Uninstall,
                "https://x.example:8443/cb/bye?tenant=7#top"
            ),
        ]
    );
}

#[test]
fn with_base_url_moves_scheme_host_and_port_and_keeps_path_and_query() {
    let got = listener(
        r#"{"onInstall": "https://ext.example.com/callbacks/onInstall", "onUpdate": "https://ext.example.com:8443?v=2", "onUninstall": "https://ext.example.com"}"#,
    )
    .unwrap();
    let local = got.with_base_url("http://127.0.0.1:8080/").unwrap();
    assert_eq!(
        entries(&local),
        [
            (Event::Install, "http://127.0.0.1:8080/callbacks/onInstall"),
            (Event::Update, "http://127.0.0.1:8080?v=2"),
            (Event::Uninstall, "http://127.0.0.1:8080"),
        ]
    );
    let prefixed = got.with_base_url("http://127.0.0.1:8080/proxy").unwrap();
    assert_eq!(
        prefixed.url(Event::Install),
        Some("http://127.0.0.1:8080/proxy/callbacks/onInstall")
    );
}

#[test]
fn with_base_url_refuses_a_bad_base_as_new_does() {
    let got = listener(r#"{"onInstall": "https://ext.example.com/a"}"#).unwrap();
    for base in ["127.0.0.1:8080", "http://", "http://x.example/?q=1"] {
        assert_eq!(
            got.with_base_url(base).unwrap_err(),
            CallbackListener::new(base, &[]).unwrap_err(),
            "{base}"
        );
        assert!(matches!(
            got.with_base_url(base),
            Err(ListenerError::InvalidBaseUrl { .. })
        ));
    }
}
