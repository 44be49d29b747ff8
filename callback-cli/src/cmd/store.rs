//! `callback store`: maintenance of the installation store
//! (callback-store).

use callback_store::{KEY_ENV, KeyError, StoreError, StoreOptions};

/// Maintain the installation store (the per-org state callback-store keeps).
#[derive(clap::Args)]
#[command(after_help = "Example:\n  \
    ZOHO_STORE_KEY=NEW,OLD DATABASE_URL=postgres://app@db/app callback store rekey")]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    Rekey(RekeyArgs),
}

/// Encrypt every security context under the first key of ZOHO_STORE_KEY.
///
/// To rotate the store key: set ZOHO_STORE_KEY=NEW,OLD (the first key
/// encrypts, any decrypts) for every instance, run this, then drop OLD. The
/// keys are read from ZOHO_STORE_KEY only, never from the command line,
/// where every user of the machine could read them in the process list.
/// Safe to run again, and while instances run.
#[derive(clap::Args)]
#[command(after_help = "Example:\n  \
    ZOHO_STORE_KEY=\"$(cat new.key),$(cat old.key)\" \
    callback store rekey --database-url sqlite://install-tracker.db")]
struct RekeyArgs {
    /// The store's database: sqlite://PATH or postgres://…. Prefer the
    /// environment variable DATABASE_URL for a URL with a password: the
    /// command line shows in the process list.
    #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true)]
    database_url: String,
}

/// Why `callback store` failed. No message holds a key or a password.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreCommandError {
    /// ZOHO_STORE_KEY is missing or not keys.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The store could not be opened or rewritten.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The async runtime could not be started.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

pub(crate) fn run(args: Args) -> Result<(), StoreCommandError> {
    match args.command {
        Command::Rekey(args) => rekey(args),
    }
}

fn rekey(args: RekeyArgs) -> Result<(), StoreCommandError> {
    let options = StoreOptions::from_env()?;
    let keys = options.keys().ids().count();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(StoreCommandError::Runtime)?;
    let report = runtime.block_on(async {
        let store = options.open(&args.database_url).await?;
        store.rekey().await
    })?;
    let contexts = match report.contexts {
        1 => "1 security context".to_owned(),
        n => format!("{n} security contexts"),
    };
    println!(
        "re-encrypted {contexts}{} under the store key {}",
        if report.digest_key {
            " and the key of the context digests"
        } else {
            ""
        },
        report.key_id
    );
    if keys > 1 {
        println!(
            "every row is now under the first key of {KEY_ENV}: once every instance runs with it \
             first, the others can be removed"
        );
    }
    Ok(())
}
