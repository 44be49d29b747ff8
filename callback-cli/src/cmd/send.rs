//! `callback send`: a local stand-in for Zoho, signing and POSTing callbacks.

use super::{SecretArgs, parse_event, read_file, read_value};
use crate::error::CliError;
use callback_core::base_url::without_credentials;
use callback_core::manifest::{CallbackListener, ReadListenerError};
use callback_core::testing::TEST_SECURITY_CONTEXT;
use callback_core::{
    BaseUrl, BaseUrlError, Event, OrgId, Payload, Secret, SecurityContext, Signer,
};
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
/// given) and the secret is the manifest's "secret" unless --secret,
/// --secret-env, --secret-file or --secret-stdin is given.
///
/// A URL must be http:// or https:// without user:password@; plain http://
/// to a host other than this machine is sent with a warning.
#[derive(clap::Args)]
#[command(mut_arg("security_context_stdin", |a| a.conflicts_with("secret_stdin")))]
#[command(after_help = "Examples:\n  \
    callback send onInstall --url http://127.0.0.1:8080/callbacks/onInstall --secret-env ZOHO_SECRET --org-id 387238\n  \
    callback send --all --manifest plugin-manifest.json --base-url http://127.0.0.1:8080 --org-id 387238\n  \
    callback send onInstall --url https://ext.example.com/callbacks/onInstall --secret-file secret.txt --org-id 387238 --security-context-stdin < context.txt")]
pub(crate) struct Args {
    /// The event: onInstall, onZohoAuthorise, onTPAAuthorise, onTPARevoke,
    /// onUpdate, onConfigParamAdd, onConfigParamDelete, onUninstall (or
    /// on_install, …).
    #[arg(value_name = "EVENT", required_unless_present = "all")]
    event: Option<String>,
    /// POST to this URL (http:// or https://, without user:password@).
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
    #[command(flatten)]
    security_context: SecurityContextArgs,
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

/// Where the payload's securityContext comes from (`callback send`,
/// `callback desk send`). Deliberately not `Debug`: a securityContext is a
/// credential.
#[derive(clap::Args)]
#[group(multiple = false)]
pub(crate) struct SecurityContextArgs {
    /// The securityContext of the payload. For a real one, avoid it: the
    /// value of --security-context is visible to other users in the process
    /// list (ps); prefer --security-context-file or --security-context-stdin.
    #[arg(long, value_name = "X", default_value = TEST_SECURITY_CONTEXT)]
    security_context: String,
    /// Read the securityContext from the file PATH (one trailing newline is
    /// ignored). Unlike --security-context, it does not show in the process
    /// list.
    #[arg(long, value_name = "PATH")]
    security_context_file: Option<PathBuf>,
    /// Read the securityContext from standard input (one trailing newline
    /// is ignored). Unlike --security-context, it does not show in the
    /// process list.
    #[arg(long)]
    security_context_stdin: bool,
}

impl SecurityContextArgs {
    /// The securityContext: from the file, standard input or the option.
    pub(crate) fn get(&self) -> Result<SecurityContext, CliError> {
        const WHAT: &str = "the securityContext";
        let value = if let Some(path) = &self.security_context_file {
            read_value(Some(path), WHAT)?
        } else if self.security_context_stdin {
            read_value(None, WHAT)?
        } else {
            self.security_context.clone()
        };
        Ok(SecurityContext::new(value))
    }
}

pub(crate) fn run(args: Args) -> Result<(), CliError> {
    let event = args.event.as_deref().map(parse_event).transpose()?;
    let manifest = args.manifest.as_deref().map(Manifest::read).transpose()?;
    let targets: Vec<(Event, String)> = match (&manifest, event) {
        (None, Some(event)) => vec![(event, args.url.clone().unwrap_or_default())],
        (Some(m), Some(event)) => vec![(event, m.url(event, args.base_url.as_deref())?)],
        (Some(m), None) => m.all(args.base_url.as_deref())?,
        (None, None) => return Err(CliError::Usage("give an EVENT, or --all with --manifest")),
    };
    let mut warnings = Vec::new();
    for (_, url) in &targets {
        if let Some(warning) = check_url(url)?.filter(|w| !warnings.contains(w)) {
            warnings.push(warning);
        }
    }
    let secret = match (args.secret.get()?, &manifest) {
        (Some(secret), _) => secret,
        (None, Some(m)) => Secret::from_manifest_str(&m.text)?,
        (None, None) => return Err(CliError::NoSecret { or_manifest: true }),
    };

    let security_context = args.security_context.get()?;

    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    let agent = agent(args.timeout);
    let signer = Signer::new(&secret);
    let mut failed = 0;
    for (event, url) in &targets {
        let body = match &args.body {
            Some(path) => read_file(path)?,
            None => {
                let payload = Payload::new(*event, OrgId::new(args.org_id.unwrap_or_default()))
                    .with_security_context(security_context.clone());
                serde_json::to_vec(&payload).expect("a payload always serialises")
            }
        };
        let hash = signer.sign(&body);
        let (status, answer) = post(&agent, url, &[("HASH", &hash)], body)?;
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

/// Checks that `url` is an absolute http(s) URL without credentials (a path,
/// query and fragment allowed); the warning to give when it is plain
/// http:// to another machine, naming only its origin.
pub(crate) fn check_url(url: &str) -> Result<Option<String>, CliError> {
    let origin = BaseUrl::origin_of(url).map_err(|BaseUrlError { reason, .. }| CliError::Url {
        url: without_credentials(url),
        reason,
    })?;
    Ok(origin.insecure_warning())
}

/// An HTTP status and its reason phrase.
pub(crate) struct Status {
    /// The status code.
    pub(crate) code: u16,
    reason: &'static str,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.reason)
    }
}

/// A client that reads every status as an answer, giving up after
/// `timeout_secs`.
pub(crate) fn agent(timeout_secs: u64) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(timeout_secs)))
        .build()
        .into()
}

/// POSTs `body` as JSON with `headers` (the HASH, or Desk's token), as Zoho
/// does; the status and the answer's body. Errors name `shown`, the URL
/// without anything secret in its query.
pub(crate) fn post(
    agent: &ureq::Agent,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<(Status, String), CliError> {
    post_hiding(agent, url, None, headers, body)
}

/// [`post`] to `url` followed by `query` (which may hold a security
/// context): errors name `url` alone, and the query never shows in them.
pub(crate) fn post_hiding(
    agent: &ureq::Agent,
    url: &str,
    query: Option<&str>,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<(Status, String), CliError> {
    let target = match query {
        Some(query) => with_query(url, query),
        None => url.to_owned(),
    };
    let failed = |e: ureq::Error| {
        let reason = e.to_string();
        CliError::Http {
            url: url.to_owned(),
            reason: match query {
                Some(query) if !query.is_empty() => reason.replace(query, "…"),
                _ => reason,
            },
        }
    };
    let mut request = agent
        .post(&target)
        .header("Content-Type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.send(&body[..]).map_err(failed)?;
    let status = response.status();
    let answer = response.body_mut().read_to_string().map_err(failed)?;
    let status = Status {
        code: status.as_u16(),
        reason: status.canonical_reason().unwrap_or(""),
    };
    Ok((status, answer))
}

/// `url` with `query` appended to its query (after `?`, or `&` if it has
/// one), any `#fragment` dropped: clients never send it.
fn with_query(url: &str, query: &str) -> String {
    let url = url.split_once('#').map_or(url, |(url, _)| url);
    let separator = match url.contains('?') {
        true if url.ends_with('?') || url.ends_with('&') => "",
        true => "&",
        false => "?",
    };
    format!("{url}{separator}{query}")
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
