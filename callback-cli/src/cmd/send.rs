//! `callback send`: a local stand-in for Zoho, signing and POSTing callbacks.

use super::{SecretArgs, parse_event, read_file};
use crate::error::CliError;
use callback_core::manifest::{CallbackListener, ReadListenerError};
use callback_core::testing::TEST_SECURITY_CONTEXT;
use callback_core::{Event, OrgId, Payload, Secret, SecurityContext, Signer};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Sign and POST a callback as Zoho does: a local stand-in for Zoho.
///
/// Sends `{"event", "orgId", "securityContext"}` with Content-Type
/// application/json and the HASH header, then prints the event, the URL, the
/// status and the answer's body. Exits 1 on a non-2xx answer.
///
/// With --manifest, the URL is the event's entry in the manifest's
/// callbackListener (its scheme, host and port replaced by --base-url, if
/// given) and the secret is the manifest's "secret" unless --secret or
/// --secret-env is given.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
    callback send onInstall --url http://127.0.0.1:8080/callbacks/onInstall --secret-env ZOHO_SECRET --org-id 387238\n  \
    callback send --all --manifest plugin-manifest.json --base-url http://127.0.0.1:8080 --org-id 387238")]
pub(crate) struct Args {
    /// The event: onInstall, onZohoAuthorise, onTPAAuthorise, onTPARevoke,
    /// onUpdate, onConfigParamAdd, onConfigParamDelete, onUninstall (or
    /// on_install, …).
    #[arg(value_name = "EVENT", required_unless_present = "all")]
    event: Option<String>,
    /// POST to this URL.
    #[arg(long, value_name = "URL", required_unless_present = "manifest", conflicts_with_all = ["manifest", "all"])]
    url: Option<String>,
    /// Take the URL (and the secret) from this plugin-manifest.json.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Replace the scheme, host and port of the manifest's URLs, e.g.
    /// http://127.0.0.1:8080 to send to a local server.
    #[arg(long, value_name = "URL", requires = "manifest")]
    base_url: Option<String>,
    #[command(flatten)]
    secret: SecretArgs,
    /// The orgId of the payload.
    #[arg(long, value_name = "N", required_unless_present = "body")]
    org_id: Option<u64>,
    /// The securityContext of the payload.
    #[arg(long, value_name = "X", default_value = TEST_SECURITY_CONTEXT)]
    security_context: String,
    /// Send this file's bytes as the body instead of the payload built from
    /// EVENT, --org-id and --security-context (still signed).
    #[arg(long, value_name = "FILE", conflicts_with = "all")]
    body: Option<PathBuf>,
    /// Send every event the manifest lists, in lifecycle order (EVENT is
    /// then omitted).
    #[arg(long, requires = "manifest", conflicts_with = "event")]
    all: bool,
    /// Give up on an answer after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    timeout: u64,
}

pub(crate) fn run(args: Args) -> Result<(), CliError> {
    let event = args.event.as_deref().map(parse_event).transpose()?;
    let manifest = args.manifest.as_deref().map(Manifest::read).transpose()?;
    let secret = match (args.secret.get()?, &manifest) {
        (Some(secret), _) => secret,
        (None, Some(m)) => Secret::from_manifest_str(&m.text)?,
        (None, None) => {
            return Err(CliError::Usage(
                "no secret: give --secret S or --secret-env NAME (or --manifest FILE with a \"secret\")",
            ));
        }
    };

    let targets: Vec<(Event, String)> = match (&manifest, event) {
        (None, Some(event)) => vec![(event, args.url.clone().unwrap_or_default())],
        (Some(m), Some(event)) => vec![(event, m.url(event, args.base_url.as_deref())?)],
        (Some(m), None) => m.all(args.base_url.as_deref())?,
        (None, None) => return Err(CliError::Usage("give an EVENT, or --all with --manifest")),
    };

    let agent = agent(args.timeout);
    let signer = Signer::new(&secret);
    let mut failed = 0;
    for (event, url) in &targets {
        let body = match &args.body {
            Some(path) => read_file(path)?,
            None => {
                let payload = Payload::new(*event, OrgId::new(args.org_id.unwrap_or_default()))
                    .with_security_context(SecurityContext::new(args.security_context.as_str()));
                serde_json::to_vec(&payload).expect("a payload always serialises")
            }
        };
        let (status, answer) = post(&agent, url, &signer.sign(&body), body)?;
        println!("{event} POST {url}\n{status}");
        if !answer.is_empty() {
            println!("{}", answer.trim_end_matches('\n'));
        }
        if !(200..300).contains(&status.code) {
            failed += 1;
        }
    }
    match failed {
        0 => Ok(()),
        failed => Err(CliError::NotOk {
            failed,
            sent: targets.len(),
        }),
    }
}

