//! Runs the install-tracker extension backend.

use actix_web::{App, HttpServer};
use callback_actix::callback_core::base_url::without_credentials;
use install_tracker::config::{
    CLIENT_DISCONNECT_TIMEOUT, CLIENT_REQUEST_TIMEOUT, DEMO_SECRET_WARNING, Settings,
};
use install_tracker::{Db, ReadAccess, app_config, callback_routes_with_invoke};
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt().with_target(false).init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let settings = Settings::from_env()?;
    if settings.secret_is_demo {
        tracing::warn!("{DEMO_SECRET_WARNING}");
        eprintln!("warning: {DEMO_SECRET_WARNING}");
    }
    let db = Db::open(&settings.database_path)?;
    // Printed through `without_credentials`, though `Settings` already
    // refused a base URL with credentials.
    let invoke_url = settings
        .invoke
        .as_ref()
        .map(|client| without_credentials(client.invoke_url()));
    let access = ReadAccess::for_server(settings.admin_token, settings.bind_addr);
    let limits = settings.limits;
    let routes = callback_routes_with_invoke(settings.secret, db.clone(), settings.invoke)?;

    let server = HttpServer::new({
        let (routes, db, access) = (routes.clone(), db.clone(), access.clone());
        move || App::new().configure(app_config(&routes, &db, access.clone()))
    })
    // Each worker stops accepting at this many open connections; the rest
    // wait in the listen backlog. `max_connection_rate` is left alone: it
    // caps concurrent TLS handshakes, and this server speaks plain HTTP (TLS
    // is for a proxy in front of it).
    .workers(limits.workers)
    .max_connections(limits.max_connections)
    .client_request_timeout(CLIENT_REQUEST_TIMEOUT)
    .client_disconnect_timeout(CLIENT_DISCONNECT_TIMEOUT)
    .bind(settings.bind_addr)?;

    let addr = server
        .addrs()
        .first()
        .copied()
        .unwrap_or(settings.bind_addr);
    println!("install-tracker listening on http://{addr}");
    println!("database: {}", absolute(&settings.database_path));
    println!(
        "connections: at most {} at once per worker, {} worker{}",
        limits.max_connections,
        limits.workers,
        if limits.workers == 1 { "" } else { "s" }
    );
    match access {
        ReadAccess::Closed => tracing::warn!("{}", access.describe()),
        _ => println!("{}", access.describe()),
    }
    if let Some(url) = invoke_url {
        println!("config params are read back from Zoho through {url}");
    }
    println!("callbacks:");
    for handler in routes.router().handlers().iter() {
        let info = handler.info();
        println!("  {:<20} POST {}", info.event, info.path);
    }
    println!("Ctrl-C stops it; callbacks in flight finish first.");

    // actix-web stops on SIGINT/SIGTERM gracefully: it stops accepting, lets
    // in-flight requests finish, then returns.
    server.run().await?;
    println!("install-tracker stopped");
    Ok(())
}

fn absolute(path: &std::path::Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_owned())
        .display()
        .to_string()
}
