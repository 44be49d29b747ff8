//! `callback`: sign, verify and send Zoho Desk callbacks, and keep
//! `plugin-manifest.json`'s `callbackListener` and `resources.json`'s
//! webhooks in step with the code.
//!
//! Exit status: 0 on success; 1 when the answer is "no" (a HASH that does
//! not match, a stale manifest under `--check`, a callback answered with a
//! non-2xx status); 2 for anything that stopped the command (bad input, a
//! missing file, an unreachable URL). Errors are one line each on standard
//! error, starting with `error: `.

mod cmd;
mod error;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Sign, verify and send Zoho Desk extension callbacks, and keep the
/// callbackListener of plugin-manifest.json and the webhooks of
/// resources.json in step with the code.
///
/// Exit status: 0 on success, 1 when the answer is "no" (wrong HASH, stale
/// manifest, non-2xx answer), 2 on any other error.
#[derive(Parser)]
#[command(name = "callback", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Manifest(cmd::manifest::Args),
    Sign(cmd::sign::Args),
    Verify(cmd::verify::Args),
    Send(cmd::send::Args),
    Store(cmd::store::Args),
    Desk(cmd::desk::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help, --version, and the help shown when no command is given.
        Err(e)
            if !e.use_stderr()
                || e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            e.exit()
        }
        Err(e) => {
            // clap's message (up to the usage, which `--help` shows) already
            // starts with `error: `; made one line.
            let text = e.to_string();
            let message: Vec<&str> = text
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            eprintln!("{}", message.join(" "));
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Manifest(args) => cmd::manifest::run(args),
        Command::Sign(args) => cmd::sign::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Send(args) => cmd::send::run(args),
        Command::Store(args) => cmd::store::run(args).map_err(error::CliError::from),
        Command::Desk(args) => cmd::desk::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            for line in e.to_string().lines() {
                eprintln!("error: {line}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}
