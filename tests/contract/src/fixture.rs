//! The extension every contract test serves: eight handlers, one per event,
//! built with the core's attributes, and the configuration they are served
//! with (two secrets, a body limit, a body timeout, a handler deadline).
//!
//! Each handler records the event it is declared for (not the payload's),
//! so a count proves which handler ran; the payload's `behave` field makes
//! it fail, panic or sleep past the deadline.

use callback_core::testing::TestCallback;
use callback_core::{Event, Extra, Router, RouterBuilder, Secret, State, callbacks};
use callback_macros::{
    on_config_param_add, on_config_param_delete, on_install, on_tpa_authorise, on_tpa_revoke,
    on_uninstall, on_update, on_zoho_authorise,
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

/// How many times each handler ran, by the event it is declared for.
/// Clones share the counts: the server holds one as state, the test another.
#[derive(Clone, Debug, Default)]
pub struct Calls(Arc<[AtomicUsize; Event::COUNT]>);

impl Calls {
    fn record(&self, event: Event) {
        self.0[event.index()].fetch_add(1, Ordering::SeqCst);
    }

    /// Calls of the handler for `event`.
    pub fn of(&self, event: Event) -> usize {
        self.0[event.index()].load(Ordering::SeqCst)
    }

    /// Calls of all handlers.
    pub fn total(&self) -> usize {
        Event::ALL.iter().map(|&e| self.of(e)).sum()
    }

    /// The count of each handler, in the order of [`Event::ALL`], for
    /// [`Case::check`](crate::Case::check).
    pub fn snapshot(&self) -> Vec<usize> {
        Event::ALL.iter().map(|&e| self.of(e)).collect()
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
    .state(calls.clone())
    .body_limit(BODY_LIMIT)
    .timeout(TIMEOUT)
    .body_timeout(BODY_TIMEOUT)
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
