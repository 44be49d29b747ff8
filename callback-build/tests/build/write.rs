//! `write_if_changed`: the whole file or the old one, with its permissions.

use callback_build::write_if_changed;
use std::path::Path;

const OLD: &str = "{\n    \"secret\": \"old\"\n}\n";
const NEW: &str = "{\n    \"secret\": \"new\",\n    \"callbackListener\": {}\n}\n";

/// The names of the files in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn writes_the_whole_contents_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plugin-manifest.json");
    std::fs::write(&path, OLD).unwrap();
    assert!(write_if_changed(&path, NEW).unwrap());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), NEW);
    assert_eq!(names(dir.path()), ["plugin-manifest.json"]);
    assert!(!write_if_changed(&path, NEW).unwrap());
}

#[cfg(unix)]
mod unix {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn set_mode(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn the_file_keeps_its_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plugin-manifest.json");
        for original in [0o600, 0o640, 0o604, 0o755] {
            std::fs::write(&path, OLD).unwrap();
            set_mode(&path, original);
            assert!(write_if_changed(&path, NEW).unwrap());
            assert_eq!(
                (
                    std::fs::read_to_string(&path).unwrap().as_str(),
                    mode(&path)
                ),
                (NEW, original),
                "{original:o}"
            );
        }
    }

    #[test]
    fn a_new_file_gets_the_permissions_a_plain_write_gives() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.json");
        std::fs::write(&plain, NEW).unwrap();
        let path = dir.path().join("callback-listener.json");
        assert!(write_if_changed(&path, NEW).unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), NEW);
        assert_eq!(mode(&path), mode(&plain));
    }

    #[test]
    fn a_symbolic_link_is_kept_and_its_target_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.json");
        std::fs::write(&target, OLD).unwrap();
        set_mode(&target, 0o640);
        let link = dir.path().join("plugin-manifest.json");
        std::os::unix::fs::symlink("real.json", &link).unwrap();

        assert!(write_if_changed(&link, NEW).unwrap());
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), NEW);
        assert_eq!(mode(&target), 0o640);
        assert_eq!(names(dir.path()), ["plugin-manifest.json", "real.json"]);
    }

    #[test]
    fn a_read_only_file_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plugin-manifest.json");
        std::fs::write(&path, OLD).unwrap();
        set_mode(&path, 0o444);
        let err = write_if_changed(&path, NEW).unwrap_err();
        assert_eq!(
            (err.kind(), err.to_string().as_str()),
            (
                std::io::ErrorKind::PermissionDenied,
                "the file is read-only"
            )
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), OLD);
        assert_eq!(mode(&path), 0o444);
        assert_eq!(names(dir.path()), ["plugin-manifest.json"]);
    }
}
