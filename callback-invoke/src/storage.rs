//! Extension storage through the Invoke API: typed values, the documented
//! limits checked before sending, and the documented rate limits kept on
//! the client side, per organisation.

use crate::error::{BuildError, InvokeError};
use crate::request::{Invoke, InvokeRequest};
use crate::response::InvokeResponse;
use governor::{DefaultKeyedRateLimiter, Quota};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::num::NonZeroU32;
use std::time::Duration;

/// The storage API's path under the Desk host; Desk replaces
/// `{{installationId}}`, sent as it is.
pub const STORAGE_PATH: &str = "/api/v1/installedExtensions/{{installationId}}/storage";
/// The longest `key` or `queriableValue`, in characters.
pub const MAX_KEY_CHARS: usize = 50;
/// The most values one call adds or gets.
pub const MAX_VALUES_PER_CALL: usize = 10;
/// The largest value, as JSON, in bytes, unless
/// [`StorageSettings::max_value_bytes`] says otherwise: 1 KB, as the
/// extension storage documentation says (a newer guide says 5.1 KB).
pub const DEFAULT_MAX_VALUE_BYTES: usize = 1024;

/// At most `calls` calls in any window of `per`, for one organisation.
///
/// A limit of *n* per period lets `⌈n/2⌉` calls go at once, then one every
/// `per / (n - ⌈n/2⌉ + 1)`: never more than *n* in any window of `per`,
/// however the window is placed (a limiter that let all *n* go at once and
/// then refilled over the period would let nearly *2n* through in a
/// period). A call over the limit waits for its turn; it does not fail.
///
/// ```
/// use callback_invoke::RateLimit;
/// use std::num::NonZeroU32;
/// use std::time::Duration;
///
/// let writes = RateLimit::per_minute(NonZeroU32::new(50).unwrap());
/// assert_eq!((writes.calls(), writes.period()), (50, Duration::from_secs(60)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    calls: NonZeroU32,
    per: Duration,
}

impl RateLimit {
    /// At most `calls` a minute.
    pub const fn per_minute(calls: NonZeroU32) -> Self {
        RateLimit::new(calls, Duration::from_secs(60))
    }

    /// At most `calls` in any window of `per` (a zero `per` is refused by
    /// [`InvokeClientBuilder::build`](crate::InvokeClientBuilder::build)).
    pub const fn new(calls: NonZeroU32, per: Duration) -> Self {
        RateLimit { calls, per }
    }

    /// The most calls in a window.
    pub fn calls(&self) -> u32 {
        self.calls.get()
    }

    /// The window.
    pub fn period(&self) -> Duration {
        self.per
    }

    /// The quota as `governor` counts it, or `None` for a zero period.
    fn quota(&self) -> Option<Quota> {
        let calls = self.calls.get();
        let burst = calls.div_ceil(2);
        // Rounded up: a shorter interval would fit one call too many.
        let nanos = self.per.as_nanos().div_ceil(u128::from(calls - burst + 1));
        let interval = Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX));
        Some(Quota::with_period(interval)?.allow_burst(NonZeroU32::new(burst)?))
    }
}

/// Which of the documented storage rate limits a call counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Write,
    Read,
    Delete,
}

/// How extension storage is called: the value size limit, the delete
/// method, and the rate limits kept for each organisation.
///
/// The defaults are the documented ones: values of at most 1 KB as JSON
/// ([`DEFAULT_MAX_VALUE_BYTES`]; a newer guide says 5.1 KB, which
/// [`max_value_bytes`](Self::max_value_bytes) allows), 50 writes, 250
/// reads and 50 deletes a minute per organisation. How a value is deleted
/// is not documented: by default `DELETE` on [`STORAGE_PATH`] with the
/// `key` and/or `queriableValue` as query parameters
/// ([`delete_method`](Self::delete_method) changes the method).
///
/// ```
/// use callback_invoke::{InvokeClient, RateLimit, StorageSettings, Method};
/// use callback_core::Secret;
/// use std::num::NonZeroU32;
/// use std::time::Duration;
///
/// let settings = StorageSettings::default()
///     .max_value_bytes(5 * 1024 + 102) // the newer guide's 5.1 KB
///     .delete_method(Method::POST)
///     .writes(RateLimit::new(NonZeroU32::new(10).unwrap(), Duration::from_secs(1)));
/// let client = InvokeClient::builder(Secret::new("manifest secret")?)
///     .storage(settings)
///     .build()?;
/// assert_eq!(client.storage_settings().max_value_bytes_value(), 5222);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageSettings {
    max_value_bytes: usize,
    delete_method: Method,
    writes: RateLimit,
    reads: RateLimit,
    deletes: RateLimit,
}

