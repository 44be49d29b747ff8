//! A development key pair standing in for Desk's: an RSA private key in a
//! PEM file, and its key set (JWKS) under a `kid` derived from the key.

use crate::cmd::read_file;
use crate::error::CliError;
use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey};
use std::io::Write;
use std::path::Path;

/// The smallest key `keygen` makes (what Desk's own keys are).
pub(super) const MIN_BITS: usize = 2048;

/// A private key for RS256 and its public JWK. Deliberately not `Debug`:
/// it holds the private key.
pub(super) struct DeskKey {
    encoding: EncodingKey,
    jwk: Jwk,
}

impl DeskKey {
    /// A new RSA key of `bits` bits, and its PEM (PKCS#8).
    pub(super) fn generate(bits: usize) -> Result<(Self, zeroize::Zeroizing<String>), CliError> {
        use rsa::pkcs8::{EncodePrivateKey, LineEnding};
        let failed = |reason: String| CliError::KeyGen(reason);
        let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, bits)
            .map_err(|e| failed(e.to_string()))?;
        let pem = private
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| failed(e.to_string()))?;
        let key = DeskKey::from_pem(pem.as_bytes()).map_err(failed)?;
        Ok((key, pem))
    }

    /// The key in the PEM file `path` (PKCS#8 or PKCS#1, RSA).
    pub(super) fn read(path: &Path) -> Result<Self, CliError> {
        let pem = zeroize::Zeroizing::new(read_file(path)?);
        DeskKey::from_pem(&pem).map_err(|reason| CliError::Key {
            path: path.to_owned(),
            reason,
        })
    }

    /// Why a PEM is refused; never quoting it.
    fn from_pem(pem: &[u8]) -> Result<Self, String> {
        let not_rsa = |_| "not an RSA private key in PEM (PKCS#8 or PKCS#1)".to_owned();
        let encoding = EncodingKey::from_rsa_pem(pem).map_err(not_rsa)?;
        let mut jwk = Jwk::from_encoding_key(&encoding, Algorithm::RS256).map_err(not_rsa)?;
        jwk.common.public_key_use = Some(PublicKeyUse::Signature);
        // RFC 7638: the same key always has the same `kid`, so the key file
        // is all `jwks` and `send` need.
        jwk.common.key_id = Some(jwk.thumbprint(ThumbprintHash::SHA256));
        Ok(DeskKey { encoding, jwk })
    }

    /// The key's `kid`: its JWK thumbprint (SHA-256, base64url).
    pub(super) fn kid(&self) -> &str {
        self.jwk.common.key_id.as_deref().unwrap_or_default()
    }

    /// What signs tokens.
    pub(super) fn encoding_key(&self) -> &EncodingKey {
        &self.encoding
    }

    /// The key set holding the public key alone, as JSON (pretty, with a
    /// final newline).
    pub(super) fn jwks_json(&self) -> String {
        let set = JwkSet {
            keys: vec![self.jwk.clone()],
        };
        let mut json = serde_json::to_string_pretty(&set).expect("a JWK set always serialises");
        json.push('\n');
        json
    }
}

/// Writes `bytes` to a new file `path`, readable by its owner alone (0600
/// on Unix) from its creation on. An existing file is refused unless
/// `replace`, and is then removed first, so that its mode does not carry
/// over.
pub(super) fn write_private(path: &Path, bytes: &[u8], replace: bool) -> Result<(), CliError> {
    let failed = |e: std::io::Error| CliError::Write {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    if replace {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(failed(e)),
            _ => {}
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => CliError::Exists {
            path: path.to_owned(),
        },
        _ => failed(e),
    })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(failed)
}

/// Writes `text` to `path` (created or replaced).
pub(super) fn write_public(path: &Path, text: &str) -> Result<(), CliError> {
    std::fs::write(path, text).map_err(|e| CliError::Write {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}
