//! The eight platform events: the one table every other crate reads.

use std::fmt;
use std::str::FromStr;

/// Declares [`Event`] and its lookup tables from one list, so that the wire
/// name, the attribute name and the accepted alternative spelling of an event
/// are written exactly once.
macro_rules! events {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $wire:literal, attribute $attr:literal $(, alias $alias:literal)?;
    )*) => {
        /// A Zoho Desk platform event, as named in `callbackListener` and in
        /// the `event` field of a callback's payload.
        ///
        /// The variants are declared in the documented order, which is also the
        /// lifecycle order: [`Event::ALL`] lists them so, and [`Ord`] follows it.
        ///
        /// ```
        /// use callback_spec::Event;
        ///
        /// let event: Event = "onConfigParamAdd".parse()?;
        /// assert_eq!(event, Event::ConfigParamAdd);
        /// assert_eq!(event.to_string(), "onConfigParamAdd");
        /// // The `-ize` spellings seen in the wild are read, never written.
        /// assert_eq!("onTPAAuthorize".parse::<Event>()?.wire_name(), "onTPAAuthorise");
        /// # Ok::<(), callback_spec::UnknownEvent>(())
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Event {
            $( $(#[$doc])* $variant, )*
        }

        impl Event {
            /// Every event, in the documented (lifecycle) order.
            pub const ALL: [Event; Event::COUNT] = [$(Event::$variant),*];

            /// How many events there are.
            pub const COUNT: usize = [$($wire),*].len();

            /// The name Zoho uses on the wire and in `plugin-manifest.json`,
            /// for example `"onZohoAuthorise"`.
            pub const fn wire_name(self) -> &'static str {
                match self { $(Event::$variant => $wire,)* }
            }

            /// The name of the attribute macro that handles this event, for
            /// example `"on_zoho_authorise"`.
            pub const fn attribute_name(self) -> &'static str {
                match self { $(Event::$variant => $attr,)* }
            }

            /// The alternative spelling accepted when reading, if any
            /// (`"onZohoAuthorize"` for [`Event::ZohoAuthorise`]).
            pub const fn alias(self) -> Option<&'static str> {
                match self { $(Event::$variant => events!(@alias $($alias)?),)* }
            }

            /// The event's position in [`Event::ALL`]: a dense index for tables.
            pub const fn index(self) -> usize {
                self as usize
            }

            /// The event whose attribute macro is called `name`
            /// (`"on_install"` gives [`Event::Install`]).
            pub fn from_attribute_name(name: &str) -> Option<Event> {
                match name {
                    $($attr => Some(Event::$variant),)*
                    _ => None,
                }
            }

            /// Reads a wire name, accepting the documented spelling and the
            /// `-ize` alias. Unlike [`str::parse`] it does not allocate on failure.
            pub fn from_wire_name(name: &str) -> Option<Event> {
                match name {
                    $($wire $(| $alias)? => Some(Event::$variant),)*
                    _ => None,
                }
            }
        }
    };
    (@alias $alias:literal) => { Some($alias) };
    (@alias) => { None };
}

events! {
    /// The customer installed the extension.
    Install = "onInstall", attribute "on_install";
    /// The customer authorised the extension's access to Zoho Desk.
    ZohoAuthorise = "onZohoAuthorise", attribute "on_zoho_authorise", alias "onZohoAuthorize";
    /// The customer authorised the third-party application.
    TpaAuthorise = "onTPAAuthorise", attribute "on_tpa_authorise", alias "onTPAAuthorize";
    /// The third-party authorisation was revoked.
    TpaRevoke = "onTPARevoke", attribute "on_tpa_revoke";
    /// The extension was upgraded to a new version.
    Update = "onUpdate", attribute "on_update";
    /// The customer added configuration parameters.
    ConfigParamAdd = "onConfigParamAdd", attribute "on_config_param_add";
    /// The customer deleted configuration parameters.
    ConfigParamDelete = "onConfigParamDelete", attribute "on_config_param_delete";
    /// The extension was uninstalled.
    Uninstall = "onUninstall", attribute "on_uninstall";
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.wire_name())
    }
}

impl FromStr for Event {
    type Err = UnknownEvent;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Event::from_wire_name(s).ok_or_else(|| UnknownEvent::new(s))
    }
}