/// An HTTP status and its reason phrase.
struct Status {
    code: u16,
    reason: &'static str,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.reason)
    }
}

fn agent(timeout_secs: u64) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(timeout_secs)))
        .build()
        .into()
}

/// POSTs `body` as Zoho does; the status and the answer's body.
fn post(
    agent: &ureq::Agent,
    url: &str,
    hash: &str,
    body: Vec<u8>,
) -> Result<(Status, String), CliError> {
    let failed = |e: ureq::Error| CliError::Http {
        url: url.to_owned(),
        reason: e.to_string(),
    };
    let mut response = agent
        .post(url)
        .header("Content-Type", "application/json")
        .header("HASH", hash)
        .send(&body[..])
        .map_err(failed)?;
    let status = response.status();
    let answer = response.body_mut().read_to_string().map_err(failed)?;
    let status = Status {
        code: status.as_u16(),
        reason: status.canonical_reason().unwrap_or(""),
    };
    Ok((status, answer))
}

/// A plugin-manifest.json as `send` reads it.
struct Manifest {
    path: PathBuf,
    text: String,
    listener: CallbackListener,
}

impl Manifest {
    fn read(path: &Path) -> Result<Self, CliError> {
        let bad = |reason: String| CliError::BadManifest {
            path: path.to_owned(),
            reason,
        };
        let text = String::from_utf8(read_file(path)?).map_err(|_| bad("not UTF-8".to_owned()))?;
        let listener = CallbackListener::from_manifest_str(&text).map_err(|e| match e {
            ReadListenerError::Missing => {
                bad(format!("{e}; run `callback manifest --write` first"))
            }
            e => bad(e.to_string()),
        })?;
        Ok(Manifest {
            path: path.to_owned(),
            text,
            listener,
        })
    }

    /// The URL of `event`, moved to `base_url` if given.
    fn url(&self, event: Event, base_url: Option<&str>) -> Result<String, CliError> {
        let Some(url) = self.listener(base_url)?.url(event).map(str::to_owned) else {
            return Err(self.bad(format!("\"callbackListener\" has no {event}")));
        };
        Ok(url)
    }

    /// Every event listed, in lifecycle order, with its URL.
    fn all(&self, base_url: Option<&str>) -> Result<Vec<(Event, String)>, CliError> {
        if self.listener.is_empty() {
            return Err(self.bad("\"callbackListener\" lists no event".to_owned()));
        }
        let listener = self.listener(base_url)?;
        Ok(listener
            .entries()
            .map(|(event, url)| (event, url.to_owned()))
            .collect())
    }

    /// The listener, its URLs moved to `base_url` if given.
    fn listener(&self, base_url: Option<&str>) -> Result<CallbackListener, CliError> {
        match base_url {
            Some(base) => Ok(self.listener.with_base_url(base)?),
            None => Ok(self.listener.clone()),
        }
    }

    fn bad(&self, reason: String) -> CliError {
        CliError::BadManifest {
            path: self.path.clone(),
            reason,
        }
    }
}
