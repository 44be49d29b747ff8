//! Call Zoho back: a client for Zoho Desk's Invoke API, driven by the
//! `securityContext` a callback carried.
//!
//! ```no_run
//! use callback_actix::prelude::*; // with the adapter's `invoke` feature: Invoke, InvokeClient, …
//! use callback_invoke::{DataCentre, Invoke, InvokeClient, Method};
//!
//! /// On new config params: read them, then create a Jira webhook.
//! #[on_config_param_add]
//! async fn config_added(zoho: Invoke) -> Result<(), HandlerError> {
//!     let params: serde_json::Value = zoho
//!         .desk_get("/api/v1/installedExtensions/{{installationId}}/configParams")
//!         .send()
//!         .await?
//!         .json()?;
//!     let hook = serde_json::json!({"name": "desk", "config": params});
//!     zoho.external(Method::POST, "https://example.atlassian.net/rest/webhooks/1.0/webhook")
//!         .connection("jira_conn")
//!         .json(&hook)
//!         .send()
//!         .await?;
//!     Ok(())
//! }
//!
//! #[actix_web::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let secret = Secret::from_env("ZOHO_EXTENSION_SECRET")?;
//!     // One client per application: it holds the connection pool.
//!     let zoho = InvokeClient::builder(secret.clone())
//!         .data_centre(DataCentre::Com)
//!         .build()?;
//!     let routes = Callbacks::new(callbacks![config_added])
//!         .secret(secret)
//!         .state(zoho) // what `Invoke` is made from; missing, `build` fails
//!         .build()?;
//!     actix_web::HttpServer::new(move || actix_web::App::new().service(routes.clone()))
//!         .bind("127.0.0.1:8080")?
//!         .run()
//!         .await?;
//!     Ok(())
//! }
//! ```
//!
//! # The pieces
//!
//! | item | what |
//! |---|---|
//! | [`InvokeClient`] | one per application: secret, data centre or base URL, timeouts, retries, the answer size limit, one shared `reqwest` client (rustls) |
//! | [`Invoke`] | a handler argument: the client bound to this callback's `orgId` and `securityContext` (`400 invalid_payload` without one) |
//! | [`InvokeRequest`] | `zoho.desk_get(path)`, `desk_post`, …, `external(method, url)`, then `.query`, `.header`, `.json`, `.connection`, `.send()` |
//! | [`InvokeResponse`] | the target's status and body (unwrapped from Zoho's answer), `.json::<T>()` |
//! | [`InvokeError`] | transport, timeout, Zoho non-2xx, a redirect (never followed), an answer over the size limit, target non-2xx, malformed wrapper, decode, invalid request |
//! | [`DataCentre`] | `desk.zoho.com`, `.eu`, `.in`, `.com.au`, `.jp`, … |
//! | [`InvokeHashScheme`] | how the `HASH` header is computed ([`HmacSha256Fields`] by default) |
//!
//! # The call
//!
//! `send` posts to `{base}/api/v1/invoke?orgId=<orgId>` with
//! `Content-Type: application/x-www-form-urlencoded`, a `HASH` header, and
//! the form fields `securityContext`, `requestURL`, `requestType` (the
//! method), `queryParams` and `headers` (JSON objects, in the order given),
//! `postBody` and `connectionLinkName`; absent or empty ones are not sent.
//! Desk calls (`desk_get`, …) build `requestURL` on the data centre's Desk
//! host and add an `orgId` header.
//!
//! # What is not documented, and is configurable
//!
//! | unknown | default | change it with |
//! |---|---|---|
//! | the `HASH` input | `requestURL=…&requestType=…&postBody=…&headers=…&connectionLinkName=…`, absent skipped, not URL-encoded, lowercase hex (as public code does). Ambiguous: a value holding `&headers=` hashes as two fields, and `securityContext` and `queryParams` are not covered (see [`hash`]) | [`HmacSha256Fields::with_order`], [`HmacSha256Fields::with_encoding`] (form-urlencoded values: unambiguous), or your own [`InvokeHashScheme`] |
//! | where the target's answer is | the wrapper's `response` field, a value or a JSON string | [`ResponseFormat::response_field`] |
//! | where the target's status is | the wrapper's numeric `statusCode`, else Zoho's status | [`ResponseFormat::status_field`] |
//! | hosts beyond the documented five | [`DataCentre`]'s list | [`InvokeClientBuilder::base_url`], [`InvokeClientBuilder::desk_url`] |
//!
//! # Failures, retries, logs
//!
//! Each attempt has a timeout (10 s by default), and reads at most
//! [`DEFAULT_MAX_RESPONSE_BYTES`] (4 MiB) of Zoho's answer
//! ([`InvokeClientBuilder::max_response_bytes`]): a longer answer is an
//! [`InvokeError::TooLarge`], refused from its `Content-Length` before it is
//! read when it declares one.
//!
//! Calls whose target method is idempotent (`GET`, `HEAD`, `PUT`, `DELETE`,
//! `OPTIONS`) are retried, with bounded exponential backoff, after a
//! transport failure or timeout, a `429` or a `5xx` ([`RetryPolicy`]);
//! `POST` and `PATCH` never are.
//!
//! A base URL or Desk URL that carries credentials (`http://user:pass@…`)
//! is refused by [`InvokeClientBuilder::build`], its error showing the URL
//! without them; a base URL of plain `http://` to a host other than this
//! machine is accepted with a `WARN` log, as every call sends it the
//! security context and the `HASH`.
//!
//! Redirects are never followed: following one would re-send the security
//! context and the `HASH` wherever it points. A `3xx` from the Invoke API
//! is an [`InvokeError::Redirect`] (a `reqwest::Client` passed to
//! [`InvokeClientBuilder::http_client`] must be built without redirects
//! for that to hold).
//!
//! Each call runs in one `zoho_invoke` tracing span with `method`,
//! `target_host`, `org_id`, `status`, `zoho_status`, `attempts` and
//! `latency_ms`, and logs its outcome once. The security context and the
//! secret are held in `callback_core`'s redacting types and never logged.
//! In any text kept from an answer (an error's message, a target's error
//! body), they and the call's `HASH` are replaced with `<redacted>` in
//! every spelling an echo may give them: as they are, percent-encoded
//! (either case of hex, `+` for a space), form-encoded, JSON-escaped
//! (`\/`, `\u002b`, …), or a mix; a message from an answer is kept to a
//! redacted excerpt of at most 200 characters.

mod client;
mod data_centre;
mod error;
mod extract;
pub mod hash;
mod redact;
mod request;
mod response;
mod retry;

pub use client::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, INVOKE_PATH,
    InvokeClient, InvokeClientBuilder,
};
pub use data_centre::{DataCentre, UnknownDataCentre};
pub use error::{BuildError, InvokeCall, InvokeError};
pub use extract::NO_SECURITY_CONTEXT;
pub use hash::{
    FieldEncoding, HmacSha256Fields, InvokeField, InvokeFields, InvokeHashKey, InvokeHashScheme,
};
pub use request::{Invoke, InvokeRequest};
pub use response::{InvokeResponse, ResponseFormat};
pub use retry::RetryPolicy;

/// HTTP methods, for [`Invoke::external`] and [`Invoke::desk`].
pub use reqwest::Method;
