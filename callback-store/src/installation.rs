//! An org's installation, what a lifecycle callback does to it, and the
//! rule that keeps replayed callbacks from moving it backwards.

use callback_spec::Event;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where an org's current installation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Callbacks came for this installation, but no `onInstall` yet.
    Pending,
    /// `onInstall` came, and no `onUninstall` since.
    Installed,
    /// `onUninstall` ended the installation.
    Uninstalled,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Installed => "installed",
            Status::Uninstalled => "uninstalled",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Status> {
        Some(match text {
            "pending" => Status::Pending,
            "installed" => Status::Installed,
            "uninstalled" => Status::Uninstalled,
            _ => return None,
        })
    }
}

/// A security context as the store gives it back: `Debug` and `Display`
/// print `<redacted>`; the value is reached only through
/// [`expose`](SecurityContext::expose). Cloning is cheap.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SecurityContext(Arc<str>);

impl SecurityContext {
    /// Wraps a security context.
    pub fn new(value: impl Into<Arc<str>>) -> SecurityContext {
        SecurityContext(value.into())
    }

    /// The token itself, for a request to Zoho. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecurityContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecurityContext(<redacted>)")
    }
}

impl fmt::Display for SecurityContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// What the lifecycle callbacks said about one org.
///
/// Counts and times cover every installation of the org, and count every
/// callback applied: callbacks carry no delivery id, so two identical ones
/// are two. `Debug` redacts the security context.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Installation {
    /// The org.
    pub org_id: u64,
    /// Where its current installation stands.
    pub status: Status,
    /// Which installation of the org this is: 1 for the first; a callback
    /// that starts a new installation after an `onUninstall` adds 1.
    pub generation: u64,
    /// `onZohoAuthorise` came in this installation.
    pub zoho_authorised: bool,
    /// `onTPAAuthorise` came, and no `onTPARevoke` (nor `onUninstall`) since.
    pub tpa_authorised: bool,
    /// `onUpdate` callbacks applied.
    pub updates: u64,
    /// `onConfigParamAdd` callbacks applied.
    pub config_param_adds: u64,
    /// `onConfigParamDelete` callbacks applied.
    pub config_param_deletes: u64,
    /// Every callback applied, of any event.
    pub callbacks: u64,
    /// The latest security context of the current installation; `None`
    /// before any, and after `onUninstall` (which revokes it).
    pub security_context: Option<SecurityContext>,
    /// When the first callback from the org was received.
    pub first_seen_at: SystemTime,
    /// When the latest callback was received.
    pub last_callback_at: SystemTime,
    /// When the latest callback of each event was received, by
    /// [`Event::index`].
    pub(crate) last_at: [Option<SystemTime>; Event::COUNT],
}

impl Installation {
    /// Whether the extension is installed ([`Status::Installed`]).
    pub fn is_installed(&self) -> bool {
        self.status == Status::Installed
    }

    /// When the latest callback of `event` was received, if one was.
    pub fn last_at(&self, event: Event) -> Option<SystemTime> {
        self.last_at[event.index()]
    }
}

/// One verified lifecycle callback, as the store applies it. `Debug`
/// redacts the security context.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct LifecycleCallback<'a> {
    /// Its event.
    pub event: Event,
    /// Its org.
    pub org_id: u64,
    /// Its `securityContext`, if it carried one.
    pub security_context: Option<&'a str>,
    /// When it was received.
    pub received_at: SystemTime,
}

impl<'a> LifecycleCallback<'a> {
    /// A callback of `event` from `org_id`, received at `received_at`.
    pub fn new(
        event: Event,
        org_id: u64,
        security_context: Option<&'a str>,
        received_at: SystemTime,
    ) -> LifecycleCallback<'a> {
        LifecycleCallback {
            event,
            org_id,
            security_context,
            received_at,
        }
    }
}

impl fmt::Debug for LifecycleCallback<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LifecycleCallback")
            .field("event", &self.event)
            .field("org_id", &self.org_id)
            .field(
                "security_context",
                &self.security_context.map(|_| "<redacted>"),
            )
            .field("received_at", &self.received_at)
            .finish()
    }
}

/// What [`apply`](crate::InstallationStore::apply) did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The callback was applied and committed; the installation as it is now.
    Recorded(Installation),
    /// The callback carries a security context of an installation that has
    /// ended (a replay, or a callback delayed past a reinstall): nothing
    /// changed. The installation as it is. A server refuses it, e.g. with
    /// `409 Conflict` and `{"error": "stale_callback"}`, without running
    /// the handler.
    Stale(Installation),
}

impl Applied {
    /// The installation, as it is after the call.
    pub fn installation(&self) -> &Installation {
        match self {
            Applied::Recorded(installation) | Applied::Stale(installation) => installation,
        }
    }

