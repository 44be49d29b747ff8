//! Where an adapter's routes are mounted, and the check that keeps the
//! manifest honest about it.
//!
//! The `callbackListener` names each handler's full URL. Mounted under a
//! prefix (actix-web's `web::scope("/zoho")`, axum's `Router::nest("/zoho",
//! …)`), the routes answer at `/zoho/callbacks/onInstall`; a manifest built
//! without that prefix would send Zoho to URLs nobody serves. So the routes
//! carry a declared [`MountPrefix`] (the root unless declared), the
//! `callbackListener` they render is written under it, and each adapter
//! compares it with where the routes really are ([`MountPrefix::check`]) and
//! refuses a mount that differs.

use crate::base_url::{BaseUrl, BaseUrlError};
use crate::manifest::{CallbackListener, ListenerError};
use crate::{Rejection, RejectionKind, Router};
use callback_spec::{PathError, validate_path};
use std::fmt;

/// The path prefix routes are mounted under: the root (`""`), or a path
/// such as `/zoho` (no trailing `/`), with the characters a URL path holds.
///
/// ```
/// use callback_core::mount::MountPrefix;
///
/// let prefix = MountPrefix::new("/zoho")?;
/// assert_eq!(prefix.join("/callbacks/onInstall"), "/zoho/callbacks/onInstall");
/// assert!(prefix.check(Some("/zoho")).is_ok());
/// assert!(prefix.check(Some("")).is_err());
/// assert!(MountPrefix::new("/zoho/").is_err());
/// # Ok::<(), callback_core::mount::PrefixError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct MountPrefix {
    text: String,
}

impl MountPrefix {
    /// The root: no prefix.
    pub const ROOT: MountPrefix = MountPrefix {
        text: String::new(),
    };

    /// `prefix` as a mount prefix: `""` for the root, otherwise a valid URL
    /// path (see [`validate_path`]) that does not end with `/`. A pattern
    /// (`/{tenant}`) is refused: a manifest names one URL.
    pub fn new(prefix: &str) -> Result<Self, PrefixError> {
        if prefix.is_empty() {
            return Ok(MountPrefix::ROOT);
        }
        validate_path(prefix).map_err(|reason| PrefixError::InvalidPath {
            prefix: prefix.to_owned(),
            reason,
        })?;
        if prefix.ends_with('/') {
            return Err(PrefixError::TrailingSlash {
                suggestion: prefix.trim_end_matches('/').to_owned(),
            });
        }
        Ok(MountPrefix {
            text: prefix.to_owned(),
        })
    }

    /// The prefix, `""` for the root.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether it is the root.
    pub fn is_root(&self) -> bool {
        self.text.is_empty()
    }

    /// `path` (which starts with `/`) under this prefix.
    pub fn join(&self, path: &str) -> String {
        [self.text.as_str(), path].concat()
    }

    /// Compares this declared prefix with where the routes are mounted:
    /// `Some(prefix)` when the adapter knows it (`""` at the root), `None`
    /// when it knows only that they are under some prefix it cannot read
    /// (actix-web tells a resource only whether it is inside a scope).
    ///
    /// A trailing `/` of `actual` is ignored.
    pub fn check(&self, actual: Option<&str>) -> Result<(), MountMismatch> {
        let matches = match actual {
            Some(actual) => actual.trim_end_matches('/') == self.text,
            None => false,
        };
        match matches {
            true => Ok(()),
            false => Err(MountMismatch {
                declared: self.text.clone(),
                actual: actual.map(str::to_owned),
            }),
        }
    }

    /// The `callbackListener` section for `router`'s handlers mounted under
    /// this prefix, served under `base_url`: each URL is the base URL, this
    /// prefix, then the handler's path.
    pub fn callback_listener(
        &self,
        router: &Router,
        base_url: &str,
    ) -> Result<CallbackListener, ListenerError> {
        let base = BaseUrl::parse(base_url).map_err(|BaseUrlError { url, reason }| {
            ListenerError::InvalidBaseUrl { url, reason }
        })?;
        CallbackListener::new(&base.join(&self.text), router.handlers().infos())
    }
}

impl fmt::Debug for MountPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MountPrefix({:?})", self.text)
    }
}

