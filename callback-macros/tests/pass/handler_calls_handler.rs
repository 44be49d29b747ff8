//! A handler calls another annotated handler directly: the annotated
//! functions stay ordinary `async fn`s.
#![deny(warnings)]

mod support;

use callback_core::{Event, HandlerError, OrgId, StateMap, callbacks};
use callback_macros::{on_install, on_update};

#[on_update]
async fn updated(org: OrgId) -> Result<(), HandlerError> {
    support::ran(format!("updated {org}"));
    Ok(())
}

#[on_install]
async fn installed(org: OrgId) -> Result<(), HandlerError> {
    support::ran(format!("installed {org}"));
    // An install is also the first update.
    updated(org).await
}

fn main() {
    let handlers = callbacks![installed, updated];
    let state = StateMap::new();
    support::run(handlers.iter().next().unwrap(), Event::Install, 2, &state).unwrap();
    assert_eq!(support::take_ran(), ["installed 2", "updated 2"]);

    support::block_on(installed(OrgId::new(3))).unwrap();
    assert_eq!(support::take_ran(), ["installed 3", "updated 3"]);
}
