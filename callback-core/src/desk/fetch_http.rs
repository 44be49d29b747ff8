//! The key set fetched over HTTP(S) with reqwest (feature `jwks-http`).

use super::keys::{DeskKeys, FetchError, JwksSource, KeySetError, KeySettings};
use crate::BaseUrl;
use futures_util::FutureExt;
use futures_util::future::BoxFuture;

/// A JWKS URL fetched with one shared reqwest client (rustls, no
/// redirects followed: a key set that moved is a failure to look at, not
/// to follow).
struct HttpSource {
    client: reqwest::Client,
    url: BaseUrl,
    max_bytes: usize,
}

impl JwksSource for HttpSource {
    fn fetch(&self) -> BoxFuture<'static, Result<Vec<u8>, FetchError>> {
        let request = self.client.get(self.url.as_str());
        let max_bytes = self.max_bytes;
        async move {
            let mut response = request
                .send()
                .await
                .map_err(|e| FetchError::new(format!("the request failed: {}", e.without_url())))?;
            let status = response.status();
            if !status.is_success() {
                return Err(FetchError::new(format!("the answer is {status}")));
            }
            if response
                .content_length()
                .is_some_and(|n| n > max_bytes as u64)
            {
                return Err(FetchError::new(format!(
                    "the answer is larger than {max_bytes} bytes"
                )));
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| {
                FetchError::new(format!("the answer could not be read: {}", e.without_url()))
            })? {
                if body.len() + chunk.len() > max_bytes {
                    return Err(FetchError::new(format!(
                        "the answer is larger than {max_bytes} bytes"
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body)
        }
        .boxed()
    }

    fn describe(&self) -> String {
        self.url.to_string()
    }
}

impl DeskKeys {
    /// The key set at `url` (the data centre's
    /// [`DEFAULT_JWKS_URL`](super::DEFAULT_JWKS_URL) or
    /// [`jwks_url`](super::jwks_url)), fetched as [`KeySettings::default`]
    /// says. Plain `http://` is refused unless the host is this machine
    /// (a test server): a key set is what every token is trusted by.
    pub fn from_url(url: &str) -> Result<Self, KeySetError> {
        DeskKeys::from_url_with(url, KeySettings::default())
    }

    /// [`DeskKeys::from_url`] with other settings.
    pub fn from_url_with(url: &str, settings: KeySettings) -> Result<Self, KeySetError> {
        let url = BaseUrl::parse(url)?;
        if !url.is_https() && !url.is_loopback() {
            return Err(KeySetError::InsecureUrl(url.to_string()));
        }
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(settings.fetch_timeout)
            .timeout(settings.fetch_timeout)
            .build()
            .map_err(|e| KeySetError::Client(e.to_string()))?;
        Ok(DeskKeys::from_source_with(
            HttpSource {
                client,
                url,
                max_bytes: settings.max_bytes,
            },
            settings,
        ))
    }
}
