//! The key set Desk signs its tokens with: fetched from the data centre's
//! JWKS URL (or given), cached in memory, refetched on an unknown `kid`.

use super::token::TokenError;
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, KeyAlgorithm, PublicKeyUse};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Where Desk's US data centre publishes its key set. Every data centre
/// publishes its own at `https://<its Desk host>/.well-known/jwks.json`
/// ([`jwks_url`]); one deployment serves the data centre it is configured
/// for.
pub const DEFAULT_JWKS_URL: &str = "https://desk.zoho.com/.well-known/jwks.json";

/// The key set URL of the data centre whose Desk host is `desk_host`
/// (`desk.zoho.eu`, …).
///
/// ```
/// assert_eq!(
///     callback_core::desk::jwks_url("desk.zoho.eu"),
///     "https://desk.zoho.eu/.well-known/jwks.json"
/// );
/// ```
pub fn jwks_url(desk_host: &str) -> String {
    format!("https://{desk_host}/.well-known/jwks.json")
}

/// How a fetched key set is kept and refetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeySettings {
    /// The longest one fetch may take, connecting and reading included
    /// (default 1.5 s: a cold fetch must leave most of Zoho's 5 s for the
    /// handlers). A fetch that takes longer fails.
    pub fetch_timeout: Duration,
    /// The least time between two fetches (default 10 s): a token naming a
    /// `kid` the cache does not hold starts a fetch only if the last one
    /// started longer ago than this, so a stream of made-up `kid`s costs at
    /// most one fetch per interval. Within it such a token is refused at
    /// once.
    pub min_refetch_interval: Duration,
    /// After how long the cached set is refreshed (default 1 hour), so that
    /// a key Desk withdraws stops verifying. The refresh runs in the
    /// background: the request that notices keeps using the cached keys.
    /// `None`: only an unknown `kid` refetches.
    pub max_age: Option<Duration>,
    /// The largest key set read, in bytes (default 256 KiB); a larger
    /// answer is a failed fetch.
    pub max_bytes: usize,
}

impl Default for KeySettings {
    fn default() -> Self {
        KeySettings {
            fetch_timeout: Duration::from_millis(1500),
            min_refetch_interval: Duration::from_secs(10),
            max_age: Some(Duration::from_secs(3600)),
            max_bytes: 256 * 1024,
        }
    }
}

/// Why a key set could not be fetched: what the source says, logged (at
/// `warn`) and never sent to the caller, who gets `503 keys_unavailable`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FetchError(String);

impl FetchError {
    /// A failure described by `message` (which must hold no credential).
    pub fn new(message: impl Into<String>) -> Self {
        FetchError(message.into())
    }
}

/// Where a key set comes from when it is (re)fetched: the data centre's
/// JWKS URL over HTTPS (`DeskKeys::from_url`, feature `jwks-http`), or
/// anything else that returns the JSON of a JWK set.
pub trait JwksSource: Send + Sync + 'static {
    /// Fetches the key set's bytes. The future must not borrow `self`
    /// (clone what it needs): it may run in the background. It is cut at
    /// [`KeySettings::fetch_timeout`].
    fn fetch(&self) -> BoxFuture<'static, Result<Vec<u8>, FetchError>>;

    /// What logs call the source (a URL without credentials or query).
    fn describe(&self) -> String;
}

/// Why a key set is not usable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeySetError {
    /// The text is not a JWK set (`{"keys": [...]}`).
    #[error("not a JWK set: {0}")]
    NotAKeySet(String),
    /// The set holds no RSA key for RS256 with a `kid`.
    #[error("the key set holds no RSA key for RS256 with a `kid`")]
    NoUsableKey,
    /// The URL is not an absolute http(s) URL without credentials.
    #[error(transparent)]
    Url(#[from] crate::BaseUrlError),
    /// The URL is plain `http://` to another machine, where anyone on the
    /// way could substitute their own keys.
    #[error(
        "{0} is plain http:// to a host that is not this machine: a key set must come over https://"
    )]
    InsecureUrl(String),
    /// The HTTP client could not be built.
    #[error("the HTTP client for the key set could not be built: {0}")]
    Client(String),
    /// A fetch failed.
    #[error("the key set could not be fetched: {0}")]
    Fetch(#[from] FetchError),
}

