//! Keeping a call's credentials out of everything taken from an answer:
//! each is found in any spelling an echo may give it, and replaced.

use serde_json::Value;

/// What a credential is replaced with.
pub(crate) const REDACTED: &str = "<redacted>";

/// The credentials of one call (its security context, the secret and the
/// call's `HASH`), found and replaced with [`REDACTED`] in any text kept
/// from an answer.
///
/// An answer that echoes the call may spell a credential in many ways, and
/// a server may mix them within one occurrence; each character of a
/// credential is recognised in each of these spellings:
///
/// - as it is;
/// - percent-encoded, `%XX` for each of its UTF-8 bytes, the hex digits in
///   either case (`%2B`, `%2b`), and a space also as `+`: the spellings of
///   URL encoding and of `application/x-www-form-urlencoded`;
/// - JSON-escaped: `\uXXXX` in either case (a surrogate pair beyond the
///   basic plane), and `\/`, `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`.
///
/// No `Debug`: it holds the credentials.
pub(crate) struct Redactor {
    /// Each credential, as characters; none empty.
    needles: Vec<Vec<char>>,
}

impl Redactor {
    /// Redacts each of `credentials` (empty ones are skipped).
    pub(crate) fn new(credentials: &[&str]) -> Self {
        let needles = credentials
            .iter()
            .filter(|c| !c.is_empty())
            .map(|c| c.chars().collect())
            .collect();
        Redactor { needles }
    }

    /// `text` with every credential replaced.
    pub(crate) fn text(&self, text: &str) -> String {
        self.scan(text, usize::MAX).0
    }

    /// At most `limit` characters of `text`, trimmed, with every credential
    /// replaced before the cut (so that no part of one is kept), and `…`
    /// when there was more; `None` when nothing is left.
    pub(crate) fn excerpt(&self, text: &str, limit: usize) -> Option<String> {
        let (kept, more) = self.scan(text.trim(), limit);
        let cut = kept.char_indices().nth(limit).map(|(at, _)| at);
        match cut {
            _ if kept.is_empty() => None,
            Some(at) => Some(format!("{}…", &kept[..at])),
            None if more => Some(format!("{kept}…")),
            None => Some(kept),
        }
    }

    /// `value` with every credential replaced, in keys and strings.
    pub(crate) fn value(&self, value: Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.text(&s)),
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.value(v)).collect()),
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| (self.text(&k), self.value(v)))
                    .collect(),
            ),
            other => other,
        }
    }

    /// `text` redacted from its start until `budget` characters are written
    /// or the text ends, and whether text was left. A credential that starts
    /// before the budget runs out is matched against the whole text, so it
    /// is never cut in half.
    fn scan(&self, text: &str, budget: usize) -> (String, bool) {
        let bytes = text.as_bytes();
        let mut out = String::new();
        let mut written = 0;
        let mut at = 0;
        while at < bytes.len() {
            if written >= budget {
                return (out, true);
            }
            let found = self
                .needles
                .iter()
                .filter_map(|needle| match_at(bytes, at, needle))
                .max();
            if let Some(end) = found {
                out.push_str(REDACTED);
                written += REDACTED.len();
                at = end;
                continue;
            }
            // `at` is always on a character boundary: every spelling ends
            // on one.
            let Some(c) = text[at..].chars().next() else {
                break;
            };
            out.push(c);
            written += 1;
            at += c.len_utf8();
        }
        (out, false)
    }
}

/// Where a spelling of all of `needle` that starts at `start` ends, if one
/// does: depth first over the spellings of each character, since a `%` or a
/// `\` may start both a character as it is and an escape.
fn match_at(text: &[u8], start: usize, needle: &[char]) -> Option<usize> {
    let (&first, _) = needle.split_first()?;
    // `tries[i]`: the ends of spellings of `needle[i]` not yet tried.
    let mut tries = vec![spellings(text, start, first)];
    loop {
        let depth = tries.len();
        let Some(end) = tries.last_mut()?.pop() else {
            tries.pop();
            continue;
        };
        match needle.get(depth) {
            None => return Some(end),
            Some(&next) => tries.push(spellings(text, end, next)),
        }
    }
}

