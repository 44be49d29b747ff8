//! `callback send` against a real HTTP server on 127.0.0.1.

use crate::common::{self, Request, Server, assert_error, fixture, sh, temp_file};
use callback_core::{Event, Secret, SignatureHeader, Verifier};
use serde_json::Value;

const SECRET: &str = "local-secret";

fn manifest_fixture() -> String {
    fixture("extension/plugin-manifest.json")
        .to_str()
        .unwrap()
        .to_owned()
}

/// The manifest fixture's own secret.
const MANIFEST_SECRET: &str = "desk-ext-Secret_2024!";

/// Asserts that `request` is a callback as Zoho sends it, signed with `secret`.
#[track_caller]
fn assert_zoho_callback(request: &Request, path: &str, secret: &str) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, path);
    assert_eq!(request.header("Content-Type"), Some("application/json"));
    let hash = request.header("HASH").expect("a HASH header");
    assert_eq!(hash.len(), 64);
    assert_eq!(hash, hash.to_lowercase());
    Verifier::new(Secret::new(secret).unwrap())
        .verify(SignatureHeader::One(hash.as_bytes()), &request.body)
        .expect("the HASH verifies against the body");
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

#[test]
fn sends_a_signed_callback_and_prints_the_answer() {
    let server = Server::start(200, "{\"ok\":true}");
    let url = server.url("/callbacks/onInstall");
    let ran = sh(&format!(
        "send onInstall --url {url} --secret {SECRET} --org-id 387238 --security-context ctx-1"
    ));
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (
            0,
            format!("onInstall POST {url}\n200 OK\n{{\"ok\":true}}\n").as_str(),
            ""
        )
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_zoho_callback(&requests[0], "/callbacks/onInstall", SECRET);
    assert_eq!(
        requests[0].body,
        br#"{"event":"onInstall","orgId":387238,"securityContext":"ctx-1"}"#
    );
}

#[test]
fn a_non_2xx_answer_exits_1_after_printing_it() {
    let server = Server::start(500, "{\"error\":\"handler_failed\"}");
    let url = server.url("/hook");
    let ran = sh(&format!(
        "send on_update --url {url} --secret {SECRET} --org-id 1"
    ));
    assert_eq!(ran.code, 1);
    assert_eq!(
        ran.stdout,
        format!(
            "onUpdate POST {url}\n500 Internal Server Error\n{{\"error\":\"handler_failed\"}}\n"
        )
    );
    assert_eq!(ran.stderr, "error: 1 of 1 callbacks got a non-2xx answer\n");
    assert_zoho_callback(&server.requests()[0], "/hook", SECRET);
    assert_eq!(body(&server.requests()[0])["event"], "onUpdate");
}

#[test]
fn takes_url_and_secret_from_the_manifest_moved_to_the_base_url() {
    let server = Server::start(200, "");
    let base = server.url("");
    let ran = sh(&format!(
        "send onTPAAuthorise --manifest {} --base-url {base} --org-id 7",
        manifest_fixture()
    ));
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_eq!(
        ran.stdout,
        format!("onTPAAuthorise POST {base}/tpa\n200 OK\n")
    );
    let requests = server.requests();
    // The manifest spells it onTPAAuthorize; the URL is found all the same.
    assert_zoho_callback(&requests[0], "/tpa", MANIFEST_SECRET);
    assert_eq!(body(&requests[0])["orgId"], 7);
}

#[test]
fn a_secret_given_wins_over_the_manifests() {
    let server = Server::start(200, "");
    let ran = sh(&format!(
        "send onInstall --manifest {} --base-url {} --org-id 7 --secret {SECRET}",
        manifest_fixture(),
        server.url("/")
    ));
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_zoho_callback(&server.requests()[0], "/install", SECRET);
}

