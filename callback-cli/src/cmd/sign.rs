//! `callback sign`: the HASH Zoho would send for a body.

use super::{SecretArgs, read_input};
use crate::error::CliError;
use callback_core::Signer;
use std::path::PathBuf;

/// Print the HASH Zoho would send for a body.
///
/// The HASH is HMAC-SHA256 of the body's exact bytes, keyed with the secret,
/// printed as lowercase hex alone on its line.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
    callback sign --secret-env ZOHO_SECRET body.json\n  \
    callback sign --secret-file secret.txt < body.json")]
pub(crate) struct Args {
    #[command(flatten)]
    secret: SecretArgs,
    /// The body to sign, byte for byte; standard input when absent or `-`.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> Result<(), CliError> {
    let body_from = args.secret.body_source(args.file.as_deref())?;
    let secret = args.secret.require()?;
    let body = read_input(body_from)?;
    println!("{}", Signer::new(&secret).sign(&body));
    Ok(())
}
