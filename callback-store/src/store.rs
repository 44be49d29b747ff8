//! The store's interface: what a server and its background jobs call.

use crate::claim::{Claim, EventDigest};
use crate::error::StoreError;
use crate::installation::{Applied, Installation, LifecycleCallback};
use crate::key::KeyId;
use std::fmt;
use std::time::{Duration, SystemTime};

/// Which database a store keeps its state in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// A SQLite file (or memory), for one instance.
    Sqlite,
    /// A PostgreSQL database, which several instances share.
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

/// What [`InstallationStore::rekey`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RekeyReport {
    /// The key everything is now encrypted under (the first configured).
    pub key_id: KeyId,
    /// How many security contexts were encrypted again (those under
    /// another key).
    pub contexts: u64,
    /// Whether the key of the security-context digests was sealed again.
    pub digest_key: bool,
}

/// The installations of every org, kept from the lifecycle callbacks, and
/// the claims that run each Desk event once.
///
/// Object-safe: a server keeps one `Arc<dyn InstallationStore>` (from
/// [`StoreOptions::open`](crate::StoreOptions::open)) and shares it across
/// workers and instances' background jobs. Every method is bounded in
/// time: an unreachable or stuck database gives
/// [`StoreError::is_unavailable`] within
/// [`StoreOptions::timeout`](crate::StoreOptions::timeout), never a hang,
/// and the next call after the database returns succeeds (the pool
/// reconnects by itself).
#[async_trait::async_trait]
pub trait InstallationStore: Send + Sync + fmt::Debug {
    /// Applies one verified lifecycle callback to its org's installation,
    /// in one transaction, and gives the installation as committed.
    ///
    /// Transitions are idempotent (a repeated `onInstall` leaves the same
    /// state), while counts count every callback (two identical callbacks
    /// are two: callbacks carry no delivery id). A callback that carries
    /// the security context of an installation that has ended is
    /// [`Applied::Stale`] and changes nothing: see the crate's "Replays".
    async fn apply(&self, callback: LifecycleCallback<'_>) -> Result<Applied, StoreError>;

    /// The installation of `org_id`, with its security context decrypted;
    /// `None` if no callback came from it.
    async fn installation(&self, org_id: u64) -> Result<Option<Installation>, StoreError>;

    /// Up to `limit` installations, in increasing org id, those after
    /// `after` (from the first when `None`): pass the last org id of a page
    /// to get the next.
    async fn list(&self, after: Option<u64>, limit: u32) -> Result<Vec<Installation>, StoreError>;

    /// Claims a Desk event by its digest, at `now`, for `lease`:
    /// [`Claim::Claimed`] for exactly one of any number of concurrent claims
    /// of one digest, from any number of instances;
    /// [`Claim::AlreadyClaimed`] while an earlier claim is younger than the
    /// retention and either [completed](InstallationStore::complete) or
    /// within its lease.
    ///
    /// The claimant runs the event's handler, then completes the claim (it
    /// succeeded) or [releases](InstallationStore::release) it (it failed,
    /// so that Zoho's retry runs it). A claim neither completed nor
    /// released within its lease (the process died, the delivery was cut
    /// off) may be claimed again: make `lease` longer than the handler may
    /// run.
    async fn claim(
        &self,
        digest: EventDigest,
        now: SystemTime,
        lease: Duration,
    ) -> Result<Claim, StoreError>;

    /// Completes a claim: its handler succeeded, and the event is not run
    /// again while the claim is kept (the retention).
    async fn complete(&self, digest: EventDigest) -> Result<(), StoreError>;

    /// Releases a claim (its handler failed), so that a redelivery of the
    /// event is claimed and run again.
    async fn release(&self, digest: EventDigest) -> Result<(), StoreError>;

    /// Removes the claims older than the retention at `now`; how many.
    async fn cleanup(&self, now: SystemTime) -> Result<u64, StoreError>;

    /// Encrypts every security context under the first configured key, and
    /// seals the key of the context digests under it, so that the other
    /// keys can then be dropped from the configuration. Rows another
    /// instance writes meanwhile are written under the first key already
    /// (if that instance has the same keys). Not bounded by the timeout:
    /// it reads every installation.
    async fn rekey(&self) -> Result<RekeyReport, StoreError>;

    /// Which database this is.
    fn backend(&self) -> Backend;

    /// The database, for messages: a file path, or a PostgreSQL host,
    /// port and database name; never a password.
    fn location(&self) -> &str;

    /// How long a Desk event's claim is kept.
    fn claim_retention(&self) -> Duration;
}