/// The longest part of an unknown event name that an error quotes: hostile
/// input must not turn into a megabyte-long log line.
const QUOTE_LIMIT: usize = 64;

/// A name that is not one of the eight events.
///
/// Its message quotes the bad value (shortened past 64 characters) and lists
/// the valid ones.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown event {found:?}; expected one of: {}", valid_names())]
pub struct UnknownEvent {
    found: String,
}

impl UnknownEvent {
    /// Records `found` as the unknown name, shortened to at most 64 characters.
    pub fn new(found: &str) -> Self {
        let found = match found.char_indices().nth(QUOTE_LIMIT) {
            Some((cut, _)) => format!("{}…", &found[..cut]),
            None => found.to_owned(),
        };
        UnknownEvent { found }
    }

    /// The name that was not recognised (shortened if it was long).
    pub fn found(&self) -> &str {
        &self.found
    }
}

fn valid_names() -> String {
    Event::ALL.map(Event::wire_name).join(", ")
}

#[cfg(feature = "serde")]
mod serde_impls {
    use super::Event;
    use serde::de::{self, Unexpected, Visitor};
    use std::fmt;

    impl serde::Serialize for Event {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(self.wire_name())
        }
    }

    impl<'de> serde::Deserialize<'de> for Event {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct EventVisitor;

            impl Visitor<'_> for EventVisitor {
                type Value = Event;

                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a Zoho Desk event name such as \"onInstall\"")
                }

                fn visit_str<E: de::Error>(self, v: &str) -> Result<Event, E> {
                    v.parse().map_err(de::Error::custom)
                }

                fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Event, E> {
                    std::str::from_utf8(v)
                        .map_err(|_| de::Error::invalid_value(Unexpected::Bytes(v), &self))
                        .and_then(|s| self.visit_str(s))
                }
            }

            deserializer.deserialize_str(EventVisitor)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_in_documented_order() {
        let names = Event::ALL.map(Event::wire_name);
        assert_eq!(
            names,
            [
                "onInstall",
                "onZohoAuthorise",
                "onTPAAuthorise",
                "onTPARevoke",
                "onUpdate",
                "onConfigParamAdd",
                "onConfigParamDelete",
                "onUninstall",
            ]
        );
        for event in Event::ALL {
            assert_eq!(event.to_string().parse::<Event>(), Ok(event));
            assert_eq!(Event::ALL[event.index()], event);
            assert_eq!(
                Event::from_attribute_name(event.attribute_name()),
                Some(event)
            );
        }
    }

    #[test]
    fn ize_spellings_are_read_and_never_written() {
        assert_eq!("onZohoAuthorize".parse(), Ok(Event::ZohoAuthorise));
        assert_eq!("onTPAAuthorize".parse(), Ok(Event::TpaAuthorise));
        assert_eq!(Event::ZohoAuthorise.to_string(), "onZohoAuthorise");
        assert_eq!(Event::TpaAuthorise.to_string(), "onTPAAuthorise");
    }

    #[test]
    fn unknown_event_quotes_the_value_and_lists_the_valid_ones() {
        let err = "onDelete".parse::<Event>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown event \"onDelete\"; expected one of: onInstall, onZohoAuthorise, \
             onTPAAuthorise, onTPARevoke, onUpdate, onConfigParamAdd, onConfigParamDelete, \
             onUninstall"
        );
    }

    #[test]
    fn names_are_case_sensitive() {
        assert!("oninstall".parse::<Event>().is_err());
        assert!("OnInstall".parse::<Event>().is_err());
        assert!(" onInstall".parse::<Event>().is_err());
    }

    #[test]
    fn unknown_event_shortens_a_hostile_value() {
        let long = "é".repeat(10_000);
        let err = long.parse::<Event>().unwrap_err();
        assert_eq!(err.found().chars().count(), QUOTE_LIMIT + 1);
        assert!(err.to_string().len() < 400);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_reads_both_spellings_and_writes_the_documented_one() {
        let e: Event = serde_json::from_str("\"onZohoAuthorize\"").unwrap();
        assert_eq!(e, Event::ZohoAuthorise);
        assert_eq!(serde_json::to_string(&e).unwrap(), "\"onZohoAuthorise\"");
        let err = serde_json::from_str::<Event>("\"nope\"").unwrap_err();
        assert!(
            err.to_string().starts_with("unknown event \"nope\""),
            "{err}"
        );
    }
}