#[test]
fn all_sends_every_listed_event_in_lifecycle_order() {
    let listener: serde_json::Map<String, Value> = Event::ALL
        .iter()
        .rev()
        .map(|e| {
            (
                e.wire_name().to_owned(),
                Value::from(format!("https://ext.example.com/cb/{e}")),
            )
        })
        .collect();
    let manifest = serde_json::json!({ "secret": SECRET, "callbackListener": listener });
    let (_dir, path) = temp_file("plugin-manifest.json", manifest.to_string().as_bytes());
    let server = Server::start(200, "{}");
    let ran = sh(&format!(
        "send --all --manifest {} --base-url {} --org-id 3",
        path.display(),
        server.url("")
    ));
    assert_eq!(ran.code, 0, "{ran:?}");
    let requests = server.requests();
    let events: Vec<String> = requests
        .iter()
        .map(|r| body(r)["event"].as_str().unwrap().to_owned())
        .collect();
    let expected: Vec<&str> = Event::ALL.iter().map(|e| e.wire_name()).collect();
    assert_eq!(events, expected);
    for (request, event) in requests.iter().zip(Event::ALL) {
        assert_zoho_callback(request, &format!("/cb/{event}"), SECRET);
    }
    assert_eq!(ran.stdout.matches("200 OK").count(), 8);
}

#[test]
fn all_reports_how_many_failed() {
    let server = Server::start(500, "");
    let ran = sh(&format!(
        "send --all --manifest {} --base-url {} --org-id 3",
        manifest_fixture(),
        server.url("")
    ));
    assert_eq!(ran.code, 1);
    assert_eq!(ran.stderr, "error: 2 of 2 callbacks got a non-2xx answer\n");
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/install", "/tpa"]);
}

#[test]
fn body_sends_a_file_as_it_is() {
    let server = Server::start(200, "");
    let raw = b"{\"event\":\"onUninstall\", \"orgId\": 9, \"extra\": [1,2]}\n";
    let (_dir, file) = temp_file("body.json", raw);
    let ran = sh(&format!(
        "send onUninstall --url {} --secret {SECRET} --body {}",
        server.url("/bye"),
        file.display()
    ));
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_eq!(server.requests()[0].body, raw);
    assert_zoho_callback(&server.requests()[0], "/bye", SECRET);
}

#[test]
fn the_secret_can_come_from_the_environment() {
    let server = Server::start(200, "");
    let ran = common::run_with_stdin(
        common::callback(&[
            "send",
            "onInstall",
            "--url",
            &server.url("/i"),
            "--secret-env",
            "ZOHO_SECRET",
            "--org-id",
            "1",
        ])
        .env("ZOHO_SECRET", SECRET),
        b"",
    );
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_zoho_callback(&server.requests()[0], "/i", SECRET);
}

#[test]
fn an_unreachable_url_is_one_line() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/callbacks/onInstall");
    let ran = sh(&format!(
        "send onInstall --url {url} --secret {SECRET} --org-id 1"
    ));
    assert_eq!(ran.code, 2);
    assert_eq!(ran.stdout, "");
    assert!(
        ran.stderr
            .starts_with(&format!("error: cannot send to {url}: ")),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let manifest = manifest_fixture();
    assert_error(
        &sh(&format!(
            "send onDelete --url http://127.0.0.1:9/ --secret {SECRET} --org-id 1"
        )),
        2,
        "unknown event \"onDelete\"; expected one of: onInstall, onZohoAuthorise, \
         onTPAAuthorise, onTPARevoke, onUpdate, onConfigParamAdd, onConfigParamDelete, \
         onUninstall",
    );
    assert_error(
        &sh(&format!(
            "send onInstall --url http://127.0.0.1:9/ --secret {SECRET} --org-id x"
        )),
        2,
        "invalid value 'x' for '--org-id <N>': invalid digit found in string",
    );
    assert_error(
        &sh("send onInstall --url http://127.0.0.1:9/ --org-id 1"),
        2,
        "no secret: give --secret-file PATH (preferred), --secret-stdin, --secret-env NAME or \
         --secret S (or --manifest FILE with a \"secret\")",
    );
    assert_error(
        &sh(&format!(
            "send --url http://127.0.0.1:9/ --secret {SECRET} --org-id 1"
        )),
        2,
        "the following required arguments were not provided: <EVENT>",
    );
    assert_error(
        &sh(&format!("send onUpdate --manifest {manifest} --org-id 1")),
        2,
        &format!("{manifest}: \"callbackListener\" has no onUpdate"),
    );
    assert_error(
        &sh(&format!(
            "send onInstall --manifest {manifest} --base-url localhost:8080 --org-id 1"
        )),
        2,
        "the base URL \"localhost:8080\" is not usable: it must start with https:// or http://; \
         give one such as \"https://ext.example.com\"",
    );
    assert_error(
        &sh("send onInstall --manifest /nonexistent.json --org-id 1"),
        2,
        "cannot read /nonexistent.json: No such file or directory (os error 2)",
    );
}

