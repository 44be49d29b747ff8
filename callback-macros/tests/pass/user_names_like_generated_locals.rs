//! Arguments, locals and a function named like the generated code's locals
//! (`__cx`, `__state`, `__arg0`, `__returned`): mixed-site hygiene keeps them
//! apart.
#![deny(warnings)]

mod support;

use callback_core::{Callback, Event, OrgId, State, StateMap, callbacks};
use callback_macros::{on_install, on_update};

#[on_install]
async fn installed(__cx: Callback, __state: State<u32>, __arg0: OrgId, __arg1: Event) {
    let __returned = format!("{} {} {} {}", __cx.org_id(), *__state, __arg0, __arg1);
    let __arg2 = __returned;
    support::ran(__arg2);
}

/// A function named like the generated code's context argument: the
/// generated call must reach this function, not that argument.
#[on_update]
async fn __cx(__state: OrgId) {
    support::ran(format!("__cx {__state}"));
}

fn main() {
    let mut state = StateMap::new();
    state.insert(8_u32);
    let handlers = callbacks![installed, __cx];
    for (handler, event) in handlers.iter().zip([Event::Install, Event::Update]) {
        support::run(handler, event, 6, &state).unwrap();
    }
    assert_eq!(support::take_ran(), ["6 8 6 onInstall", "__cx 6"]);
}
