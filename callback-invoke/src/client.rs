//! `InvokeClient`: one per application, shared by every call.

use crate::data_centre::DataCentre;
use crate::error::BuildError;
use crate::hash::{HmacSha256Fields, InvokeHashKey, InvokeHashScheme};
use crate::request::Invoke;
use crate::response::ResponseFormat;
use crate::retry::RetryPolicy;
use crate::storage::{StorageLimiters, StorageSettings};
use callback_core::base_url::without_credentials;
use callback_core::{BaseUrl, Callback, OrgId, Secret, SecurityContext};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The per-attempt timeout unless [`InvokeClientBuilder::timeout`] says
/// otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The connect timeout unless [`InvokeClientBuilder::connect_timeout`] says
/// otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest answer of Zoho's read (4 MiB) unless
/// [`InvokeClientBuilder::max_response_bytes`] says otherwise.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// The Invoke API's path under the Desk host.
pub const INVOKE_PATH: &str = "/api/v1/invoke";

/// Calls Zoho's Invoke API for an extension: holds the extension's secret,
/// the Desk host, the timeouts, the retry policy and one shared HTTP client
/// (connection pool, rustls).
///
/// Build one per application and share it: it is cheap to clone. Handlers
/// get it bound to their callback through the [`Invoke`] extractor, once it
/// is provided as state:
///
/// ```no_run
/// use callback_actix::prelude::*;
/// use callback_invoke::{DataCentre, Invoke, InvokeClient};
///
/// #[on_zoho_authorise]
/// async fn authorised(zoho: Invoke) -> Result<(), HandlerError> {
///     zoho.desk_get("/api/v1/myinfo").send().await?;
///     Ok(())
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let secret = Secret::from_env("ZOHO_EXTENSION_SECRET")?;
/// let zoho = InvokeClient::builder(secret.clone())
///     .data_centre(DataCentre::Eu)
///     .build()?;
/// let routes = Callbacks::new(callbacks![authorised])
///     .secret(secret)
///     .state(zoho.clone())
///     .build()?;
/// # Ok(()) }
/// ```
///
/// `Debug` never shows the secret.
#[derive(Clone)]
pub struct InvokeClient {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) invoke_url: String,
    pub(crate) desk_url: String,
    pub(crate) secret: Secret,
    pub(crate) scheme: Arc<dyn InvokeHashScheme>,
    pub(crate) key: Box<dyn InvokeHashKey>,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) retry: RetryPolicy,
    pub(crate) format: ResponseFormat,
    pub(crate) storage: StorageLimiters,
}

impl InvokeClient {
    /// Starts configuring a client that signs with `secret` (the `secret`
    /// of `plugin-manifest.json`, the same that signs callbacks).
    pub fn builder(secret: Secret) -> InvokeClientBuilder {
        InvokeClientBuilder {
            secret,
            data_centre: DataCentre::default(),
            base_url: None,
            desk_url: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryPolicy::default(),
            scheme: Arc::new(HmacSha256Fields::default()),
            format: ResponseFormat::default(),
            storage: StorageSettings::default(),
            http: None,
        }
    }

    /// This client bound to one organisation and its security context, for
    /// calls outside a handler (a background job with a stored context).
    pub fn bind(&self, org_id: OrgId, security_context: SecurityContext) -> Invoke {
        Invoke::new(self.clone(), org_id, security_context)
    }

    /// This client bound to `callback`'s organisation and security context,
    /// or `None` when the callback carries no security context.
    pub fn for_callback(&self, callback: &Callback) -> Option<Invoke> {
        let context = callback.security_context()?.clone();
        Some(self.bind(callback.org_id(), context))
    }

    /// Where calls are posted: `{base}/api/v1/invoke`.
    pub fn invoke_url(&self) -> &str {
        &self.inner.invoke_url
    }

    /// The base of Desk API URLs (`desk_get("/api/v1/…")` and friends).
    pub fn desk_url(&self) -> &str {
        &self.inner.desk_url
    }

