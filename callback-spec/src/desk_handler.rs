//! The one description of a Desk event handler: what the runtime mounts,
//! `resources.json` lists, the build-time scanner finds and the drift check
//! compares.

use crate::{DeskEventType, MAX_SUBSCRIPTION_FIELDS};
use std::borrow::Cow;
use std::fmt;

/// The webhook resource a Desk event handler belongs to unless its
/// attribute names another (`webhook = "…"`).
pub const DEFAULT_WEBHOOK: &str = "deskEvents";

/// The path of a webhook resource unless its handlers name one:
/// `/desk/<resourceName>`.
pub fn default_webhook_path(webhook: &str) -> String {
    format!("/desk/{webhook}")
}

/// Which events a handler takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum DeskEventSelector {
    /// One event type of the table.
    Type(DeskEventType),
    /// Every event of its webhook that no other handler takes, an event
    /// type the table does not know included (the catch-all).
    Any,
}

/// The `direction` option of a `Ticket_Thread_Add` subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum ThreadDirection {
    /// Incoming threads only.
    In,
    /// Outgoing threads only.
    Out,
}

impl ThreadDirection {
    /// `"in"` or `"out"`, as `resources.json` writes it.
    pub const fn wire_name(self) -> &'static str {
        match self {
            ThreadDirection::In => "in",
            ThreadDirection::Out => "out",
        }
    }
}

/// A Desk event handler, known without running it.
///
/// The attribute macro makes one in a `const` (the strings borrowed); the
/// build-time scanner makes one from source text (the strings owned).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct DeskHandlerInfo {
    /// The webhook resource (`resourceName` in `resources.json`).
    pub webhook: Cow<'static, str>,
    /// The path the webhook is mounted at.
    pub path: Cow<'static, str>,
    /// The events it takes.
    pub event: DeskEventSelector,
    /// Whether its subscription asks for the state before the update.
    pub include_prev_state: bool,
    /// The fields its `Ticket_Update` subscription filters by (at most
    /// [`MAX_SUBSCRIPTION_FIELDS`]); empty for none.
    pub fields: Cow<'static, [Cow<'static, str>]>,
    /// The thread direction its `Ticket_Thread_Add` subscription filters by.
    pub direction: Option<ThreadDirection>,
    /// The function's name.
    pub name: Cow<'static, str>,
    /// The module it is declared in, as `module_path!()` gives it.
    pub module: Cow<'static, str>,
}

impl DeskHandlerInfo {
    /// `module::name`, as messages name a handler.
    pub fn qualified_name(&self) -> String {
        format!("{}::{}", self.module, self.name)
    }
}

impl fmt::Display for DeskHandlerInfo {
    /// `module::name (Ticket_Add at /desk/deskEvents)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let event = match self.event {
            DeskEventSelector::Type(ty) => ty.wire_name(),
            DeskEventSelector::Any => "any event",
        };
        write!(
            f,
            "{}::{} ({event} at {})",
            self.module, self.name, self.path
        )
    }
}

/// Why a set of Desk event handlers cannot be mounted together.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeskHandlersError {
    /// Two handlers take the same events of one webhook.
    #[error("two handlers for {event} of webhook `{webhook}`: `{first}` and `{second}`; keep one")]
    Duplicate {
        /// The webhook.
        webhook: String,
        /// The event type, or `any event`.
        event: String,
        /// The first handler, `module::name`.
        first: String,
        /// The second one.
        second: String,
    },
    /// Two handlers of one webhook name different paths.
    #[error(
        "webhook `{webhook}` is mounted at {first_path} by `{first}` and at {second_path} by \
         `{second}`; a webhook has one path: give them the same `path`"
    )]
    TwoPaths {
        /// The webhook.
        webhook: String,
        /// The first handler, `module::name`.
        first: String,
        /// Its path.
        first_path: String,
        /// The other handler.
        second: String,
        /// Its path.
        second_path: String,
    },
    /// A subscription option on an event type that does not take it, or too
    /// many fields.
    #[error("`{handler}`: {reason}")]
    Option {
        /// The handler, `module::name`.
        handler: String,
        /// What is wrong.
        reason: String,
    },
}

