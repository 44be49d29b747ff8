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

/// The index of the first of `events` before `i` that is the same event
/// as `events[i]`, if any: the one rule that an extension handles each
/// event once. A `const fn`, so that `callbacks![]` applies it at compile
/// time; [`check_unique`] and the build-time scanner apply it at run time.
///
/// ```
/// use callback_spec::{Event, earlier_of_same_event};
///
/// let events = [Event::Install, Event::Update, Event::Install];
/// assert_eq!(earlier_of_same_event(&events, 2), Some(0));
/// assert_eq!(earlier_of_same_event(&events, 1), None);
/// ```
pub const fn earlier_of_same_event(events: &[Event], i: usize) -> Option<usize> {
    let mut j = 0;
    while j < i {
        if events[j].index() == events[i].index() {
            return Some(j);
        }
        j += 1;
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
    match (0..events.len()).find_map(|i| Some((earlier_of_same_event(&events, i)?, i))) {
        None => Ok(()),
        Some((first, second)) => Err(DuplicateEvent {
            event: events[second],
            first: handlers[first].qualified_name(),
            second: handlers[second].qualified_name(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_event_is_found_wherever_the_first_one_is() {
        use Event::*;
        let all = Event::ALL;
        assert!((0..all.len()).all(|i| earlier_of_same_event(&all, i).is_none()));
        let events = [Install, Update, Uninstall, Update, Install, Update];
        let found: Vec<_> = (0..events.len())
            .map(|i| earlier_of_same_event(&events, i))
            .collect();
        assert_eq!(found, [None, None, None, Some(1), Some(0), Some(1)]);
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
