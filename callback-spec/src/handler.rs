//! The one description of a handler: what the runtime mounts, the manifest
//! lists, the build-time scanner finds and the drift check compares.

use crate::Event;
use std::borrow::Cow;
use std::fmt;

/// A handler, known without running it: its event, its path, its name and
/// its module.
///
/// The attribute macros make one in a `const` (the strings borrowed); the
/// build-time scanner makes one from source text (the strings owned). Both
/// are compared, listed and checked with the same code.
///
/// ```
/// use callback_spec::{Event, HandlerInfo};
///
/// const INFO: HandlerInfo = HandlerInfo::new(Event::Install, "/callbacks/onInstall", "installed", "my_ext");
/// assert_eq!(INFO.qualified_name(), "my_ext::installed");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HandlerInfo {
    /// The event it handles.
    pub event: Event,
    /// The path it is mounted at, such as `/callbacks/onInstall`.
    pub path: Cow<'static, str>,
    /// The function's name.
    pub name: Cow<'static, str>,
    /// The module it is declared in, as `module_path!()` gives it
    /// (`my_ext::config`).
    pub module: Cow<'static, str>,
}

impl HandlerInfo {
    /// A description with borrowed strings, usable in a `const`.
    pub const fn new(
        event: Event,
        path: &'static str,
        name: &'static str,
        module: &'static str,
    ) -> Self {
        HandlerInfo {
            event,
            path: Cow::Borrowed(path),
            name: Cow::Borrowed(name),
            module: Cow::Borrowed(module),
        }
    }

    /// `module::name`, as messages name a handler.
    pub fn qualified_name(&self) -> String {
        format!("{}::{}", self.module, self.name)
    }
}

impl fmt::Display for HandlerInfo {
    /// `module::name (event at path)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}::{} ({} at {})",
            self.module, self.name, self.event, self.path
        )
    }
}

/// The positions of the first two of `events` that are the same event, if
/// any: the one rule that an extension handles each event once, usable in a
/// `const` (as `callbacks![]` does) and at run time.
pub const fn first_duplicate(events: &[Event]) -> Option<(usize, usize)> {
    let mut i = 0;
    while i < events.len() {
        let mut j = i + 1;
        while j < events.len() {
            if events[i].index() == events[j].index() {
                return Some((i, j));
            }
            j += 1;
        }
        i += 1;
    }
    None
}

/// Two handlers for one event.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("two handlers for {event}: `{first}` and `{second}`; keep one")]
pub struct DuplicateEvent {
    /// The event.
    pub event: Event,
    /// The first handler of it, `module::name`.
    pub first: String,
    /// The second one.
    pub second: String,
}

/// Checks that no two of `handlers` handle the same event.
pub fn check_unique<'a>(
    handlers: impl IntoIterator<Item = &'a HandlerInfo>,
) -> Result<(), DuplicateEvent> {
    let handlers: Vec<&HandlerInfo> = handlers.into_iter().collect();
    let events: Vec<Event> = handlers.iter().map(|h| h.event).collect();
    match first_duplicate(&events) {
        None => Ok(()),
        Some((i, j)) => Err(DuplicateEvent {
            event: events[i],
            first: handlers[i].qualified_name(),
            second: handlers[j].qualified_name(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_shared_event_is_found_wherever_it_is() {
        use Event::*;
        assert_eq!(first_duplicate(&[]), None);
        assert_eq!(first_duplicate(&Event::ALL), None);
        assert_eq!(first_duplicate(&[Install, Update, Install]), Some((0, 2)));
        assert_eq!(
            first_duplicate(&[Install, Update, Uninstall, Update]),
            Some((1, 3))
        );
    }

    #[test]
    fn check_unique_names_both_handlers() {
        let a = HandlerInfo::new(Event::Update, "/a", "first", "ext");
        let b = HandlerInfo::new(Event::Install, "/b", "other", "ext");
        let c = HandlerInfo::new(Event::Update, "/c", "second", "ext::inner");
        assert_eq!(check_unique([&a, &b]), Ok(()));
        let err = check_unique([&a, &b, &c]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "two handlers for onUpdate: `ext::first` and `ext::inner::second`; keep one"
        );
    }
}
