//! The store keys: what encrypts security contexts at rest.
//!
//! A security context is sealed with XChaCha20-Poly1305 under the first
//! configured key, with a random 192-bit nonce, and with the org it belongs
//! to as associated data (a ciphertext copied into another org's row does
//! not open). Its row records the id of the key that sealed it, so any
//! configured key can open it and [`rekey`](crate::InstallationStore::rekey)
//! knows which rows to seal again.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use zeroize::Zeroizing;

/// The environment variable that holds the store keys: the base64 of 32
/// random bytes, or several comma-separated (the first encrypts, any
/// decrypts).
pub const KEY_ENV: &str = "ZOHO_STORE_KEY";

/// How long a store key is, in bytes.
pub const KEY_LEN: usize = 32;

const NONCE_LEN: usize = 24;
const AAD_PREFIX: &[u8] = b"callback-store v1\0";

/// How to make a key, for every message about a missing or bad one.
const HOW_TO_MAKE: &str = "set it to the base64 of 32 random bytes, e.g. \
    `export ZOHO_STORE_KEY=\"$(openssl rand -base64 32)\"`, and keep it as secret as the \
    database's password; to rotate, put the new key first: ZOHO_STORE_KEY=NEW,OLD";

/// Why store keys could not be had. No message shows a key, or any part of
/// one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The variable is not set, or is blank.
    #[error(
        "{var} is not set: it holds the key that encrypts the security contexts the store \
         keeps; {HOW_TO_MAKE}"
    )]
    Missing {
        /// The variable.
        var: String,
    },
    /// The variable is set to something that is not text.
    #[error("{var} is not valid UTF-8; {HOW_TO_MAKE}")]
    NotUnicode {
        /// The variable.
        var: String,
    },
    /// One of the comma-separated keys is empty (a stray comma).
    #[error("key {position} of {from} is empty (a stray comma?); {HOW_TO_MAKE}")]
    Empty {
        /// Where the keys came from.
        from: String,
        /// Which key, counting from 1.
        position: usize,
    },
    /// One of the keys is not base64.
    #[error("key {position} of {from} is not base64; {HOW_TO_MAKE}")]
    NotBase64 {
        /// Where the keys came from.
        from: String,
        /// Which key, counting from 1.
        position: usize,
    },
    /// One of the keys is not 32 bytes long.
    #[error("key {position} of {from} is {len} bytes long, not 32; {HOW_TO_MAKE}")]
    WrongLength {
        /// Where the keys came from.
        from: String,
        /// Which key, counting from 1.
        position: usize,
        /// Its length in bytes.
        len: usize,
    },
    /// A key file could not be read or written.
    #[error("cannot {action} the store key file {path}: {reason}")]
    File {
        /// What was being done: "read", "create", …
        action: &'static str,
        /// The file.
        path: String,
        /// The I/O error's message.
        reason: String,
    },
    /// The same key is given twice.
    #[error("key {position} of {from} is the same as key {first}")]
    Repeated {
        /// Where the keys came from.
        from: String,
        /// Which key, counting from 1.
        position: usize,
        /// The earlier one it repeats.
        first: usize,
    },
}

/// The id of a store key: the first 8 bytes of HMAC-SHA256 keyed with it
/// over a fixed label, as 16 hex digits. It tells keys apart and names the
/// one a row needs; it reveals nothing of the key.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId([u8; 8]);

impl KeyId {
    fn of(key: &[u8; KEY_LEN]) -> KeyId {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key");
        mac.update(b"callback-store key id v1");
        let mut id = [0; 8];
        id.copy_from_slice(&mac.finalize().into_bytes()[..8]);
        KeyId(id)
    }

    /// The id as the database stores it (16 lowercase hex digits).
    pub(crate) fn to_hex(self) -> String {
        hex::encode(self.0)
    }

