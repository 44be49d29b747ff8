//! The Desk event types an extension webhook can subscribe to: the one table
//! the runtime, the attribute macro and the `resources.json` writer read.

use std::fmt;

/// Declares [`DeskEventType`] and its lookups from one list, so that each
/// wire name and the subscription options it takes are written once.
macro_rules! desk_events {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $wire:literal $(, $option:ident)*;
    )*) => {
        /// A Zoho Desk event type, as named in a webhook's `subscriptions` and
        /// in each delivered event's `eventType`.
        ///
        /// Zoho adds event types over time: one this table does not know is
        /// delivered as [`DeskEventKind::Other`] and never breaks a batch.
        ///
        /// ```
        /// use callback_spec::DeskEventType;
        ///
        /// let ty = DeskEventType::from_wire_name("Ticket_Update").unwrap();
        /// assert_eq!(ty, DeskEventType::TicketUpdate);
        /// assert!(ty.takes_prev_state() && ty.takes_fields() && !ty.takes_direction());
        /// assert_eq!(ty.to_string(), "Ticket_Update");
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum DeskEventType {
            $( $(#[$doc])* $variant, )*
        }

        impl DeskEventType {
            /// Every event type, grouped by module as Zoho lists them.
            pub const ALL: [DeskEventType; DeskEventType::COUNT] = [$(DeskEventType::$variant),*];

            /// How many event types the table knows.
            pub const COUNT: usize = [$($wire),*].len();

            /// The name Zoho uses on the wire and in `resources.json`, for
            /// example `"Ticket_Add"`.
            pub const fn wire_name(self) -> &'static str {
                match self { $(DeskEventType::$variant => $wire,)* }
            }

            /// The event type's position in [`DeskEventType::ALL`].
            pub const fn index(self) -> usize {
                self as usize
            }

            /// The event type named `name` exactly (names are case-sensitive).
            pub fn from_wire_name(name: &str) -> Option<DeskEventType> {
                match name {
                    $($wire => Some(DeskEventType::$variant),)*
                    _ => None,
                }
            }

            const fn options(self) -> &'static [DeskOption] {
                match self { $(DeskEventType::$variant => &[$(DeskOption::$option),*],)* }
            }
        }
    };
}

/// A subscription option, and the event types that take it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DeskOption {
    /// `includePrevState: true`: the event carries the state before the update.
    PrevState,
    /// `fields: [...]`: only updates of these fields are delivered.
    Fields,
    /// `direction: "in" | "out"`: incoming or outgoing threads only.
    Direction,
}