/// Checks a set of Desk event handlers: one handler per event type (and
/// one catch-all) per webhook, one path per webhook, each option only on
/// an event type that takes it.
pub fn check_desk_handlers<'a>(
    handlers: impl IntoIterator<Item = &'a DeskHandlerInfo>,
) -> Result<(), DeskHandlersError> {
    let handlers: Vec<&DeskHandlerInfo> = handlers.into_iter().collect();
    for (i, h) in handlers.iter().enumerate() {
        if let Some(reason) = option_problem(h) {
            return Err(DeskHandlersError::Option {
                handler: h.qualified_name(),
                reason,
            });
        }
        for earlier in &handlers[..i] {
            if earlier.webhook != h.webhook {
                continue;
            }
            if earlier.path != h.path {
                return Err(DeskHandlersError::TwoPaths {
                    webhook: h.webhook.to_string(),
                    first: earlier.qualified_name(),
                    first_path: earlier.path.to_string(),
                    second: h.qualified_name(),
                    second_path: h.path.to_string(),
                });
            }
            if earlier.event == h.event {
                return Err(DeskHandlersError::Duplicate {
                    webhook: h.webhook.to_string(),
                    event: match h.event {
                        DeskEventSelector::Type(ty) => ty.wire_name().to_owned(),
                        DeskEventSelector::Any => "any event".to_owned(),
                    },
                    first: earlier.qualified_name(),
                    second: h.qualified_name(),
                });
            }
        }
    }
    Ok(())
}

/// What is wrong with a handler's subscription options, if anything.
pub fn option_problem(h: &DeskHandlerInfo) -> Option<String> {
    let ty = match h.event {
        DeskEventSelector::Type(ty) => Some(ty),
        DeskEventSelector::Any => None,
    };
    let name = ty.map_or("a catch-all handler", DeskEventType::wire_name);
    if h.include_prev_state && !ty.is_some_and(DeskEventType::takes_prev_state) {
        return Some(format!(
            "`include_prev_state` is for update events; {name} does not take it"
        ));
    }
    if !h.fields.is_empty() && !ty.is_some_and(DeskEventType::takes_fields) {
        return Some(format!(
            "`fields` is for Ticket_Update; {name} does not take it"
        ));
    }
    if h.fields.len() > MAX_SUBSCRIPTION_FIELDS {
        return Some(format!(
            "`fields` names {} fields; Zoho takes at most {MAX_SUBSCRIPTION_FIELDS}",
            h.fields.len()
        ));
    }
    if h.direction.is_some() && !ty.is_some_and(DeskEventType::takes_direction) {
        return Some(format!(
            "`direction` is for Ticket_Thread_Add; {name} does not take it"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(
        webhook: &'static str,
        path: &'static str,
        event: DeskEventSelector,
        name: &'static str,
    ) -> DeskHandlerInfo {
        DeskHandlerInfo {
            webhook: webhook.into(),
            path: path.into(),
            event,
            include_prev_state: false,
            fields: Cow::Borrowed(&[]),
            direction: None,
            name: name.into(),
            module: "ext".into(),
        }
    }

    #[test]
    fn one_handler_per_event_and_webhook_and_one_path_per_webhook() {
        use DeskEventSelector::{Any, Type};
        let add = info("a", "/desk/a", Type(DeskEventType::TicketAdd), "add");
        let other = info("a", "/desk/a", Any, "other");
        let elsewhere = info("b", "/desk/b", Type(DeskEventType::TicketAdd), "b_add");
        assert_eq!(check_desk_handlers([&add, &other, &elsewhere]), Ok(()));

        let again = info("a", "/desk/a", Type(DeskEventType::TicketAdd), "again");
        assert_eq!(
            check_desk_handlers([&add, &again]).unwrap_err().to_string(),
            "two handlers for Ticket_Add of webhook `a`: `ext::add` and `ext::again`; keep one"
        );
        let moved = info("a", "/x", Type(DeskEventType::TicketUpdate), "moved");
        assert!(matches!(
            check_desk_handlers([&add, &moved]),
            Err(DeskHandlersError::TwoPaths { .. })
        ));
    }

    #[test]
    fn options_only_where_the_event_takes_them() {
        use DeskEventSelector::Type;
        let mut h = info("a", "/a", Type(DeskEventType::TicketAdd), "h");
        h.include_prev_state = true;
        assert_eq!(
            option_problem(&h).unwrap(),
            "`include_prev_state` is for update events; Ticket_Add does not take it"
        );
        h.event = Type(DeskEventType::TicketUpdate);
        assert_eq!(option_problem(&h), None);
        h.fields = Cow::Owned(["a", "b", "c", "d", "e", "f"].map(Cow::Borrowed).to_vec());
        assert_eq!(
            option_problem(&h).unwrap(),
            "`fields` names 6 fields; Zoho takes at most 5"
        );
        h.fields = Cow::Borrowed(&[]);
        h.direction = Some(ThreadDirection::In);
        assert_eq!(
            option_problem(&h).unwrap(),
            "`direction` is for Ticket_Thread_Add; Ticket_Update does not take it"
        );
    }
}
