//! Doc comments and other attributes stay on the function, before or after
//! the handler attribute; `#[cfg]` removes the handler and its companion
//! together. (`ui/deprecated_kept.rs` shows `#[deprecated]` reaches callers.)
#![deny(warnings)]

mod support;

use callback_core::{Event, OrgId, StateMap, callbacks};
use callback_macros::{on_install, on_uninstall, on_update};

/// Records the new installation.
///
/// Several lines of docs.
#[on_install]
#[allow(dead_code)]
#[cfg_attr(test, allow(unused))]
#[inline]
#[must_use]
async fn installed(org: OrgId) {
    support::ran(format!("installed {org}"));
}

#[on_update]
#[deprecated = "use `installed`"]
async fn updated() {
    support::ran("updated");
}

/// Docs before the attribute.
#[inline(never)]
#[allow(clippy::unused_async)]
#[on_uninstall]
#[cfg(not(any()))]
#[doc(alias = "removed")]
async fn uninstalled() {
    support::ran("uninstalled");
}

#[callback_macros::on_tpa_revoke]
#[cfg(any())]
async fn compiled_out() {}

// The companion went with the function: the name is free again.
#[allow(non_camel_case_types, dead_code)]
struct compiled_out;

fn main() {
    #[allow(deprecated)]
    let handlers = callbacks![installed, updated, uninstalled];
    let state = StateMap::new();
    for (handler, event) in handlers
        .iter()
        .zip([Event::Install, Event::Update, Event::Uninstall])
    {
        support::run(handler, event, 3, &state).unwrap();
    }
    assert_eq!(
        support::take_ran(),
        ["installed 3", "updated", "uninstalled"]
    );

    // Still ordinary functions.
    support::block_on(installed(OrgId::new(4)));
    #[allow(deprecated)]
    support::block_on(updated());
    assert_eq!(support::take_ran(), ["installed 4", "updated"]);
}