    /// An id read back from the database.
    pub(crate) fn from_hex(text: &str) -> Option<KeyId> {
        let mut id = [0; 8];
        hex::decode_to_slice(text, &mut id).ok()?;
        Some(KeyId(id))
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// One store key: 32 bytes. `Debug` shows its [`KeyId`] only; the bytes
/// are wiped from memory when it is dropped.
#[derive(Clone)]
pub struct StoreKey {
    bytes: Zeroizing<[u8; KEY_LEN]>,
    id: KeyId,
}

impl StoreKey {
    /// A key of these bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> StoreKey {
        let bytes = Zeroizing::new(bytes);
        let id = KeyId::of(&bytes);
        StoreKey { bytes, id }
    }

    /// A new random key, from the operating system's generator.
    pub fn generate() -> StoreKey {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        StoreKey::from_bytes(key.into())
    }

    /// Its id.
    pub fn id(&self) -> KeyId {
        self.id
    }

    /// The key in base64, as `ZOHO_STORE_KEY` holds it: for writing a new
    /// key where it is kept. Named so that every use shows in review; never
    /// log it.
    pub fn expose_base64(&self) -> String {
        BASE64.encode(*self.bytes)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.bytes.as_ref().into())
    }
}

impl fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StoreKey({})", self.id)
    }
}

/// The configured keys: the first encrypts, any decrypts.
///
/// ```
/// use callback_store::{StoreKey, StoreKeys};
///
/// let new = StoreKey::generate();
/// let old = StoreKey::generate();
/// let keys: StoreKeys = format!("{},{}", new.expose_base64(), old.expose_base64()).parse()?;
/// assert_eq!(keys.encrypting(), new.id());
/// // `Debug` shows ids, never keys.
/// assert!(!format!("{keys:?}").contains(&new.expose_base64()));
/// # Ok::<(), callback_store::KeyError>(())
/// ```
#[derive(Clone)]
pub struct StoreKeys {
    keys: Vec<StoreKey>,
    development: bool,
}

impl StoreKeys {
    /// The keys of `ZOHO_STORE_KEY`. Unset or blank: [`KeyError::Missing`],
    /// whose message says how to make a key.
    pub fn from_env() -> Result<StoreKeys, KeyError> {
        Self::from_env_var(KEY_ENV)
    }

    /// The keys of the environment variable `var`, read as
    /// [`from_env`](Self::from_env) reads `ZOHO_STORE_KEY`.
    pub fn from_env_var(var: &str) -> Result<StoreKeys, KeyError> {
        let text = match std::env::var(var) {
            Ok(text) => Zeroizing::new(text),
            Err(std::env::VarError::NotPresent) => {
                return Err(KeyError::Missing { var: var.into() });
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(KeyError::NotUnicode { var: var.into() });
            }
        };
        Self::parse_var(&text, var)
    }

    /// The keys in `text`, which the environment variable `var` holds,
    /// read as [`from_env_var`](Self::from_env_var) reads it (errors name
    /// `var`): for settings read through something else than
    /// `std::env::var`.
    pub fn parse_var(text: &str, var: &str) -> Result<StoreKeys, KeyError> {
        if text.trim().is_empty() {
            return Err(KeyError::Missing { var: var.into() });
        }
        Self::parse_from(text, var)
    }

    /// The keys in `text`: base64 (standard alphabet, padded) of 32 bytes
    /// each, comma-separated; spaces around each are ignored.
    pub fn parse(text: &str) -> Result<StoreKeys, KeyError> {
        if text.trim().is_empty() {
            return Err(KeyError::Missing {
                var: "the store keys".into(),
            });
        }
        Self::parse_from(text, "the store keys")
    }

