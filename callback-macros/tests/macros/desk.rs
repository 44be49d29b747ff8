//! `#[desk_event(...)]`: the description each attribute gives its handler,
//! and the generated `DeskHandler::call` extracting every argument from a
//! `DeskContext`, as the Desk router calls it.

use crate::Seen;
use callback_core::desk::{
    Delivery, DeskContext, DeskEvent, DeskHandler, DeskHandlerList, StaticDeskHandler,
};
use callback_core::{
    DeskEventKind, DeskEventSelector, DeskEventType, DeskHandlerInfo, HandlerError, OrgId,
    SecurityContext, State, StateMap, ThreadDirection,
};
use callback_macros::desk_event;
use serde_json::json;
use std::borrow::Cow;

#[desk_event(Ticket_Add)]
async fn ticket_added(event: DeskEvent, org: OrgId, seen: State<Seen>) {
    seen.push(format!("{} {org} {}", event.kind(), event.payload()["id"]));
}

#[desk_event(Ticket_Update, include_prev_state, fields = ["status", "priority"])]
async fn ticket_updated(event: DeskEvent, seen: State<Seen>) -> Result<(), HandlerError> {
    seen.push(format!("{} {}", event.kind(), event.payload()["status"]));
    Ok(())
}

#[desk_event(
    Ticket_Thread_Add,
    direction = "in",
    webhook = "threads",
    path = "/zoho/threads"
)]
async fn thread_added(ctx: SecurityContext, seen: State<Seen>) -> anyhow::Result<()> {
    seen.push(format!("thread ctx={}", ctx.expose()));
    Ok(())
}

#[desk_event(any)]
async fn other(event: DeskEvent) -> Result<(), String> {
    Err(format!("nobody handles {}", event.kind()))
}

const ORG: u64 = 20_000_000_000_000_001;

fn state(seen: &Seen) -> StateMap {
    let mut state = StateMap::new();
    state.insert(seen.clone());
    state
}

/// Runs `handler` on one event of `kind` the way the Desk router does:
/// the state check, then argument extraction and the handler.
async fn run(
    handler: &dyn DeskHandler,
    kind: &str,
    payload: serde_json::Value,
    security_context: Option<&str>,
    state: &StateMap,
) -> Result<(), String> {
    handler
        .check_state(state)
        .map_err(|missing| missing.to_string())?;
    let delivery = Delivery::new(OrgId::new(ORG), security_context.map(SecurityContext::new));
    let event = DeskEvent::new(
        DeskEventKind::from_wire_name(kind),
        OrgId::new(ORG),
        payload,
    );
    let cx = DeskContext::new(&delivery, &event, state);
    handler.call(&cx).await.map_err(|rejection| {
        format!(
            "{} {}: {}",
            rejection.status(),
            rejection.code(),
            rejection.detail().unwrap_or(rejection.message())
        )
    })
}

#[tokio::test]
async fn each_handler_gets_its_arguments_from_the_event_and_the_delivery() {
    let seen = Seen::default();
    let state = state(&seen);
    let added = <ticket_added as StaticDeskHandler>::HANDLER;
    let updated = <ticket_updated as StaticDeskHandler>::HANDLER;
    let thread = <thread_added as StaticDeskHandler>::HANDLER;
    let ticket = json!({"id": "1892000000042001", "status": "Open"});
    for (handler, kind) in [
        (added, "Ticket_Add"),
        (updated, "Ticket_Update"),
        (thread, "Ticket_Thread_Add"),
    ] {
        let ran = run(handler, kind, ticket.clone(), Some("ctx-1"), &state).await;
        assert_eq!(ran, Ok(()), "{kind}");
    }
    assert_eq!(
        seen.take(),
        [
            format!("Ticket_Add {ORG} \"1892000000042001\""),
            "Ticket_Update \"Open\"".to_owned(),
            "thread ctx=ctx-1".to_owned(),
        ]
    );
}

