//! The base URL an extension is served under, and the rules every absolute
//! URL this framework writes or prints follows.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use url::{Host, Url};

/// An absolute `http` or `https` URL with a host, no credentials, no query
/// and no fragment: where an extension's server is reached
/// (`https://ext.example.com`, or with a path prefix
/// `https://ext.example.com/zoho`).
///
/// Parsed with [`url::Url`] and kept in its normal form (scheme and host in
/// lower case, a default port dropped) without a trailing `/`, so that
/// joining a path such as `/callbacks/onInstall` gives one URL for every
/// spelling of the same base.
///
/// A URL that carries credentials (`https://user:pass@host`) is refused, and
/// the error shows it without them: a base URL is printed at start-up,
/// logged, and written into manifests.
///
/// ```
/// use callback_core::BaseUrl;
///
/// let base: BaseUrl = "HTTPS://Ext.Example.com:443/zoho/".parse()?;
/// assert_eq!(base.as_str(), "https://ext.example.com/zoho");
/// assert_eq!(base.join("/callbacks/onInstall"), "https://ext.example.com/zoho/callbacks/onInstall");
/// assert!(!base.is_loopback());
///
/// let err = "https://user:hunter2@ext.example.com".parse::<BaseUrl>().unwrap_err();
/// assert!(!err.to_string().contains("hunter2"));
/// # Ok::<(), callback_core::BaseUrlError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl {
    /// The normal form, without a trailing `/`.
    text: String,
    loopback: bool,
    https: bool,
}

impl BaseUrl {
    /// Parses `url`; see the type's documentation for what is accepted.
    pub fn parse(url: &str) -> Result<Self, BaseUrlError> {
        let parsed = parse_absolute(url)?;
        let fail = |reason| BaseUrlError::new(url, reason);
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(fail("it must not have a query or fragment"));
        }
        Ok(BaseUrl {
            text: parsed.as_str().trim_end_matches('/').to_owned(),
            loopback: is_loopback(&parsed),
            https: parsed.scheme() == "https",
        })
    }

    /// The origin (`scheme://host[:port]`) of any absolute URL that
    /// [`check_absolute`] accepts, as a base URL: what to ask
    /// [`BaseUrl::insecure_warning`] about before sending to `url`.
    pub fn origin_of(url: &str) -> Result<Self, BaseUrlError> {
        let parsed = parse_absolute(url)?;
        BaseUrl::parse(&parsed.origin().ascii_serialization())
    }

    /// The URL in its normal form, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `path` (which starts with `/`) under this base.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.text)
    }

    /// Whether the host is a loopback address (`localhost`, `127.0.0.0/8`,
    /// `::1`), which only this machine can reach.
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// Whether the scheme is `https`.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// A warning to show when this URL is plain `http://` to a host other
    /// than this machine: what is sent to it (a secret-derived `HASH`, a
    /// security context) crosses the network unencrypted.
    pub fn insecure_warning(&self) -> Option<String> {
        (!self.https && !self.loopback).then(|| {
            format!(
                "{} is plain http:// to a host that is not this machine: credentials sent \
                 to it cross the network unencrypted; use https://",
                self.text
            )
        })
    }
}

impl FromStr for BaseUrl {
    type Err = BaseUrlError;

    fn from_str(s: &str) -> Result<Self, BaseUrlError> {
        BaseUrl::parse(s)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({:?})", self.text)
    }
}