    /// The per-attempt timeout.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The longest answer of Zoho's that is read, in bytes.
    pub fn max_response_bytes(&self) -> usize {
        self.inner.max_response_bytes
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// How extension storage is called.
    pub fn storage_settings(&self) -> &StorageSettings {
        &self.inner.storage.settings
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }
}

impl fmt::Debug for InvokeClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("InvokeClient")
            .field("invoke_url", &inner.invoke_url)
            .field("desk_url", &inner.desk_url)
            .field("secret", &inner.secret)
            .field("scheme", &inner.scheme)
            .field("timeout", &inner.timeout)
            .field("max_response_bytes", &inner.max_response_bytes)
            .field("retry", &inner.retry)
            .field("format", &inner.format)
            .field("storage", &inner.storage)
            .finish()
    }
}

/// Configures an [`InvokeClient`]; [`build`](Self::build) checks it.
///
/// ```
/// use callback_invoke::{DataCentre, InvokeClient, RetryPolicy};
/// use callback_core::Secret;
/// use std::time::Duration;
///
/// let client = InvokeClient::builder(Secret::new("manifest secret")?)
///     .data_centre(DataCentre::In)
///     .timeout(Duration::from_secs(3))
///     .retry(RetryPolicy::default().max_retries(1))
///     .build()?;
/// assert_eq!(client.invoke_url(), "https://desk.zoho.in/api/v1/invoke");
/// assert_eq!(client.desk_url(), "https://desk.zoho.in");
///
/// // Tests and proxies: the Invoke API elsewhere, Desk URLs unchanged.
/// let local = InvokeClient::builder(Secret::new("manifest secret")?)
///     .base_url("http://127.0.0.1:9000/")
///     .build()?;
/// assert_eq!(local.invoke_url(), "http://127.0.0.1:9000/api/v1/invoke");
/// assert_eq!(local.desk_url(), "https://desk.zoho.com");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct InvokeClientBuilder {
    secret: Secret,
    data_centre: DataCentre,
    base_url: Option<String>,
    desk_url: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    retry: RetryPolicy,
    scheme: Arc<dyn InvokeHashScheme>,
    format: ResponseFormat,
    storage: StorageSettings,
    http: Option<reqwest::Client>,
}

impl InvokeClientBuilder {
    /// The organisation's data centre (default [`DataCentre::Com`]): the
    /// host the Invoke API is called on and Desk URLs are built with.
    pub fn data_centre(mut self, data_centre: DataCentre) -> Self {
        self.data_centre = data_centre;
        self
    }

    /// Posts Invoke calls to `{url}/api/v1/invoke` instead of the data
    /// centre's host (a proxy, or a local fake in tests). Desk API URLs
    /// still name the data centre's host, which Zoho calls.
    ///
    /// [`build`](Self::build) reads it as a [`BaseUrl`]: an absolute
    /// `http(s)` URL without credentials (`user:pass@`, refused with the URL
    /// shown without them), query or fragment. Plain `http://` to a host
    /// other than this machine is accepted with a `WARN` log at build time:
    /// every call sends the security context and the `HASH` to it.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Builds Desk API URLs on `url` instead of the data centre's host.
    /// Read as [`base_url`](Self::base_url) is.
    pub fn desk_url(mut self, url: impl Into<String>) -> Self {
        self.desk_url = Some(url.into());
        self
    }

    /// How long one attempt may take, from connecting to the end of Zoho's
    /// answer (default 10 s). The whole call, every attempt and wait, is
    /// bounded by the retry policy's budget
    /// ([`RetryPolicy::budget`], 30 s by default): keep that under the
    /// callback's own deadline when calling from a handler.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long connecting may take (default 5 s). Ignored with
    /// [`http_client`](Self::http_client), which has its own.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest answer of Zoho's that is read, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`], 4 MiB). An answer whose
    /// `Content-Length` is larger is refused before its body is read; one
    /// without is read until it passes the limit. Either is an
    /// [`InvokeError::TooLarge`](crate::InvokeError::TooLarge), and the
    /// memory a call holds for an answer stays within the limit.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// When to retry, and the time budget of a call (default
    /// [`RetryPolicy::default`]: two retries, 30 s).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The value size limit, delete method and rate limits of extension
    /// storage (default [`StorageSettings::default`]: the documented ones).
    pub fn storage(mut self, settings: StorageSettings) -> Self {
        self.storage = settings;
        self
    }