#[tokio::test]
async fn a_refused_argument_or_a_failed_handler_is_a_rejection() {
    let seen = Seen::default();
    let state = state(&seen);
    let thread = <thread_added as StaticDeskHandler>::HANDLER;
    assert_eq!(
        run(thread, "Ticket_Thread_Add", json!({}), None, &state).await,
        Err(
            "400 invalid_query: the webhook's URL carries no securityContext, which this \
             handler needs"
                .to_owned()
        )
    );
    assert!(seen.take().is_empty(), "the handler did not run");

    let other = <other as StaticDeskHandler>::HANDLER;
    assert_eq!(
        run(other, "Ticket_Tag_Add", json!({}), None, &state).await,
        Err("500 handler_error: nobody handles Ticket_Tag_Add".to_owned())
    );
}

#[tokio::test]
async fn missing_state_is_found_before_the_handler_runs() {
    let added = <ticket_added as StaticDeskHandler>::HANDLER;
    let err = run(added, "Ticket_Add", json!({}), None, &StateMap::new())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        "no state of type `macros::Seen` was provided; add `.state(value)` where the \
         callbacks are mounted"
    );
}

#[test]
fn info_carries_the_event_options_webhook_path_name_and_module() {
    let info =
        |webhook: &'static str, path: &'static str, event, name: &'static str| DeskHandlerInfo {
            webhook: webhook.into(),
            path: path.into(),
            event,
            include_prev_state: false,
            fields: Cow::Borrowed(&[]),
            direction: None,
            name: name.into(),
            module: "macros::desk".into(),
        };
    let ticket = |ty| DeskEventSelector::Type(ty);
    assert_eq!(
        <ticket_added as StaticDeskHandler>::INFO,
        &info(
            "deskEvents",
            "/desk/deskEvents",
            ticket(DeskEventType::TicketAdd),
            "ticket_added"
        )
    );
    assert_eq!(
        <ticket_updated as StaticDeskHandler>::INFO,
        &DeskHandlerInfo {
            include_prev_state: true,
            fields: Cow::Borrowed(&[Cow::Borrowed("status"), Cow::Borrowed("priority")]),
            ..info(
                "deskEvents",
                "/desk/deskEvents",
                ticket(DeskEventType::TicketUpdate),
                "ticket_updated"
            )
        }
    );
    assert_eq!(
        <thread_added as StaticDeskHandler>::INFO,
        &DeskHandlerInfo {
            direction: Some(ThreadDirection::In),
            ..info(
                "threads",
                "/zoho/threads",
                ticket(DeskEventType::TicketThreadAdd),
                "thread_added"
            )
        }
    );
    assert_eq!(
        <other as StaticDeskHandler>::INFO,
        &info(
            "deskEvents",
            "/desk/deskEvents",
            DeskEventSelector::Any,
            "other"
        )
    );
    // `info()` of the handler is the same constant.
    let handler = <thread_added as StaticDeskHandler>::HANDLER;
    assert!(std::ptr::eq(
        handler.info(),
        <thread_added as StaticDeskHandler>::INFO
    ));
}

#[test]
fn the_handlers_make_one_valid_list() {
    let list: DeskHandlerList =
        callback_core::desk_events![ticket_added, ticket_updated, thread_added, other];
    assert_eq!(callback_spec_check(&list), Ok(()));
    let names: Vec<String> = list.infos().map(ToString::to_string).collect();
    assert_eq!(
        names,
        [
            "macros::desk::ticket_added (Ticket_Add at /desk/deskEvents)",
            "macros::desk::ticket_updated (Ticket_Update at /desk/deskEvents)",
            "macros::desk::thread_added (Ticket_Thread_Add at /zoho/threads)",
            "macros::desk::other (any event at /desk/deskEvents)",
        ]
    );
}

/// The one check of a set of Desk handlers, as mounting runs it.
fn callback_spec_check(list: &DeskHandlerList) -> Result<(), String> {
    callback_spec::check_desk_handlers(list.infos()).map_err(|e| e.to_string())
}

#[tokio::test]
async fn annotated_functions_stay_callable() {
    let seen = Seen::default();
    let event = DeskEvent::new(
        DeskEventKind::Known(DeskEventType::TicketAdd),
        OrgId::new(5),
        json!({"id": "7"}),
    );
    ticket_added(event, OrgId::new(5), State(seen.clone())).await;
    thread_added(SecurityContext::new("c"), State(seen.clone()))
        .await
        .unwrap();
    assert_eq!(seen.take(), ["Ticket_Add 5 \"7\"", "thread ctx=c"]);
}
