//! Typed payloads of the ticket events, and the state before an update.

use super::extract::{DeskContext, FromDeskEvent, OptionalFromDeskEvent};
use super::id::{self, DeskId};
use crate::outcome::{Rejection, RejectionKind};
use callback_spec::{DeskEventKind, DeskEventType};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::ops::{Deref, DerefMut};

/// A payload type of one or more event types: a handler argument of this
/// type is read from the event's `payload`.
///
/// An argument whose type is not the payload of the event it is called for
/// (a [`Ticket`] on `Ticket_Comment_Add`) fails the delivery with `500
/// argument_mismatch` before the handler runs: the handler's code is wrong,
/// not the delivery. An event type the table does not know is read as the
/// handler asks (a catch-all handler chose the type). A payload that does
/// not have the type's shape is `400 invalid_payload`.
pub trait DeskPayload: DeserializeOwned + Send {
    /// What messages call it.
    const NAME: &'static str;
    /// The event types whose payload it is.
    const EVENTS: &'static [DeskEventType];
}

/// Refuses an event whose type `T` is not the payload of.
fn check_kind<T: DeskPayload>(kind: &DeskEventKind) -> Result<(), Rejection> {
    match kind {
        DeskEventKind::Known(ty) if !T::EVENTS.contains(ty) => {
            let takes: Vec<&str> = T::EVENTS.iter().map(|t| t.wire_name()).collect();
            Err(Rejection::new(
                RejectionKind::ArgumentMismatch,
                "the server is misconfigured",
            )
            .with_detail(format!(
                "a `{}` argument takes the payload of {}; this event is {ty}",
                T::NAME,
                takes.join(", ")
            )))
        }
        _ => Ok(()),
    }
}

/// Reads `value` (the payload or the previous state) as `T`.
fn read<T: DeserializeOwned>(value: &Value, what: &str, name: &str) -> Result<T, Rejection> {
    T::deserialize(value).map_err(|err| {
        Rejection::new(
            RejectionKind::InvalidPayload,
            format!("the event's {what} is not a {name}: {err}"),
        )
    })
}

/// Declares the extractor of a [`DeskPayload`] type.
macro_rules! payload_extractor {
    ($ty:ident, $name:literal, [$($event:ident),*]) => {
        impl DeskPayload for $ty {
            const NAME: &'static str = $name;
            const EVENTS: &'static [DeskEventType] = &[$(DeskEventType::$event),*];
        }

        impl FromDeskEvent for $ty {
            type Rejection = Rejection;

            async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, Rejection> {
                let event = cx.event();
                check_kind::<$ty>(event.kind())?;
                read(event.payload(), "payload", $name)
            }
        }

        /// `None` for an event whose payload is of another type (a
        /// catch-all handler's); a payload of this event type that does not
        /// have the type's shape is still `400 invalid_payload`.
        impl OptionalFromDeskEvent for $ty {
            type Rejection = Rejection;

            async fn from_desk_event_optional(
                cx: &DeskContext<'_>,
            ) -> Result<Option<Self>, Rejection> {
                let event = cx.event();
                match check_kind::<$ty>(event.kind()) {
                    Ok(()) => read(event.payload(), "payload", $name).map(Some),
                    Err(_) => Ok(None),
                }
            }
        }
    };
}

/// A ticket, as the payload of `Ticket_Add`, `Ticket_Update` and
/// `Ticket_Delete` carries it.
///
/// The fields a handler usually needs are typed (ids exact, as
/// [`DeskId`]s; an id Desk leaves empty or `null` is `None`); every other
/// field Desk sends is kept in [`Ticket::extra`] as it came, so nothing is
/// lost. Times are kept as Desk writes them.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Ticket {
    /// The ticket's id.
    pub id: DeskId,
    /// The number agents see (`"101"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_number: Option<String>,
    /// The subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The status (`"Open"`, `"On Hold"`, `"Closed"`, or the org's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The status's type (`"Open"`, `"On Hold"`, `"Closed"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_type: Option<String>,
    /// The department the ticket belongs to.
    #[serde(
        default,
        with = "id::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub department_id: Option<DeskId>,
    /// The contact who raised it.
    #[serde(
        default,
        with = "id::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub contact_id: Option<DeskId>,
    /// The account of the contact.
    #[serde(
        default,
        with = "id::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub account_id: Option<DeskId>,
    /// The agent it is assigned to.
    #[serde(
        default,
        with = "id::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub assignee_id: Option<DeskId>,
    /// The team it is assigned to.
    #[serde(
        default,
        with = "id::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub team_id: Option<DeskId>,
    /// The product it is about.
    #[serde(
        default,
        with = "id::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub product_id: Option<DeskId>,
    /// The priority (`"High"`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// The channel it came through (`"Email"`, `"Web"`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The contact's email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it was created, as Desk writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<String>,
    /// When it was last modified, as Desk writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_time: Option<String>,
    /// The ticket's page in Desk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_url: Option<String>,
    /// Every other field, as Desk sent it (custom fields included).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

