//! Call Zoho back: a client for Zoho Desk's Invoke API, driven by the
//! `securityContext` a callback carried, with typed access to the
//! extension's own data (config params, storage, logs).
//!
//! ```
//! use callback_core::{OrgId, Secret, SecurityContext};
//! use callback_invoke::{InvokeClient, SecureParam};
//! # use std::io::{Read, Write};
//! # // A stand-in for Zoho on 127.0.0.1, answering one call as Zoho does.
//! # let zoho = std::net::TcpListener::bind("127.0.0.1:0")?;
//! # let zoho_url = format!("http://{}", zoho.local_addr()?);
//! # std::thread::spawn(move || {
//! #     let (mut stream, _) = zoho.accept().unwrap();
//! #     let (mut request, mut chunk) = (Vec::new(), [0; 4096]);
//! #     loop {
//! #         let n = stream.read(&mut chunk).unwrap();
//! #         request.extend_from_slice(&chunk[..n]);
//! #         let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
//! #         let Some((head, body)) = text.split_once("\r\n\r\n") else { continue };
//! #         let length = head.lines().find_map(|l| l.strip_prefix("content-length:"));
//! #         if body.len() >= length.map_or(0, |v| v.trim().parse().unwrap()) { break }
//! #     }
//! #     let body = r#"{"response":"{\"statusMessage\":{\"data\":[{\"name\":\"domain\",\"value\":\"example.atlassian.net\"},{\"name\":\"jiraAuthKey\",\"value\":\"k-1\"}]}}"}"#;
//! #     let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
//! #     stream.write_all(format!("{head}{body}").as_bytes()).unwrap();
//! # });
//!
//! /// The manifest's config params, by name (`jiraAuthKey` is secure).
//! #[derive(Debug, serde::Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! struct JiraConfig {
//!     domain: String,
//!     jira_auth_key: SecureParam,
//! }
//!
//! # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! # runtime.block_on(async {
//! // One client per application; `base_url` points it at the stand-in.
//! let client = InvokeClient::builder(Secret::new("manifest secret")?)
//!     .base_url(zoho_url)
//!     .build()?;
//! // Bound to a callback's org and security context (a handler gets this
//! // as its `Invoke` argument).
//! let zoho = client.bind(OrgId::new(387238), SecurityContext::new("from the callback"));
//!
//! let config: JiraConfig = zoho.config_params().get_as().await?;
//! assert_eq!(config.domain, "example.atlassian.net");
//! assert_eq!(config.jira_auth_key.expose(), "k-1");
//! assert_eq!(format!("{config:?}"), r#"JiraConfig { domain: "example.atlassian.net", jira_auth_key: SecureParam(<redacted>) }"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! In a handler, with the adapter:
//!
//! ```no_run
//! use callback_actix::prelude::*; // with the adapter's `invoke` feature: Invoke, InvokeClient, …
//! use callback_invoke::{DataCentre, Invoke, InvokeClient, Method, SecureParam};
//!
//! #[derive(serde::Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! struct JiraConfig {
//!     domain: String,
//!     jira_auth_key: SecureParam,
//! }
//!
//! /// On new config params: read them, then create a Jira webhook.
//! #[on_config_param_add]
//! async fn config_added(zoho: Invoke) -> Result<(), HandlerError> {
//!     let config: JiraConfig = zoho.config_params().get_as().await?;
//!     let hook = serde_json::json!({"name": "desk", "url": "https://ext.example.com/jira"});
//!     zoho.external(Method::POST, format!("https://{}/rest/webhooks/1.0/webhook", config.domain))
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
//!     // One client per application: it holds the connection pool and the
//!     // storage rate limiters.
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
//! | [`InvokeClient`] | one per application: secret, data centre or base URL, timeouts, retries and the time budget, the answer size limit, storage settings and rate limiters, one shared `reqwest` client (rustls) |
//! | [`Invoke`] | a handler argument: the client bound to this callback's `orgId` and `securityContext` (`400 invalid_payload` without one) |
//! | [`InvokeRequest`] | `zoho.desk_get(path)`, `desk_post`, …, `external(method, url)`, then `.query`, `.header`, `.json`, `.connection`, `.send()` |
//! | [`InvokeResponse`] | the target's status and answer (read where Zoho puts it), `.json::<T>()` |
//! | [`ConfigParams`] | `zoho.config_params()`: `.get()` name/value pairs, `.get_as::<T>()` a struct of yours, `.set([...])` |
//! | [`Storage`] | `zoho.storage()`: `.add`, `.get`, `.delete` of typed [`StorageEntry`] values, limits checked before sending, rate limits kept per org |
//! | [`ExtensionLogs`] | `zoho.extension_logs()`: `.add(title, description)`, `.group(reference)` for a parent and 9 children |
//! | [`InvokeError`] | transport, timeout, Zoho non-2xx, a redirect (never followed), an answer over the size limit, target non-2xx, malformed wrapper, an answer of another shape, a storage limit, a full log group, decode, invalid request |
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
//! host and add an `orgId` header. `requestURL` is sent, and hashed,
//! exactly as written: Desk's `{{installationId}}` placeholder stays as it
//! is, for Desk to replace.
//!
//! # Zoho's answer
//!
//! Zoho answers `200` with `{"response": "<JSON as a string>"}`, and the
//! target's answer is the `statusMessage` of that JSON, as Zoho's own
//! sample servers read it (the sources and the exact rules are in
//! [`ResponseFormat`]). A `response` without `statusMessage` is the
//! target's answer itself. [`InvokeResponse::body`] is the target's
//! answer, [`InvokeResponse::answer_path`] says where it was found.
//!
//! ```no_run
//! # async fn run(zoho: callback_invoke::Invoke) -> Result<(), callback_invoke::InvokeError> {
//! #[derive(serde::Deserialize)]
//! struct Me {
//!     email: String,
//! }
//! // Zoho: {"response": "{\"statusMessage\": {\"email\": \"a@example.com\"}}"}
//! let me: Me = zoho.desk_get("/api/v1/myinfo").send().await?.json()?;
//! # let _ = me.email; Ok(()) }
//! ```
//!
//! # Config params
//!
//! The installation's config params (the manifest's `config`, as the
//! customer filled it in), by name into a struct of yours; a secure one in
//! a [`SecureParam`], which `Debug` and `Display` show as `<redacted>`.
//! Every value is kept out of logs, of `Debug` of [`ConfigParamSet`] and
//! of error messages, as the answer does not say which are secure.
//! `{{installationId}}` is sent and hashed as written.
//!
//! ```no_run
//! # async fn run(zoho: callback_invoke::Invoke) -> Result<(), callback_invoke::InvokeError> {
//! use callback_invoke::SecureParam;
//!
//! #[derive(serde::Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! struct JiraConfig {
//!     domain: String,             // the param `domain`
//!     jira_auth_key: SecureParam, // the param `jiraAuthKey`
//!     #[serde(default)]
//!     tracker_label: Option<String>, // optional: absent until set
//! }
//!
//! let params = zoho.config_params().get().await?; // name/value pairs
//! println!("{} params", params.len());
//! let config: JiraConfig = params.deserialize()?; // or `.get_as()` in one call
//! // Posts {"variables":[{"name":"trackerLabel","value":"Jira"}]}.
//! zoho.config_params().set([("trackerLabel", "Jira")]).await?;
//! # let _ = config; Ok(()) }
//! ```
//!
//! # Storage
//!
//! Small per-installation values (`"storage": true` in the manifest),
//! any type that serialises to JSON, by `key` and an optional
//! `queriableValue`. Every documented limit is checked before anything is
//! sent, each refusal an [`InvokeError::Storage`] naming it
//! ([`StorageError`]): key and queriableValue 1 to 50 ASCII letters,
//! digits, `,`, `_` and `:`; a value of at most 1 KB as JSON (the storage
//! documentation; a newer guide says 5.1 KB:
//! [`StorageSettings::max_value_bytes`]); 1 to 10 values added or got per
//! call. The documented rate limits, 50 writes, 250 reads and 50 deletes a
//! minute, are kept per organisation by the client: a burst waits for its
//! turn rather than failing ([`RateLimit`]). How a value is deleted is not
//! documented: `DELETE` by default, [`StorageSettings::delete_method`] to
//! change it.
//!
//! ```no_run
//! # async fn run(zoho: callback_invoke::Invoke) -> Result<(), callback_invoke::InvokeError> {
//! use callback_invoke::{StorageEntry, StorageQuery};
//!
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Hook {
//!     id: u64,
//! }
//!
//! let storage = zoho.storage();
//! storage
//!     .add(&[StorageEntry::new("hook:jira", Hook { id: 42 }).queriable_value("jira")])
//!     .await?;
//! let hooks: Vec<StorageEntry<Hook>> =
//!     storage.get(&StorageQuery::queriable_value("jira").limit(10)).await?;
//! storage.delete(&StorageQuery::key("hook:jira")).await?;
//! # let _ = hooks; Ok(()) }
//! ```
//!
//! # Extension logs
//!
//! Logs the customer sees (kept 3 days), standalone or grouped under a
//! reference: a parent, then up to 9 children; an eleventh is refused
//! before sending ([`InvokeError::LogGroupFull`]).
//!
//! ```no_run
//! # async fn run(zoho: callback_invoke::Invoke) -> Result<(), callback_invoke::InvokeError> {
//! let logs = zoho.extension_logs();
//! logs.add("Jira connected", "webhook 42 created").await?;
//! let mut sync = logs.group("sync-2024-06-01");
//! sync.add("Sync started", "2 projects").await?; // the parent
//! sync.add("ALPHA synced", "12 issues").await?; // a child
//! # Ok(()) }
//! ```
//!
//! # What is not documented, and is configurable
//!
//! | unknown | default | change it with |
//! |---|---|---|
//! | the `HASH` input | `requestURL=…&requestType=…&postBody=…&headers=…&connectionLinkName=…`, absent skipped, not URL-encoded, lowercase hex (as public code does). Ambiguous: a value holding `&headers=` hashes as two fields, and `securityContext` and `queryParams` are not covered (see [`hash`]) | [`HmacSha256Fields::with_order`], [`HmacSha256Fields::with_encoding`] (form-urlencoded values: unambiguous), or your own [`InvokeHashScheme`] |
//! | where the target's answer is | the `statusMessage` of the wrapper's `response` (a value or a JSON string), else the `response` itself | [`ResponseFormat::response_field`], [`ResponseFormat::answer_field`] |
//! | where the target's status is | a numeric `statusCode` next to `statusMessage`, else in the wrapper, else Zoho's status | [`ResponseFormat::status_field`] |
//! | how storage values are deleted | `DELETE` with `key`/`queriableValue` as query parameters | [`StorageSettings::delete_method`] |
//! | the largest storage value | 1 KB (a newer guide: 5.1 KB) | [`StorageSettings::max_value_bytes`] |
//! | several storage values in one add | a JSON array of `{key, queriableValue, value}` | — |
//! | `installationId` in a log's body | Desk's `{{installationId}}` placeholder | [`ExtensionLogs::installation_id`] |
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
//! `POST` and `PATCH` never are. A `Retry-After` from Zoho, in seconds or
//! as an HTTP-date, replaces the backoff. Every call, all its attempts and
//! waits, fits in a time budget ([`RetryPolicy::budget`], 30 s by
//! default): an attempt gets what is left of it when that is less than
//! its timeout, and a wait (a `Retry-After` too) that would not leave
//! [`MIN_ATTEMPT_TIME`] of it is not made.
//!
//! ```
//! use callback_invoke::{InvokeClient, RetryPolicy};
//! use callback_core::Secret;
//! use std::time::Duration;
//!
//! // Within a callback's few seconds: one retry, all in 4 s.
//! let client = InvokeClient::builder(Secret::new("manifest secret")?)
//!     .timeout(Duration::from_secs(3))
//!     .retry(RetryPolicy::default().max_retries(1).budget(Duration::from_secs(4)))
//!     .build()?;
//! assert_eq!(client.retry_policy().budget_value(), Duration::from_secs(4));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
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
//! redacted excerpt of at most 200 characters. The values of config params
//! set are redacted the same way.

mod client;
mod config_params;
mod data_centre;
mod error;
mod extract;
pub mod hash;
mod logs;
mod redact;
mod request;
mod response;
mod retry;
mod storage;

pub use client::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, INVOKE_PATH,
    InvokeClient, InvokeClientBuilder,
};
pub use config_params::{
    CONFIG_PARAMS_PATH, ConfigParam, ConfigParamSet, ConfigParams, SecureParam,
};
pub use data_centre::{DataCentre, UnknownDataCentre};
pub use error::{BuildError, InvokeCall, InvokeError};
pub use extract::NO_SECURITY_CONTEXT;
pub use hash::{
    FieldEncoding, HmacSha256Fields, InvokeField, InvokeFields, InvokeHashKey, InvokeHashScheme,
};
pub use logs::{
    EXTENSION_LOGS_PATH, ExtensionLogs, INSTALLATION_ID_PLACEHOLDER, LOGS_PER_REFERENCE, LogGroup,
};
pub use request::{Invoke, InvokeRequest};
pub use response::{InvokeResponse, ResponseFormat};
pub use retry::{DEFAULT_BUDGET, MIN_ATTEMPT_TIME, RetryPolicy};
pub use storage::{
    DEFAULT_MAX_VALUE_BYTES, MAX_KEY_CHARS, MAX_VALUES_PER_CALL, RateLimit, STORAGE_PATH, Storage,
    StorageEntry, StorageError, StorageField, StorageQuery, StorageSettings,
};

/// HTTP methods, for [`Invoke::external`] and [`Invoke::desk`].
pub use reqwest::Method;
