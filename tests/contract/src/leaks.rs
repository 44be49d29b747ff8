//! Searching text (logs, `Debug` and `Display` output, response bodies) for
//! pieces of the fixture's secrets, and capturing what a `tracing`
//! subscriber writes so that it can be searched.

use crate::fixture::{self, FOREIGN_SECRET, OLD_SECRET, SECRET, SECURITY_CONTEXT};
use crate::table::Case;
use callback_core::Signer;
use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::sync::{Arc, Mutex};
use tracing_subscriber::fmt::MakeWriter;

/// What must never be printed (in a log, a `Debug` output, an error message
/// or a response): the fixture's secrets, its security context, and the MAC
/// of each body a test sent under each secret the server holds, in either
/// case. Any run of [`Forbidden::WINDOW`] characters of one of them counts,
/// so a truncated copy is caught too.
#[derive(Clone, Debug)]
pub struct Forbidden {
    /// Each window, and what it is a piece of.
    windows: HashMap<String, &'static str>,
}

impl Forbidden {
    /// How many consecutive characters of a secret make a leak.
    pub const WINDOW: usize = 12;

    /// The secrets and the security context, and the MACs of every body of
    /// `cases`.
    pub fn for_cases(cases: &[Case]) -> Self {
        let mut forbidden = Forbidden {
            windows: HashMap::new(),
        };
        for (what, value) in [
            ("the secret", SECRET),
            ("the old secret", OLD_SECRET),
            ("the foreign secret", FOREIGN_SECRET),
            ("the security context", SECURITY_CONTEXT),
        ] {
            forbidden.add(what, value);
        }
        for case in cases {
            forbidden = forbidden.with_body(&case.request.body);
            for (name, value) in &case.request.headers {
                let signature = signature_of(value);
                if name.eq_ignore_ascii_case("X-ZDesk-JWT") && signature.len() >= Self::WINDOW {
                    forbidden.add("a Desk token's signature", signature);
                }
            }
        }
        forbidden
    }

    /// Also the MACs of `body` under each secret the server holds.
    pub fn with_body(mut self, body: &[u8]) -> Self {
        for secret in [fixture::secret(), fixture::old_secret()] {
            let mac = Signer::new(&secret).sign(body);
            self.add("an expected MAC", &mac.to_ascii_uppercase());
            self.add("an expected MAC", &mac);
        }
        self
    }

    /// Also `value`, a secret of the test's own (a store key, another
    /// security context), named `what` in a failure.
    pub fn with_secret(mut self, what: &'static str, value: &str) -> Self {
        self.add(what, value);
        self
    }

    fn add(&mut self, what: &'static str, value: &str) {
        let chars: Vec<char> = value.chars().collect();
        for window in chars.windows(Self::WINDOW.min(chars.len())) {
            self.windows.insert(window.iter().collect(), what);
        }
    }

    /// The first piece of a secret in `text`, and what it is a piece of.
    pub fn find(&self, text: &str) -> Option<(&'static str, String)> {
        let chars: Vec<char> = text.chars().collect();
        chars.windows(Self::WINDOW).find_map(|window| {
            let window: String = window.iter().collect();
            self.windows.get(&window).map(|&what| (what, window))
        })
    }

    /// Panics, naming `context`, if `text` holds any piece of a secret.
    pub fn assert_absent(&self, context: &str, text: &str) {
        if let Some((what, piece)) = self.find(text) {
            panic!("{context}: {what} ({piece:?}) is in:\n{text}");
        }
    }

    /// Asserts that neither the `Display`, the `Debug` nor the alternate
    /// `Debug` of `error` holds a piece of a secret, and returns the
    /// `Display` for further checks.
    pub fn assert_clean<E: fmt::Display + fmt::Debug>(&self, error: &E) -> String {
        let display = error.to_string();
        self.assert_absent("Display", &display);
        self.assert_absent("Debug", &format!("{error:?}"));
        self.assert_absent("alternate Debug", &format!("{error:#?}"));
        display
    }
}

