//! `callback sign` and `callback verify`, run as processes.

use crate::common::{assert_error, callback, run, run_with_stdin, temp_file};

/// RFC 4231, test case 2.
const KEY: &str = "Jefe";
const DATA: &[u8] = b"what do ya want for nothing?";
const MAC: &str = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

#[test]
fn sign_reproduces_rfc_4231_test_case_2_from_a_file() {
    let (_dir, file) = temp_file("body", DATA);
    let ran = run(&["sign", "--secret", KEY, file.to_str().unwrap()]);
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (
            0,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843\n",
            ""
        )
    );
    assert_eq!(ran.stdout.trim_end(), MAC);
}

#[test]
fn sign_reads_standard_input_without_a_file_or_with_dash() {
    for args in [
        &["sign", "--secret", KEY][..],
        &["sign", "--secret", KEY, "-"],
    ] {
        let ran = run_with_stdin(&mut callback(args), DATA);
        assert_eq!(
            (ran.code, ran.stdout.as_str()),
            (0, format!("{MAC}\n").as_str())
        );
    }
}

#[test]
fn sign_takes_the_secret_from_an_environment_variable() {
    let ran = run_with_stdin(
        callback(&["sign", "--secret-env", "MY_ZOHO_SECRET"]).env("MY_ZOHO_SECRET", KEY),
        DATA,
    );
    assert_eq!((ran.code, ran.stdout.trim_end()), (0, MAC));
}

#[test]
fn sign_refuses_a_missing_unset_or_empty_secret() {
    assert_error(
        &run(&["sign"]),
        2,
        "no secret: give --secret-file PATH (preferred), --secret-stdin, --secret-env NAME or \
         --secret S",
    );
    assert_error(
        &run_with_stdin(
            callback(&["sign", "--secret-env", "CALLBACK_CLI_TEST_UNSET"])
                .env_remove("CALLBACK_CLI_TEST_UNSET"),
            DATA,
        ),
        2,
        "the environment variable CALLBACK_CLI_TEST_UNSET is not set; export it with your \
         extension's secret",
    );
    assert_error(
        &run(&["sign", "--secret", "  "]),
        2,
        "the secret is empty; set it to the `secret` of your plugin-manifest.json",
    );
}

#[test]
fn sign_refuses_two_secrets() {
    let ran = run(&["sign", "--secret", KEY, "--secret-env", "X"]);
    assert_error(
        &ran,
        2,
        "the argument '--secret <S>' cannot be used with '--secret-env <NAME>'",
    );
}

#[test]
fn a_missing_file_is_one_line() {
    assert_error(
        &run(&["sign", "--secret", KEY, "/nonexistent/body.json"]),
        2,
        "cannot read /nonexistent/body.json: No such file or directory (os error 2)",
    );
    assert_error(
        &run(&[
            "verify",
            "--secret",
            KEY,
            "--hash",
            MAC,
            "/nonexistent/body.json",
        ]),
        2,
        "cannot read /nonexistent/body.json: No such file or directory (os error 2)",
    );
}

