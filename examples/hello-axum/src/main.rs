//! The smallest complete Zoho Desk extension backend on axum: one handler.
//!
//! Listens on `BIND_ADDR` (default `127.0.0.1:8080`), with the secret of
//! `plugin-manifest.json` from `ZOHO_EXTENSION_SECRET`.
use callback_axum::prelude::*;
use std::error::Error;
use std::process::ExitCode;

#[path = "../../common/report.rs"]
mod report;

/// Greets each new installation.
#[on_install]
async fn installed(org: OrgId) {
    println!("installed in org {org}");
}

#[tokio::main]
async fn main() -> ExitCode {
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report::report(&*e),
    }
}

async fn serve() -> Result<(), Box<dyn Error>> {
    let bind = match std::env::var("BIND_ADDR") {
        Err(std::env::VarError::NotPresent) => "127.0.0.1:8080".to_owned(),
        other => other.map_err(|e| format!("BIND_ADDR: {e}"))?,
    };
    let app: axum::Router = Callbacks::new(callbacks![installed])
        .secret(Secret::from_env("ZOHO_EXTENSION_SECRET")?)
        .build()?
        .into_router();
    let listener = tokio::net::TcpListener::bind(&bind)
        .await
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