#[test]
fn a_malformed_manifest_is_one_line() {
    let cases: [(&str, &str); 6] = [
        (
            "{\"secret\": \"s\",}",
            "not valid JSON: trailing comma at line 1 column 16",
        ),
        (
            "{\"secret\": \"s\"}",
            "no \"callbackListener\" object; run `callback manifest --write` first",
        ),
        (
            "{\"secret\": \"s\", \"callbackListener\": {\"onNope\": \"http://x/\"}}",
            "in \"callbackListener\": unknown event \"onNope\"; expected one of: onInstall, \
             onZohoAuthorise, onTPAAuthorise, onTPARevoke, onUpdate, onConfigParamAdd, \
             onConfigParamDelete, onUninstall",
        ),
        (
            "{\"secret\": \"s\", \"callbackListener\": {\"onInstall\": 3}}",
            "the URL of onInstall is not a string",
        ),
        // Two spellings of one event: which URL would Zoho use?
        (
            "{\"secret\": \"s\", \"callbackListener\": {\"onZohoAuthorise\": \"http://x/a\", \
             \"onZohoAuthorize\": \"http://x/b\"}}",
            "in \"callbackListener\": onZohoAuthorise is listed twice, as \"onZohoAuthorise\" \
             and \"onZohoAuthorize\"; keep one",
        ),
        (
            "{\"secret\": \"s\", \"callbackListener\": {\"onInstall\": \"/callbacks/onInstall\"}}",
            "the URL of onInstall, \"/callbacks/onInstall\", is not usable: it must start with \
             https:// or http://",
        ),
    ];
    for (text, reason) in cases {
        let (_dir, path) = temp_file("plugin-manifest.json", text.as_bytes());
        let path = path.to_str().unwrap();
        assert_error(
            &sh(&format!("send onInstall --manifest {path} --org-id 1")),
            2,
            &format!("{path}: {reason}"),
        );
    }
    let (_dir, path) = temp_file(
        "plugin-manifest.json",
        b"{\"callbackListener\": {\"onInstall\": \"http://x/\"}}",
    );
    assert_error(
        &sh(&format!(
            "send onInstall --manifest {} --org-id 1",
            path.display()
        )),
        2,
        "plugin-manifest.json has no top-level \"secret\" field",
    );
}

#[test]
fn the_secret_and_security_context_can_come_from_files_or_standard_input() {
    let (_dir, secret) = temp_file("secret", format!("{SECRET}\n").as_bytes());
    let (_dir, context) = temp_file("context", b"ctx-from-file\r\n");
    let (secret, context) = (secret.to_str().unwrap(), context.to_str().unwrap());
    for (forms, stdin, expected_context) in [
        (
            vec!["--secret-file", secret, "--security-context-file", context],
            "",
            "ctx-from-file",
        ),
        (
            vec!["--secret-stdin", "--security-context-file", context],
            "local-secret\n",
            "ctx-from-file",
        ),
        (
            vec!["--secret-file", secret, "--security-context-stdin"],
            "ctx-piped\n",
            "ctx-piped",
        ),
        // Only one of the two forms: the other is the default.
        (
            vec!["--secret-file", secret],
            "",
            callback_core::testing::TEST_SECURITY_CONTEXT,
        ),
    ] {
        let server = Server::start(200, "");
        let url = server.url("/callbacks/onInstall");
        let mut args = vec!["send", "onInstall", "--url", &url, "--org-id", "5"];
        args.extend(&forms);
        let ran = common::run_with_stdin(&mut common::callback(&args), stdin.as_bytes());
        assert_eq!(
            (ran.code, ran.stdout.clone(), ran.stderr.as_str()),
            (0, format!("onInstall POST {url}\n200 OK\n"), ""),
            "{forms:?}"
        );
        let request = &server.requests()[0];
        assert_zoho_callback(request, "/callbacks/onInstall", SECRET);
        assert_eq!(
            body(request)["securityContext"],
            expected_context,
            "{forms:?}"
        );
    }
}

