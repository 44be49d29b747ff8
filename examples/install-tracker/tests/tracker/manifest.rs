//! The manifest cannot drift from the code: the handlers the build script
//! found are exactly the ones mounted, and the committed
//! `plugin-manifest.json` lists them.

use callback_build::check_drift;

#[test]
fn the_mounted_handlers_are_the_ones_the_build_script_found() {
    check_drift(
        &install_tracker::handlers(),
        include_str!(concat!(env!("OUT_DIR"), "/callback-handlers.json")),
    )
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
}
