//! The two servers that `bench/load.sh` compares, as libraries so that the
//! allocation test drives exactly what the binaries serve:
//!
//! - [`framework`]: `callbacks![noop]` mounted as `examples/hello` mounts its
//!   handler, with a no-op `#[on_zoho_authorise]` handler;
//! - [`hand_written`]: one actix-web handler doing the same work by hand:
//!   the body read with the same 64 KiB limit, a pre-keyed HMAC-SHA256
//!   state cloned per request and compared in constant time, one
//!   `serde_json` parse into borrowed fields, and the same JSON response.
//!
//! Both read the secret from `ZOHO_EXTENSION_SECRET` and listen on
//! `127.0.0.1:$BENCH_PORT` (default 8080) with one worker: the load script
//! pins each to one core.

pub mod hand_written;

#[cfg(feature = "framework")]
pub mod framework;

/// The path both serve, the default for `onZohoAuthorise`.
pub const PATH: &str = "/callbacks/onZohoAuthorise";

/// The largest body accepted, the framework's default.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The response body both send for the sample callback.
pub const OK_BODY: &str = r#"{"event":"onZohoAuthorise","ok":true}"#;

/// The secret from `ZOHO_EXTENSION_SECRET`.
pub fn secret_from_env() -> std::io::Result<String> {
    std::env::var("ZOHO_EXTENSION_SECRET")
        .map_err(|_| std::io::Error::other("set ZOHO_EXTENSION_SECRET"))
}

/// The address to listen on: `127.0.0.1:$BENCH_PORT`, 8080 by default.
pub fn address() -> std::io::Result<(&'static str, u16)> {
    let port = match std::env::var("BENCH_PORT") {
        Ok(port) => port
            .parse()
            .map_err(|_| std::io::Error::other("BENCH_PORT must be a port number"))?,
        Err(_) => 8080,
    };
    Ok(("127.0.0.1", port))
}