    /// Another `HASH` scheme than the default, [`HmacSha256Fields`].
    pub fn hash_scheme(mut self, scheme: impl InvokeHashScheme) -> Self {
        self.scheme = Arc::new(scheme);
        self
    }

    /// Where in Zoho's answer the target's answer and status are.
    pub fn response_format(mut self, format: ResponseFormat) -> Self {
        self.format = format;
        self
    }

    /// Shares an existing `reqwest::Client` (its pool, TLS and proxy
    /// settings) instead of creating one.
    ///
    /// Build it with `.redirect(reqwest::redirect::Policy::none())`, as the
    /// client this builder creates is: a built `reqwest::Client`'s redirect
    /// policy can be neither read nor changed, and `reqwest`'s default
    /// follows up to ten redirects. Following a `307` or `308` answer
    /// re-sends the same `POST`, form body (with the security context) and
    /// `HASH` header to the `Location`, on any host: on a redirect to
    /// another host `reqwest` drops only `Authorization`, `Cookie` and
    /// similar standard headers, not `HASH`. With the `none` policy every
    /// `3xx` answer reaches this crate and is an
    /// [`InvokeError::Redirect`](crate::InvokeError::Redirect), as it is with
    /// the client this builder creates.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the configuration and creates the client.
    pub fn build(self) -> Result<InvokeClient, BuildError> {
        if self.timeout.is_zero() {
            return Err(BuildError::ZeroTimeout("request"));
        }
        if self.connect_timeout.is_zero() {
            return Err(BuildError::ZeroTimeout("connect"));
        }
        if self.max_response_bytes == 0 {
            return Err(BuildError::ZeroResponseLimit);
        }
        if self.retry.budget_value().is_zero() {
            return Err(BuildError::ZeroBudget);
        }
        let storage = StorageLimiters::new(self.storage)?;
        let default_url = self.data_centre.desk_url();
        let base = match &self.base_url {
            Some(url) => {
                let base = http_base(url).map_err(|reason| BuildError::BaseUrl {
                    url: without_credentials(url),
                    reason,
                })?;
                if let Some(warning) = base.insecure_warning() {
                    tracing::warn!("the Invoke base URL {warning}");
                }
                base.to_string()
            }
            None => default_url.clone(),
        };
        let desk_url = match &self.desk_url {
            Some(url) => http_base(url)
                .map_err(|reason| BuildError::DeskUrl {
                    url: without_credentials(url),
                    reason,
                })?
                .to_string(),
            None => default_url,
        };
        let http = match self.http {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                // A redirect would re-send the security context and the
                // HASH to wherever it points: a 3xx is an error instead.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| BuildError::HttpClient(e.to_string()))?,
        };
        let key = self.scheme.key(&self.secret);
        Ok(InvokeClient {
            inner: Arc::new(Inner {
                http,
                invoke_url: format!("{base}{INVOKE_PATH}"),
                desk_url,
                secret: self.secret,
                scheme: self.scheme,
                key,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
                retry: self.retry,
                format: self.format,
                storage,
            }),
        })
    }
}

impl fmt::Debug for InvokeClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InvokeClientBuilder")
            .field("data_centre", &self.data_centre)
            .field(
                "base_url",
                &self.base_url.as_deref().map(without_credentials),
            )
            .field(
                "desk_url",
                &self.desk_url.as_deref().map(without_credentials),
            )
            .field("secret", &self.secret)
            .finish_non_exhaustive()
    }
}