desk_events! {
    /// A ticket was created.
    TicketAdd = "Ticket_Add";
    /// A ticket was updated.
    TicketUpdate = "Ticket_Update", PrevState, Fields;
    /// A ticket was deleted.
    TicketDelete = "Ticket_Delete";
    /// A thread (email, reply, …) was added to a ticket.
    TicketThreadAdd = "Ticket_Thread_Add", Direction;
    /// A comment was added to a ticket.
    TicketCommentAdd = "Ticket_Comment_Add";
    /// A ticket comment was edited.
    TicketCommentUpdate = "Ticket_Comment_Update", PrevState;
    /// An approval was requested on a ticket.
    TicketApprovalAdd = "Ticket_Approval_Add";
    /// A ticket approval was updated.
    TicketApprovalUpdate = "Ticket_Approval_Update", PrevState;
    /// An attachment was added to a ticket.
    TicketAttachmentAdd = "Ticket_Attachment_Add";
    /// A ticket attachment was updated.
    TicketAttachmentUpdate = "Ticket_Attachment_Update", PrevState;
    /// A ticket attachment was deleted.
    TicketAttachmentDelete = "Ticket_Attachment_Delete";
    /// A contact was created.
    ContactAdd = "Contact_Add";
    /// A contact was updated.
    ContactUpdate = "Contact_Update", PrevState;
    /// A contact was deleted.
    ContactDelete = "Contact_Delete";
    /// An account was created.
    AccountAdd = "Account_Add";
    /// An account was updated.
    AccountUpdate = "Account_Update", PrevState;
    /// An account was deleted.
    AccountDelete = "Account_Delete";
    /// A task was created.
    TaskAdd = "Task_Add";
    /// A task was updated.
    TaskUpdate = "Task_Update", PrevState;
    /// A task was deleted.
    TaskDelete = "Task_Delete";
    /// A call was logged.
    CallAdd = "Call_Add";
    /// A call was updated.
    CallUpdate = "Call_Update", PrevState;
    /// A call was deleted.
    CallDelete = "Call_Delete";
    /// A calendar event was created.
    EventAdd = "Event_Add";
    /// A calendar event was updated.
    EventUpdate = "Event_Update", PrevState;
    /// A calendar event was deleted.
    EventDelete = "Event_Delete";
    /// A time entry was added.
    TimeEntryAdd = "TimeEntry_Add";
    /// A time entry was updated.
    TimeEntryUpdate = "TimeEntry_Update", PrevState;
    /// A time entry was deleted.
    TimeEntryDelete = "TimeEntry_Delete";
    /// An agent was added.
    AgentAdd = "Agent_Add";
    /// An agent was updated.
    AgentUpdate = "Agent_Update", PrevState;
    /// An agent was deleted.
    AgentDelete = "Agent_Delete";
    /// An agent's presence changed.
    AgentPresenceUpdate = "Agent_Presence_Update", PrevState;
    /// An agent's channel preference changed.
    AgentChannelPreferenceUpdate = "Agent_Channel_Preference_Update", PrevState;
    /// A department was added.
    DepartmentAdd = "Department_Add";
    /// A department was updated.
    DepartmentUpdate = "Department_Update", PrevState;
    /// A knowledge-base article was added.
    ArticleAdd = "Article_Add";
    /// An article was updated.
    ArticleUpdate = "Article_Update", PrevState;
    /// An article was deleted.
    ArticleDelete = "Article_Delete";
    /// An article translation was added.
    ArticleTranslationAdd = "Article_Translation_Add";
    /// An article translation was updated.
    ArticleTranslationUpdate = "Article_Translation_Update", PrevState;
    /// An article translation was deleted.
    ArticleTranslationDelete = "Article_Translation_Delete";
    /// Feedback was given on an article.
    ArticleFeedbackAdd = "Article_Feedback_Add";
    /// A knowledge-base root category was added.
    KbRootCategoryAdd = "KBRootCategory_Add";
    /// A root category was updated.
    KbRootCategoryUpdate = "KBRootCategory_Update", PrevState;
    /// A root category was deleted.
    KbRootCategoryDelete = "KBRootCategory_Delete";
    /// A knowledge-base section was added.
    KbSectionAdd = "KBSection_Add";
    /// A section was updated.
    KbSectionUpdate = "KBSection_Update", PrevState;
    /// A section was deleted.
    KbSectionDelete = "KBSection_Delete";
    /// An instant message was added.
    ImMessageAdd = "IM_Message_Add";
    /// An instant-messaging session's status changed.
    ImSessionStatus = "IM_Session_Status";
    /// An instant message's status changed.
    ImMessageStatus = "IM_Message_Status";
}

/// The most `fields` one `Ticket_Update` subscription may name.
pub const MAX_SUBSCRIPTION_FIELDS: usize = 5;

impl DeskEventType {
    /// Whether a subscription may ask for the state before the update
    /// (`includePrevState`): the update events.
    pub fn takes_prev_state(self) -> bool {
        self.options().contains(&DeskOption::PrevState)
    }

    /// Whether a subscription may filter by updated `fields` (at most
    /// [`MAX_SUBSCRIPTION_FIELDS`]): `Ticket_Update`.
    pub fn takes_fields(self) -> bool {
        self.options().contains(&DeskOption::Fields)
    }

    /// Whether a subscription may filter by thread `direction`:
    /// `Ticket_Thread_Add`.
    pub fn takes_direction(self) -> bool {
        self.options().contains(&DeskOption::Direction)
    }