/// The ends of the spellings of `c` that start at `at` (at most one of
/// each kind: as it is, `+`, percent-encoded, JSON-escaped).
fn spellings(text: &[u8], at: usize, c: char) -> Ends {
    let mut ends = Ends::default();
    let Some(rest) = text.get(at..) else {
        return ends;
    };
    let mut utf8 = [0; 4];
    let literal = c.encode_utf8(&mut utf8).as_bytes();
    if rest.starts_with(literal) {
        ends.push(at + literal.len());
    }
    if c == ' ' && rest.starts_with(b"+") {
        ends.push(at + 1);
    }
    if let Some(len) = percent_encoded(rest, literal) {
        ends.push(at + len);
    }
    if let Some(len) = json_escaped(rest, c) {
        ends.push(at + len);
    }
    ends
}

/// The length of `bytes` percent-encoded (`%XX` each, either case) at the
/// start of `text`.
fn percent_encoded(text: &[u8], bytes: &[u8]) -> Option<usize> {
    let len = bytes.len() * 3;
    let spelled = text.get(..len)?;
    spelled
        .chunks_exact(3)
        .zip(bytes)
        .all(|(escape, &byte)| {
            escape[0] == b'%' && hex_value(&escape[1..]) == Some(u16::from(byte))
        })
        .then_some(len)
}

/// The length of a JSON escape of `c` at the start of `text`.
fn json_escaped(text: &[u8], c: char) -> Option<usize> {
    let short = match c {
        '"' => Some(b'"'),
        '\\' => Some(b'\\'),
        '/' => Some(b'/'),
        '\u{8}' => Some(b'b'),
        '\u{c}' => Some(b'f'),
        '\n' => Some(b'n'),
        '\r' => Some(b'r'),
        '\t' => Some(b't'),
        _ => None,
    };
    if short.is_some_and(|s| text.get(..2) == Some(&[b'\\', s])) {
        return Some(2);
    }
    let mut buf = [0; 2];
    let units = c.encode_utf16(&mut buf);
    let len = units.len() * 6;
    let spelled = text.get(..len)?;
    spelled
        .chunks_exact(6)
        .zip(units.iter())
        .all(|(escape, &unit)| escape.starts_with(b"\\u") && hex_value(&escape[2..]) == Some(unit))
        .then_some(len)
}

/// Two or four hex digits, in either case, as a number.
fn hex_value(digits: &[u8]) -> Option<u16> {
    let mut bytes = [0; 2];
    let out = bytes.get_mut(..digits.len() / 2)?;
    hex::decode_to_slice(digits, out).ok()?;
    Some(out.iter().fold(0, |n, &b| (n << 8) | u16::from(b)))
}

/// Up to four text positions, taken last first.
#[derive(Default)]
struct Ends {
    ends: [usize; 4],
    len: usize,
}

impl Ends {
    fn push(&mut self, end: usize) {
        self.ends[self.len] = end;
        self.len += 1;
    }