/// `url` as a [`BaseUrl`] (no credentials, query or fragment; its normal
/// form, without a trailing slash), or why not.
///
/// Text that is not a URL at all, another scheme, and a query or fragment
/// are named in this builder's words (the `url` crate's parse error, the
/// scheme found); [`BaseUrl`] refuses the rest (credentials, whitespace,
/// characters a URL must not hold unencoded) and gives the normal form.
fn http_base(url: &str) -> Result<BaseUrl, String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| e.to_string())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "the scheme must be http or https, not {}",
            parsed.scheme()
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err("it must not have a query or a fragment".to_owned());
    }
    BaseUrl::parse(url).map_err(|e| e.reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> InvokeClientBuilder {
        InvokeClient::builder(Secret::new("s3cr3t-for-unit-tests").unwrap())
    }

    #[test]
    fn every_data_centre_has_its_invoke_url() {
        for dc in DataCentre::ALL {
            let client = builder().data_centre(dc).build().unwrap();
            assert_eq!(
                client.invoke_url(),
                format!("https://{}/api/v1/invoke", dc.desk_host())
            );
        }
    }

    #[test]
    fn bad_urls_and_timeouts_are_exact_errors() {
        let err = builder().base_url("not a url").build().unwrap_err();
        assert_eq!(
            err,
            BuildError::BaseUrl {
                url: "not a url".into(),
                reason: "relative URL without a base".into()
            }
        );
        assert_eq!(
            builder()
                .base_url("ftp://h")
                .build()
                .unwrap_err()
                .to_string(),
            "invalid Invoke base URL \"ftp://h\": the scheme must be http or https, not ftp"
        );
        assert_eq!(
            builder()
                .desk_url("https://h/?x=1")
                .build()
                .unwrap_err()
                .to_string(),
            "invalid Desk API URL \"https://h/?x=1\": it must not have a query or a fragment"
        );
        assert_eq!(
            builder().timeout(Duration::ZERO).build().unwrap_err(),
            BuildError::ZeroTimeout("request")
        );
        assert_eq!(
            builder()
                .connect_timeout(Duration::ZERO)
                .build()
                .unwrap_err()
                .to_string(),
            "the connect timeout must be longer than zero"
        );
    }

    #[test]
    fn credentials_in_a_url_are_refused_and_never_shown() {
        let reason = "it must not carry credentials (user:password@): URLs are printed and \
                      logged; give credentials another way";
        for (url, shown) in [
            (
                "http://user:hunter2@127.0.0.1:9000",
                "http://127.0.0.1:9000",
            ),
            (
                "https://hunter2@desk.example.com/zoho",
                "https://desk.example.com/zoho",
            ),
        ] {
            let base = builder().base_url(url).build().unwrap_err();
            assert_eq!(
                base,
                BuildError::BaseUrl {
                    url: shown.into(),
                    reason: reason.into()
                }
            );
            assert_eq!(
                base.to_string(),
                format!("invalid Invoke base URL \"{shown}\": {reason}")
            );
            let desk = builder().desk_url(url).build().unwrap_err();
            assert_eq!(
                desk,
                BuildError::DeskUrl {
                    url: shown.into(),
                    reason: reason.into()
                }
            );
            let unbuilt = builder().base_url(url).desk_url(url);
            let text = format!("{base} {base:?} {desk} {desk:?} {unbuilt:?}");
            assert!(!text.contains("hunter2"), "{text}");
        }
    }

    #[test]
    fn characters_a_url_must_not_hold_are_refused() {
        assert_eq!(
            builder()
                .base_url("http://127.0.0.1:9000/{x}")
                .build()
                .unwrap_err()
                .to_string(),
            "invalid Invoke base URL \"http://127.0.0.1:9000/{x}\": it must not contain any of \
             \" < > \\ ^ ` { | } (percent-encode them)"
        );
    }

    #[test]
    fn a_base_url_keeps_its_path_prefix() {
        let client = builder()
            .base_url("http://proxy:8080/zoho/")
            .build()
            .unwrap();
        assert_eq!(client.invoke_url(), "http://proxy:8080/zoho/api/v1/invoke");
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let client = builder().build().unwrap();
        let shown = format!("{client:?} {:?}", builder());
        assert!(!shown.contains("s3cr3t-for-unit-tests"), "{shown}");
        assert!(shown.contains("Secret(<redacted>)"), "{shown}");
    }
}
