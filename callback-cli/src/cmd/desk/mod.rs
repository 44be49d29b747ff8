//! `callback desk`: a local stand-in for Zoho Desk's extension webhooks.
//!
//! `keygen` makes a development key pair, `jwks` writes or serves its key
//! set, and `send` posts a batch of events signed with it, as Desk does.

mod jwks;
mod key;
mod keygen;
mod send;

use std::path::PathBuf;

/// Stand in for Zoho Desk's extension webhooks: make a development key
/// pair, write or serve its key set (JWKS), and send a signed event batch.
///
/// A server that checks `X-ZDesk-JWT` against the key set of `callback desk
/// jwks` (for example `DeskKeys::from_jwks`, or `DeskKeys::from_url` of
/// `callback desk jwks --serve`) accepts what `callback desk send` posts.
/// The keys are for development only: Desk signs with its own.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
    callback desk keygen --jwks desk-jwks.json\n  \
    callback desk jwks --serve 127.0.0.1:8089\n  \
    callback desk send http://127.0.0.1:8080/desk/deskEvents --org 387238")]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    Keygen(keygen::Args),
    Jwks(jwks::Args),
    Send(send::Args),
}

/// The private key file every subcommand names by default.
const DEFAULT_KEY_FILE: &str = "desk-key.pem";

/// The private key file a subcommand reads. Not `Debug`-derived by choice:
/// nothing here holds the key itself.
#[derive(clap::Args)]
struct KeyFileArgs {
    /// The private key (PEM, RSA), as `callback desk keygen` writes it.
    #[arg(long, value_name = "FILE", default_value = DEFAULT_KEY_FILE)]
    key: PathBuf,
}

pub(crate) fn run(args: Args) -> Result<(), crate::error::CliError> {
    match args.command {
        Command::Keygen(args) => keygen::run(args),
        Command::Jwks(args) => jwks::run(args),
        Command::Send(args) => send::run(args),
    }
}