    /// Whether the callback was refused as stale.
    pub fn is_stale(&self) -> bool {
        matches!(self, Applied::Stale(_))
    }
}

/// An installation as its row holds it, without the security context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct State {
    pub(crate) status: Status,
    pub(crate) generation: u64,
    pub(crate) zoho_authorised: bool,
    pub(crate) tpa_authorised: bool,
    pub(crate) updates: u64,
    pub(crate) config_param_adds: u64,
    pub(crate) config_param_deletes: u64,
    pub(crate) callbacks: u64,
    pub(crate) first_seen_at: i64,
    pub(crate) last_callback_at: i64,
    pub(crate) last_at: [Option<i64>; Event::COUNT],
}

/// What the store knows of a callback's security context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Seen {
    /// The callback carries none.
    Absent,
    /// Never seen from this org.
    New,
    /// Seen first in this installation (generation) of the org.
    In(u64),
}

/// Whether to apply a callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Refuse it, changing nothing.
    Stale,
    /// Apply it; first begin a new installation if `new_generation`.
    Apply { new_generation: bool },
}

/// The replay rule. A security context belongs to the installation in which
/// the store first saw it. A callback carrying one of an installation that
/// has ended is stale: an earlier installation's, or the current one's once
/// `onUninstall` ended it (except a repeated `onUninstall`, which changes
/// nothing). A callback carrying a context never seen, or none, after an
/// `onUninstall` begins a new installation (a reinstall), unless it is an
/// `onUninstall` itself. `None` when a context is recorded for an
/// installation that has not begun (the row was altered).
pub(crate) fn decide(state: &State, event: Event, seen: Seen) -> Option<Decision> {
    let ended = state.status == Status::Uninstalled;
    Some(match seen {
        Seen::In(generation) if generation > state.generation => return None,
        Seen::In(generation) if generation < state.generation => Decision::Stale,
        Seen::In(_) if ended && event != Event::Uninstall => Decision::Stale,
        Seen::In(_) => Decision::Apply {
            new_generation: false,
        },
        Seen::Absent | Seen::New => Decision::Apply {
            new_generation: ended && event != Event::Uninstall,
        },
    })
}

impl State {
    /// Applies `event`, received at `at` (milliseconds since the Unix
    /// epoch). Times only move forwards: a callback received (by another
    /// instance) a moment before the latest one leaves the latest time.
    pub(crate) fn apply(&mut self, event: Event, at: i64, new_generation: bool) {
        if new_generation {
            self.generation += 1;
            self.status = Status::Pending;
            self.zoho_authorised = false;
            self.tpa_authorised = false;
        }
        match event {
            Event::Install => self.status = Status::Installed,
            Event::ZohoAuthorise => self.zoho_authorised = true,
            Event::TpaAuthorise => self.tpa_authorised = true,
            Event::TpaRevoke => self.tpa_authorised = false,
            Event::Update => self.updates += 1,
            Event::ConfigParamAdd => self.config_param_adds += 1,
            Event::ConfigParamDelete => self.config_param_deletes += 1,
            Event::Uninstall => {
                self.status = Status::Uninstalled;
                self.zoho_authorised = false;
                self.tpa_authorised = false;
            }
            // An event the store does not know yet is counted and timed,
            // and changes nothing else.
            _ => {}
        }
        self.callbacks += 1;
        self.first_seen_at = self.first_seen_at.min(at);
        self.last_callback_at = self.last_callback_at.max(at);
        let last = &mut self.last_at[event.index()];
        *last = Some(last.map_or(at, |last| last.max(at)));
    }

    /// The installation of `org_id` in this state, with `security_context`.
    pub(crate) fn installation(
        &self,
        org_id: u64,
        security_context: Option<SecurityContext>,
    ) -> Installation {
        Installation {
            org_id,
            status: self.status,
            generation: self.generation,
            zoho_authorised: self.zoho_authorised,
            tpa_authorised: self.tpa_authorised,
            updates: self.updates,
            config_param_adds: self.config_param_adds,
            config_param_deletes: self.config_param_deletes,
            callbacks: self.callbacks,
            security_context,
            first_seen_at: from_millis(self.first_seen_at),
            last_callback_at: from_millis(self.last_callback_at),
            last_at: self.last_at.map(|at| at.map(from_millis)),
        }
    }
}

/// `at` as milliseconds since the Unix epoch (negative before it),
/// saturating far from it.
pub(crate) fn to_millis(at: SystemTime) -> i64 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

/// The instant `ms` milliseconds after the Unix epoch.
pub(crate) fn from_millis(ms: i64) -> SystemTime {
    let span = Duration::from_millis(ms.unsigned_abs());
    if ms >= 0 {
        UNIX_EPOCH + span
    } else {
        UNIX_EPOCH - span
    }
}
