//! Fixtures shared by the scanner and build-script tests.

use std::path::{Path, PathBuf};

/// `tests/fixtures/<name>`: a crate directory with a `src` tree.
pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Every file of the `tree` fixture, in the order the scanner reads them.
pub(crate) const TREE_FILES: [&str; 9] = [
    "src/lib.rs",
    "src/auth/mod.rs",
    "src/auth/zoho.rs",
    "src/config.rs",
    "src/config/params.rs",
    "src/config/nested/odd.rs",
    "src/elsewhere/lifecycle.rs",
    "src/elsewhere/gone.rs",
    "src/inline/helpers.rs",
];

/// A crate in a temporary directory, from (path, contents) pairs.
pub(crate) fn temp_crate(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    dir
}