    fn parse_from(text: &str, from: &str) -> Result<StoreKeys, KeyError> {
        let mut keys: Vec<StoreKey> = Vec::new();
        for (index, part) in text.split(',').enumerate() {
            let position = index + 1;
            let from = || from.to_owned();
            let part = part.trim();
            if part.is_empty() {
                return Err(KeyError::Empty {
                    from: from(),
                    position,
                });
            }
            let bytes = Zeroizing::new(BASE64.decode(part).map_err(|_| KeyError::NotBase64 {
                from: from(),
                position,
            })?);
            let bytes: [u8; KEY_LEN] =
                bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| KeyError::WrongLength {
                        from: from(),
                        position,
                        len: bytes.len(),
                    })?;
            let key = StoreKey::from_bytes(bytes);
            if let Some(first) = keys.iter().position(|k| k.id == key.id) {
                return Err(KeyError::Repeated {
                    from: from(),
                    position,
                    first: first + 1,
                });
            }
            keys.push(key);
        }
        Ok(StoreKeys {
            keys,
            development: false,
        })
    }

    /// The keys in the file at `path`, written as `ZOHO_STORE_KEY` holds
    /// them (surrounding whitespace ignored); a new random key in a new
    /// file there if there is none, readable by its owner only (mode
    /// `0600`). Whether the file was created is the second value.
    ///
    /// For a developer's machine, so that a quick start needs no setup:
    /// the key lies beside the database it protects, so whoever can read
    /// both can read the security contexts, and a lost file makes them
    /// unreadable. An existing file that group or others could read is set
    /// to `0600`, with a warning naming it. Two processes creating it at
    /// once end up with the same key (the file appears whole or not at all).
    pub fn from_file_or_create(path: &Path) -> Result<(StoreKeys, bool), KeyError> {
        let shown = || path.display().to_string();
        let failed = |action: &'static str| {
            move |err: std::io::Error| KeyError::File {
                action,
                path: shown(),
                reason: err.to_string(),
            }
        };
        let created = match std::fs::metadata(path) {
            Ok(_) => false,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                create_key_file(path).map_err(failed("create"))?
            }
            Err(err) => return Err(failed("read")(err)),
        };
        crate::private_file::tighten(path, "store key file").map_err(failed("protect"))?;
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(failed("read"))?);
        if text.trim().is_empty() {
            return Err(KeyError::File {
                action: "read",
                path: shown(),
                reason: "it is empty".into(),
            });
        }
        Ok((Self::parse_from(text.trim(), &shown())?, created))
    }

    /// These keys, the first encrypting.
    pub fn new(first: StoreKey, older: impl IntoIterator<Item = StoreKey>) -> StoreKeys {
        let mut keys = vec![first];
        for key in older {
            if !keys.iter().any(|k| k.id == key.id) {
                keys.push(key);
            }
        }
        StoreKeys {
            keys,
            development: false,
        }
    }

    /// For development only: one fixed key that is written in this crate's
    /// source, so anyone can decrypt what it protects. Opening a store with
    /// it logs a warning. Never use it where real security contexts are
    /// kept.
    pub fn development() -> StoreKeys {
        let bytes: [u8; KEY_LEN] =
            Sha256::digest(b"callback-store development key: public, protects nothing").into();
        StoreKeys {
            keys: vec![StoreKey::from_bytes(bytes)],
            development: true,
        }
    }

    /// Whether these are the [`development`](Self::development) keys.
    pub fn is_development(&self) -> bool {
        self.development
    }

    /// The id of the key that encrypts (the first).
    pub fn encrypting(&self) -> KeyId {
        self.keys[0].id
    }

    /// The ids of every key, the encrypting one first.
    pub fn ids(&self) -> impl Iterator<Item = KeyId> + '_ {
        self.keys.iter().map(|k| k.id)
    }

    /// The ids, comma-separated, for messages.
    pub(crate) fn ids_text(&self) -> String {
        self.ids()
            .map(|id| id.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Seals `plaintext` under the first key for `purpose`.
    pub(crate) fn seal(&self, purpose: Purpose, plaintext: &[u8]) -> Sealed {
        let key = &self.keys[0];
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = purpose.aad();
        let ciphertext = key
            .cipher()
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .expect("XChaCha20-Poly1305 encrypts any message that fits in memory");
        let mut bytes = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&ciphertext);
        Sealed {
            key_id: key.id,
            bytes,
        }
    }

    /// Opens what [`seal`](Self::seal) sealed for the same `purpose`.
    pub(crate) fn open(
        &self,
        purpose: Purpose,
        sealed: &Sealed,
    ) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let key = self
            .keys
            .iter()
            .find(|k| k.id == sealed.key_id)
            .ok_or(OpenError::UnknownKey)?;
        if sealed.bytes.len() < NONCE_LEN {
            return Err(OpenError::Damaged);
        }
        let (nonce, ciphertext) = sealed.bytes.split_at(NONCE_LEN);
        let aad = purpose.aad();
        key.cipher()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| OpenError::Damaged)
    }
}

