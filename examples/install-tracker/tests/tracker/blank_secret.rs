//! `install-tracker` refuses to start with an empty or whitespace-only
//! secret: it exits non-zero before listening, with one line on standard
//! error that starts with `error:` and says the secret is empty.

use crate::common;

use common::Tracker;

#[test]
fn a_blank_secret_stops_the_server_with_one_error_line() {
    for blank in ["", "  ", "\t \n"] {
        let output = Tracker::command("/nonexistent/never-opened.db".as_ref())
            .env("ZOHO_EXTENSION_SECRET", blank)
            .output()
            .expect("install-tracker runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{blank:?}: it started; {stdout}");
        assert_eq!(
            output.status.code(),
            Some(1),
            "{blank:?}: no panic, no signal"
        );
        assert!(!stdout.contains("listening"), "{blank:?}: {stdout}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{blank:?}: one line: {stderr}");
        assert!(lines[0].starts_with("error: "), "{blank:?}: {stderr}");
        assert_eq!(
            lines[0],
            "error: ZOHO_EXTENSION_SECRET: the environment variable ZOHO_EXTENSION_SECRET \
             is empty; it must hold your extension's secret",
            "{blank:?}: the message names the variable and the problem, and does not \
             suggest the manifest, which is not tried when the variable is set"
        );
    }
}
