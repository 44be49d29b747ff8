//! What the pass cases share: running one handler the way the router does,
//! and recording which functions ran.
//!
//! Not a pass case itself (`tests/pass/*.rs` does not reach this folder);
//! each case includes it with `mod support;`.

#![allow(dead_code)]

use callback_core::{CallContext, Callback, Event, Handler, OrgId, Payload, StateMap};
use std::sync::Mutex;

/// The names recorded by `ran`, in order.
static RAN: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records that `what` ran.
pub fn ran(what: impl Into<String>) {
    RAN.lock().unwrap().push(what.into());
}

/// Everything recorded since the last call.
pub fn take_ran() -> Vec<String> {
    std::mem::take(&mut *RAN.lock().unwrap())
}

/// Runs `handler` the way the router does, on a callback for `event` from
/// `org`, with `state`: argument extraction, then the handler. Returns the
/// rejection as text, or for a handler's own error its message.
pub fn run(handler: &dyn Handler, event: Event, org: u64, state: &StateMap) -> Result<(), String> {
    let callback = Callback::new(Payload::new(event, OrgId::new(org)), 0);
    handler
        .check_state(state)
        .map_err(|missing| missing.to_string())?;
    let cx = CallContext::new(&callback, state);
    block_on(handler.call(&cx)).map_err(|rejection| match rejection.detail() {
        Some(detail) => detail.to_owned(),
        None => rejection.to_string(),
    })
}

/// Runs `future` to completion.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

/// `(event, path, handler)` of each handler of `list`, with the handler's
/// module path relative to the crate (the crate's own name varies).
pub fn registrations(list: &callback_core::HandlerList) -> Vec<(String, String, String)> {
    list.infos()
        .map(|info| {
            let handler = info.qualified_name();
            let handler = match handler.split_once("::") {
                Some((_crate, rest)) => rest.to_owned(),
                None => handler,
            };
            (info.event.to_string(), info.path.to_string(), handler)
        })
        .collect()
}
