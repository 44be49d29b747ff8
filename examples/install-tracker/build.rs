//! Keeps `plugin-manifest.json`'s `callbackListener` and `resources.json`'s
//! `webhook` in step with the handlers in `src/`.
//!
//! The base URL is `CALLBACK_BASE_URL`; without it a debug build uses
//! callback-build's `DEV_BASE_URL` (`http://127.0.0.1:8080`, where the
//! tracker listens by default) with a warning, and a release build fails.

fn main() {
    callback_build::Config::new()
        .merge_into("plugin-manifest.json")
        .resources_into("resources.json")
        .run_or_exit();
}