impl FromStr for StoreKeys {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<StoreKeys, KeyError> {
        StoreKeys::parse(text)
    }
}

impl fmt::Debug for StoreKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreKeys")
            .field("ids", &self.keys.iter().map(|k| k.id).collect::<Vec<_>>())
            .field("development", &self.development)
            .finish()
    }
}

/// Writes a new random key into a new file at `path`, whole or not at all:
/// into a temporary file beside it, then linked into place (a link, unlike
/// a rename, never replaces a file another process made meanwhile).
/// Whether this call made it.
fn create_key_file(path: &Path) -> std::io::Result<bool> {
    use std::io::Write;

    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut temporary = path.as_os_str().to_owned();
    let next = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    temporary.push(format!(".{}-{next}.tmp", std::process::id()));
    let temporary = std::path::PathBuf::from(temporary);
    let written = (|| {
        let mut file = crate::private_file::create_new(&temporary)?;
        let key = Zeroizing::new(StoreKey::generate().expose_base64());
        file.write_all(key.as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_all()?;
        match std::fs::hard_link(&temporary, path) {
            Ok(()) => Ok(true),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(err) => Err(err),
        }
    })();
    let _ = std::fs::remove_file(&temporary);
    written
}

/// What a ciphertext protects; it is bound to it (associated data), so a
/// ciphertext opens only where it was written.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Purpose {
    /// The security context of this org.
    SecurityContext(u64),
    /// The key of the digests of security contexts.
    DigestKey,
}

impl Purpose {
    fn aad(self) -> Vec<u8> {
        let mut aad = AAD_PREFIX.to_vec();
        match self {
            Purpose::SecurityContext(org) => {
                aad.extend_from_slice(b"securityContext\0");
                aad.extend_from_slice(org.to_string().as_bytes());
            }
            Purpose::DigestKey => aad.extend_from_slice(b"context digest key\0"),
        }
        aad
    }
}

/// A ciphertext and the id of the key that sealed it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Sealed {
    pub(crate) key_id: KeyId,
    /// The 24-byte nonce, then the ciphertext and its 16-byte tag.
    pub(crate) bytes: Vec<u8>,
}

/// Why a ciphertext did not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpenError {
    /// None of the configured keys has its key id.
    UnknownKey,
    /// It does not decrypt under the key it names.
    Damaged,
}

/// The key of the digests by which the store recognises security contexts
/// it has seen, without keeping them: random, generated once per database,
/// and kept in it sealed under the store key (so that rotating the store
/// key seals it again rather than invalidating every digest).
pub(crate) struct DigestKey(Zeroizing<[u8; KEY_LEN]>);

impl DigestKey {
    /// A new random digest key.
    pub(crate) fn generate() -> DigestKey {
        DigestKey(Zeroizing::new(
            XChaCha20Poly1305::generate_key(&mut OsRng).into(),
        ))
    }

    /// A digest key from its bytes; `None` unless there are 32.
    pub(crate) fn from_slice(bytes: &[u8]) -> Option<DigestKey> {
        Some(DigestKey(Zeroizing::new(bytes.try_into().ok()?)))
    }

    /// Its bytes, to be sealed.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.0.as_ref()
    }

    /// HMAC-SHA256 over the org (decimal), a zero byte and the context.
    pub(crate) fn digest(&self, org_id: u64, context: &str) -> Vec<u8> {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(self.0.as_ref()).expect("HMAC takes any key");
        mac.update(org_id.to_string().as_bytes());
        mac.update(&[0]);
        mac.update(context.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}