/// One key of the set, by `kid`: an RSA key for RS256, or why it is not one.
pub(crate) enum KeyEntry {
    /// An RSA key that may verify RS256.
    Rsa(DecodingKey),
    /// A key of another type or use (an EC key, an encryption key, an RSA
    /// key for another algorithm, or one whose numbers do not parse).
    Unusable(&'static str),
}

type Keys = HashMap<String, Arc<KeyEntry>>;

/// Reads a JWK set: each key with a `kid`, usable or not. A key that is
/// not even a JWK is skipped; the first of two keys with one `kid` wins.
pub(crate) fn parse_key_set(bytes: &[u8]) -> Result<Keys, KeySetError> {
    #[derive(serde::Deserialize)]
    struct Set {
        keys: Vec<serde_json::Value>,
    }
    let set: Set =
        serde_json::from_slice(bytes).map_err(|e| KeySetError::NotAKeySet(e.to_string()))?;
    let mut keys = Keys::new();
    for value in set.keys {
        let Some(kid) = value.get("kid").and_then(|k| k.as_str()).map(str::to_owned) else {
            continue;
        };
        let entry = match Jwk::deserialize_from(value) {
            Some(jwk) => key_entry(&jwk),
            None => KeyEntry::Unusable("it is not a JWK this library reads"),
        };
        keys.entry(kid).or_insert_with(|| Arc::new(entry));
    }
    if !keys.values().any(|k| matches!(**k, KeyEntry::Rsa(_))) {
        return Err(KeySetError::NoUsableKey);
    }
    Ok(keys)
}

/// `Jwk::deserialize` as an `Option`, the error dropped (its message may
/// quote the key).
trait DeserializeFrom: Sized {
    fn deserialize_from(value: serde_json::Value) -> Option<Self>;
}

impl DeserializeFrom for Jwk {
    fn deserialize_from(value: serde_json::Value) -> Option<Self> {
        serde_json::from_value(value).ok()
    }
}

fn key_entry(jwk: &Jwk) -> KeyEntry {
    let AlgorithmParameters::RSA(rsa) = &jwk.algorithm else {
        return KeyEntry::Unusable("it is not an RSA key");
    };
    if jwk
        .common
        .public_key_use
        .as_ref()
        .is_some_and(|u| *u != PublicKeyUse::Signature)
    {
        return KeyEntry::Unusable("it is not a signing key (`use` is not `sig`)");
    }
    if jwk
        .common
        .key_algorithm
        .is_some_and(|a| a != KeyAlgorithm::RS256)
    {
        return KeyEntry::Unusable("it is for another algorithm than RS256");
    }
    match DecodingKey::from_rsa_components(&rsa.n, &rsa.e) {
        Ok(key) => KeyEntry::Rsa(key),
        Err(_) => KeyEntry::Unusable("its modulus or exponent is not base64url"),
    }
}

/// The keys Desk signs `X-ZDesk-JWT` tokens with.
///
/// Either given once ([`DeskKeys::from_jwks`]: never fetched, for tests and
/// pinned keys) or fetched from a [`JwksSource`] (`DeskKeys::from_url`
/// for the data centre's JWKS URL): then the set is fetched on the first
/// token (or [`DeskKeys::prefetch`] at start-up), cached in memory, and
/// refetched
///
/// - when a token names a `kid` the cache does not hold, at most once per
///   [`KeySettings::min_refetch_interval`]; every token waiting for that
///   `kid` waits for the same fetch (single flight), and no other request
///   waits at all;
/// - in the background once the set is older than [`KeySettings::max_age`].
///
/// Each fetch is cut at [`KeySettings::fetch_timeout`]. A fetch that fails
/// (the host down, too slow, an answer that is not a key set or holds no
/// RS256 key) keeps the cached keys: tokens naming them verify as before;
/// a token naming any other `kid` is refused at once with `503
/// keys_unavailable` until the next fetch may start.
///
/// Cheap to clone: clones share the cache.
#[derive(Clone)]
pub struct DeskKeys {
    inner: Arc<Inner>,
}

struct Inner {
    source: Option<Arc<dyn JwksSource>>,
    described: String,
    settings: KeySettings,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    keys: Keys,
    /// When the last fetch that succeeded started.
    fetched: Option<Instant>,
    /// When the last fetch started.
    attempted: Option<Instant>,
    /// Whether the last fetch failed.
    failing: bool,
    in_flight: Option<Shared<BoxFuture<'static, ()>>>,
}

impl DeskKeys {
    /// A fixed key set, from the JSON of a JWK set: never fetched; a token
    /// naming another `kid` is `401 unknown_key`.
    pub fn from_jwks(json: &str) -> Result<Self, KeySetError> {
        let keys = parse_key_set(json.as_bytes())?;
        Ok(DeskKeys {
            inner: Arc::new(Inner {
                source: None,
                described: "a fixed key set".to_owned(),
                settings: KeySettings::default(),
                state: Mutex::new(State {
                    keys,
                    ..State::default()
                }),
            }),
        })
    }

    /// A key set fetched from `source` as [`KeySettings::default`] says.
    pub fn from_source(source: impl JwksSource) -> Self {
        DeskKeys::from_source_with(source, KeySettings::default())
    }

    /// A key set fetched from `source` as `settings` say.
    pub fn from_source_with(source: impl JwksSource, settings: KeySettings) -> Self {
        DeskKeys {
            inner: Arc::new(Inner {
                described: source.describe(),
                source: Some(Arc::new(source)),
                settings,
                state: Mutex::new(State::default()),
            }),
        }
    }

