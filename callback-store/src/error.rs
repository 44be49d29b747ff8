//! Every way the store can fail.

use crate::key::{KeyError, KeyId};
use std::time::Duration;

/// Why a store operation failed.
///
/// No message holds a key, a security context or a database password: the
/// database is named by its [`location`](crate::InstallationStore::location)
/// (file path, or PostgreSQL host, port and database name).
///
/// A server maps them to HTTP with [`StoreError::code`]: when
/// [`is_unavailable`](StoreError::is_unavailable) (the database could not be
/// reached or answered too late; retrying later may succeed) `503` with
/// `{"error": "store_unavailable"}`, anything else `500` with
/// `{"error": "store_failed"}`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database could not be reached, or did not answer in time: no
    /// connection within the acquire timeout, a connection lost, the
    /// database busy (locked) past the timeout, or the whole operation past
    /// [`StoreOptions::timeout`](crate::StoreOptions::timeout). Nothing was
    /// committed unless the commit itself was cut off (then it is unknown).
    #[error("the installation store ({location}) is unavailable: {reason}")]
    Unavailable {
        /// The database, without credentials.
        location: String,
        /// What happened.
        reason: String,
    },
    /// The operation did not complete within its time bound.
    #[error("the installation store ({location}) did not answer within {timeout:?}")]
    TimedOut {
        /// The database, without credentials.
        location: String,
        /// The bound ([`StoreOptions::timeout`](crate::StoreOptions::timeout)).
        timeout: Duration,
    },
    /// The database refused a statement for another reason than its
    /// availability.
    #[error("the installation store ({location}) failed: {reason}")]
    Database {
        /// The database, without credentials.
        location: String,
        /// The driver's message (it never holds bound values).
        reason: String,
    },
    /// The schema could not be brought up to date.
    #[error("cannot migrate the installation store ({location}): {reason}")]
    Migrate {
        /// The database, without credentials.
        location: String,
        /// The migrator's message.
        reason: String,
    },
    /// The database URL is not one the store can open.
    #[error("{0}")]
    Url(String),
    /// The keys are not usable.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// Something is encrypted under a key that the configured keys do not
    /// include: add that key (from where the database was written) to
    /// `ZOHO_STORE_KEY`, after the one that encrypts.
    #[error(
        "{what} is encrypted under the store key with id {key_id}, which is not among the \
         configured keys (ZOHO_STORE_KEY holds {configured}); add that key after the first"
    )]
    UnknownKey {
        /// What could not be decrypted ("org 42's security context", …).
        what: String,
        /// The key it needs.
        key_id: KeyId,
        /// The ids of the keys configured, comma-separated.
        configured: String,
    },
    /// A ciphertext did not decrypt under the key it names: the row was
    /// altered or copied from another org.
    #[error("{what} does not decrypt under the store key with id {key_id}: it was altered")]
    Damaged {
        /// What could not be decrypted.
        what: String,
        /// The key it names.
        key_id: KeyId,
    },
    /// A row holds a value the store never writes.
    #[error("the installation store ({location}) holds an invalid {what}")]
    Corrupt {
        /// The database, without credentials.
        location: String,
        /// Which value, and where.
        what: String,
    },
    /// A database file could not be created, or made readable by its owner
    /// only.
    #[error(
        "cannot make the database file {path} readable by its owner only (mode 0600): {source}"
    )]
    Private {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl StoreError {
    /// The JSON error code a server answers with: `store_unavailable` (with
    /// `503 Service Unavailable`) when the database could not be reached or
    /// answered too late, `store_failed` (with `500`) otherwise.
    pub fn code(&self) -> &'static str {
        if self.is_unavailable() {
            "store_unavailable"
        } else {
            "store_failed"
        }
    }

    /// Whether the database could not be reached or did not answer in time
    /// ([`StoreError::Unavailable`] or [`StoreError::TimedOut`]): the same
    /// call may succeed later.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Unavailable { .. } | StoreError::TimedOut { .. }
        )
    }
}
