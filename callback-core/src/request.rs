//! What an adapter hands the router for one request, and the HTTP rules
//! every adapter applies the same way.

use crate::SignatureHeader;
use std::fmt;

/// The header Zoho signs callbacks in, as HTTP/2 and HTTP/1 stacks name it
/// (header names are case-insensitive; this is the lower-case form).
pub const SIGNATURE_HEADER: &str = "hash";

/// The one method a callback path answers; every other gets `405` with
/// `Allow` set to this.
pub const ALLOWED_METHOD: &str = "POST";

/// What an HTTP layer hands the router for one `POST`.
///
/// `Debug` shows the path and the lengths of the rest: the body holds the
/// security context, and the `HASH` is a MAC of it.
#[derive(Clone, Copy)]
pub struct CallbackRequest<'a> {
    /// The path the handler is mounted at, such as `/callbacks/onInstall`.
    pub path: &'a str,
    /// The `HASH` header(s): see [`signature_header`].
    pub signature: SignatureHeader<'a>,
    /// The raw `Content-Type` header, if any.
    pub content_type: Option<&'a [u8]>,
    /// The body, exactly as received.
    pub body: &'a [u8],
}

impl fmt::Debug for CallbackRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackRequest")
            .field("path", &self.path)
            .field("signature", &self.signature)
            .field("content_type", &self.content_type.map(<[u8]>::len))
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// The `HASH` of a request from the values of every header named
/// [`SIGNATURE_HEADER`], in order: none is `Absent`, two or more are
/// `Repeated` (refused: which one to check would be a guess).
pub fn signature_header<'a, I>(values: I) -> SignatureHeader<'a>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let mut values = values.into_iter();
    match (values.next(), values.next()) {
        (None, _) => SignatureHeader::Absent,
        (Some(one), None) => SignatureHeader::One(one),
        (Some(_), Some(_)) => SignatureHeader::Repeated,
    }
}

/// Whether `content_type` is `application/json`, in any case, with any
/// parameters: the media type is what comes before the first `;`, without
/// the optional whitespace around it (RFC 9110, 8.3.1).
pub(crate) fn is_json(content_type: Option<&[u8]>) -> bool {
    const JSON: &[u8] = b"application/json";
    // The header as Zoho sends it is compared whole before it is split at
    // `;`: the split costs over a hundred instructions of every callback.
    content_type.is_some_and(|raw| {
        raw.eq_ignore_ascii_case(JSON)
            || raw
                .split(|&b| b == b';')
                .next()
                .is_some_and(|essence| essence.trim_ascii().eq_ignore_ascii_case(JSON))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_one_or_several_hash_headers() {
        assert_eq!(signature_header([]), SignatureHeader::Absent);
        assert_eq!(
            signature_header([&b"ab"[..]]),
            SignatureHeader::One(&b"ab"[..])
        );
        assert_eq!(
            signature_header([&b"ab"[..], b""]),
            SignatureHeader::Repeated
        );
    }

    #[test]
    fn json_with_any_parameters_and_nothing_else() {
        for yes in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json ; x=y",
            " application/json;",
        ] {
            assert!(is_json(Some(yes.as_bytes())), "{yes}");
        }
        for no in [
            "",
            "application/jsonx",
            "application/json-patch+json",
            "text/json",
            "application/json, text/plain",
        ] {
            assert!(!is_json(Some(no.as_bytes())), "{no}");
        }
        assert!(!is_json(None));
    }
}
