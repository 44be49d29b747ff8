//! Keeps `plugin-manifest.json`'s `callbackListener` and `resources.json`'s
//! `webhook` in step with the handlers in `src/`.

fn main() {
    // The example runs locally out of the box; set CALLBACK_BASE_URL to the
    // public URL of your server when you package the extension.
    let base_url = std::env::var(callback_build::BASE_URL_ENV)
        .unwrap_or_else(|_| "http://127.0.0.1:8080".to_owned());
    callback_build::Config::new()
        .base_url(base_url)
        .merge_into("plugin-manifest.json")
        .resources_into("resources.json")
        .run_or_exit();
}