impl Default for StorageSettings {
    fn default() -> Self {
        let per_minute = |n| RateLimit::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        StorageSettings {
            max_value_bytes: DEFAULT_MAX_VALUE_BYTES,
            delete_method: Method::DELETE,
            writes: per_minute(50),
            reads: per_minute(250),
            deletes: per_minute(50),
        }
    }
}

impl StorageSettings {
    /// The largest value, as JSON, in bytes (default
    /// [`DEFAULT_MAX_VALUE_BYTES`]).
    pub fn max_value_bytes(mut self, limit: usize) -> Self {
        self.max_value_bytes = limit;
        self
    }

    /// The method deleting a value is called with (default `DELETE`; not
    /// documented).
    pub fn delete_method(mut self, method: Method) -> Self {
        self.delete_method = method;
        self
    }

    /// The rate limit of adds, per organisation (default 50 a minute).
    pub fn writes(mut self, limit: RateLimit) -> Self {
        self.writes = limit;
        self
    }

    /// The rate limit of gets, per organisation (default 250 a minute).
    pub fn reads(mut self, limit: RateLimit) -> Self {
        self.reads = limit;
        self
    }

    /// The rate limit of deletes, per organisation (default 50 a minute).
    pub fn deletes(mut self, limit: RateLimit) -> Self {
        self.deletes = limit;
        self
    }

    /// The largest value, as JSON, in bytes.
    pub fn max_value_bytes_value(&self) -> usize {
        self.max_value_bytes
    }

    /// The method deleting a value is called with.
    pub fn delete_method_value(&self) -> &Method {
        &self.delete_method
    }

    /// The rate limits of adds, gets and deletes.
    pub fn rate_limits(&self) -> (RateLimit, RateLimit, RateLimit) {
        (self.writes, self.reads, self.deletes)
    }
}

/// The settings and one rate limiter per kind of call, each keyed by
/// organisation (one small entry per organisation that used storage, for
/// the life of the client).
pub(crate) struct StorageLimiters {
    pub(crate) settings: StorageSettings,
    writes: DefaultKeyedRateLimiter<u64>,
    reads: DefaultKeyedRateLimiter<u64>,
    deletes: DefaultKeyedRateLimiter<u64>,
}

impl StorageLimiters {
    pub(crate) fn new(settings: StorageSettings) -> Result<Self, BuildError> {
        let limiter = |limit: RateLimit, name| {
            let quota = limit.quota().ok_or(BuildError::ZeroRatePeriod(name))?;
            Ok(DefaultKeyedRateLimiter::keyed(quota))
        };
        Ok(StorageLimiters {
            writes: limiter(settings.writes, "writes")?,
            reads: limiter(settings.reads, "reads")?,
            deletes: limiter(settings.deletes, "deletes")?,
            settings,
        })
    }

    /// Waits until `org` may make a call of `kind`.
    async fn until_ready(&self, kind: Kind, org: u64) {
        let limiter = match kind {
            Kind::Write => &self.writes,
            Kind::Read => &self.reads,
            Kind::Delete => &self.deletes,
        };
        if limiter.check_key(&org).is_ok() {
            return;
        }
        tracing::info!(
            org_id = org,
            kind = ?kind,
            "waiting for the client-side storage rate limit"
        );
        limiter.until_key_ready(&org).await;
    }
}

impl fmt::Debug for StorageLimiters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.settings.fmt(f)
    }
}

