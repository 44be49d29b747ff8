//! What a handler's extractors see through the router's `CallContext`: the
//! event and org id of the parse, the one `Callback` the router built, with
//! the security context unescaped and the extra fields kept, and a `Debug`
//! that never shows the context.

use crate::common;

use callback_core::{
    CallContext, Callback, Event, Handler, HandlerFuture, HandlerInfo, HandlerList, MissingState,
    OrgId, Outcome, Router, StateMap,
};
use common::{SECRET, SECURITY_CONTEXT, dispatch, secret, signed};
use serde_json::json;
use std::sync::Mutex;

/// What one call of [`Inspect`] saw.
#[derive(Debug)]
struct Seen {
    event: Event,
    org_id: OrgId,
    callback: Callback,
    debug: String,
}

/// A handler that records what its context offers.
struct Inspect {
    seen: Mutex<Vec<Seen>>,
}

static INFO: HandlerInfo = HandlerInfo::new(
    Event::ConfigParamAdd,
    "/callbacks/onConfigParamAdd",
    "inspect",
    "call_context",
);

impl Handler for Inspect {
    fn info(&self) -> &'static HandlerInfo {
        &INFO
    }

    fn check_state(&self, _: &StateMap) -> Result<(), MissingState> {
        Ok(())
    }

    fn call<'a>(&'a self, cx: &'a CallContext<'a>) -> HandlerFuture<'a> {
        Box::pin(async move {
            let (event, org_id) = (cx.event(), cx.org_id());
            let debug = format!("{cx:?}");
            self.seen.lock().expect("not poisoned").push(Seen {
                event,
                org_id,
                callback: cx.callback().clone(),
                debug,
            });
            Ok(())
        })
    }
}

/// A router with one [`Inspect`] handler (its own, leaked: a router takes
/// `'static` handlers) for onConfigParamAdd.
fn inspect() -> (&'static Inspect, Router) {
    let handler: &'static Inspect = Box::leak(Box::new(Inspect {
        seen: Mutex::new(Vec::new()),
    }));
    let router = Router::builder(HandlerList::new(&[handler]))
        .secret(secret(SECRET))
        .build()
        .expect("a valid router");
    (handler, router)
}

fn only_call(handler: &Inspect) -> Seen {
    let mut seen = handler.seen.lock().expect("not poisoned");
    assert_eq!(seen.len(), 1, "the handler runs exactly once");
    seen.pop().expect("one call")
}

#[tokio::test]
async fn the_handler_sees_the_parsed_event_org_id_and_callback() {
    let (handler, router) = inspect();
    let request = signed(Event::ConfigParamAdd).build();
    let outcome = dispatch(&router, &request).await;
    assert!(matches!(outcome, Outcome::Handled(_)), "{outcome:?}");

    let seen = only_call(handler);
    assert_eq!(seen.event, Event::ConfigParamAdd);
    assert_eq!(seen.org_id, OrgId::new(387238));
    assert_eq!(seen.callback.event(), Event::ConfigParamAdd);
    assert_eq!(seen.callback.org_id(), OrgId::new(387238));
    assert_eq!(seen.callback.secret_index(), 0);
    assert_eq!(
        seen.callback.security_context().map(|c| c.expose()),
        Some(SECURITY_CONTEXT)
    );
    assert!(seen.callback.extra().is_empty());
}

#[tokio::test]
async fn an_escaped_security_context_and_extra_fields_reach_the_callback() {
    let (handler, router) = inspect();
    // `\u0032` is `2`, `\"` a quote: the context must be unescaped, not
    // copied from the body as it stands.
    let body = br#"{"event":"onConfigParamAdd","orgId":"387238","securityContext":"\u00323\"98","configParams":{"jira":"acme"},"n":1}"#;
    let request = signed(Event::ConfigParamAdd).body(body.to_vec()).build();
    let outcome = dispatch(&router, &request).await;
    assert!(matches!(outcome, Outcome::Handled(_)), "{outcome:?}");

    let seen = only_call(handler);
    assert_eq!(seen.org_id, OrgId::new(387238));
    assert_eq!(
        seen.callback.security_context().map(|c| c.expose()),
        Some("23\"98")
    );
    assert_eq!(
        serde_json::Value::Object(seen.callback.extra().clone()),
        json!({"configParams": {"jira": "acme"}, "n": 1})
    );
}

#[tokio::test]
async fn the_context_debug_shows_the_event_and_no_security_context() {
    let (handler, router) = inspect();
    let request = signed(Event::ConfigParamAdd).build();
    dispatch(&router, &request).await;
    let seen = only_call(handler);
    // The router's context, formatted inside the handler.
    assert!(seen.debug.contains("ConfigParamAdd"), "{}", seen.debug);
    common::assert_holds_none(&seen.debug, &[SECURITY_CONTEXT]);
}

#[test]
fn a_context_over_a_built_callback_reads_the_same_values() {
    let callback = Callback::new(callback_core::Payload::new(Event::Update, OrgId::new(7)), 1);
    let state = StateMap::new();
    let cx = CallContext::new(&callback, &state);
    assert_eq!(cx.event(), Event::Update);
    assert_eq!(cx.org_id(), OrgId::new(7));
    assert!(std::ptr::eq(cx.callback(), &callback));
}