    fn pop(&mut self) -> Option<usize> {
        self.len = self.len.checked_sub(1)?;
        Some(self.ends[self.len])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A context with the characters that have other spellings: `+/=`, a
    /// space, `&`, `%`, a quote, a backslash, a non-ASCII letter and one
    /// beyond the basic plane.
    const CONTEXT: &str = "SC-a+b/c=d e&f%\"\\é🔑9";

    fn redactor() -> Redactor {
        Redactor::new(&[CONTEXT, "SECRET"])
    }

    #[test]
    fn redaction_reaches_keys_strings_and_nesting() {
        let r = Redactor::new(&["CTX", "SECRET"]);
        assert_eq!(
            r.value(json!({"a CTX": ["xSECRETx", 1, {"b": "CTX"}]})),
            json!({"a <redacted>": ["x<redacted>x", 1, {"b": "<redacted>"}]})
        );
        assert_eq!(r.text("no credentials"), "no credentials");
    }

    #[test]
    fn every_spelling_of_a_context_is_redacted() {
        for spelled in [
            // as it is
            CONTEXT,
            // form-urlencoded, upper- and lower-case hex
            "SC-a%2Bb%2Fc%3Dd+e%26f%25%22%5C%C3%A9%F0%9F%94%919",
            "SC-a%2bb%2fc%3dd+e%26f%25%22%5c%c3%a9%f0%9f%94%919",
            // percent-encoded with %20 for the space, and every character
            "SC-a%2Bb%2Fc%3Dd%20e%26f%25%22%5C%C3%A9%F0%9F%94%919",
            "%53%43%2d%61%2b%62%2f%63%3d%64%20%65%26%66%25%22%5c%c3%a9%f0%9f%94%91%39",
            // JSON: the short escapes, then \u for everything but letters
            "SC-a+b\\/c=d e&f%\\\"\\\\é🔑9",
            "SC\\u002da\\u002bb\\u002fc\\u003dd\\u0020e\\u0026f\\u0025\\u0022\\u005c\\u00e9\\ud83d\\udd119",
            "SC\\u002Da\\u002Bb\\u002Fc\\u003Dd\\u0020e\\u0026f\\u0025\\u0022\\u005C\\u00E9\\uD83D\\uDD119",
            // mixed within one occurrence
            "SC-a%2Bb\\/c\\u003dd+e%26f%\\\"\\u005C%C3%A9\\uD83D\\udd119",
        ] {
            assert_eq!(
                redactor().text(&format!("echo [{spelled}] end")),
                "echo [<redacted>] end",
                "{spelled}"
            );
        }
    }

    #[test]
    fn a_percent_sign_may_start_itself_or_an_escape() {
        let r = Redactor::new(&["%x%"]);
        for text in ["%x%", "%25x%", "%x%25", "%25x%25", "\\u0025x%"] {
            assert_eq!(r.text(text), REDACTED, "{text}");
        }
    }

    #[test]
    fn other_text_is_kept_as_it_is() {
        let r = redactor();
        for text in [
            "SC-a+b/c=d e&f%\"\\é🔑", // one character short
            "SC-a%2Bb%2Fc%3Dd+e%26f%2",
            "SC-a\\u002bb\\u02f",
            "%zz \\uzzzz \\ %",
            "",
        ] {
            assert_eq!(r.text(text), text);
        }
        assert_eq!(r.text("SECRETSECRET SECRE"), "<redacted><redacted> SECRE");
    }

    #[test]
    fn excerpts_are_bounded_and_never_keep_part_of_a_credential() {
        let r = redactor();
        let long = "é".repeat(300);
        let kept = r.excerpt(&long, 200).unwrap();
        assert_eq!(kept, format!("{}…", "é".repeat(200)));
        assert_eq!(r.excerpt("  short  ", 200).as_deref(), Some("short"));
        assert_eq!(r.excerpt(" \n ", 200), None);
        // Each form-encoded context is 51 characters and redacts to 10:
        // the excerpt is made of whole redactions only.
        let form = "SC-a%2Bb%2Fc%3Dd+e%26f%25%22%5C%C3%A9%F0%9F%94%919";
        let echoed = form.repeat(30);
        assert_eq!(
            r.excerpt(&echoed, 200).unwrap(),
            format!("{}…", REDACTED.repeat(20))
        );
        assert_eq!(
            r.excerpt(&format!("ab{}", form.repeat(20)), 200).unwrap(),
            format!("ab{}…", &REDACTED.repeat(20)[..198])
        );
    }
}
