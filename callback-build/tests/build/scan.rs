//! The scanner on fixture source trees: module resolution, attribute import
//! forms, paths, and every error naming its file and line.

use crate::common::{TREE_FILES, fixture, temp_crate};
use callback_build::{Problem, ScanError, ScannedHandler, Scanner, scan_crate};
use callback_core::{Event, default_path};
use std::path::Path;

/// Each handler as (event, path, qualified name, location).
fn summary(dir: &Path, crate_name: &str) -> Vec<(Event, String, String, String)> {
    Scanner::new(dir)
        .crate_name(crate_name)
        .scan()
        .unwrap()
        .handlers
        .into_iter()
        .map(|h| {
            (
                h.info.event,
                h.info.path.to_string(),
                h.info.qualified_name(),
                h.location.to_string(),
            )
        })
        .collect()
}

fn row(event: Event, path: &str, name: &str, location: &str) -> (Event, String, String, String) {
    (event, path.into(), name.into(), location.into())
}

fn scan_error(dir: &Path) -> ScanError {
    scan_crate(dir).unwrap_err()
}

#[test]
fn follows_nested_path_and_inline_modules_in_every_import_form() {
    assert_eq!(
        summary(&fixture("tree"), "tree-ext"),
        [
            row(
                Event::ZohoAuthorise,
                "/callbacks/onZohoAuthorise",
                "tree_ext::auth::zoho::zoho_authorised",
                "src/auth/zoho.rs:3:1",
            ),
            row(
                Event::TpaAuthorise,
                "/callbacks/onTPAAuthorise",
                "tree_ext::auth::third_party_authorised",
                "src/auth/mod.rs:3:1",
            ),
            row(
                Event::ConfigParamAdd,
                "/zoho/config",
                "tree_ext::config::params::added",
                "src/config/params.rs:1:1",
            ),
            row(
                Event::ConfigParamDelete,
                "/zoho/config",
                "tree_ext::config::params::deleted",
                "src/config/params.rs:5:1",
            ),
            row(
                Event::TpaRevoke,
                "/tpa/revoked",
                "tree_ext::config::nested::odd::revoked",
                "src/config/nested/odd.rs:1:1",
            ),
            row(
                Event::Uninstall,
                "/callbacks/onUninstall",
                "tree_ext::lifecycle::gone::uninstalled",
                "src/elsewhere/gone.rs:1:1",
            ),
            row(
                Event::Update,
                "/x",
                "tree_ext::inline::deeper::updated",
                "src/lib.rs:14:9",
            ),
            row(
                Event::Install,
                "/callbacks/onInstall",
                "tree_ext::installed",
                "src/lib.rs:21:1",
            ),
        ]
    );
}

#[test]
fn reads_every_file_the_module_tree_reaches() {
    let dir = fixture("tree");
    let scan = Scanner::new(&dir).scan().unwrap();
    let files: Vec<String> = scan
        .files
        .iter()
        .map(|f| f.strip_prefix(&dir).unwrap().display().to_string())
        .collect();
    assert_eq!(files, TREE_FILES);
    assert!(scan.warnings.is_empty(), "{:?}", scan.warnings);
}

#[test]
fn default_paths_are_callback_specs_and_custom_paths_are_kept() {
    for ScannedHandler { info: h, .. } in scan_crate(fixture("tree")).unwrap() {
        match &*h.name {
            "added" | "deleted" => assert_eq!(h.path, "/zoho/config"),
            "revoked" => assert_eq!(h.path, "/tpa/revoked"),
            "updated" => assert_eq!(h.path, "/x"),
            _ => assert_eq!(h.path, default_path(h.event), "{}", h.name),
        }
    }
}

#[test]
fn cfg_test_items_are_not_handlers() {
    let names: Vec<String> = scan_crate(fixture("tree"))
        .unwrap()
        .into_iter()
        .map(|h| h.info.name.into_owned())
        .collect();
    assert!(!names.contains(&"only_in_tests".to_owned()), "{names:?}");
}

#[test]
fn scans_both_lib_and_main() {
    assert_eq!(
        summary(&fixture("bin_and_lib"), "both"),
        [
            row(
                Event::Update,
                "/callbacks/onUpdate",
                "both::updated",
                "src/lib.rs:1:1"
            ),
            row(
                Event::Install,
                "/hooks/install",
                "both::installed",
                "src/main.rs:1:1"
            ),
        ]
    );
}

