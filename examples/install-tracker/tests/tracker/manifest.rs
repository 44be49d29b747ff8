//! The manifests cannot drift from the code: the handlers the build script
//! found are exactly the ones mounted, the committed `plugin-manifest.json`
//! lists the callbacks, and the committed `resources.json` subscribes the
//! webhook to the Desk events the handlers take (with their options), for
//! an extension of type `org` with `Desk.events.ALL` in its scope.

use callback_build::DriftCheck;
use serde_json::json;

#[test]
fn the_mounted_handlers_are_the_ones_the_build_script_found() {
    DriftCheck::new(include_str!(concat!(
        env!("OUT_DIR"),
        "/callback-handlers.json"
    )))
    .callbacks(&install_tracker::handlers())
    .desk_events(&install_tracker::desk_handlers())
    .check()
    .unwrap();
}

#[test]
fn the_committed_manifest_holds_the_generated_section() {
    let manifest: serde_json::Value =
        serde_json::from_str(include_str!("../../plugin-manifest.json")).expect("manifest is JSON");
    let generated: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("OUT_DIR"),
        "/callback-listener.json"
    )))
    .expect("the generated section is JSON");
    assert_eq!(manifest["callbackListener"], generated);
    assert_eq!(generated.as_object().map(|o| o.len()), Some(8));
    assert_eq!(manifest["type"], "org");
    let scope = manifest["zohoAuthorisation"]["scope"]
        .as_array()
        .expect("a scope");
    assert!(scope.contains(&json!("Desk.events.ALL")), "{scope:?}");
}

#[test]
fn the_committed_resources_subscribe_the_webhook_to_the_handlers_events() {
    let resources: serde_json::Value =
        serde_json::from_str(include_str!("../../resources.json")).expect("resources is JSON");
    let generated: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("OUT_DIR"),
        "/resources-webhook.json"
    )))
    .expect("the generated section is JSON");
    assert_eq!(resources["webhook"], generated);
    assert_eq!(
        generated,
        json!({
            "resourceName": "deskEvents",
            "url": "http://127.0.0.1:8080/desk/deskEvents",
            "name": "deskEvents",
            "subscriptions": {
                "Ticket_Add": null,
                "Ticket_Update": {"includePrevState": true},
                "Ticket_Comment_Add": null
            }
        })
    );
}