#[test]
fn two_forms_of_one_value_are_refused_naming_both() {
    let (_dir, file) = temp_file("value", b"v\n");
    let file = file.to_str().unwrap();
    for (forms, message) in [
        (
            &["--secret", SECRET, "--secret-file", file][..],
            "the argument '--secret <S>' cannot be used with '--secret-file <PATH>'",
        ),
        (
            &[
                "--secret",
                SECRET,
                "--security-context",
                "x",
                "--security-context-file",
                file,
            ],
            "the argument '--security-context <X>' cannot be used with \
             '--security-context-file <PATH>'",
        ),
        (
            &[
                "--secret",
                SECRET,
                "--security-context-stdin",
                "--security-context",
                "x",
            ],
            "the argument '--security-context-stdin' cannot be used with \
             '--security-context <X>'",
        ),
        (
            &["--secret-stdin", "--security-context-stdin"],
            "the argument '--secret-stdin' cannot be used with '--security-context-stdin'",
        ),
    ] {
        let mut args = vec![
            "send",
            "onInstall",
            "--url",
            "http://127.0.0.1:9/",
            "--org-id",
            "1",
        ];
        args.extend(forms);
        assert_error(&common::run(&args), 2, message);
    }
}

#[test]
fn an_unreadable_or_empty_security_context_file_is_named() {
    let server = Server::start(200, "");
    let url = server.url("/i");
    let send = |forms: &[&str], stdin: &[u8]| {
        let mut args = vec![
            "send",
            "onInstall",
            "--url",
            &url,
            "--org-id",
            "1",
            "--secret",
            SECRET,
        ];
        args.extend(forms);
        common::run_with_stdin(&mut common::callback(&args), stdin)
    };
    assert_error(
        &send(&["--security-context-file", "/nonexistent/context"], b""),
        2,
        "cannot read /nonexistent/context: No such file or directory (os error 2)",
    );
    let (_dir, empty) = temp_file("context", b"\n");
    let empty = empty.to_str().unwrap();
    assert_error(
        &send(&["--security-context-file", empty], b""),
        2,
        &format!("{empty} is empty; it must hold the securityContext"),
    );
    assert_error(
        &send(&["--security-context-stdin"], b""),
        2,
        "standard input is empty; it must hold the securityContext",
    );
    assert!(server.requests().is_empty());
}

#[test]
fn a_url_with_credentials_is_refused_without_showing_them_and_nothing_is_sent() {
    let server = Server::start(200, "");
    for url in [
        format!("http://u:hunter2@{}/callbacks/onInstall", server.addr),
        "http://u:hunter2@127.0.0.1:1/callbacks/onInstall?x=1".to_owned(),
        format!("http://hunter2@{}/", server.addr),
    ] {
        let ran = sh(&format!(
            "send onInstall --url {url} --secret {SECRET} --org-id 1"
        ));
        assert_error(
            &ran,
            2,
            &format!(
                "the URL {:?} is not usable: it must not carry credentials (user:password@): \
                 URLs are printed and logged; give credentials another way",
                url.replace("u:hunter2@", "").replace("hunter2@", "")
            ),
        );
        assert!(!ran.stderr.contains("hunter2"));
    }
    let ran = sh(&format!(
        "send onInstall --manifest {} --base-url http://u:hunter2@{} --org-id 1",
        manifest_fixture(),
        server.addr
    ));
    assert_error(
        &ran,
        2,
        &format!(
            "the base URL \"http://{}\" is not usable: it must not carry credentials \
             (user:password@): URLs are printed and logged; give credentials another way; give one \
             such as \"https://ext.example.com\"",
            server.addr
        ),
    );
    assert!(server.requests().is_empty());
}