impl fmt::Display for MountPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Why a string is not a [`MountPrefix`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PrefixError {
    /// Not a URL path (no leading `/`, or a character a path cannot hold).
    #[error("the mount prefix {prefix:?} is not a URL path: {reason}")]
    InvalidPath {
        /// The prefix given.
        prefix: String,
        /// What is wrong with it.
        reason: PathError,
    },
    /// Ends with `/` (`/` alone included).
    #[error("a mount prefix must not end with `/`: write {suggestion:?} (\"\" is the root)")]
    TrailingSlash {
        /// The prefix without its trailing slashes.
        suggestion: String,
    },
}

/// Routes mounted somewhere else than the prefix they declare, so the
/// `callbackListener` they render (and the manifest built with the same
/// base URL) would name URLs they do not serve. Its message says both and
/// how to make them agree.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", mismatch_message(.declared, .actual.as_deref()))]
pub struct MountMismatch {
    /// The declared prefix, `""` for the root.
    pub declared: String,
    /// Where the routes are mounted, `""` for the root; `None` when the
    /// adapter knows only that they are under a prefix.
    pub actual: Option<String>,
}

impl MountMismatch {
    /// The answer to a request that reached routes mounted where they do
    /// not say: `404 not_found` with this message (logged as every refusal
    /// is), and nothing run. The routes are not served where the manifest
    /// sends Zoho, so they serve nothing.
    pub fn rejection(&self) -> Rejection {
        Rejection::new(RejectionKind::NotFound, self.to_string())
    }
}

fn mismatch_message(declared: &str, actual: Option<&str>) -> String {
    let mounted = match actual {
        Some("") => "at the root".to_owned(),
        Some(actual) => format!("under {actual:?}"),
        None => "under a prefix (a scope)".to_owned(),
    };
    let fix = match (declared.is_empty(), actual) {
        (true, Some(actual)) => format!(
            "declare it with `.with_prefix({actual:?})` on the routes (and give callback-build a \
             base URL ending in {actual:?}), or mount them at the root"
        ),
        (true, None) => "declare the prefix with `.with_prefix(\"/…\")` on the routes (and give \
                         callback-build a base URL ending in it), or mount them at the root"
            .to_owned(),
        (false, _) => format!(
            "mount them under {declared:?} (actix-web: `web::scope({declared:?})`, axum: \
             `Router::nest({declared:?}, …)`), or declare where they are"
        ),
    };
    let built = match declared {
        "" => "for the root".to_owned(),
        declared => format!("for {declared:?}"),
    };
    format!(
        "the callback routes are mounted {mounted} but were built {built}, so the manifest \
         would name URLs they do not serve: {fix}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_and_paths_are_prefixes_and_a_trailing_slash_is_not() {
        assert_eq!(MountPrefix::new(""), Ok(MountPrefix::ROOT));
        assert_eq!(MountPrefix::new("/zoho/v1").unwrap().as_str(), "/zoho/v1");
        assert_eq!(
            MountPrefix::new("/zoho/"),
            Err(PrefixError::TrailingSlash {
                suggestion: "/zoho".to_owned()
            })
        );
        assert_eq!(
            MountPrefix::new("/").unwrap_err().to_string(),
            "a mount prefix must not end with `/`: write \"\" (\"\" is the root)"
        );
        assert!(matches!(
            MountPrefix::new("/{tenant}"),
            Err(PrefixError::InvalidPath {
                reason: PathError::InvalidChar { ch: '{', .. },
                ..
            })
        ));
        assert!(matches!(
            MountPrefix::new("zoho"),
            Err(PrefixError::InvalidPath {
                reason: PathError::NoLeadingSlash { .. },
                ..
            })
        ));
    }

    #[test]
    fn check_accepts_only_the_declared_prefix() {
        let zoho = MountPrefix::new("/zoho").unwrap();
        assert_eq!(zoho.check(Some("/zoho")), Ok(()));
        assert_eq!(zoho.check(Some("/zoho/")), Ok(()));
        assert_eq!(MountPrefix::ROOT.check(Some("")), Ok(()));
        let at_root = zoho.check(Some("")).unwrap_err();
        assert_eq!(
            at_root.to_string(),
            "the callback routes are mounted at the root but were built for \"/zoho\", so the \
             manifest would name URLs they do not serve: mount them under \"/zoho\" (actix-web: \
             `web::scope(\"/zoho\")`, axum: `Router::nest(\"/zoho\", …)`), or declare where \
             they are"
        );
        let nested = MountPrefix::ROOT.check(Some("/zoho")).unwrap_err();
        assert_eq!(
            nested.to_string(),
            "the callback routes are mounted under \"/zoho\" but were built for the root, so \
             the manifest would name URLs they do not serve: declare it with \
             `.with_prefix(\"/zoho\")` on the routes (and give callback-build a base URL ending \
             in \"/zoho\"), or mount them at the root"
        );
        let scoped = MountPrefix::ROOT.check(None).unwrap_err();
        assert_eq!(scoped.actual, None);
        assert!(
            scoped.to_string().starts_with(
                "the callback routes are mounted under a prefix (a scope) but were built for the root"
            ),
            "{scoped}"
        );
        assert!(zoho.check(None).is_err());
        assert!(zoho.check(Some("/other")).is_err());
    }
}
