//! `callback desk keygen`: a development key pair and its key set.

use super::key::{DeskKey, MIN_BITS, write_private, write_public};
use crate::error::CliError;
use std::path::PathBuf;

/// Make a development RSA key pair for signing Desk deliveries.
///
/// Writes the private key (PEM, PKCS#8) to --key, readable by its owner
/// alone (mode 0600), and its key set (JWKS: one RS256 signing key under a
/// `kid` derived from the key) to --jwks, or to standard output. A
/// development key only: never give it to anything but a local server.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
    callback desk keygen\n  \
    callback desk keygen --key dev/desk-key.pem --jwks dev/desk-jwks.json")]
pub(crate) struct Args {
    /// Write the private key to FILE (refused if it exists, unless --force).
    #[arg(long, value_name = "FILE", default_value = super::DEFAULT_KEY_FILE)]
    key: PathBuf,
    /// Write the key set to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    jwks: Option<PathBuf>,
    /// Replace an existing --key file.
    #[arg(long)]
    force: bool,
    /// The key's size in bits (at least 2048).
    #[arg(long, value_name = "N", default_value_t = MIN_BITS)]
    bits: usize,
}

pub(crate) fn run(args: Args) -> Result<(), CliError> {
    if args.bits < MIN_BITS {
        return Err(CliError::Usage("--bits must be at least 2048"));
    }
    if !args.force && args.key.exists() {
        return Err(CliError::Exists { path: args.key });
    }
    let (key, pem) = DeskKey::generate(args.bits)?;
    write_private(&args.key, pem.as_bytes(), args.force)?;
    let jwks = key.jwks_json();
    let note = format!(
        "wrote {} (RSA {}, mode 0600), kid {}",
        args.key.display(),
        args.bits,
        key.kid()
    );
    match &args.jwks {
        Some(path) => {
            write_public(path, &jwks)?;
            println!("{note}\nwrote {}", path.display());
        }
        None => {
            eprintln!("{note}");
            print!("{jwks}");
        }
    }
    Ok(())
}
