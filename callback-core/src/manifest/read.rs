//! Reading the `callbackListener` of an existing `plugin-manifest.json`, as
//! a local stand-in for Zoho does to know where to POST each event.

use super::listener::check_base_url;
use super::{CallbackListener, ListenerError, Members, json_error_reason};
use crate::{Event, UnknownEvent};
use serde_json::Value;
use serde_json::value::RawValue;

/// The manifest key read.
const KEY: &str = "callbackListener";

/// Why a manifest's `callbackListener` could not be read.
///
/// No variant carries anything but the listener's own text: the manifest's
/// `secret` never shows in one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadListenerError {
    /// The manifest is not valid JSON.
    #[error("not valid JSON: {reason} at line {line} column {column}")]
    InvalidJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        reason: String,
    },
    /// The manifest has no top-level `callbackListener` (or is not an
    /// object at all).
    #[error("no \"callbackListener\" object")]
    Missing,
    /// The top-level `callbackListener` is not an object.
    #[error("\"callbackListener\" is not an object")]
    NotAnObject,
    /// The manifest has more than one top-level `callbackListener` key:
    /// readers disagree on which one counts.
    #[error("the manifest has {count} top-level \"callbackListener\" keys; keep one")]
    DuplicateKey {
        /// How many there are.
        count: usize,
    },
    /// A key of `callbackListener` is not one of the eight events.
    #[error("in \"callbackListener\": {0}")]
    UnknownEvent(#[from] UnknownEvent),
    /// One event is listed twice, under one spelling or under both (such as
    /// `onTPAAuthorise` and `onTPAAuthorize`): readers disagree on which
    /// URL counts.
    #[error(
        "in \"callbackListener\": {event} is listed twice, as {first:?} and {second:?}; keep one"
    )]
    DuplicateEvent {
        /// The event.
        event: Event,
        /// The key of its first entry.
        first: String,
        /// The key of its second entry.
        second: String,
    },
    /// An event's URL is not a string.
    #[error("the URL of {event} is not a string")]
    UrlNotAString {
        /// The event.
        event: Event,
    },
    /// An event's URL is not an absolute `http` or `https` URL.
    #[error("the URL of {event}, {url:?}, is not usable: {reason}")]
    InvalidUrl {
        /// The event.
        event: Event,
        /// The URL given, without any credentials it carried.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl CallbackListener {
    /// Reads the `callbackListener` of the manifest `text`: each event's
    /// URL, in the documented event order.
    ///
    /// A leading byte-order mark is skipped. The `-ize` spellings of the
    /// events are read as the events they name, but one event listed twice
    /// (under one spelling or both) is refused, as are two top-level
    /// `callbackListener` keys: JSON readers disagree on which one counts.
    /// Each URL must be an absolute `http` or `https` URL with a host.
    ///
    /// ```
    /// use callback_core::{manifest::CallbackListener, Event};
    ///
    /// let manifest = r#"{
    ///   "secret": "…",
    ///   "callbackListener": {
    ///     "onUninstall": "https://ext.example.com/callbacks/onUninstall",
    ///     "onTPAAuthorize": "https://ext.example.com/callbacks/onTPAAuthorise"
    ///   }
    /// }"#;
    /// let listener = CallbackListener::from_manifest_str(manifest)?;
    /// assert_eq!(
    ///     listener.entries().map(|(event, _)| event).collect::<Vec<_>>(),
    ///     [Event::TpaAuthorise, Event::Uninstall],
    /// );
    /// assert_eq!(
    ///     listener.url(Event::Uninstall),
    ///     Some("https://ext.example.com/callbacks/onUninstall"),
    /// );
    /// # Ok::<(), callback_core::manifest::ReadListenerError>(())
    /// ```
    pub fn from_manifest_str(text: &str) -> Result<Self, ReadListenerError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        serde_json::from_str::<Value>(text).map_err(|e| ReadListenerError::InvalidJson {
            line: e.line(),
            column: e.column(),
            reason: json_error_reason(&e),
        })?;
        // serde_json's `Value` keeps the last of two equal keys: the members
        // are read again in order, with repeats, to refuse those.
        let Ok(top) = serde_json::from_str::<Members<Box<RawValue>>>(text) else {
            return Err(ReadListenerError::Missing);
        };
        let mut found = top.0.iter().filter(|(name, _)| name == KEY);
        let (_, listener) = found.next().ok_or(ReadListenerError::Missing)?;
        let others = found.count();
        if others > 0 {
            return Err(ReadListenerError::DuplicateKey { count: others + 1 });
        }
        let Ok(Members(members)) = serde_json::from_str::<Members<Value>>(listener.get()) else {
            return Err(ReadListenerError::NotAnObject);
        };

        let mut slots: [Option<(&str, String)>; Event::COUNT] = Default::default();
        for (name, value) in &members {
            let event = Event::from_wire_name(name).ok_or_else(|| UnknownEvent::new(name))?;
            let slot = &mut slots[event.index()];
            if let Some((first, _)) = slot {
                return Err(ReadListenerError::DuplicateEvent {
                    event,
                    first: (*first).to_owned(),
                    second: name.clone(),
                });
            }
            let Value::String(url) = value else {
                return Err(ReadListenerError::UrlNotAString { event });
            };
            if let Err(err) = crate::base_url::parse_absolute(url) {
                return Err(ReadListenerError::InvalidUrl {
                    event,
                    url: err.url,
                    reason: err.reason,
                });
            }
            *slot = Some((name, url.clone()));
        }
        let entries = Event::ALL
            .into_iter()
            .zip(slots)
            .filter_map(|(event, slot)| slot.map(|(_, url)| (event, url)))
            .collect();
        Ok(CallbackListener { entries })
    }

    /// The same listener with the scheme, host and port of every URL
    /// replaced by `base_url`'s; a path in `base_url` goes before each URL's
    /// own path. Used to send a manifest's callbacks to a local server.
    ///
    /// ```
    /// use callback_core::{manifest::CallbackListener, Event, HandlerInfo};
    ///
    /// let listener = CallbackListener::new(
    ///     "https://ext.example.com",
    ///     &[HandlerInfo::new(Event::Install, "/callbacks/onInstall", "h", "ext")],
    /// )?;
    /// let local = listener.with_base_url("http://127.0.0.1:8080")?;
    /// assert_eq!(local.url(Event::Install), Some("http://127.0.0.1:8080/callbacks/onInstall"));
    /// # Ok::<(), callback_core::manifest::ListenerError>(())
    /// ```
    pub fn with_base_url(&self, base_url: &str) -> Result<Self, ListenerError> {
        let base = check_base_url(base_url)?;
        let entries = self
            .entries()
            .map(|(event, url)| (event, base.join(path_of(url))))
            .collect();
        Ok(CallbackListener { entries })
    }
}

/// Everything after the authority of an absolute URL: its path, query and
/// fragment (empty when it has none of them).
fn path_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[after_scheme..];
    rest.find(['/', '?', '#']).map_or("", |i| &rest[i..])
}
