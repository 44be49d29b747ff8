//! `callback desk jwks`: the key set of a key file, written or served.

use super::KeyFileArgs;
use super::key::{DeskKey, write_public};
use crate::error::CliError;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

/// Where Desk publishes its key set, and where --serve serves this one.
const JWKS_PATH: &str = "/.well-known/jwks.json";

/// Write the key set (JWKS) of a key file, or serve it.
///
/// The key set holds the public key alone, under the `kid` that `callback
/// desk send` signs with. With --serve ADDR it is served at
/// http://ADDR/.well-known/jwks.json (where Desk serves its own) until the
/// command is stopped; ADDR is a port, or a loopback address and port
/// (127.0.0.1:8089; port 0 picks a free one).
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
    callback desk jwks > desk-jwks.json\n  \
    callback desk jwks --key dev/desk-key.pem --out dev/desk-jwks.json\n  \
    callback desk jwks --serve 8089")]
pub(crate) struct Args {
    #[command(flatten)]
    key: KeyFileArgs,
    /// Write the key set to FILE instead of standard output.
    #[arg(long, value_name = "FILE", conflicts_with = "serve")]
    out: Option<PathBuf>,
    /// Serve the key set on ADDR (a port, or 127.0.0.1:PORT) until stopped.
    #[arg(long, value_name = "ADDR")]
    serve: Option<String>,
}

pub(crate) fn run(args: Args) -> Result<(), CliError> {
    let addr = args.serve.as_deref().map(parse_addr).transpose()?;
    let key = DeskKey::read(&args.key.key)?;
    let jwks = key.jwks_json();
    match (addr, &args.out) {
        (Some(addr), _) => serve(addr, key.kid(), jwks),
        (None, Some(path)) => write_public(path, &jwks),
        (None, None) => {
            print!("{jwks}");
            Ok(())
        }
    }
}

/// A port (on 127.0.0.1) or a loopback socket address.
fn parse_addr(text: &str) -> Result<SocketAddr, CliError> {
    let bad = |reason: &'static str| CliError::Serve {
        addr: text.to_owned(),
        reason: reason.to_owned(),
    };
    let addr = match text.parse::<u16>() {
        Ok(port) => SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        Err(_) => text
            .parse::<SocketAddr>()
            .map_err(|_| bad("not a port, nor an IP address and port such as 127.0.0.1:8089"))?,
    };
    if !addr.ip().is_loopback() {
        return Err(bad(
            "not a loopback address: a development key set is served on this machine only \
             (127.0.0.1:PORT)",
        ));
    }
    Ok(addr)
}

/// Serves `jwks` at [`JWKS_PATH`] on `addr` until the process is stopped;
/// prints the URL once listening.
fn serve(addr: SocketAddr, kid: &str, jwks: String) -> Result<(), CliError> {
    use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
    let failed = |e: std::io::Error| CliError::Serve {
        addr: addr.to_string(),
        reason: e.to_string(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .map_err(failed)?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(failed)?;
        let bound = listener.local_addr().map_err(failed)?;
        let answer = move || {
            let jwks = jwks.clone();
            async move {
                (
                    [
                        (CONTENT_TYPE, "application/json"),
                        (CACHE_CONTROL, "no-store"),
                    ],
                    jwks,
                )
            }
        };
        let app = axum::Router::new().route(JWKS_PATH, axum::routing::get(answer));
        println!("serving the key set (kid {kid}) at http://{bound}{JWKS_PATH} until stopped");
        // The line is what a script or test waits for.
        let _ = std::io::stdout().flush();
        axum::serve(listener, app).await.map_err(failed)
    })
}