#[test]
fn a_url_that_is_not_absolute_http_is_refused_before_sending() {
    assert_error(
        &sh(&format!(
            "send onInstall --url 127.0.0.1:9/callbacks --secret {SECRET} --org-id 1"
        )),
        2,
        "the URL \"127.0.0.1:9/callbacks\" is not usable: it must start with https:// or http://",
    );
    // The whole URL follows the rules, its query too.
    let server = Server::start(200, "");
    let url = server.url("/callbacks/onInstall?x={}");
    assert_error(
        &sh(&format!(
            "send onInstall --url {url} --secret {SECRET} --org-id 1"
        )),
        2,
        &format!(
            "the URL {url:?} is not usable: it must not contain any of \" < > \\ ^ ` {{ | }} \
             (percent-encode them)"
        ),
    );
    assert!(server.requests().is_empty());
}

/// The warning `callback send` gives for plain http to `origin`.
fn insecure(origin: &str) -> String {
    format!(
        "warning: {origin} is plain http:// to a host that is not this machine: credentials \
         sent to it cross the network unencrypted; use https://\n"
    )
}

// A body that cannot be read stops the command after the warning and
// before anything is sent: no request leaves this machine.
#[test]
fn plain_http_to_another_machine_gets_a_warning_loopback_and_https_none() {
    let missing =
        "error: cannot read /nonexistent/body.json: No such file or directory (os error 2)\n";
    for (url, warning) in [
        (
            "http://desk.example.com/callbacks/onInstall",
            insecure("http://desk.example.com"),
        ),
        (
            "http://DESK.example.com:8080/cb?x=1",
            insecure("http://desk.example.com:8080"),
        ),
        ("http://192.0.2.7/cb", insecure("http://192.0.2.7")),
        (
            "https://desk.example.com/callbacks/onInstall",
            String::new(),
        ),
        ("http://127.0.0.1:9/callbacks/onInstall", String::new()),
        ("http://localhost:9/callbacks/onInstall", String::new()),
        ("http://[::1]:9/callbacks/onInstall", String::new()),
    ] {
        let ran = sh(&format!(
            "send onInstall --url {url} --secret {SECRET} --body /nonexistent/body.json"
        ));
        assert_eq!(
            (ran.code, ran.stdout.as_str(), ran.stderr.clone()),
            (2, "", format!("{warning}{missing}")),
            "{url}"
        );
    }
}

#[test]
fn the_warning_is_given_once_for_each_host_before_anything_is_sent() {
    // Nothing listens on the first URL: the command stops there, before
    // the plain-http ones.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let manifest = serde_json::json!({
        "secret": SECRET,
        "callbackListener": {
            "onInstall": format!("http://127.0.0.1:{port}/install"),
            "onUpdate": "http://desk.example.com/update",
            "onUninstall": "http://desk.example.com/uninstall",
        },
    });
    let (_dir, path) = temp_file("plugin-manifest.json", manifest.to_string().as_bytes());
    let ran = sh(&format!(
        "send --all --manifest {} --org-id 1",
        path.display()
    ));
    assert_eq!(ran.code, 2);
    let (warning, error) = ran
        .stderr
        .split_at(insecure("http://desk.example.com").len());
    assert_eq!(warning, insecure("http://desk.example.com"));
    assert!(
        error.starts_with(&format!(
            "error: cannot send to http://127.0.0.1:{port}/install: "
        )),
        "{}",
        ran.stderr
    );
    assert_eq!(error.lines().count(), 1, "{}", ran.stderr);
}
