//! One module per subcommand, and what they share: the secret, the input
//! bytes and event names.

pub(crate) mod manifest;
pub(crate) mod send;
pub(crate) mod sign;
pub(crate) mod verify;

use crate::error::CliError;
use callback_core::{Event, Secret, UnknownEvent};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where the secret comes from: the command line or an environment variable.
/// Deliberately not `Debug` (nor is any `Args` holding it): it holds the secret.
#[derive(clap::Args)]
#[group(multiple = false)]
pub(crate) struct SecretArgs {
    /// The extension's secret (the "secret" of plugin-manifest.json).
    /// Prefer --secret-env: a secret on the command line lands in shell
    /// history.
    #[arg(long, value_name = "S")]
    secret: Option<String>,
    /// Read the secret from the environment variable NAME.
    #[arg(long, value_name = "NAME")]
    secret_env: Option<String>,
}

impl SecretArgs {
    /// The secret, if one was given.
    pub(crate) fn get(&self) -> Result<Option<Secret>, CliError> {
        Ok(match (&self.secret, &self.secret_env) {
            (Some(value), _) => Some(Secret::new(value.as_str())?),
            (None, Some(name)) => Some(Secret::from_env(name)?),
            (None, None) => None,
        })
    }

    /// The secret, which the command needs.
    pub(crate) fn require(&self) -> Result<Secret, CliError> {
        self.get()?.ok_or(CliError::Usage(
            "no secret: give --secret S or --secret-env NAME",
        ))
    }
}

/// The bytes of `file`, or of standard input when it is absent or `-`.
pub(crate) fn read_input(file: Option<&Path>) -> Result<Vec<u8>, CliError> {
    match file {
        Some(path) if path != Path::new("-") => read_file(path),
        _ => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| CliError::Stdin(e.to_string()))?;
            Ok(bytes)
        }
    }
}

/// The bytes of `path`.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::Read {
        path: PathBuf::from(path),
        reason: e.to_string(),
    })
}

/// An event by its wire name (`onInstall`, also the `-ize` spellings) or
/// its attribute name (`on_install`).
pub(crate) fn parse_event(name: &str) -> Result<Event, UnknownEvent> {
    Event::from_wire_name(name)
        .or_else(|| Event::from_attribute_name(name))
        .ok_or_else(|| UnknownEvent::new(name))
}
