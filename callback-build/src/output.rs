//! What a scan produces: the `callbackListener` section, the handler list for
//! the drift check, and the merged `plugin-manifest.json`.

use crate::ScannedHandler;
use callback_core::manifest::{CallbackListener, ListenerError, MergeError, merge_listener};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The `callbackListener` section for `base_url` and the handlers found.
pub fn listener(
    base_url: &str,
    handlers: &[ScannedHandler],
) -> Result<CallbackListener, ListenerError> {
    CallbackListener::new(base_url, handlers.iter().map(|h| &h.info))
}

/// Writes `contents` to `path` unless the file already holds exactly that,
/// so that its modification time moves only on a real change. Returns
/// whether it wrote.
///
/// The write is atomic: the contents go to a new file in the same
/// directory, which is flushed to disk and then renamed over `path`. A write
/// that fails or is interrupted leaves the old file as it was (at worst a
/// `.NAME.*.tmp` file is left beside it), never a truncated one: a
/// `plugin-manifest.json` holds the extension's secret.
///
/// The file keeps its permissions (a manifest may be readable by its owner
/// only); a new file gets those a plain write would give it. A file without
/// any write permission is refused rather than replaced, as a plain write
/// would refuse it. When `path` is a symbolic link, the file it points to is
/// replaced and the link kept.
pub fn write_if_changed(path: &Path, contents: &str) -> io::Result<bool> {
    match std::fs::read(path) {
        Ok(existing) if existing == contents.as_bytes() => Ok(false),
        _ => write_atomically(path, contents.as_bytes()).map(|()| true),
    }
}

/// Replaces the file at `path` with `contents`; see [`write_if_changed`].
fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let path = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_owned(),
    };
    let existing = match std::fs::metadata(&path) {
        Ok(meta) => Some(meta.permissions()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if existing
        .as_ref()
        .is_some_and(std::fs::Permissions::readonly)
    {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the file is read-only",
        ));
    }
    // A bare file name's parent is "", which is the current directory.
    let dir = path.parent().unwrap_or(Path::new("."));
    let prefix = format!(
        ".{}.",
        path.file_name().unwrap_or_default().to_string_lossy()
    );
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    if existing.is_none() {
        use std::os::unix::fs::PermissionsExt;
        // What `fs::write` creates a file with, before the umask (a
        // temporary file is otherwise created for its owner only).
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(dir)?;
    // Through the `File`: `NamedTempFile`'s own `Write` adds the temporary
    // file's name to every error, which says nothing to the reader.
    temp.as_file_mut().write_all(contents)?;
    if let Some(permissions) = existing {
        temp.as_file().set_permissions(permissions)?;
    }
    temp.as_file().sync_all()?;
    temp.persist(&path).map_err(|e| e.error)?;
    Ok(())
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
