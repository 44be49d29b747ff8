//! The extension's shared secret (`"secret"` in `plugin-manifest.json`).

use std::fmt;
#[cfg(feature = "read")]
use std::path::Path;

/// The key Zoho signs callbacks with: the `secret` string of the extension's
/// `plugin-manifest.json`, used as the UTF-8 bytes of that string.
///
/// It never prints: `Debug` shows `Secret(<redacted>)` and there is no
/// `Display`. The value is reached only through [`Secret::expose`].
///
/// ```
/// use callback_core::Secret;
///
/// let secret = Secret::new("s3cr3t")?;
/// assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
/// assert!(Secret::new("   ").is_err());
/// # Ok::<(), callback_core::SecretError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Box<str>);

impl Secret {
    /// Wraps a secret string. An empty or whitespace-only secret is refused:
    /// it would let anyone sign callbacks.
    pub fn new(value: impl Into<String>) -> Result<Self, SecretError> {
        let value = value.into();
        if value.trim().is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(Secret(value.into_boxed_str()))
    }

    /// Reads the secret from the environment variable `name`.
    pub fn from_env(name: &str) -> Result<Self, SecretError> {
        match std::env::var(name) {
            Ok(value) => Secret::new(value).map_err(|_| SecretError::EmptyEnv(name.to_owned())),
            Err(std::env::VarError::NotPresent) => Err(SecretError::MissingEnv(name.to_owned())),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(SecretError::NotUnicodeEnv(name.to_owned()))
            }
        }
    }

    /// Reads the top-level `"secret"` field of a `plugin-manifest.json` text
    /// (feature `read`).
    #[cfg(feature = "read")]
    pub fn from_manifest_str(manifest: &str) -> Result<Self, SecretError> {
        // A byte-order mark, as some editors write, is not an error.
        let manifest = manifest.strip_prefix('\u{feff}').unwrap_or(manifest);
        let value: serde_json::Value =
            serde_json::from_str(manifest).map_err(|e| SecretError::ManifestJson {
                line: e.line(),
                column: e.column(),
                reason: crate::manifest::json_error_reason(&e),
            })?;
        let count = crate::manifest::count_top_level_keys(manifest, "secret");
        if count > 1 {
            return Err(SecretError::DuplicateInManifest { count });
        }
        match value.get("secret") {
            Some(serde_json::Value::String(s)) => {
                Secret::new(s.as_str()).map_err(|_| SecretError::EmptyInManifest)
            }
            Some(_) => Err(SecretError::NotAStringInManifest),
            None => Err(SecretError::MissingInManifest),
        }
    }

    /// Reads the `"secret"` field of the `plugin-manifest.json` at `path`
    /// (feature `read`).
    #[cfg(feature = "read")]
    pub fn from_manifest_file(path: impl AsRef<Path>) -> Result<Self, SecretError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| SecretError::ManifestRead {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Secret::from_manifest_str(&text)
    }

    /// The secret itself. Named so that every use is visible in review.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Why a [`Secret`] could not be had. No variant carries the secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The secret is empty or only whitespace.
    #[error("the secret is empty; set it to the `secret` of your plugin-manifest.json")]
    Empty,
    /// The environment variable is not set.
    #[error("the environment variable {0} is not set; export it with your extension's secret")]
    MissingEnv(String),
    /// The environment variable is set but empty.
    #[error("the environment variable {0} is empty; it must hold your extension's secret")]
    EmptyEnv(String),
    /// The environment variable is not valid Unicode.
    #[error("the environment variable {0} is not valid UTF-8")]
    NotUnicodeEnv(String),
    /// The manifest file could not be read.
    #[error("cannot read {path}: {reason}")]
    ManifestRead {
        /// The file.
        path: String,
        /// The I/O error.
        reason: String,
    },
    /// The manifest is not valid JSON.
    #[error("plugin-manifest.json is not valid JSON at line {line}, column {column}: {reason}")]
    ManifestJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        reason: String,
    },
    /// The manifest has no top-level `secret`.
    #[error("plugin-manifest.json has no top-level \"secret\" field")]
    MissingInManifest,
    /// The manifest has more than one top-level `secret`: readers disagree on
    /// which one counts, so the platform may sign with the other.
    #[error("plugin-manifest.json has {count} top-level \"secret\" fields; keep one")]
    DuplicateInManifest {
        /// How many there are.
        count: usize,
    },
    /// The manifest's `secret` is not a string.
    #[error("the \"secret\" field of plugin-manifest.json must be a string")]
    NotAStringInManifest,
    /// The manifest's `secret` is empty or whitespace.
    #[error("the \"secret\" field of plugin-manifest.json is empty")]
    EmptyInManifest,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_whitespace_secrets_are_refused() {
        assert_eq!(Secret::new(""), Err(SecretError::Empty));
        assert_eq!(Secret::new(" \t\n"), Err(SecretError::Empty));
        assert_eq!(Secret::new(" x ").unwrap().expose(), " x ");
    }

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("hunter2").unwrap();
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{:?}", Some(&s)), "Some(Secret(<redacted>))");
    }

    #[cfg(feature = "read")]
    #[test]
    fn reads_the_manifest_secret() {
        let s = Secret::from_manifest_str(r#"{"service":"DESK","secret":"abc"}"#).unwrap();
        assert_eq!(s.expose(), "abc");
        assert_eq!(
            Secret::from_manifest_str(r#"{"service":"DESK"}"#),
            Err(SecretError::MissingInManifest)
        );
        assert_eq!(
            Secret::from_manifest_str(r#"{"secret":42}"#),
            Err(SecretError::NotAStringInManifest)
        );
        assert_eq!(
            Secret::from_manifest_str(r#"{"secret":"  "}"#),
            Err(SecretError::EmptyInManifest)
        );
        let err = Secret::from_manifest_str("{\n  \"secret\": \"abc\",\n}").unwrap_err();
        assert!(
            matches!(
                err,
                SecretError::ManifestJson {
                    line: 3,
                    column: 1,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[cfg(feature = "read")]
    #[test]
    fn manifest_errors_never_quote_the_secret() {
        // The secret is valid JSON but the file is broken after it.
        let err = Secret::from_manifest_str(r#"{"secret":"topsecretvalue" "x"}"#).unwrap_err();
        assert!(!err.to_string().contains("topsecretvalue"), "{err}");
        assert!(!format!("{err:?}").contains("topsecretvalue"));
    }

    #[test]
    fn env_errors_name_the_variable() {
        let err = Secret::from_env("CALLBACK_CORE_TEST_SURELY_UNSET").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the environment variable CALLBACK_CORE_TEST_SURELY_UNSET is not set; export it with your extension's secret"
        );
    }
}
