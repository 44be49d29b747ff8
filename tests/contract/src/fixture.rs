//! The extension every contract test serves: eight handlers, one per event,
//! built with the core's attributes, and the configuration they are served
//! with (two secrets, a body limit, a body timeout, a handler deadline).
//!
//! Each handler records the event it is declared for (not the payload's),
//! so a count proves which handler ran; the payload's `behave` field makes
//! it fail, panic or sleep past the deadline.

use callback_core::desk::Ticket;
use callback_core::testing::TestCallback;
use callback_core::testing::desk::{TestDelivery, test_keys, ticket_event};
use callback_core::{
    DeskEventType, Event, Extra, HandlerError, Router, RouterBuilder, Secret, State, callbacks,
    desk_events,
};
use callback_macros::{
    desk_event, on_config_param_add, on_config_param_delete, on_install, on_tpa_authorise,
    on_tpa_revoke, on_uninstall, on_update, on_zoho_authorise,
};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The secret callbacks are signed with.
pub const SECRET: &str = "fixture-secret-5f1c9a0e7b3d";
/// The previous secret, still accepted during a rotation.
pub const OLD_SECRET: &str = "fixture-old-secret-c4e8d2a61f90";
/// A secret the server does not know.
pub const FOREIGN_SECRET: &str = "fixture-foreign-secret-0b7e3";
/// The security context every fixture callback carries.
pub const SECURITY_CONTEXT: &str = "sc-2398deio3qwnx3c9xwi3nc3njkh9jfico";
/// The org id every fixture callback carries.
pub const ORG_ID: u64 = 387238;
/// The body limit of the fixture's routes.
pub const BODY_LIMIT: usize = 1024;
/// The handler deadline of the fixture's routes.
pub const TIMEOUT: Duration = Duration::from_millis(50);
/// How long the fixture's routes wait for a body that stops arriving.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(1);
/// How long the hanging handler (`"behave": "sleep"`) would sleep if the
/// deadline did not cut it: far past [`TIMEOUT`], so an answer before it
/// proves the deadline ended the call.
pub const HANDLER_SLEEP: Duration = Duration::from_secs(10);
/// The path both config events share.
pub const SHARED_PATH: &str = "/cfg";
/// What the failing handler says: logged, never sent.
pub const HANDLER_ERROR_MESSAGE: &str = "the database refused user app_rw";
/// What the panicking handler panics with: logged, never sent.
pub const PANIC_MESSAGE: &str = "the fixture handler panics on purpose";

/// The fixture's current secret.
pub fn secret() -> Secret {
    Secret::new(SECRET).expect("non-empty")
}

/// The fixture's previous secret.
pub fn old_secret() -> Secret {
    Secret::new(OLD_SECRET).expect("non-empty")
}

/// A secret the fixture's server does not hold.
pub fn foreign_secret() -> Secret {
    Secret::new(FOREIGN_SECRET).expect("non-empty")
}

/// The fixture's Desk event handlers, each counted in its own slot of
/// [`Calls`] after the eight callback handlers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeskSlot {
    /// `Ticket_Add` at the default webhook (it behaves as the ticket's
    /// subject says).
    TicketAdd,
    /// The default webhook's catch-all.
    Any,
    /// `Ticket_Comment_Add`, whose handler wrongly takes a `Ticket`.
    CommentAsTicket,
    /// `Ticket_Add` at the webhook `audited`, whose id is configured.
    Audited,
}

impl DeskSlot {
    const COUNT: usize = 4;

    fn index(self) -> usize {
        Event::COUNT + self as usize
    }
}

/// How many times each handler ran, by the event it is declared for (the
/// callback handlers by [`Event`], the Desk ones by [`DeskSlot`]).
/// Clones share the counts: the server holds one as state, the test another.
#[derive(Clone, Debug, Default)]
pub struct Calls(Arc<[AtomicUsize; Event::COUNT + DeskSlot::COUNT]>);

impl Calls {
    fn record(&self, event: Event) {
        self.0[event.index()].fetch_add(1, Ordering::SeqCst);
    }