#[test]
fn verify_accepts_the_right_hash_in_either_case() {
    let (_dir, file) = temp_file("body", DATA);
    for hash in [MAC.to_owned(), MAC.to_uppercase()] {
        let ran = run(&[
            "verify",
            "--secret",
            KEY,
            "--hash",
            &hash,
            file.to_str().unwrap(),
        ]);
        assert_eq!(
            (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
            (0, "ok\n", "")
        );
    }
    let ran = run_with_stdin(
        callback(&["verify", "--secret-env", "S", "--hash", MAC]).env("S", KEY),
        DATA,
    );
    assert_eq!(ran.code, 0, "{ran:?}");
}

#[test]
fn verify_refuses_a_wrong_hash_with_the_reason() {
    let wrong = MAC.replace('5', "6");
    let ran = run_with_stdin(
        &mut callback(&["verify", "--secret", KEY, "--hash", &wrong]),
        DATA,
    );
    assert_error(
        &ran,
        1,
        "the HASH header does not match the body under any configured secret",
    );
    let ran = run_with_stdin(
        &mut callback(&["verify", "--secret", "other", "--hash", MAC]),
        DATA,
    );
    assert_eq!(ran.code, 1);
    let ran = run_with_stdin(
        &mut callback(&["verify", "--secret", KEY, "--hash", MAC]),
        b"tampered",
    );
    assert_eq!(ran.code, 1);
}

#[test]
fn verify_refuses_a_malformed_hash_with_the_reason() {
    let verify = |hash: &str| {
        run_with_stdin(
            &mut callback(&["verify", "--secret", KEY, "--hash", hash]),
            DATA,
        )
    };
    assert_error(
        &verify("abc"),
        1,
        "the HASH header is 3 bytes long; expected 64",
    );
    let not_hex = format!("{}zz", &MAC[..62]);
    assert_error(
        &verify(&not_hex),
        1,
        "the HASH header is not hex: invalid character at position 62",
    );
    assert_error(&verify(""), 1, "the HASH header is empty");
}

#[test]
fn verify_needs_a_hash() {
    let ran = run(&["verify", "--secret", KEY]);
    assert_error(
        &ran,
        2,
        "the following required arguments were not provided: --hash <H>",
    );
}

#[test]
fn the_secret_never_appears_in_any_output() {
    let secret = "hunter2-very-secret";
    let (_dir, file) = temp_file("body", DATA);
    for args in [
        vec!["sign", "--secret", secret, file.to_str().unwrap()],
        vec![
            "verify",
            "--secret",
            secret,
            "--hash",
            MAC,
            file.to_str().unwrap(),
        ],
        vec![
            "verify",
            "--secret",
            secret,
            "--hash",
            "zz",
            file.to_str().unwrap(),
        ],
        vec!["sign", "--secret", secret, "/nonexistent"],
    ] {
        let ran = run(&args);
        assert!(
            !ran.stdout.contains(secret) && !ran.stderr.contains(secret),
            "{ran:?}"
        );
    }
}

#[test]
fn a_secret_file_signs_as_secret_does_without_one_trailing_newline() {
    let (_dir, body) = temp_file("body", DATA);
    for contents in ["Jefe", "Jefe\n", "Jefe\r\n"] {
        let (_dir, secret) = temp_file("secret", contents.as_bytes());
        let ran = run(&[
            "sign",
            "--secret-file",
            secret.to_str().unwrap(),
            body.to_str().unwrap(),
        ]);
        assert_eq!(
            (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
            (0, format!("{MAC}\n").as_str(), ""),
            "{contents:?}"
        );
    }
    // Only one newline goes: the secret is the rest, byte for byte.
    let (_dir, secret) = temp_file("secret", b" Jefe\n\n");
    let from_file = run(&[
        "sign",
        "--secret-file",
        secret.to_str().unwrap(),
        body.to_str().unwrap(),
    ]);
    let given = run(&["sign", "--secret", " Jefe\n", body.to_str().unwrap()]);
    assert_eq!((from_file.code, &from_file.stdout), (0, &given.stdout));
    assert_ne!(given.stdout.trim_end(), MAC);
}

#[test]
fn the_secret_can_come_from_piped_standard_input() {
    let (_dir, body) = temp_file("body", DATA);
    for piped in [&b"Jefe"[..], b"Jefe\n", b"Jefe\r\n"] {
        let ran = run_with_stdin(
            &mut callback(&["sign", "--secret-stdin", body.to_str().unwrap()]),
            piped,
        );
        assert_eq!(
            (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
            (0, format!("{MAC}\n").as_str(), "")
        );
        let ran = run_with_stdin(
            &mut callback(&[
                "verify",
                "--secret-stdin",
                "--hash",
                MAC,
                body.to_str().unwrap(),
            ]),
            piped,
        );
        assert_eq!(
            (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
            (0, "ok\n", "")
        );
    }
}

#[test]
fn verify_takes_the_secret_from_a_file() {
    let (_dir, body) = temp_file("body", DATA);
    let (_dir, secret) = temp_file("secret", b"Jefe\n");
    let verify = |hash: &str| {
        run(&[
            "verify",
            "--secret-file",
            secret.to_str().unwrap(),
            "--hash",
            hash,
            body.to_str().unwrap(),
        ])
    };
    let ran = verify(MAC);
    assert_eq!((ran.code, ran.stdout.as_str()), (0, "ok\n"));
    assert_error(
        &verify(&MAC.replace('5', "6")),
        1,
        "the HASH header does not match the body under any configured secret",
    );
}

#[test]
fn secret_stdin_needs_the_body_as_a_file() {
    for command in [
        &["sign", "--secret-stdin"][..],
        &["sign", "--secret-stdin", "-"],
        &["verify", "--secret-stdin", "--hash", MAC],
        &["verify", "--secret-stdin", "--hash", MAC, "-"],
    ] {
        assert_error(
            &run_with_stdin(&mut callback(command), b"Jefe\n"),
            2,
            "--secret-stdin reads the secret from standard input: give the body as FILE",
        );
    }
}

#[test]
fn two_forms_of_the_secret_are_refused_naming_both() {
    let (_dir, secret) = temp_file("secret", b"Jefe\n");
    let file = secret.to_str().unwrap();
    for (args, message) in [
        (
            &["--secret", KEY, "--secret-file", file][..],
            "the argument '--secret <S>' cannot be used with '--secret-file <PATH>'",
        ),
        (
            &["--secret-file", file, "--secret", KEY],
            "the argument '--secret-file <PATH>' cannot be used with '--secret <S>'",
        ),
        (
            &["--secret", KEY, "--secret-stdin"],
            "the argument '--secret <S>' cannot be used with '--secret-stdin'",
        ),
        (
            &["--secret-stdin", "--secret-file", file],
            "the argument '--secret-stdin' cannot be used with '--secret-file <PATH>'",
        ),
        (
            &["--secret-env", "S", "--secret-stdin"],
            "the argument '--secret-env <NAME>' cannot be used with '--secret-stdin'",
        ),
    ] {
        for command in [&["sign"][..], &["verify", "--hash", MAC]] {
            let full: Vec<&str> = command.iter().chain(args).copied().collect();
            assert_error(&run(&full), 2, message);
        }
    }
}

#[test]
fn an_unreadable_or_empty_secret_file_is_named_without_its_contents() {
    let (_dir, body) = temp_file("body", DATA);
    let body = body.to_str().unwrap();
    assert_error(
        &run(&["sign", "--secret-file", "/nonexistent/secret", body]),
        2,
        "cannot read /nonexistent/secret: No such file or directory (os error 2)",
    );
    for contents in [&b""[..], b"\n", b"\r\n", b"  \t\n"] {
        let (_dir, secret) = temp_file("secret", contents);
        let path = secret.to_str().unwrap();
        assert_error(
            &run(&["sign", "--secret-file", path, body]),
            2,
            &format!("{path} is empty; it must hold your extension's secret"),
        );
    }
    let (_dir, secret) = temp_file("secret", b"hunter2\xff\n");
    let path = secret.to_str().unwrap();
    assert_error(
        &run(&["sign", "--secret-file", path, body]),
        2,
        &format!("{path} is not UTF-8; it must hold your extension's secret as text"),
    );
    assert_error(
        &run_with_stdin(&mut callback(&["sign", "--secret-stdin", body]), b"\n"),
        2,
        "standard input is empty; it must hold your extension's secret",
    );
}

#[test]
fn a_secret_from_a_file_or_standard_input_never_appears_in_any_output() {
    let secret = "hunter2-very-secret";
    let (_dir, file) = temp_file("secret", format!("{secret}\n").as_bytes());
    let file = file.to_str().unwrap();
    for (args, stdin) in [
        (vec!["sign", "--secret-file", file, "/nonexistent"], ""),
        (
            vec!["verify", "--secret-file", file, "--hash", "zz", file],
            "",
        ),
        (
            vec!["verify", "--secret-file", file, "--hash", MAC, file],
            "",
        ),
        (vec!["sign", "--secret-stdin", "/nonexistent"], secret),
        (vec!["sign", "--secret-stdin"], secret),
        (
            vec!["sign", "--secret-stdin", "--secret-file", file],
            secret,
        ),
    ] {
        let ran = run_with_stdin(&mut callback(&args), stdin.as_bytes());
        assert_ne!(ran.code, 0, "{args:?}");
        assert!(
            !ran.stdout.contains(secret) && !ran.stderr.contains(secret),
            "{ran:?}"
        );
    }
}
