//! `--help` on the command and every subcommand.

use crate::common::{self, run};

#[test]
fn every_subcommand_has_help_with_its_description() {
    for (command, description) in [
        (
            "manifest",
            "Print the callbackListener section from a crate's sources",
        ),
        ("sign", "Print the HASH Zoho would send for a body"),
        ("verify", "Check that a HASH is right for a body"),
        ("send", "Sign and POST a callback as Zoho does"),
        ("store", "Maintain the installation store"),
        (
            "desk",
            "Stand in for Zoho Desk's extension webhooks: make a development key pair",
        ),
        ("desk keygen", "Make a development RSA key pair"),
        (
            "desk jwks",
            "Write the key set (JWKS) of a key file, or serve it",
        ),
        (
            "desk send",
            "POST a batch of Desk events to URL, signed as Desk signs it",
        ),
    ] {
        let words: Vec<&str> = command.split(' ').collect();
        let (name, parent) = words.split_last().unwrap();
        let ran = run(&[&words[..], &["--help"]].concat());
        assert_eq!(ran.code, 0, "{command}: {ran:?}");
        assert!(
            ran.stdout.starts_with(description),
            "{command}: {}",
            ran.stdout
        );
        assert!(
            ran.stdout.contains("Examples:") || ran.stdout.contains("Example:"),
            "{command}"
        );
        let listing = run(&[parent, &["--help"]].concat());
        assert!(
            listing.stdout.contains(&format!("  {name} ")),
            "{}",
            listing.stdout
        );
    }
}

#[test]
fn the_top_level_help_explains_the_exit_status() {
    let ran = run(&["--help"]);
    assert_eq!(ran.code, 0);
    assert!(
        ran.stdout
            .contains("Exit status: 0 on success, 1 when the answer is \"no\"")
    );
}

#[test]
fn no_command_shows_the_help_and_fails() {
    let ran = run(&[]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("Usage: callback <COMMAND>"),
        "{}",
        ran.stderr
    );
}

#[test]
fn an_unknown_subcommand_is_one_line() {
    common::assert_error(
        &run(&["frobnicate"]),
        2,
        "unrecognized subcommand 'frobnicate'",
    );
}

#[test]
fn the_help_of_secret_says_it_shows_in_the_process_list_and_what_to_use() {
    let warning = "Avoid it: the value of --secret is visible to other users in the process list \
                   (ps) and lands in shell history; prefer --secret-file, --secret-stdin or \
                   --secret-env";
    for command in ["sign", "verify", "send"] {
        for flag in ["--help", "-h"] {
            let ran = run(&[command, flag]);
            // clap wraps nothing without a terminal: one line per option.
            assert!(
                ran.stdout.contains(warning),
                "{command} {flag}:\n{}",
                ran.stdout
            );
            for form in ["--secret-file <PATH>", "--secret-stdin"] {
                assert!(ran.stdout.contains(form), "{command} {flag}: {form}");
            }
        }
    }
    let ran = run(&["send", "--help"]);
    assert!(ran.stdout.contains(
        "the value of --security-context is visible to other users in the process list (ps); \
         prefer --security-context-file or --security-context-stdin"
    ));
}
