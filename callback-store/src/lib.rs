//! Per-org installations for Zoho Desk extension backends: what the
//! lifecycle callbacks said about each org, kept in SQLite (the embedded
//! default) or PostgreSQL (which several instances share), with the
//! security contexts encrypted at rest, and the claims that run each Desk
//! event once.
//!
//! ```
//! use callback_store::{Applied, Claim, Event, EventDigest, LifecycleCallback, StoreKey};
//! use callback_store::{StoreKeys, StoreOptions};
//! use std::time::{Duration, SystemTime};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! let dir = tempfile::tempdir()?;
//! // In a server: `StoreOptions::from_env()?` (the keys of ZOHO_STORE_KEY).
//! let options = StoreOptions::new(StoreKeys::new(StoreKey::generate(), []));
//! let store = options
//!     .open(&format!("sqlite://{}", dir.path().join("store.db").display()))
//!     .await?;
//!
//! let now = SystemTime::now();
//! let install = LifecycleCallback::new(Event::Install, 387238, Some("ctx-1"), now);
//! let installed = store.apply(install).await?;
//! assert!(installed.installation().is_installed());
//!
//! let uninstall = LifecycleCallback::new(Event::Uninstall, 387238, Some("ctx-1"), now);
//! store.apply(uninstall).await?;
//! // The captured onInstall, replayed: refused, nothing changes.
//! assert!(matches!(store.apply(install).await?, Applied::Stale(_)));
//! // A genuine reinstall comes with a new security context.
//! let reinstall = LifecycleCallback::new(Event::Install, 387238, Some("ctx-2"), now);
//! let again = store.apply(reinstall).await?;
//! assert_eq!(again.installation().generation, 2);
//!
//! // A background job binds an Invoke client to the org's context.
//! let org = store.installation(387238).await?.expect("known");
//! assert_eq!(org.security_context.unwrap().expose(), "ctx-2");
//!
//! // A Desk event runs once, however often and wherever it is delivered:
//! // claimed for as long as its handler may run, then completed.
//! let digest = EventDigest::new("Ticket_Add", 387238, None, &serde_json::json!({"id": "1"}));
//! let lease = Duration::from_secs(10);
//! assert_eq!(store.claim(digest, now, lease).await?, Claim::Claimed);
//! assert_eq!(store.claim(digest, now, lease).await?, Claim::AlreadyClaimed);
//! store.complete(digest).await?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Backends
//!
//! [`StoreOptions::open`] takes a URL: `sqlite://PATH` (a file, created on
//! first start, in WAL mode with `synchronous = FULL`, mode `0600` with its
//! `-wal` and `-shm`), `sqlite::memory:` (tests), or `postgres://…`. The
//! schema is migrated at start by embedded, versioned migrations (one
//! directory per backend, `migrations/`); two instances starting at once
//! migrate once. Several instances share a PostgreSQL database: an org's
//! callbacks to two instances apply one after the other (its row is locked
//! for the transaction), and a Desk event delivered to both is claimed by
//! one.
//!
//! # Keys
//!
//! The security contexts are sealed with XChaCha20-Poly1305 (random
//! 192-bit nonces, so no nonce bookkeeping across instances; the org is
//! bound as associated data) under a key from `ZOHO_STORE_KEY`: the base64
//! of 32 random bytes (`openssl rand -base64 32`). Without it
//! [`StoreOptions::from_env`] refuses with a message that says so; the
//! public development key has to be chosen by name
//! ([`StoreOptions::development`]), and opening with it logs a warning.
//!
//! For a quick start on a developer's machine,
//! [`StoreKeys::from_file_or_create`] keeps a random key in a file of its
//! own (mode `0600`), made on first use: beside the database, it protects
//! the contexts from a copied database file, not from whoever reads both.
//!
//! To rotate: set `ZOHO_STORE_KEY=NEW,OLD` (the first encrypts, any
//! decrypts; each row records the id of the key that sealed it), restart
//! the instances, run `callback store rekey --database-url URL` (or
//! [`InstallationStore::rekey`]), then drop `OLD`. Keys never appear in
//! `Debug`, logs or errors; a [`KeyId`] names a key without revealing it.
//!
//! # Replays
//!
//! Zoho's `HASH` covers the body only, so a captured callback verifies
//! forever. The store keeps lifecycle state from moving backwards: it
//! remembers every security context an org's callbacks carried, by a keyed
//! digest (HMAC-SHA256 under a random key made once per database and kept
//! sealed under the store key; never the context), with the installation it
//! was first seen in. A callback carrying a context of an installation that
//! has ended (a replayed `onInstall` after `onUninstall`, an old
//! installation's `onUninstall` after a reinstall) is [`Applied::Stale`]
//! and changes nothing; a server answers it `409` with
//! `{"error": "stale_callback"}` without running the handler. A genuine
//! reinstall carries a context never seen and begins a new installation
//! ([`Installation::generation`]); a repeated `onUninstall` is applied (it
//! changes nothing). Within one installation nothing tells a replay from a
//! redelivery, and a callback without a security context cannot be
//! recognised at all.
//!
//! # Desk events
//!
//! [`InstallationStore::claim`] takes an event's [`EventDigest`] (SHA-256
//! of its type, org, time and payload, canonically encoded) and a lease:
//! exactly one of any number of concurrent claims gets [`Claim::Claimed`]
//! (one statement on a unique key). Complete the claim when the handler
//! succeeded; release it if the handler fails, so that Zoho's retry runs
//! it. A claim neither completed nor released within its lease (the
//! process died mid-handler) is taken over by the next delivery after the
//! lease. Claims are kept for [`StoreOptions::claim_retention`] (7 days by
//! default), and [`InstallationStore::cleanup`] removes older ones (a
//! server with callback-core's store integration runs it at most once an
//! hour, in the background of a delivery).
//!
//! # Faults
//!
//! Every call is bounded: no connection within
//! [`StoreOptions::acquire_timeout`] (2 s) or no answer within
//! [`StoreOptions::timeout`] (3 s) gives an error for which
//! [`StoreError::is_unavailable`] holds, and a server answers
//! `503` with `{"error": "store_unavailable"}` ([`StoreError::code`]). The
//! pool reconnects by itself when the database returns.
//!
//! # Testing with PostgreSQL
//!
//! `scripts/with-postgres.sh cargo test -p callback-store` runs the tests
//! with a throwaway PostgreSQL on 127.0.0.1; without it the PostgreSQL
//! tests are skipped, each with one line saying so.

mod claim;
mod error;
mod installation;
mod key;
mod options;
mod postgres;
mod private_file;
mod sql;
mod sqlite;
mod store;

pub use callback_spec::Event;
pub use claim::{Claim, DEFAULT_CLAIM_RETENTION, EventDigest};
pub use error::StoreError;
pub use installation::{Applied, Installation, LifecycleCallback, SecurityContext, Status};
pub use key::{KEY_ENV, KEY_LEN, KeyError, KeyId, StoreKey, StoreKeys};
pub use options::{
    DEFAULT_ACQUIRE_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_TIMEOUT, StoreOptions, sqlite_file,
};
pub use sqlite::database_files;
pub use store::{Backend, InstallationStore, RekeyReport};