payload_extractor!(Ticket, "Ticket", [TicketAdd, TicketUpdate, TicketDelete]);

/// A thread (an email, a reply, a chat transcript) added to a ticket: the
/// payload of `Ticket_Thread_Add`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TicketThread {
    /// The thread's id.
    pub id: DeskId,
    /// The ticket it belongs to.
    #[serde(
        default,
        with = "id::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub ticket_id: Option<DeskId>,
    /// `"in"` (from the customer) or `"out"` (from an agent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// The channel (`"EMAIL"`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// A short summary of the content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The content's type (`"text/html"`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The sender's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_email_address: Option<String>,
    /// When it was created, as Desk writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<String>,
    /// Every other field, as Desk sent it.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

payload_extractor!(TicketThread, "TicketThread", [TicketThreadAdd]);

/// A comment on a ticket: the payload of `Ticket_Comment_Add` and
/// `Ticket_Comment_Update`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TicketComment {
    /// The comment's id.
    pub id: DeskId,
    /// The ticket it is on.
    #[serde(
        default,
        with = "id::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub ticket_id: Option<DeskId>,
    /// The content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The content's type (`"html"`, `"plainText"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Whether the customer sees it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_public: Option<bool>,
    /// Who wrote it.
    #[serde(
        default,
        with = "id::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub commenter_id: Option<DeskId>,
    /// When it was written, as Desk writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commented_time: Option<String>,
    /// Every other field, as Desk sent it.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

payload_extractor!(
    TicketComment,
    "TicketComment",
    [TicketCommentAdd, TicketCommentUpdate]
);

/// The record as it was before an update: the event's `prevState`, which
/// Desk sends on update events subscribed with `include_prev_state`.
///
/// Zoho does not document whether it holds the whole record or only the
/// fields that changed: `PrevState<Map<String, Value>>` (the default) reads
/// either; `PrevState<Ticket>` needs the whole ticket. An event without
/// `prevState` is refused with `400 invalid_payload` (the subscription
/// lacks `include_prev_state`); take `Option<PrevState<T>>` to accept both.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PrevState<T = Map<String, Value>>(pub T);

impl<T> Deref for PrevState<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for PrevState<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: DeserializeOwned + Send> FromDeskEvent for PrevState<T> {
    type Rejection = Rejection;

    async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, Rejection> {
        let prev = cx.event().prev_state().ok_or_else(|| {
            Rejection::new(
                RejectionKind::InvalidPayload,
                "the event carries no prevState, which this handler needs \
                 (subscribe with include_prev_state)",
            )
        })?;
        read(prev, "prevState", std::any::type_name::<T>()).map(PrevState)
    }
}

/// `None` for an event without `prevState`; a `prevState` that is not a
/// `T` is still refused with `400 invalid_payload`.
impl<T: DeserializeOwned + Send> OptionalFromDeskEvent for PrevState<T> {
    type Rejection = Rejection;

    async fn from_desk_event_optional(cx: &DeskContext<'_>) -> Result<Option<Self>, Rejection> {
        match cx.event().prev_state() {
            Some(prev) => read(prev, "prevState", std::any::type_name::<T>())
                .map(|prev| Some(PrevState(prev))),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_ticket_keeps_its_ids_exact_and_every_other_field() {
        let ticket: Ticket = serde_json::from_value(json!({
            "id": "1892000000143237019",
            "subject": "Printer on fire",
            "status": "Open",
            "departmentId": "1892000000006907",
            "assigneeId": null,
            "teamId": "",
            "cf": {"cf_severity": "high"},
            "threadCount": "3"
        }))
        .unwrap();
        assert_eq!(ticket.id.get(), 1_892_000_000_143_237_019);
        assert_eq!(
            ticket.department_id,
            Some(DeskId::new(1_892_000_000_006_907))
        );
        assert_eq!((ticket.assignee_id, ticket.team_id), (None, None));
        assert_eq!(ticket.subject.as_deref(), Some("Printer on fire"));
        assert_eq!(ticket.extra["cf"], json!({"cf_severity": "high"}));
        assert_eq!(ticket.extra["threadCount"], json!("3"));
        let back = serde_json::to_value(&ticket).unwrap();
        assert_eq!(back["id"], json!("1892000000143237019"));
        assert_eq!(back["cf"], json!({"cf_severity": "high"}));
    }

    #[test]
    fn a_ticket_without_an_id_or_with_a_bad_one_is_refused() {
        for value in [
            json!({"subject": "x"}),
            json!({"id": "12ab"}),
            json!({"id": "1", "departmentId": "x"}),
        ] {
            assert!(
                serde_json::from_value::<Ticket>(value.clone()).is_err(),
                "{value}"
            );
        }
    }
}
