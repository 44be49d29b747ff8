//! `callback desk send`: a batch of Desk events, signed as Desk signs it.

use super::KeyFileArgs;
use super::key::DeskKey;
use crate::cmd::read_file;
use crate::cmd::send::{SecurityContextArgs, agent, check_url, post_hiding};
use crate::error::CliError;
use callback_core::DeskEventType;
use callback_core::base_url::without_credentials;
use callback_core::desk::TOKEN_HEADER;
use callback_core::testing::desk::{TestDelivery, ticket_event};
use jsonwebtoken::{Algorithm, Header};
use std::path::{Path, PathBuf};

/// The ticket id of the sample `Ticket_Add`.
const SAMPLE_TICKET_ID: u64 = 1_892_000_000_143_237;

/// POST a batch of Desk events to URL, signed as Desk signs it: a local
/// stand-in for Zoho Desk.
///
/// The body is a sample Ticket_Add event for --org, or the events of
/// --payload. `orgId` and `securityContext` are appended to URL's query,
/// and `X-ZDesk-JWT` is a token signed RS256 with --key under its `kid`:
/// `iss` `orgId:<org>`, `iat` now, `exp` five minutes later (in seconds, as
/// Desk sends them; --millis for milliseconds, as Desk documents them).
/// Prints the URL (without the appended query), the status and the
/// answer's body; exits 1 on a non-2xx answer. The securityContext is
/// never printed.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
    callback desk send http://127.0.0.1:8080/desk/deskEvents --org 387238\n  \
    callback desk send http://127.0.0.1:8080/desk/deskEvents --org 387238 --payload events.json --security-context-file context.txt")]
pub(crate) struct Args {
    /// POST to this URL (http:// or https://, without user:password@).
    #[arg(value_name = "URL")]
    url: String,
    #[command(flatten)]
    key: KeyFileArgs,
    /// The org the delivery is for: the query's `orgId`, the token's `iss`
    /// and the sample event's `orgId`.
    #[arg(long, value_name = "N", visible_alias = "org-id")]
    org: u64,
    /// Send the events of FILE (a JSON array of events, or one event) as
    /// they are, instead of the sample Ticket_Add.
    #[arg(long, value_name = "FILE")]
    payload: Option<PathBuf>,
    #[command(flatten)]
    security_context: SecurityContextArgs,
    /// Name this `kid` in the token instead of the key's own (to test a
    /// forgery under a known `kid`).
    #[arg(long, value_name = "KID")]
    kid: Option<String>,
    /// Write `iat` and `exp` in milliseconds, as Desk documents them.
    #[arg(long)]
    millis: bool,
    /// Give up on an answer after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    timeout: u64,
}

pub(crate) fn run(args: Args) -> Result<(), CliError> {
    let warning = check_url(&args.url)?;
    let key = DeskKey::read(&args.key.key)?;
    let body = match &args.payload {
        Some(path) => payload(path)?,
        None => None,
    };
    let context = args.security_context.get()?;
    let mut delivery = TestDelivery::new(args.org).security_context(context.expose());
    delivery = match body {
        Some(body) => delivery.body(body),
        None => delivery.event(ticket_event(
            DeskEventType::TicketAdd,
            args.org,
            SAMPLE_TICKET_ID,
        )),
    };
    if args.millis {
        delivery = delivery.times_in_millis();
    }
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(args.kid.clone().unwrap_or_else(|| key.kid().to_owned()));
    let token = jsonwebtoken::encode(&header, &delivery.token_claims(), key.encoding_key())
        .map_err(|e| CliError::Sign(e.to_string()))?;

    if let Some(warning) = warning {
        eprintln!("warning: {warning}");
    }
    let body = delivery.body_bytes();
    let events = count_events(&body);
    let shown = without_credentials(&args.url);
    let query = delivery.query_string();
    let (status, answer) = post_hiding(
        &agent(args.timeout),
        &args.url,
        Some(&query),
        &[(TOKEN_HEADER, &token)],
        body,
    )?;
    let plural = if events == 1 { "" } else { "s" };
    println!(
        "Desk POST {shown} ({events} event{plural}, org {})",
        args.org
    );
    println!("{status}");
    if !answer.is_empty() {
        println!("{}", answer.trim_end_matches('\n'));
    }
    match (200..300).contains(&status.code) {
        true => Ok(()),
        false => Err(CliError::DeliveryNotOk(status.to_string())),
    }
}

/// The body for the events of `path`: its bytes as they are when they hold
/// a JSON array, wrapped in `[` `]` when one event (an object).
fn payload(path: &Path) -> Result<Option<Vec<u8>>, CliError> {
    let bytes = read_file(path)?;
    let bad = |reason: &str| CliError::Payload {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| bad(&format!("not JSON ({e})")))?;
    match value {
        serde_json::Value::Array(_) => Ok(Some(bytes)),
        serde_json::Value::Object(_) => {
            let mut wrapped = Vec::with_capacity(bytes.len() + 2);
            wrapped.push(b'[');
            wrapped.extend_from_slice(&bytes);
            wrapped.push(b']');
            Ok(Some(wrapped))
        }
        _ => Err(bad("not a JSON array of events, nor one event (an object)")),
    }
}

/// How many elements the JSON array `body` holds.
fn count_events(body: &[u8]) -> usize {
    serde_json::from_slice::<Vec<serde_json::Value>>(body).map_or(0, |events| events.len())
}
