//! `callback send`: a local stand-in for Zoho, signing and POSTing callbacks.

use super::{SecretArgs, parse_event, read_file};
use crate::error::CliError;
use callback_core::manifest::CallbackListener;
use callback_core::testing::TEST_SECURITY_CONTEXT;
use callback_core::{Event, OrgId, Payload, Secret, SecurityContext, Signer};
use serde_json::Value;
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
    /// Each `callbackListener` entry, by event.
    listener: Vec<(Event, String)>,
}

impl Manifest {
    fn read(path: &Path) -> Result<Self, CliError> {
        let bad = |reason: String| CliError::BadManifest {
            path: path.to_owned(),
            reason,
        };
        let bytes = read_file(path)?;
        let text = String::from_utf8(bytes).map_err(|_| bad("not UTF-8".to_owned()))?;
        let value: Value =
            serde_json::from_str(&text).map_err(|e| bad(format!("not valid JSON: {e}")))?;
        let Some(object) = value.get("callbackListener").and_then(Value::as_object) else {
            return Err(bad(
                "no \"callbackListener\" object; run `callback manifest --write` first".to_owned(),
            ));
        };
        let mut listener = Vec::new();
        for (name, url) in object {
            let event =
                parse_event(name).map_err(|e| bad(format!("in \"callbackListener\": {e}")))?;
            let url = url
                .as_str()
                .ok_or_else(|| bad(format!("the URL of {name} is not a string")))?;
            listener.push((event, url.to_owned()));
        }
        listener.sort_by_key(|(event, _)| *event);
        Ok(Manifest {
            path: path.to_owned(),
            text,
            listener,
        })
    }

    /// The URL of `event`, moved to `base_url` if given.
    fn url(&self, event: Event, base_url: Option<&str>) -> Result<String, CliError> {
        let Some((_, url)) = self.listener.iter().find(|(e, _)| *e == event) else {
            return Err(CliError::BadManifest {
                path: self.path.clone(),
                reason: format!("\"callbackListener\" has no {event}"),
            });
        };
        rebase(url, base_url)
    }

    /// Every event listed, in lifecycle order, with its URL.
    fn all(&self, base_url: Option<&str>) -> Result<Vec<(Event, String)>, CliError> {
        if self.listener.is_empty() {
            return Err(CliError::BadManifest {
                path: self.path.clone(),
                reason: "\"callbackListener\" lists no event".to_owned(),
            });
        }
        self.listener
            .iter()
            .map(|(event, url)| Ok((*event, rebase(url, base_url)?)))
            .collect()
    }
}

/// `url` with its scheme, host and port replaced by `base_url`'s (whose own
/// path, if any, goes before `url`'s path).
fn rebase(url: &str, base_url: Option<&str>) -> Result<String, CliError> {
    let Some(base) = base_url else {
        return Ok(url.to_owned());
    };
    // The same check the manifest's base URL gets.
    CallbackListener::new(base, [])?;
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let path = url[after_scheme..]
        .find('/')
        .map_or("", |i| &url[after_scheme + i..]);
    Ok(format!("{}{path}", base.trim_end_matches('/')))
}