/// A field of a stored value that the limits apply to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageField {
    /// `key`.
    Key,
    /// `queriableValue`.
    QueriableValue,
}

impl fmt::Display for StorageField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StorageField::Key => "key",
            StorageField::QueriableValue => "queriableValue",
        })
    }
}

/// A documented limit of extension storage that a call breaks, found
/// before sending.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// A `key` or `queriableValue` that is empty.
    #[error("the {field} is empty")]
    Empty {
        /// Which one.
        field: StorageField,
    },
    /// A `key` or `queriableValue` longer than [`MAX_KEY_CHARS`].
    #[error("the {field} is {length} characters long, more than {limit}")]
    TooLong {
        /// Which one.
        field: StorageField,
        /// Its length, in characters.
        length: usize,
        /// The limit, [`MAX_KEY_CHARS`].
        limit: usize,
    },
    /// A `key` or `queriableValue` holding a character other than an ASCII
    /// letter or digit, `,`, `_` or `:`.
    #[error(
        "the {field} holds {character:?} at character {position}: only letters, digits, `,`, `_` and `:` are allowed"
    )]
    Character {
        /// Which one.
        field: StorageField,
        /// The first character refused.
        character: char,
        /// Its position, counted in characters from 1.
        position: usize,
    },
    /// A value longer, as JSON, than the limit
    /// ([`StorageSettings::max_value_bytes`]).
    #[error("the value of {key:?} is {size} bytes as JSON, more than the limit of {limit}")]
    ValueTooLarge {
        /// The value's key.
        key: String,
        /// Its size as JSON, in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A value that does not serialise to JSON.
    #[error("the value of {key:?} does not serialise: {reason}")]
    Unserialisable {
        /// The value's key.
        key: String,
        /// What serde reported.
        reason: String,
    },
    /// No values to add.
    #[error("there are no values to add")]
    NoValues,
    /// More values in one call than [`MAX_VALUES_PER_CALL`].
    #[error("{count} values in one call, more than {limit}")]
    TooManyValues {
        /// How many were given.
        count: usize,
        /// The limit, [`MAX_VALUES_PER_CALL`].
        limit: usize,
    },
    /// A `limit` of a get outside `1..=`[`MAX_VALUES_PER_CALL`].
    #[error("a get of {limit} values: between 1 and {max} values may be got in one call")]
    GetLimit {
        /// The limit asked for.
        limit: u32,
        /// The most, [`MAX_VALUES_PER_CALL`].
        max: usize,
    },
    /// A delete that names neither a `key` nor a `queriableValue`.
    #[error("a delete must name a key or a queriableValue")]
    NoSelector,
    /// A delete with `from` or `limit`, which only a get takes.
    #[error("a delete takes no `from` or `limit`, only a key and/or a queriableValue")]
    DeletePaging,
}

/// `value` as a `key` or `queriableValue`: 1 to [`MAX_KEY_CHARS`] ASCII
/// letters, digits, `,`, `_` and `:`.
fn check_name(field: StorageField, value: &str) -> Result<(), StorageError> {
    if value.is_empty() {
        return Err(StorageError::Empty { field });
    }
    let length = value.chars().count();
    if length > MAX_KEY_CHARS {
        return Err(StorageError::TooLong {
            field,
            length,
            limit: MAX_KEY_CHARS,
        });
    }
    let refused = value
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, ',' | '_' | ':')));
    match refused {
        Some((at, character)) => Err(StorageError::Character {
            field,
            character,
            position: at + 1,
        }),
        None => Ok(()),
    }
}

/// One stored value: its `key`, an optional `queriableValue` to find it
/// by, and the value itself, any type that serialises to JSON (Zoho's
/// documentation shows an object).
///
/// On the wire: `{"key": "…", "queriableValue": "…", "value": …}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageEntry<T> {
    /// The key: 1 to 50 ASCII letters, digits, `,`, `_` and `:`.
    pub key: String,
    /// A value to query by, with the same limits as the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queriable_value: Option<String>,
    /// The value.
    pub value: T,
}

