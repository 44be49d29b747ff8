//! Where a handler is mounted: the default-path rule and what a path may hold.

use crate::Event;

/// The prefix of every default callback path.
pub const DEFAULT_PATH_PREFIX: &str = "/callbacks/";

/// The path a handler is mounted at when its attribute names none:
/// `/callbacks/<wireName>`, for example `/callbacks/onConfigParamAdd`.
///
/// The macros, the build-time scanner and the adapters all call this one
/// function, so they cannot disagree.
///
/// ```
/// use callback_spec::{default_path, Event};
/// assert_eq!(default_path(Event::ConfigParamAdd), "/callbacks/onConfigParamAdd");
/// ```
pub fn default_path(event: Event) -> String {
    format!("{DEFAULT_PATH_PREFIX}{}", event.wire_name())
}

/// Why a string cannot be a callback path.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    /// The path is empty.
    #[error("a callback path cannot be empty; write one such as \"/zoho/callbacks\"")]
    Empty,
    /// The path does not begin with `/`.
    #[error("a callback path must start with `/`; write \"/{suggestion}\"")]
    NoLeadingSlash {
        /// The path with a `/` in front.
        suggestion: String,
    },
    /// The path holds a character a URL path cannot hold unescaped.
    #[error(
        "a callback path cannot contain {ch:?} (at byte {index}); use letters, digits and \
         - . _ ~ ! $ & ' ( ) * + , ; = : @ / or %XX escapes"
    )]
    InvalidChar {
        /// The offending character.
        ch: char,
        /// Its byte offset in the path.
        index: usize,
    },
    /// A `%` is not followed by two hex digits.
    #[error("a `%` in a callback path must be followed by two hex digits (at byte {index})")]
    BadPercentEscape {
        /// The byte offset of the `%`.
        index: usize,
    },
}

/// Checks that `path` is an absolute URL path with no query, fragment or
/// characters that need escaping (RFC 3986 `path-absolute`).
///
/// ```
/// use callback_spec::{validate_path, PathError};
/// assert!(validate_path("/zoho/config").is_ok());
/// assert!(matches!(validate_path("zoho"), Err(PathError::NoLeadingSlash { .. })));
/// assert!(matches!(validate_path("/a b"), Err(PathError::InvalidChar { ch: ' ', .. })));
/// ```
pub fn validate_path(path: &str) -> Result<(), PathError> {
    if path.is_empty() {
        return Err(PathError::Empty);
    }
    if !path.starts_with('/') {
        return Err(PathError::NoLeadingSlash {
            suggestion: path.to_owned(),
        });
    }
    let bytes = path.as_bytes();
    for (index, ch) in path.char_indices() {
        match ch {
            'A'..='Z' | 'a'..='z' | '0'..='9' => {}
            '-' | '.' | '_' | '~' | '!' | '$' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | ';'
            | '=' | ':' | '@' | '/' => {}
            '%' => {
                let hex = bytes.get(index + 1..index + 3);
                if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                    return Err(PathError::BadPercentEscape { index });
                }
            }
            _ => return Err(PathError::InvalidChar { ch, index }),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_path_is_valid_and_distinct() {
        let paths: Vec<String> = Event::ALL.iter().map(|e| default_path(*e)).collect();
        for p in &paths {
            validate_path(p).unwrap();
        }
        assert_eq!(paths[0], "/callbacks/onInstall");
        assert!(distinct(&paths), "{paths:?}");
    }

    /// Whether no two of `items` are equal, wherever they stand.
    fn distinct(items: &[String]) -> bool {
        items
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            == items.len()
    }

    #[test]
    fn distinct_sees_duplicates_that_are_not_adjacent() {
        let paths = ["/a", "/b", "/a"].map(String::from);
        assert!(!distinct(&paths));
        assert!(distinct(&["/a", "/b"].map(String::from)));
    }

    #[test]
    fn rejects_each_malformed_path_with_its_reason() {
        assert_eq!(validate_path(""), Err(PathError::Empty));
        assert_eq!(
            validate_path("hooks"),
            Err(PathError::NoLeadingSlash {
                suggestion: "hooks".into()
            })
        );
        assert_eq!(
            validate_path("/a?b=1"),
            Err(PathError::InvalidChar { ch: '?', index: 2 })
        );
        assert_eq!(
            validate_path("/a#top"),
            Err(PathError::InvalidChar { ch: '#', index: 2 })
        );
        assert_eq!(
            validate_path("/{id}"),
            Err(PathError::InvalidChar { ch: '{', index: 1 })
        );
        assert_eq!(
            validate_path("/é"),
            Err(PathError::InvalidChar { ch: 'é', index: 1 })
        );
        assert_eq!(
            validate_path("/100%"),
            Err(PathError::BadPercentEscape { index: 4 })
        );
        assert_eq!(
            validate_path("/%zz"),
            Err(PathError::BadPercentEscape { index: 1 })
        );
        assert!(validate_path("/caf%C3%A9/x_y-z.~").is_ok());
    }
}