    /// How the set is fetched and kept.
    pub fn settings(&self) -> &KeySettings {
        &self.inner.settings
    }

    /// What logs call the set: its URL, or "a fixed key set".
    pub fn describe(&self) -> &str {
        &self.inner.described
    }

    /// The `kid`s cached now, usable or not, sorted.
    pub fn key_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.state().keys.keys().cloned().collect();
        ids.sort();
        ids
    }

    /// Fetches the set now (if it is fetched at all), so that the first
    /// delivery does not wait for it: call it at start-up. Returns how many
    /// keys are cached.
    pub async fn prefetch(&self) -> Result<usize, KeySetError> {
        let fetch = self.start_fetch(&mut self.state());
        if let Some(fetch) = fetch {
            fetch.await;
        }
        let state = self.state();
        match state.failing {
            true => Err(KeySetError::Fetch(FetchError::new(
                "see the warning logged for it",
            ))),
            false => Ok(state.keys.len()),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held left the cache as a whole map:
        // it is still usable.
        self.inner
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The key named `kid`, fetching the set once if it is not cached and a
    /// fetch may start.
    pub(crate) async fn key(&self, kid: &str) -> Result<Arc<KeyEntry>, TokenError> {
        let wait = {
            let mut state = self.state();
            if let Some(key) = state.keys.get(kid).cloned() {
                self.refresh_if_old(&mut state);
                return Ok(key);
            }
            match &state.in_flight {
                Some(fetch) => fetch.clone(),
                None => match self.may_fetch(&state) {
                    true => match self.start_fetch(&mut state) {
                        Some(fetch) => fetch,
                        None => return Err(self.miss(&state)),
                    },
                    false => return Err(self.miss(&state)),
                },
            }
        };
        wait.await;
        let state = self.state();
        state
            .keys
            .get(kid)
            .cloned()
            .ok_or_else(|| self.miss(&state))
    }

    /// Why `kid` is not there: unknown to a set that was read, or no set to
    /// know it by.
    fn miss(&self, state: &State) -> TokenError {
        if state.failing || (self.inner.source.is_some() && state.fetched.is_none()) {
            TokenError::KeysUnavailable
        } else {
            TokenError::UnknownKey
        }
    }

    fn may_fetch(&self, state: &State) -> bool {
        state
            .attempted
            .is_none_or(|at| at.elapsed() >= self.inner.settings.min_refetch_interval)
    }

    fn refresh_if_old(&self, state: &mut State) {
        let old = match (self.inner.settings.max_age, state.fetched) {
            (Some(max_age), Some(fetched)) => fetched.elapsed() >= max_age,
            _ => false,
        };
        if old && state.in_flight.is_none() && self.may_fetch(state) {
            let _background = self.start_fetch(state);
        }
    }

    /// Starts a fetch (none for a fixed set), in the background where there
    /// is a Tokio runtime: it updates the cache when it ends, whoever waits.
    fn start_fetch(&self, state: &mut State) -> Option<Shared<BoxFuture<'static, ()>>> {
        let source = self.inner.source.clone()?;
        if let Some(fetch) = &state.in_flight {
            return Some(fetch.clone());
        }
        let keys = self.clone();
        let started = Instant::now();
        let fetch = async move {
            let settings = keys.inner.settings;
            let result = match tokio::time::timeout(settings.fetch_timeout, source.fetch()).await {
                Err(_) => Err(KeySetError::Fetch(FetchError::new(format!(
                    "no answer within {} ms",
                    settings.fetch_timeout.as_millis()
                )))),
                Ok(Err(err)) => Err(KeySetError::Fetch(err)),
                Ok(Ok(bytes)) if bytes.len() > settings.max_bytes => {
                    Err(KeySetError::Fetch(FetchError::new(format!(
                        "the answer is larger than {} bytes",
                        settings.max_bytes
                    ))))
                }
                Ok(Ok(bytes)) => parse_key_set(&bytes),
            };
            let mut state = keys.state();
            match result {
                Ok(fresh) => {
                    tracing::debug!(source = %keys.inner.described, keys = fresh.len(), "Desk key set fetched");
                    state.keys = fresh;
                    state.fetched = Some(started);
                    state.failing = false;
                }
                Err(err) => {
                    tracing::warn!(
                        source = %keys.inner.described,
                        cached = state.keys.len(),
                        error = %err,
                        "Desk key set fetch failed; the cached keys stay in use"
                    );
                    state.failing = true;
                }
            }
            state.in_flight = None;
        }
        .boxed()
        .shared();
        state.attempted = Some(started);
        state.in_flight = Some(fetch.clone());
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            drop(runtime.spawn(fetch.clone()));
        }
        Some(fetch)
    }
}

impl fmt::Debug for DeskKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeskKeys")
            .field("source", &self.inner.described)
            .field("keys", &self.state().keys.len())
            .field("settings", &self.inner.settings)
            .finish()
    }
}