impl<T> StorageEntry<T> {
    /// `value` under `key`, without a `queriableValue`.
    pub fn new(key: impl Into<String>, value: T) -> Self {
        StorageEntry {
            key: key.into(),
            queriable_value: None,
            value,
        }
    }

    /// With a `queriableValue` to find it by.
    pub fn queriable_value(mut self, value: impl Into<String>) -> Self {
        self.queriable_value = Some(value.into());
        self
    }

    /// The `key` and `queriableValue`, checked against the limits.
    fn check(&self) -> Result<(), StorageError> {
        check_name(StorageField::Key, &self.key)?;
        match &self.queriable_value {
            Some(value) => check_name(StorageField::QueriableValue, value),
            None => Ok(()),
        }
    }
}

/// Which stored values a get or a delete is about: by `key` and/or
/// `queriableValue`; a get may also page (`from`, `limit`).
///
/// ```
/// use callback_invoke::StorageQuery;
///
/// let by_key = StorageQuery::key("sync:42");
/// let page = StorageQuery::queriable_value("pending").from(1).limit(10);
/// let all = StorageQuery::all().limit(5);
/// # let _ = (by_key, page, all);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StorageQuery {
    key: Option<String>,
    queriable_value: Option<String>,
    from: Option<u32>,
    limit: Option<u32>,
}

impl StorageQuery {
    /// Every value (for a get; a delete must name a key or a
    /// `queriableValue`).
    pub fn all() -> Self {
        StorageQuery::default()
    }

    /// The value stored under `key`.
    pub fn key(key: impl Into<String>) -> Self {
        StorageQuery {
            key: Some(key.into()),
            ..StorageQuery::default()
        }
    }

    /// The values whose `queriableValue` is `value`.
    pub fn queriable_value(value: impl Into<String>) -> Self {
        StorageQuery::default().and_queriable_value(value)
    }

    /// Also with this `queriableValue`.
    pub fn and_queriable_value(mut self, value: impl Into<String>) -> Self {
        self.queriable_value = Some(value.into());
        self
    }

    /// A get from this position on (`from`, as Zoho counts).
    pub fn from(mut self, from: u32) -> Self {
        self.from = Some(from);
        self
    }

    /// A get of at most `limit` values (1 to [`MAX_VALUES_PER_CALL`]).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The `key` and `queriableValue` given, checked against the limits.
    fn check_selectors(&self) -> Result<(), StorageError> {
        if let Some(key) = &self.key {
            check_name(StorageField::Key, key)?;
        }
        if let Some(value) = &self.queriable_value {
            check_name(StorageField::QueriableValue, value)?;
        }
        Ok(())
    }

    /// The query parameters, in the order `key`, `queriableValue`, `from`,
    /// `limit`.
    fn apply(&self, mut request: InvokeRequest) -> InvokeRequest {
        if let Some(key) = &self.key {
            request = request.query("key", key);
        }
        if let Some(value) = &self.queriable_value {
            request = request.query("queriableValue", value);
        }
        if let Some(from) = self.from {
            request = request.query("from", from);
        }
        if let Some(limit) = self.limit {
            request = request.query("limit", limit);
        }
        request
    }
}

/// Extension storage for one organisation's installation, through the
/// Invoke API: from [`Invoke::storage`].
///
/// Every documented limit is checked before anything is sent, each as an
/// [`InvokeError::Storage`] naming it; the documented rate limits are kept
/// per organisation by the client ([`StorageSettings`]), so that a burst
/// waits for its turn rather than failing. Storage must be on in the
/// manifest (`"storage": true`); Zoho erases it on uninstall.
///
/// Adds are `POST`s, never retried; gets and deletes (`DELETE` by default)
/// are retried as [`RetryPolicy`](crate::RetryPolicy) says. Waiting for the
/// rate limit is not part of a call's time budget.
///
/// What is not documented: one value is added as the object the public
/// samples post; several in one call are sent as a JSON array of such
/// objects. A get's answer is read from its `data` array (as config
/// params are) or, if the answer is itself an array, from it; a value
/// that Zoho gives back as a string of JSON is read from that JSON when it
/// does not read as it is.
#[derive(Clone, Debug)]
pub struct Storage {
    invoke: Invoke,
}

