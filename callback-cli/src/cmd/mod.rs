//! One module per subcommand, and what they share: the secret, the input
//! bytes and event names.

pub(crate) mod desk;
pub(crate) mod manifest;
pub(crate) mod send;
pub(crate) mod sign;
pub(crate) mod store;
pub(crate) mod verify;

use crate::error::CliError;
use callback_core::{Event, Secret, UnknownEvent};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where the secret comes from: the command line, an environment variable,
/// a file or standard input.
/// Deliberately not `Debug` (nor is any `Args` holding it): it holds the secret.
#[derive(clap::Args)]
#[group(multiple = false)]
pub(crate) struct SecretArgs {
    /// The extension's secret (the "secret" of plugin-manifest.json).
    /// Avoid it: the value of --secret is visible to other users in the
    /// process list (ps) and lands in shell history; prefer --secret-file,
    /// --secret-stdin or --secret-env.
    #[arg(long, value_name = "S")]
    secret: Option<String>,
    /// Read the secret from the environment variable NAME.
    #[arg(long, value_name = "NAME")]
    secret_env: Option<String>,
    /// Read the secret from the file PATH (one trailing newline is
    /// ignored). Unlike --secret, it does not show in the process list.
    #[arg(long, value_name = "PATH")]
    secret_file: Option<PathBuf>,
    /// Read the secret from standard input (one trailing newline is
    /// ignored). Unlike --secret, it does not show in the process list.
    #[arg(long)]
    secret_stdin: bool,
}

impl SecretArgs {
    /// The secret, if one was given.
    pub(crate) fn get(&self) -> Result<Option<Secret>, CliError> {
        const WHAT: &str = "your extension's secret";
        let secret = if let Some(value) = &self.secret {
            Secret::new(value.as_str())?
        } else if let Some(name) = &self.secret_env {
            Secret::from_env(name)?
        } else if let Some(path) = &self.secret_file {
            Secret::new(read_value(Some(path), WHAT)?)?
        } else if self.secret_stdin {
            Secret::new(read_value(None, WHAT)?)?
        } else {
            return Ok(None);
        };
        Ok(Some(secret))
    }

    /// The secret, which the command needs.
    pub(crate) fn require(&self) -> Result<Secret, CliError> {
        self.get()?.ok_or(CliError::NoSecret { or_manifest: false })
    }

    /// Where the body is read from, `file` or standard input (`None`) when
    /// it is absent or `-`; standard input cannot be both the secret and
    /// the body.
    pub(crate) fn body_source<'a>(
        &self,
        file: Option<&'a Path>,
    ) -> Result<Option<&'a Path>, CliError> {
        match file {
            Some(path) if path != Path::new("-") => Ok(Some(path)),
            _ if self.secret_stdin => Err(CliError::Usage(
                "--secret-stdin reads the secret from standard input: give the body as FILE",
            )),
            _ => Ok(None),
        }
    }
}

/// A value kept off the command line, such as a secret: the text of the
/// file `path`, or of standard input when it is `None`, without one
/// trailing newline (`\n` or `\r\n`). Empty or blank text is refused, as
/// is text that is not UTF-8; neither error shows the text.
pub(crate) fn read_value(path: Option<&Path>, what: &'static str) -> Result<String, CliError> {
    let from = || match path {
        Some(path) => path.display().to_string(),
        None => "standard input".to_owned(),
    };
    let text = String::from_utf8(read_input(path)?)
        .map_err(|_| CliError::NotUtf8 { from: from(), what })?;
    let value = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(&text);
    if value.trim().is_empty() {
        return Err(CliError::EmptyValue { from: from(), what });
    }
    Ok(value.to_owned())
}

/// The bytes of `file`, or of standard input when it is `None`.
pub(crate) fn read_input(file: Option<&Path>) -> Result<Vec<u8>, CliError> {
    match file {
        Some(path) => read_file(path),
        None => {
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