    fn record_desk(&self, slot: DeskSlot) {
        self.0[slot.index()].fetch_add(1, Ordering::SeqCst);
    }

    /// Calls of the handler for `event`.
    pub fn of(&self, event: Event) -> usize {
        self.0[event.index()].load(Ordering::SeqCst)
    }

    /// Calls of the Desk event handler `slot`.
    pub fn of_desk(&self, slot: DeskSlot) -> usize {
        self.0[slot.index()].load(Ordering::SeqCst)
    }

    /// Calls of all handlers.
    pub fn total(&self) -> usize {
        self.snapshot().iter().sum()
    }

    /// The count of each handler (the callback ones in the order of
    /// [`Event::ALL`], then the Desk ones), for
    /// [`Case::check`](crate::Case::check).
    pub fn snapshot(&self) -> Vec<usize> {
        self.0.iter().map(|n| n.load(Ordering::SeqCst)).collect()
    }
}

/// Records the call, then behaves as the payload's `behave` field says.
async fn behave(declared: Event, extra: Extra, calls: State<Calls>) -> Result<(), String> {
    calls.record(declared);
    match extra.get("behave").and_then(Value::as_str) {
        None => Ok(()),
        Some("fail") => Err(HANDLER_ERROR_MESSAGE.to_owned()),
        Some("panic") => panic!("{PANIC_MESSAGE}"),
        Some("sleep") => {
            tokio::time::sleep(HANDLER_SLEEP).await;
            Ok(())
        }
        Some(other) => Err(format!("unknown behaviour {other}")),
    }
}

/// Declares one fixture handler for `$event` with attribute `$attr`.
macro_rules! handler {
    ($name:ident, #[$($attr:tt)*], $event:expr) => {
        #[$($attr)*]
        async fn $name(extra: Extra, calls: State<Calls>) -> Result<(), String> {
            behave($event, extra, calls).await
        }
    };
}