impl Invoke {
    /// Extension storage for this installation: add, get and delete typed
    /// values.
    ///
    /// ```no_run
    /// # async fn run(zoho: callback_invoke::Invoke) -> Result<(), callback_invoke::InvokeError> {
    /// use callback_invoke::{StorageEntry, StorageQuery};
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Serialize, Deserialize)]
    /// struct Sync {
    ///     cursor: String,
    ///     pages: u32,
    /// }
    ///
    /// let storage = zoho.storage();
    /// let sync = Sync { cursor: "c-1".into(), pages: 3 };
    /// storage
    ///     .add(&[StorageEntry::new("sync:jira", &sync).queriable_value("pending")])
    ///     .await?;
    /// let pending: Vec<StorageEntry<Sync>> =
    ///     storage.get(&StorageQuery::queriable_value("pending").limit(10)).await?;
    /// storage.delete(&StorageQuery::key("sync:jira")).await?;
    /// # Ok(()) }
    /// ```
    pub fn storage(&self) -> Storage {
        Storage {
            invoke: self.clone(),
        }
    }
}

impl Storage {
    /// Adds `entries` (1 to [`MAX_VALUES_PER_CALL`]); each key and
    /// `queriableValue` and the size of each value as JSON are checked
    /// first, and nothing is sent if one breaks a limit. Waits, if it must,
    /// for the organisation's write rate limit.
    pub async fn add<T: Serialize>(
        &self,
        entries: &[StorageEntry<T>],
    ) -> Result<InvokeResponse, InvokeError> {
        let request = self.invoke.desk_post(STORAGE_PATH);
        let refused = |error| refusal(&request, error);
        if entries.is_empty() {
            return Err(refused(StorageError::NoValues));
        }
        if entries.len() > MAX_VALUES_PER_CALL {
            return Err(refused(StorageError::TooManyValues {
                count: entries.len(),
                limit: MAX_VALUES_PER_CALL,
            }));
        }
        let limit = self.settings().max_value_bytes;
        let mut objects = Vec::with_capacity(entries.len());
        for entry in entries {
            entry.check().map_err(refused)?;
            let value = serde_json::to_value(&entry.value).map_err(|e| {
                refused(StorageError::Unserialisable {
                    key: entry.key.clone(),
                    reason: e.to_string(),
                })
            })?;
            let size = value.to_string().len();
            if size > limit {
                return Err(refused(StorageError::ValueTooLarge {
                    key: entry.key.clone(),
                    size,
                    limit,
                }));
            }
            let mut object = serde_json::Map::new();
            object.insert("key".into(), entry.key.clone().into());
            if let Some(queriable) = &entry.queriable_value {
                object.insert("queriableValue".into(), queriable.clone().into());
            }
            object.insert("value".into(), value);
            objects.push(Value::Object(object));
        }
        let body = match <[Value; 1]>::try_from(objects) {
            Ok([one]) => one,
            Err(many) => Value::Array(many),
        };
        self.until_ready(Kind::Write).await;
        request.json(&body).send().await
    }

    /// The values `query` selects, each read as `T`. Its key and
    /// `queriableValue` and its `limit` (1 to [`MAX_VALUES_PER_CALL`]) are
    /// checked first. Waits, if it must, for the organisation's read rate
    /// limit.
    pub async fn get<T: DeserializeOwned>(
        &self,
        query: &StorageQuery,
    ) -> Result<Vec<StorageEntry<T>>, InvokeError> {
        let request = self.invoke.desk_get(STORAGE_PATH);
        query
            .check_selectors()
            .map_err(|error| refusal(&request, error))?;
        if let Some(limit) = query.limit {
            let max = MAX_VALUES_PER_CALL;
            if limit == 0 || usize::try_from(limit).is_ok_and(|n| n > max) {
                return Err(refusal(&request, StorageError::GetLimit { limit, max }));
            }
        }
        self.until_ready(Kind::Read).await;
        let answer = query.apply(request).send().await?;
        let items = match answer.body() {
            Value::Array(items) => items.as_slice(),
            _ => answer.array_field("data")?,
        };
        let none = crate::redact::Redactor::new(&[]);
        items
            .iter()
            .map(|item| {
                let entry: StorageEntry<Value> = answer.decode(item, &none)?;
                let value = match answer.decode(&entry.value, &none) {
                    Ok(value) => value,
                    Err(err) => match &entry.value {
                        Value::String(text) => serde_json::from_str::<Value>(text)
                            .ok()
                            .and_then(|json| answer.decode(&json, &none).ok())
                            .ok_or(err)?,
                        _ => return Err(err),
                    },
                };
                Ok(StorageEntry {
                    key: entry.key,
                    queriable_value: entry.queriable_value,
                    value,
                })
            })
            .collect()
    }

