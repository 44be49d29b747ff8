//! The two servers that `bench/load.sh` compares, as libraries so that the
//! allocation test drives exactly what the binaries serve:
//!
//! - [`framework`]: `callbacks![noop]` mounted as `examples/hello` mounts its
//!   handler, with a no-op `#[on_zoho_authorise]` handler;
//! - [`hand_written`]: one actix-web handler doing the same work by hand:
//!   the body read with the same 64 KiB limit, a pre-keyed HMAC-SHA256
//!   state cloned per request and compared in constant time, one
//!   `serde_json` parse into borrowed fields, and the same JSON response;
//! - [`axum_framework`], [`axum_hand_written`]: the same two on axum (the
//!   framework through callback-axum, the hand-written handler with axum's
//!   `Bytes` extractor under the same limit), each on a one-thread Tokio
//!   runtime ([`serve_axum`]);
//! - `store_framework`, `store_hand_written` (feature `store`): the same
//!   callback with the framework's installation store, against a
//!   hand-written upsert through the same driver with the same durability
//!   and the security context sealed the same way, on the database of
//!   `DATABASE_URL` (SQLite or PostgreSQL) under `ZOHO_STORE_KEY`
//!   (`store`);
//! - `desk_framework`, `desk_hand_written` (feature `desk`): a Desk
//!   delivery of `Ticket_Add` events (`desk`), the framework's webhook
//!   against a hand-written actix-web handler doing the same work.
//!
//! All but the Desk servers read the secret from `ZOHO_EXTENSION_SECRET`;
//! all listen on `127.0.0.1:$BENCH_PORT` (default 8080) with one worker:
//! the load script pins each to one core.

pub mod hand_written;

#[cfg(feature = "framework")]
pub mod framework;

#[cfg(feature = "axum")]
pub mod axum_hand_written;

#[cfg(feature = "axum-framework")]
pub mod axum_framework;

#[cfg(feature = "store")]
pub mod store;

#[cfg(feature = "store")]
pub mod store_framework;

#[cfg(feature = "store")]
pub mod store_hand_written;

#[cfg(feature = "desk")]
pub mod desk;

#[cfg(feature = "desk")]
pub mod desk_framework;

#[cfg(feature = "desk")]
pub mod desk_hand_written;

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

/// Serves the apps `app` makes at [`address`] with actix-web on one worker
/// (1 s to shut down), until the process is killed: every actix-web
/// server of the load script.
pub async fn serve_actix<F, T, B>(app: F) -> std::io::Result<()>
where
    F: Fn() -> actix_web::App<T> + Send + Clone + 'static,
    T: actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
            InitError = (),
        > + 'static,
    B: actix_web::body::MessageBody + 'static,
{
    actix_web::HttpServer::new(app)
        .workers(1)
        .shutdown_timeout(1)
        .bind(address()?)?
        .run()
        .await
}

/// Serves `app` at [`address`] on a one-thread Tokio runtime (accepting
/// and serving on the thread that calls it, as one actix-web worker does),
/// until the process is killed.
#[cfg(feature = "axum")]
pub fn serve_axum(app: axum::Router) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(address()?).await?;
        axum::serve(listener, app).await
    })
}