    /// The known names closest to `name`, closest first (at most three),
    /// for a message about a misspelt event type.
    pub fn closest(name: &str) -> Vec<&'static str> {
        let folded = name.to_ascii_lowercase();
        let mut scored: Vec<(usize, &'static str)> = DeskEventType::ALL
            .iter()
            .map(|ty| {
                let wire = ty.wire_name();
                (
                    strsim::levenshtein(&folded, &wire.to_ascii_lowercase()),
                    wire,
                )
            })
            .collect();
        scored.sort();
        let limit = (name.len() / 3).max(2);
        scored
            .into_iter()
            .filter(|(distance, _)| *distance <= limit)
            .take(3)
            .map(|(_, wire)| wire)
            .collect()
    }
}

impl fmt::Display for DeskEventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.wire_name())
    }
}

/// A delivered event's type: one of the table, or a name it does not know
/// (kept as sent, so that a catch-all handler can take it).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DeskEventKind {
    /// A type of the table.
    Known(DeskEventType),
    /// A type this version does not know, as named on the wire.
    Other(String),
}

impl DeskEventKind {
    /// The kind named `name` on the wire.
    pub fn from_wire_name(name: &str) -> Self {
        match DeskEventType::from_wire_name(name) {
            Some(ty) => DeskEventKind::Known(ty),
            None => DeskEventKind::Other(name.to_owned()),
        }
    }

    /// The name as on the wire.
    pub fn wire_name(&self) -> &str {
        match self {
            DeskEventKind::Known(ty) => ty.wire_name(),
            DeskEventKind::Other(name) => name,
        }
    }
}

impl fmt::Display for DeskEventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.wire_name())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for DeskEventType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.wire_name())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for DeskEventType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        DeskEventType::from_wire_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown Desk event type {name:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wire_name_reads_back_and_is_distinct() {
        let mut names: Vec<&str> = DeskEventType::ALL.map(DeskEventType::wire_name).to_vec();
        for ty in DeskEventType::ALL {
            assert_eq!(DeskEventType::from_wire_name(ty.wire_name()), Some(ty));
            assert_eq!(DeskEventType::ALL[ty.index()], ty);
        }
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "sorted, so a repeat is adjacent");
        assert_eq!(count, 52, "the shared list of event types");
    }

    #[test]
    fn options_are_allowed_only_where_zoho_takes_them() {
        use DeskEventType as T;
        let with_fields: Vec<_> = T::ALL.into_iter().filter(|t| t.takes_fields()).collect();
        assert_eq!(with_fields, [T::TicketUpdate]);
        let with_direction: Vec<_> = T::ALL.into_iter().filter(|t| t.takes_direction()).collect();
        assert_eq!(with_direction, [T::TicketThreadAdd]);
        for ty in T::ALL {
            let is_update = ty.wire_name().ends_with("_Update");
            assert_eq!(ty.takes_prev_state(), is_update, "{ty}");
        }
    }

    #[test]
    fn a_misspelt_name_suggests_the_closest_ones() {
        assert_eq!(DeskEventType::closest("Ticket_Ad")[0], "Ticket_Add");
        assert_eq!(DeskEventType::closest("ticket_update")[0], "Ticket_Update");
        assert_eq!(
            DeskEventType::closest("Tiket_Comment_Add")[0],
            "Ticket_Comment_Add"
        );
        assert!(DeskEventType::closest("Something_Else_Entirely").is_empty());
    }

    #[test]
    fn an_unknown_type_is_kept_as_sent() {
        let kind = DeskEventKind::from_wire_name("Ticket_Tag_Add");
        assert_eq!(kind, DeskEventKind::Other("Ticket_Tag_Add".into()));
        assert_eq!(kind.to_string(), "Ticket_Tag_Add");
        assert_eq!(
            DeskEventKind::from_wire_name("Ticket_Add"),
            DeskEventKind::Known(DeskEventType::TicketAdd)
        );
    }
}