handler!(installed, #[on_install], Event::Install);
handler!(zoho_authorised, #[on_zoho_authorise], Event::ZohoAuthorise);
handler!(tpa_authorised, #[on_tpa_authorise], Event::TpaAuthorise);
handler!(tpa_revoked, #[on_tpa_revoke], Event::TpaRevoke);
handler!(updated, #[on_update], Event::Update);
handler!(config_added, #[on_config_param_add(path = "/cfg")], Event::ConfigParamAdd);
handler!(config_deleted, #[on_config_param_delete(path = "/cfg")], Event::ConfigParamDelete);
handler!(uninstalled, #[on_uninstall], Event::Uninstall);

/// Records the call, then behaves as the ticket's subject says (`fail`,
/// `panic`, `sleep` past the deadline, `gone`).
#[desk_event(Ticket_Add)]
async fn ticket_added(ticket: Ticket, calls: State<Calls>) -> Result<(), HandlerError> {
    calls.record_desk(DeskSlot::TicketAdd);
    match ticket.subject.as_deref() {
        Some("fail") => Err(HandlerError::msg(HANDLER_ERROR_MESSAGE)),
        Some("panic") => panic!("{PANIC_MESSAGE}"),
        Some("sleep") => {
            tokio::time::sleep(HANDLER_SLEEP).await;
            Ok(())
        }
        Some("gone") => Err(HandlerError::gone()),
        _ => Ok(()),
    }
}

/// Every other event of the default webhook, unknown types included.
#[desk_event(any)]
async fn any_event(calls: State<Calls>) {
    calls.record_desk(DeskSlot::Any);
}

/// Wrongly takes a `Ticket` for a comment event: never runs.
#[desk_event(Ticket_Comment_Add)]
async fn comment_as_ticket(_ticket: Ticket, calls: State<Calls>) {
    calls.record_desk(DeskSlot::CommentAsTicket);
}

/// The webhook whose id is configured, so its tokens' `aud` is checked.
#[desk_event(Ticket_Add, webhook = "audited")]
async fn audited_ticket(calls: State<Calls>) {
    calls.record_desk(DeskSlot::Audited);
}

/// The id of the webhook `audited`.
pub const AUDITED_WEBHOOK_ID: &str = "1892000000817001";
/// Where the webhook `audited` is mounted.
pub const AUDITED_PATH: &str = "/desk/audited";
/// The Desk body limit of the fixture's routes.
pub const DESK_BODY_LIMIT: usize = 4096;

/// The fixture's configuration, building `R` (an adapter's routes, or the
/// core [`Router`] itself): all eight handlers, two secrets (a rotation),
/// `calls` as state, a [`BODY_LIMIT`] body limit, a [`TIMEOUT`] deadline
/// and a [`BODY_TIMEOUT`] body timeout.
///
/// An adapter's test builds its routes from it and serves them:
/// `fixture::callbacks::<CallbackRoutes>(&calls).build()`.
pub fn callbacks<R: From<Router>>(calls: &Calls) -> RouterBuilder<R> {
    RouterBuilder::new(callbacks![
        installed,
        zoho_authorised,
        tpa_authorised,
        tpa_revoked,
        updated,
        config_added,
        config_deleted,
        uninstalled,
    ])
    .secrets([secret(), old_secret()])
    .desk_events(desk_events![
        ticket_added,
        any_event,
        comment_as_ticket,
        audited_ticket
    ])
    .desk_keys(test_keys())
    .desk_webhook_id("audited", AUDITED_WEBHOOK_ID)
    .desk_body_limit(DESK_BODY_LIMIT)
    .state(calls.clone())
    .body_limit(BODY_LIMIT)
    .timeout(TIMEOUT)
    .body_timeout(BODY_TIMEOUT)
}

/// A correctly signed delivery to the default webhook for [`ORG_ID`] with
/// [`SECURITY_CONTEXT`], of `events`.
pub fn delivery(events: impl IntoIterator<Item = callback_core::desk::DeskEvent>) -> TestDelivery {
    TestDelivery::new(ORG_ID)
        .security_context(SECURITY_CONTEXT)
        .events(events)
}

/// A `Ticket_Add` of the fixture's org whose subject is `subject`.
pub fn ticket_with_subject(subject: &str) -> callback_core::desk::DeskEvent {
    let mut event = ticket_event(DeskEventType::TicketAdd, ORG_ID, 1_892_000_000_143_237);
    let mut payload = event.payload().clone();
    payload["subject"] = serde_json::json!(subject);
    event = callback_core::desk::DeskEvent::new(event.kind().clone(), event.org_id(), payload);
    event
}

/// Where the fixture mounts `event`.
pub fn path_of(event: Event) -> String {
    match event {
        Event::ConfigParamAdd | Event::ConfigParamDelete => SHARED_PATH.to_owned(),
        other => callback_core::default_path(other),
    }
}

/// A correctly signed callback for `event`, at the fixture's path for it,
/// for [`ORG_ID`] with [`SECURITY_CONTEXT`].
pub fn callback(event: Event) -> TestCallback {
    TestCallback::new(event, &secret())
        .org_id(ORG_ID)
        .security_context(SECURITY_CONTEXT)
        .path(&path_of(event))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_builds_and_mounts_each_event_where_path_of_says() {
        let router = callbacks::<Router>(&Calls::default())
            .build()
            .expect("the fixture is valid");
        let mounted: Vec<(Event, String)> = router
            .handlers()
            .infos()
            .map(|info| (info.event, info.path.to_string()))
            .collect();
        let expected: Vec<(Event, String)> = Event::ALL
            .into_iter()
            .map(|event| (event, path_of(event)))
            .collect();
        assert_eq!(mounted, expected);
        assert_eq!(
            router.limits().body_limit,
            BODY_LIMIT,
            "the table's oversized bodies are sized from it"
        );
        assert_eq!(router.limits().body_timeout, BODY_TIMEOUT);
        assert_eq!(router.limits().timeout, Some(TIMEOUT));
    }
}