#[test]
fn explicit_roots_replace_the_defaults() {
    let handlers = Scanner::new(fixture("bin_and_lib"))
        .root("src/main.rs")
        .scan()
        .unwrap()
        .handlers;
    assert_eq!(handlers.len(), 1);
    assert_eq!(handlers[0].info.qualified_name(), "crate::installed");
}

#[test]
fn a_src_directory_can_be_given_directly() {
    let handlers = scan_crate(fixture("bin_and_lib").join("src")).unwrap();
    assert_eq!(handlers.len(), 2);
    assert_eq!(handlers[0].location.to_string(), "lib.rs:1:1");
}

#[test]
fn two_handlers_for_one_event_name_both_places() {
    assert_eq!(
        scan_error(&fixture("duplicate")).to_string(),
        "src/lib.rs:3:1: two handlers for onInstall: `crate::first` here and \
         `crate::again::second` at src/again.rs:3:1; keep one"
    );
}

#[test]
fn an_attribute_that_does_not_parse_names_file_and_line() {
    let err = scan_error(&fixture("bad_attr"));
    assert_eq!(
        err.to_string(),
        "src/lib.rs:1:14: invalid `#[on_install]`: unknown argument `route`; the only argument \
         is `path = \"/your/path\"`\n\
         src/lib.rs:4:20: invalid `#[on_update]`: a callback path must start with `/`; write \
         \"/nope\""
    );
    assert_eq!(err.problems().len(), 2);
}

#[test]
fn a_syntax_error_names_file_and_line() {
    let err = scan_error(&fixture("syntax"));
    assert_eq!(
        err.to_string(),
        "src/broken.rs:3:13: cannot parse this file: expected an expression"
    );
    assert!(matches!(err.problems(), [Problem::Syntax { .. }]));
}

#[test]
fn a_missing_module_file_names_both_candidates() {
    assert_eq!(
        scan_error(&fixture("missing_module")).to_string(),
        "src/lib.rs:4:5: file not found for module `ghost`; create src/ghost.rs or \
         src/ghost/mod.rs"
    );
}

#[test]
fn a_cfg_module_without_a_file_is_a_warning() {
    let dir = temp_crate(&[(
        "src/lib.rs",
        "#[cfg(feature = \"x\")]\nmod optional;\n#[on_install]\nfn f() {}\n",
    )]);
    let scan = Scanner::new(dir.path()).scan().unwrap();
    assert_eq!(scan.handlers.len(), 1);
    assert_eq!(
        scan.warnings,
        ["src/lib.rs:2:5: module `optional` is behind a #[cfg] and has no file; skipped"]
    );
}

#[test]
fn module_edge_cases_are_errors_naming_the_declaration() {
    let dir = temp_crate(&[
        (
            "src/lib.rs",
            "mod both;\n#[path = 3]\nmod bad;\nmod selfish;\n",
        ),
        ("src/both.rs", ""),
        ("src/both/mod.rs", ""),
        (
            "src/selfish.rs",
            "#[path = \"../src/lib.rs\"]\nmod again;\n",
        ),
    ]);
    assert_eq!(
        scan_error(dir.path()).to_string(),
        "src/lib.rs:1:5: module `both` has two files, src/both.rs and src/both/mod.rs; delete \
         one\n\
         src/lib.rs:2:1: write `#[path = \"file.rs\"]`\n\
         src/selfish.rs:2:5: module `again` includes src/../src/lib.rs again, which would never end"
    );
}

#[test]
fn two_attributes_on_one_function_are_an_error() {
    let dir = temp_crate(&[("src/lib.rs", "#[on_install]\n#[on_update]\nfn f() {}\n")]);
    assert_eq!(
        scan_error(dir.path()).to_string(),
        "src/lib.rs:2:1: `f` has two handler attributes, `#[on_install]` and `#[on_update]`; \
         keep one"
    );
}

#[test]
fn a_crate_without_roots_says_so() {
    let dir = temp_crate(&[("README.md", "")]);
    let err = scan_error(dir.path());
    assert_eq!(
        err.to_string(),
        format!(
            "{}: found neither src/lib.rs nor src/main.rs; give the crate's root files explicitly",
            dir.path().display()
        )
    );
}

#[test]
fn an_unreadable_root_is_reported() {
    let dir = temp_crate(&[("src/lib.rs", "")]);
    let err = Scanner::new(dir.path())
        .root("src/nope.rs")
        .scan()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot read src/nope.rs: No such file or directory (os error 2)"
    );
}
