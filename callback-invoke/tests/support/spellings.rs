//! The ways an answer that echoes a credential may spell it, for tests that
//! check none of them survives redaction.

#![allow(dead_code, unreachable_pub)]

use url::form_urlencoded;

/// `text` as it is; form-urlencoded (upper- and lower-case hex), and
/// percent-encoded with `%20` for a space (both cases); JSON-escaped as
/// `serde_json` does, with `\/` too, and with `\uXXXX` for everything but
/// ASCII letters and digits (both cases). Without repeats.
pub fn spellings(text: &str) -> Vec<String> {
    let form: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
    let percent = form.replace('+', "%20");
    let json = serde_json::to_string(text).unwrap();
    let json = json[1..json.len() - 1].to_owned();
    let mut all = vec![
        text.to_owned(),
        lower_hex(&form),
        form,
        lower_hex(&percent),
        percent,
        json.replace('/', "\\/"),
        json,
        unicode_escaped(text, false),
        unicode_escaped(text, true),
    ];
    let mut seen = std::collections::HashSet::new();
    all.retain(|s| seen.insert(s.clone()));
    all
}

/// `%XX` escapes with lower-case hex digits.
fn lower_hex(encoded: &str) -> String {
    encoded
        .split('%')
        .enumerate()
        .map(|(i, part)| match (i, part.get(..2)) {
            (0, _) | (_, None) => part.to_owned(),
            (_, Some(hex)) => format!("{}{}", hex.to_ascii_lowercase(), &part[2..]),
        })
        .collect::<Vec<_>>()
        .join("%")
}

/// Every character but ASCII letters and digits as `\uXXXX` (UTF-16).
fn unicode_escaped(text: &str, upper: bool) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
            continue;
        }
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            out.push_str(&if upper {
                format!("\\u{unit:04X}")
            } else {
                format!("\\u{unit:04x}")
            });
        }
    }
    out
}
