//! Every way a command can fail, and its exit status.

use callback_build::{
    ManifestError, ResourcesError, ScanError, WebhookManifestError, WebhooksError,
};
use callback_core::manifest::ListenerError;
use callback_core::{SecretError, SignatureError, UnknownEvent};
use std::path::PathBuf;

/// Why a command failed. The message never holds a secret.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// Arguments that parse but do not fit together.
    #[error("{0}")]
    Usage(&'static str),
    /// An input file could not be read.
    #[error("cannot read {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    /// Standard input could not be read.
    #[error("cannot read standard input: {0}")]
    Stdin(String),
    /// No secret was given (nor, where `or_manifest`, a manifest to take
    /// it from). --secret-file comes first: unlike --secret, it shows
    /// neither in the process list nor in shell history.
    #[error(
        "no secret: give --secret-file PATH (preferred), --secret-stdin, --secret-env NAME or \
         --secret S{}",
        if *or_manifest { " (or --manifest FILE with a \"secret\")" } else { "" }
    )]
    NoSecret { or_manifest: bool },
    /// A file or standard input that should hold a value (a secret, a
    /// securityContext) is empty or blank.
    #[error("{from} is empty; it must hold {what}")]
    EmptyValue { from: String, what: &'static str },
    /// A file or standard input that should hold a value is not text.
    #[error("{from} is not UTF-8; it must hold {what} as text")]
    NotUtf8 { from: String, what: &'static str },
    /// The secret could not be had.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// An event name is not one of the eight.
    #[error(transparent)]
    Event(#[from] UnknownEvent),
    /// The sources could not be scanned (one line per problem).
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// The section could not be built.
    #[error(transparent)]
    Listener(#[from] ListenerError),
    /// The manifest could not be read, merged or written.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The webhooks could not be built from the Desk event handlers.
    #[error(transparent)]
    Webhooks(#[from] WebhooksError),
    /// The manifest does not allow the Desk event handlers' webhooks (one
    /// line per problem).
    #[error(transparent)]
    WebhookManifest(#[from] WebhookManifestError),
    /// resources.json could not be read, merged or written, or holds what
    /// Zoho refuses (one line per problem).
    #[error(transparent)]
    Resources(#[from] ResourcesError),
    /// The manifest is not what `send` needs.
    #[error("{}: {reason}", path.display())]
    BadManifest { path: PathBuf, reason: String },
    /// The HASH is not right for the body.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// Files that differ from what the sources give (the manifest's
    /// `callbackListener`, resources.json's `webhook`); one line each.
    #[error("{}", stale_lines(paths))]
    Stale { paths: Vec<PathBuf> },
    /// A URL to send to is not an absolute http(s) URL without
    /// credentials (`url` is shown without them).
    #[error("the URL {url:?} is not usable: {reason}")]
    Url { url: String, reason: &'static str },
    /// The request could not be sent or its answer read (`url` holds no
    /// credentials: [`CliError::Url`] refuses them first).
    #[error("cannot send to {url}: {reason}")]
    Http { url: String, reason: String },
    /// A file could not be written.
    #[error("cannot write {}: {reason}", path.display())]
    Write { path: PathBuf, reason: String },
    /// A file the command creates exists already.
    #[error("{} exists; give --force to replace it", path.display())]
    Exists { path: PathBuf },
    /// A key file does not hold a usable private key (the message never
    /// quotes it).
    #[error("{}: {reason}", path.display())]
    Key { path: PathBuf, reason: String },
    /// A key pair could not be made.
    #[error("cannot make the key pair: {0}")]
    KeyGen(String),
    /// A token could not be signed.
    #[error("cannot sign the token: {0}")]
    Sign(String),
    /// A `--payload` file is not a batch of Desk events.
    #[error("{}: {reason}", path.display())]
    Payload { path: PathBuf, reason: String },
    /// The key set could not be served on the address.
    #[error("cannot serve on {addr}: {reason}")]
    Serve { addr: String, reason: String },
    /// A Desk delivery was answered with a status other than 2xx.
    #[error("the delivery got a non-2xx answer: {0}")]
    DeliveryNotOk(String),
    /// `callback store` failed.
    #[error(transparent)]
    Store(#[from] crate::cmd::store::StoreCommandError),
    /// Callbacks were answered with a status other than 2xx.
    #[error("{failed} of {sent} callbacks got a non-2xx answer")]
    NotOk { failed: usize, sent: usize },
}

impl CliError {
    /// 1 when the command's answer is "no", 2 when it could not answer.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            CliError::Signature(_)
            | CliError::Stale { .. }
            | CliError::NotOk { .. }
            | CliError::DeliveryNotOk(_) => 1,
            _ => 2,
        }
    }
}

/// One line per stale file, saying how to bring it up to date.
fn stale_lines(paths: &[PathBuf]) -> String {
    let lines: Vec<String> = paths
        .iter()
        .map(|p| {
            format!(
                "{} is out of date; run `callback manifest --write` to update it",
                p.display()
            )
        })
        .collect();
    lines.join("\n")
}