impl AsRef<str> for BaseUrl {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

/// Why a URL is not a usable [`BaseUrl`] (or absolute URL). Its message
/// shows the URL without any credentials it carried.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "the base URL {url:?} is not usable: {reason}; give one such as \"https://ext.example.com\""
)]
pub struct BaseUrlError {
    /// The URL given, without credentials ([`without_credentials`]).
    pub url: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl BaseUrlError {
    fn new(url: &str, reason: &'static str) -> Self {
        BaseUrlError {
            url: without_credentials(url),
            reason,
        }
    }
}

/// Checks that `url` is an absolute `http` or `https` URL with a host,
/// without credentials, whitespace, or characters a URL must not hold
/// unencoded (such as `"` or `{`). A path, a query and a fragment are
/// allowed; [`BaseUrl`] refuses the last two.
pub fn check_absolute(url: &str) -> Result<(), BaseUrlError> {
    parse_absolute(url).map(drop)
}

/// [`check_absolute`], keeping the parsed URL.
pub(crate) fn parse_absolute(url: &str) -> Result<Url, BaseUrlError> {
    let fail = |reason| BaseUrlError::new(url, reason);
    if !(starts_with_ignore_case(url, "https://") || starts_with_ignore_case(url, "http://")) {
        return Err(fail("it must start with https:// or http://"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(fail("it must not contain whitespace"));
    }
    // `Url` skips extra slashes after an http(s) scheme: `https:///path`
    // would name the host `path`.
    let after_scheme = &url[url.find("://").map_or(0, |i| i + 3)..];
    if after_scheme.is_empty() || after_scheme.starts_with(['/', '?', '#']) {
        return Err(fail("it has no host"));
    }
    // Characters `Url` would percent-encode without a word (RFC 3986 allows
    // none of them anywhere): a URL holding one is not what it looks like.
    if url.contains(['"', '<', '>', '\\', '^', '`', '{', '|', '}']) {
        return Err(fail(
            "it must not contain any of \" < > \\ ^ ` { | } (percent-encode them)",
        ));
    }
    let parsed = Url::parse(url).map_err(|err| {
        fail(match err {
            url::ParseError::EmptyHost => "it has no host",
            url::ParseError::InvalidPort => "its port is not a number from 0 to 65535",
            url::ParseError::InvalidIpv4Address | url::ParseError::InvalidIpv6Address => {
                "its IP address is malformed"
            }
            _ => "its host is not a valid domain name or IP address",
        })
    })?;
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(fail("it has no host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(fail(
            "it must not carry credentials (user:password@): URLs are printed and logged; give \
             credentials another way",
        ));
    }
    Ok(parsed)
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => {
            domain.eq_ignore_ascii_case("localhost")
                || domain.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// `url` with any `user:password@` removed from its authority, for messages
/// about a URL that may carry credentials. Text that is not a URL comes
/// back as it was, unless an `@` before the path suggests credentials, which
/// are cut then too.
///
/// ```
/// use callback_core::base_url::without_credentials;
///
/// assert_eq!(without_credentials("https://u:p@h.example/x"), "https://h.example/x");
/// assert_eq!(without_credentials("h.example/x"), "h.example/x");
/// ```
pub fn without_credentials(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => url.split_at(i + 3),
        None => ("", url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(url: &str) -> &'static str {
        BaseUrl::parse(url).unwrap_err().reason
    }

    #[test]
    fn the_normal_form_has_no_trailing_slash_and_lower_case_host() {
        for (given, normal) in [
            ("https://ext.example.com", "https://ext.example.com"),
            ("https://ext.example.com/", "https://ext.example.com"),
            ("HTTPS://EXT.example.COM:443", "https://ext.example.com"),
            ("http://127.0.0.1:8080/base/", "http://127.0.0.1:8080/base"),
            ("http://[::1]:80/", "http://[::1]"),
        ] {
            assert_eq!(BaseUrl::parse(given).unwrap().as_str(), normal, "{given}");
        }
    }

    #[test]
    fn every_kind_of_bad_url_has_its_reason() {
        for (url, expected) in [
            ("ext.example.com", "it must start with https:// or http://"),
            (
                "ftp://ext.example.com",
                "it must start with https:// or http://",
            ),
            ("https://", "it has no host"),
            ("https://:80", "it has no host"),
            ("https:///path", "it has no host"),
            ("https://x .example", "it must not contain whitespace"),
            (
                "https://x.example/?a=1",
                "it must not have a query or fragment",
            ),
            (
                "https://x.example/#top",
                "it must not have a query or fragment",
            ),
            (
                "https://x.example:99999",
                "its port is not a number from 0 to 65535",
            ),
        ] {
            assert_eq!(reason(url), expected, "{url}");
        }
    }

    #[test]
    fn characters_that_would_be_encoded_silently_are_refused() {
        // A JSON-looking tail once passed the hand-written check.
        for url in [
            r#"https://ext.example.com/"},"secret":"pwn"#,
            "https://ext.example.com/{x}",
            "https://ext.example.com/a|b",
            "https://ext.example.com\\evil.example",
        ] {
            assert!(
                reason(url).starts_with("it must not contain any of"),
                "{url}"
            );
        }
    }

    #[test]
    fn credentials_are_refused_and_not_shown() {
        for url in [
            "https://user:hunter2@ext.example.com",
            "https://hunter2@ext.example.com/x",
            "http://:hunter2@127.0.0.1:8080",
        ] {
            let err = BaseUrl::parse(url).unwrap_err();
            assert!(err.reason.contains("credentials"), "{url}: {err}");
            assert!(!err.to_string().contains("hunter2"), "{err}");
            assert!(!format!("{err:?}").contains("hunter2"), "{err:?}");
        }
    }

    #[test]
    fn loopback_and_insecure_are_told_apart() {
        for url in [
            "http://localhost:8080",
            "http://127.0.0.1",
            "http://127.9.9.9",
            "http://[::1]:8080",
            "http://app.localhost",
        ] {
            let base = BaseUrl::parse(url).unwrap();
            assert!(base.is_loopback(), "{url}");
            assert_eq!(base.insecure_warning(), None, "{url}");
        }
        let remote = BaseUrl::parse("http://desk.example.com").unwrap();
        assert!(!remote.is_loopback());
        assert!(remote.insecure_warning().unwrap().contains("plain http://"));
        assert_eq!(
            BaseUrl::parse("https://desk.example.com")
                .unwrap()
                .insecure_warning(),
            None
        );
    }

    #[test]
    fn the_origin_of_a_url_with_path_and_query() {
        let origin = BaseUrl::origin_of("http://desk.example.com:8080/a/b?c=d#e").unwrap();
        assert_eq!(origin.as_str(), "http://desk.example.com:8080");
        assert!(origin.insecure_warning().is_some());
        assert!(BaseUrl::origin_of("http://u:p@desk.example.com/").is_err());
        assert_eq!(check_absolute("https://x.example/?q=1#f"), Ok(()));
        assert_eq!(
            check_absolute("x.example").unwrap_err().reason,
            "it must start with https:// or http://"
        );
    }

    #[test]
    fn without_credentials_cuts_only_the_userinfo() {
        assert_eq!(
            without_credentials("https://u:p@h.example:8/x?y=a@b"),
            "https://h.example:8/x?y=a@b"
        );
        assert_eq!(
            without_credentials("https://h.example/x@y"),
            "https://h.example/x@y"
        );
        assert_eq!(without_credentials("u:p@h.example"), "h.example");
    }
}