    /// Deletes the values `query` selects, which must name a key or a
    /// `queriableValue` (checked first) and nothing else. Sent with
    /// [`StorageSettings::delete_method`] (`DELETE` by default: the
    /// documented method is not known), the key and `queriableValue` as
    /// query parameters. Waits, if it must, for the organisation's delete
    /// rate limit.
    pub async fn delete(&self, query: &StorageQuery) -> Result<InvokeResponse, InvokeError> {
        let method = self.settings().delete_method.clone();
        let request = self.invoke.desk(method, STORAGE_PATH);
        let refused = |error| refusal(&request, error);
        if query.key.is_none() && query.queriable_value.is_none() {
            return Err(refused(StorageError::NoSelector));
        }
        if query.from.is_some() || query.limit.is_some() {
            return Err(refused(StorageError::DeletePaging));
        }
        query.check_selectors().map_err(refused)?;
        self.until_ready(Kind::Delete).await;
        query.apply(request).send().await
    }

    fn settings(&self) -> &StorageSettings {
        &self.invoke.client().inner().storage.settings
    }

    async fn until_ready(&self, kind: Kind) {
        let org = self.invoke.org_id().get();
        self.invoke
            .client()
            .inner()
            .storage
            .until_ready(kind, org)
            .await;
    }
}

/// `error` for the call `request` would have made.
fn refusal(request: &InvokeRequest, error: StorageError) -> InvokeError {
    InvokeError::Storage {
        call: request.call(),
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_letters_digits_and_three_marks_up_to_50() {
        let key = StorageField::Key;
        for ok in ["a", "Sync:42,x_y", &"z".repeat(50)] {
            assert_eq!(check_name(key, ok), Ok(()), "{ok}");
        }
        assert_eq!(check_name(key, ""), Err(StorageError::Empty { field: key }));
        assert_eq!(
            check_name(key, &"é".repeat(51)),
            Err(StorageError::TooLong {
                field: key,
                length: 51,
                limit: 50
            })
        );
        for (bad, character, position) in [("a b", ' ', 2), ("ab-", '-', 3), ("é", 'é', 1)] {
            assert_eq!(
                check_name(StorageField::QueriableValue, bad),
                Err(StorageError::Character {
                    field: StorageField::QueriableValue,
                    character,
                    position
                }),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_limit_of_n_never_lets_more_than_n_through_in_a_period() {
        let minute = Duration::from_secs(60);
        for (calls, burst) in [(1, 1), (2, 1), (3, 2), (50, 25), (250, 125)] {
            let limit = RateLimit::per_minute(NonZeroU32::new(calls).unwrap());
            let quota = limit.quota().unwrap();
            assert_eq!(quota.burst_size().get(), burst, "{calls}");
            // The burst at once, then one per interval: how many fit in a
            // window just short of a minute.
            let interval = quota.replenish_interval().as_nanos();
            let after_burst = (minute.as_nanos() - 1) / interval;
            assert_eq!(
                u128::from(burst) + after_burst,
                u128::from(calls),
                "{calls}"
            );
        }
        let zero = RateLimit::new(NonZeroU32::MIN, Duration::ZERO);
        assert!(zero.quota().is_none());
    }
}
