//! What a scan produces: the `callbackListener` section, the handler list for
//! the drift check, and the merged `plugin-manifest.json`.

use crate::ScannedHandler;
use callback_core::manifest::{
    CallbackListener, ListenerError, MergeError, ScannedHandlers, merge_listener,
};
use std::io;
use std::path::{Path, PathBuf};

/// The `callbackListener` section for `base_url` and the handlers found.
pub fn listener(
    base_url: &str,
    handlers: &[ScannedHandler],
) -> Result<CallbackListener, ListenerError> {
    CallbackListener::new(base_url, handlers.iter().map(ScannedHandler::registration))
}

/// The text of `callback-handlers.json` for the handlers found (the format
/// [`callback_core::manifest::check_drift`] reads).
pub fn handlers_json(handlers: &[ScannedHandler]) -> String {
    ScannedHandlers {
        handlers: handlers.iter().map(ScannedHandler::record).collect(),
    }
    .to_json_pretty()
}

/// Writes `contents` to `path` unless the file already holds exactly that,
/// so that its modification time moves only on a real change. Returns
/// whether it wrote.
pub fn write_if_changed(path: &Path, contents: &str) -> io::Result<bool> {
    match std::fs::read(path) {
        Ok(existing) if existing == contents.as_bytes() => Ok(false),
        _ => std::fs::write(path, contents).map(|()| true),
    }
}

/// Why a `plugin-manifest.json` could not be updated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The file could not be read.
    #[error("cannot read {}: {reason}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        reason: String,
    },
    /// The file is not a JSON object.
    #[error("{}: {source}", path.display())]
    Merge {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: MergeError,
    },
    /// The file could not be written.
    #[error("cannot write {}: {reason}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        reason: String,
    },
}

/// A `plugin-manifest.json` as it is and as it should be: only its
/// `callbackListener` may differ, every other byte is kept.
///
/// ```no_run
/// use callback_build::{listener, scan_crate, ManifestUpdate};
///
/// let handlers = scan_crate(".")?;
/// let section = listener("https://ext.example.com", &handlers)?;
/// let update = ManifestUpdate::prepare("plugin-manifest.json", &section)?;
/// if !update.is_up_to_date() {
///     update.write()?;
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct ManifestUpdate {
    path: PathBuf,
    current: String,
    merged: String,
}

impl ManifestUpdate {
    /// Reads the manifest at `path` and merges `listener` into it (in memory).
    pub fn prepare(
        path: impl Into<PathBuf>,
        listener: &CallbackListener,
    ) -> Result<Self, ManifestError> {
        let path = path.into();
        let current = std::fs::read_to_string(&path).map_err(|e| ManifestError::Read {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let merged = merge_listener(&current, listener).map_err(|source| ManifestError::Merge {
            path: path.clone(),
            source,
        })?;
        Ok(ManifestUpdate {
            path,
            current,
            merged,
        })
    }

    /// Whether the file already holds the listener.
    pub fn is_up_to_date(&self) -> bool {
        self.current == self.merged
    }

    /// The file's text as it is.
    pub fn current(&self) -> &str {
        &self.current
    }

    /// The file's text with the listener merged in.
    pub fn merged(&self) -> &str {
        &self.merged
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the merged text, only if it differs from the file's. Returns
    /// whether it wrote.
    pub fn write(&self) -> Result<bool, ManifestError> {
        if self.is_up_to_date() {
            return Ok(false);
        }
        write_if_changed(&self.path, &self.merged).map_err(|e| ManifestError::Write {
            path: self.path.clone(),
            reason: e.to_string(),
        })
    }
}
