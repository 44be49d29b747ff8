//! Files readable by their owner only: the SQLite database and its
//! journal, and a development key file.

use std::io;
use std::path::Path;

/// The mode of every file the store writes: readable and writable by its
/// owner only.
#[cfg(unix)]
pub(crate) const PRIVATE: u32 = 0o600;

/// Makes `file`, if it exists, readable by its owner only: a file that
/// group or others could open is set to `0600`, with a warning naming it
/// and saying it held `what`. File modes are a unix notion: elsewhere
/// nothing is changed.
#[cfg(unix)]
pub(crate) fn tighten(file: &Path, what: &str) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;

    let mode = match std::fs::metadata(file) {
        Ok(meta) => meta.permissions().mode() & 0o7777,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err),
    };
    if mode & 0o077 != 0 {
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(PRIVATE))?;
        tracing::warn!(
            "the {what} {} had mode {mode:04o}, which lets other users read it; its mode is \
             now 0600",
            file.display()
        );
    }
    Ok(())
}

/// File modes are a unix notion: elsewhere nothing is changed.
#[cfg(not(unix))]
pub(crate) fn tighten(_file: &Path, _what: &str) -> io::Result<()> {
    Ok(())
}

/// Opens a new file at `path` for writing, readable by its owner only
/// (elsewhere than unix: as its folder gives); `AlreadyExists` if there is
/// one.
pub(crate) fn create_new(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE);
    }
    options.open(path)
}
