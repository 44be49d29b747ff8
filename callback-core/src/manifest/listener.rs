//! Building the `callbackListener` object from handler registrations.

use crate::base_url::{BaseUrl, BaseUrlError};
use crate::{Event, HandlerInfo};
use callback_spec::{DuplicateEvent, check_unique, validate_path};

/// Why a `callbackListener` could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ListenerError {
    /// Two handlers claim one event.
    #[error("two handlers for {event}: `{first}` and `{second}`; keep one")]
    DuplicateEvent {
        /// The event.
        event: Event,
        /// The first handler registered for it.
        first: String,
        /// The second one.
        second: String,
    },
    /// The base URL is not a [`BaseUrl`]: an absolute `http` or `https` URL
    /// without credentials, query or fragment.
    #[error(
        "the base URL {url:?} is not usable: {reason}; give one such as \"https://ext.example.com\""
    )]
    InvalidBaseUrl {
        /// The URL given, without any credentials it carried.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A handler's path is not a valid URL path.
    #[error("`{handler}` has an invalid path {path:?}: {reason}")]
    InvalidPath {
        /// The handler.
        handler: String,
        /// Its path.
        path: String,
        /// Why it is invalid.
        reason: callback_spec::PathError,
    },
}

/// The `callbackListener` object: each handled event mapped to the full URL
/// of its handler, in the documented event order.
///
/// ```
/// use callback_core::{manifest::CallbackListener, Event, HandlerInfo};
///
/// let listener = CallbackListener::new(
///     "https://ext.example.com/",
///     &[
///         HandlerInfo::new(Event::Uninstall, "/callbacks/onUninstall", "bye", "ext"),
///         HandlerInfo::new(Event::Install, "/callbacks/onInstall", "hi", "ext"),
///     ],
/// )?;
/// assert_eq!(
///     listener.to_json_pretty(),
///     "{\n  \"onInstall\": \"https://ext.example.com/callbacks/onInstall\",\n  \
///      \"onUninstall\": \"https://ext.example.com/callbacks/onUninstall\"\n}"
/// );
/// # Ok::<(), callback_core::manifest::ListenerError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallbackListener {
    pub(super) entries: Vec<(Event, String)>,
}

impl CallbackListener {
    /// Builds the section for `base_url` (a trailing `/` is ignored) from
    /// the `handlers`. Two handlers of one event are an error naming both.
    pub fn new<'a>(
        base_url: &str,
        handlers: impl IntoIterator<Item = &'a HandlerInfo>,
    ) -> Result<Self, ListenerError> {
        let base = check_base_url(base_url)?;
        let handlers: Vec<&HandlerInfo> = handlers.into_iter().collect();
        check_unique(handlers.iter().copied()).map_err(
            |DuplicateEvent {
                 event,
                 first,
                 second,
             }| ListenerError::DuplicateEvent {
                event,
                first,
                second,
            },
        )?;
        let mut entries = Vec::with_capacity(handlers.len());
        for handler in handlers {
            if let Err(reason) = validate_path(&handler.path) {
                return Err(ListenerError::InvalidPath {
                    handler: handler.qualified_name(),
                    path: handler.path.clone().into_owned(),
                    reason,
                });
            }
            entries.push((handler.event, base.join(&handler.path)));
        }
        entries.sort_by_key(|(event, _)| *event);
        Ok(CallbackListener { entries })
    }

    /// Each event and its URL, in the documented event order.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (Event, &str)> + '_ {
        self.entries.iter().map(|(e, url)| (*e, url.as_str()))
    }

    /// The URL for `event`, if it is handled.
    pub fn url(&self, event: Event) -> Option<&str> {
        self.entries().find(|(e, _)| *e == event).map(|(_, u)| u)
    }

    /// Whether no event is handled.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The object as JSON, two-space indented, in the documented order.
    pub fn to_json_pretty(&self) -> String {
        if self.entries.is_empty() {
            return "{}".to_owned();
        }
        let lines: Vec<String> = self
            .entries()
            .map(|(event, url)| format!("  {}: {}", quote(event.wire_name()), quote(url)))
            .collect();
        format!("{{\n{}\n}}", lines.join(",\n"))
    }
}

fn quote(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

pub(super) fn check_base_url(url: &str) -> Result<BaseUrl, ListenerError> {
    BaseUrl::parse(url)
        .map_err(|BaseUrlError { url, reason }| ListenerError::InvalidBaseUrl { url, reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(event: Event, path: &str, handler: &str) -> HandlerInfo {
        let (module, name) = handler.rsplit_once("::").unwrap_or(("ext", handler));
        HandlerInfo {
            event,
            path: path.to_owned().into(),
            name: name.to_owned().into(),
            module: module.to_owned().into(),
        }
    }

    #[test]
    fn orders_by_documented_event_order_and_allows_shared_paths() {
        let l = CallbackListener::new(
            "https://x.example/base/",
            &[
                reg(Event::ConfigParamDelete, "/cfg", "b"),
                reg(Event::ConfigParamAdd, "/cfg", "a"),
                reg(Event::Install, "/callbacks/onInstall", "c"),
            ],
        )
        .unwrap();
        let got: Vec<_> = l.entries().collect();
        assert_eq!(
            got,
            [
                (Event::Install, "https://x.example/base/callbacks/onInstall"),
                (Event::ConfigParamAdd, "https://x.example/base/cfg"),
                (Event::ConfigParamDelete, "https://x.example/base/cfg"),
            ]
        );
    }

    #[test]
    fn duplicate_event_names_both_handlers() {
        let err = CallbackListener::new(
            "https://x.example",
            &[
                reg(Event::Install, "/a", "ext::first"),
                reg(Event::Install, "/b", "ext::second"),
            ],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "two handlers for onInstall: `ext::first` and `ext::second`; keep one"
        );
    }

    #[test]
    fn bad_base_urls_and_paths_are_refused() {
        for (url, reason) in [
            ("x.example", "it must start with https:// or http://"),
            ("https://", "it has no host"),
            (
                "https://x.example/?a=1",
                "it must not have a query or fragment",
            ),
            ("https://x .example", "it must not contain whitespace"),
        ] {
            let err = CallbackListener::new(url, &[]).unwrap_err();
            assert_eq!(
                err,
                ListenerError::InvalidBaseUrl {
                    url: url.into(),
                    reason
                }
            );
        }
        // Parsed by `url::Url`, not by hand: these once passed.
        for url in ["https://:80", r#"https://ext.example.com/"},"secret":"pwn"#] {
            let err = CallbackListener::new(url, &[]).unwrap_err();
            assert!(
                matches!(err, ListenerError::InvalidBaseUrl { .. }),
                "{url}: {err:?}"
            );
        }
        let err = CallbackListener::new("https://u:hunter2@x.example", &[]).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let err = CallbackListener::new("https://x.example", &[reg(Event::Update, "up", "h")])
            .unwrap_err();
        assert!(matches!(err, ListenerError::InvalidPath { .. }), "{err:?}");
    }
}
