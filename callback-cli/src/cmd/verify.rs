//! `callback verify`: whether a HASH is right for a body.

use super::{SecretArgs, read_input};
use crate::error::CliError;
use callback_core::{SignatureHeader, Verifier};
use std::path::PathBuf;

/// Check that a HASH is right for a body.
///
/// Exits 0 (printing "ok") when HASH is the HMAC-SHA256 of the body's exact
/// bytes under the secret, in either case; 1 with the reason when it is
/// malformed or does not match.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  callback verify --secret-env ZOHO_SECRET --hash 5bdc…3843 body.json"
)]
pub(crate) struct Args {
    #[command(flatten)]
    secret: SecretArgs,
    /// The HASH header value to check (64 hex digits, either case).
    #[arg(long, value_name = "H")]
    hash: String,
    /// The body, byte for byte; standard input when absent or `-`.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> Result<(), CliError> {
    let body_from = args.secret.body_source(args.file.as_deref())?;
    let verifier = Verifier::new(args.secret.require()?);
    let body = read_input(body_from)?;
    verifier.verify(SignatureHeader::One(args.hash.as_bytes()), &body)?;
    println!("ok");
    Ok(())
}