/// The signature part of a JWT (its header and claims are no secret, and
/// their first characters are the same in every token).
fn signature_of(token: &str) -> &str {
    token.rsplit('.').next().unwrap_or(token)
}

/// Signed bodies that carry the security context where it does not belong,
/// or break right around it, each with the code the router refuses it with:
/// a payload error, never a callback.
pub fn bodies_around_the_security_context() -> Vec<(String, &'static str)> {
    let sc = SECURITY_CONTEXT;
    let start = r#"{"event":"onInstall","orgId":387238,"securityContext":"#;
    vec![
        (
            format!(r#"{start}"{sc}","securityContext":"{sc}"}}"#),
            "invalid_payload",
        ),
        (
            format!(r#"{{"event":"onInstall","securityContext":"{sc}"}}"#),
            "invalid_payload",
        ),
        (format!(r#"{start}["{sc}"]}}"#), "invalid_payload"),
        (format!(r#"{start}{{"value":"{sc}"}}}}"#), "invalid_payload"),
        (format!(r#"{start}{}}}"#, 7), "invalid_payload"),
        (
            format!(r#"{start}"{sc}","orgId":"{sc}"}}"#),
            "invalid_payload",
        ),
        (
            format!(r#"{{"event":"onInstall","orgId":-1,"securityContext":"{sc}"}}"#),
            "invalid_payload",
        ),
        (
            format!(r#"{{"x":"{sc}","x":"{sc}","event":"onInstall","orgId":1}}"#),
            "invalid_payload",
        ),
        (format!(r#"{start}"{sc}""#), "invalid_json"),
        (format!(r#"{start}"{sc}"#), "invalid_json"),
        (format!(r#"{start}"{sc}",}}"#), "invalid_json"),
        (format!(r#"{start}"{sc}" "x"}}"#), "invalid_json"),
        (format!(r#"{start}"{sc}\q"}}"#), "invalid_json"),
        (format!("{start}\"{sc}\u{1}\"}}"), "invalid_json"),
        (format!(r#"{start}{sc}}}"#), "invalid_json"),
        (format!(r#"{start}"{sc}","x":tru}}"#), "invalid_json"),
        (format!(r#"{{"event":"{sc}","orgId":1}}"#), "unknown_event"),
    ]
}

/// Everything a `tracing` subscriber writes, kept in memory so that a test
/// can search it: pass it to `tracing_subscriber::fmt().with_writer(..)`.
#[derive(Clone, Debug, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned")).into_owned()
    }
}

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl MakeWriter<'_> for LogCapture {
    type Writer = LogCapture;

    fn make_writer(&self) -> LogCapture {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_finds_a_secret_or_a_mac_cut_to_12_characters() {
        let body = b"{}";
        let forbidden = Forbidden::for_cases(&[]).with_body(body);
        let mac = Signer::new(&fixture::old_secret())
            .sign(body)
            .to_ascii_uppercase();
        for leak in [
            &SECRET[3..15],
            &OLD_SECRET[10..22],
            &SECURITY_CONTEXT[20..32],
            &mac[40..52],
        ] {
            let text = format!("error: {leak}!");
            assert_eq!(
                forbidden.find(&text).map(|(_, piece)| piece).as_deref(),
                Some(leak)
            );
        }
        forbidden.assert_absent("test", &SECRET[..11]);
    }

    #[test]
    fn the_macs_of_every_body_of_the_cases_are_searched_for() {
        let cases = crate::cases::all();
        let forbidden = Forbidden::for_cases(&cases);
        let body = &cases.last().expect("a case").request.body;
        let mac = Signer::new(&fixture::secret()).sign(body);
        assert!(forbidden.find(&mac).is_some());
        assert!(forbidden.find(&mac.to_ascii_uppercase()).is_some());
    }
}
