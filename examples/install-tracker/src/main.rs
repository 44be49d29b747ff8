//! Runs the install-tracker extension backend.

use actix_web::{App, HttpServer};
use callback_actix::callback_core::DeskEventSelector;
use callback_actix::callback_core::base_url::without_credentials;
use callback_actix::prelude::{DeskKeys, StoreKeys};
use install_tracker::config::{
    CLIENT_DISCONNECT_TIMEOUT, CLIENT_REQUEST_TIMEOUT, DEMO_SECRET_WARNING, Settings,
    StoreKeySource,
};
use install_tracker::{Db, ReadAccess, app_config, callback_routes_with_invoke};
use std::process::ExitCode;

#[path = "../../common/report.rs"]
mod report;

#[actix_web::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt().with_target(false).init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => report::report(&*err),
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let settings = Settings::from_env()?;
    if settings.secret_is_demo {
        tracing::warn!("{DEMO_SECRET_WARNING}");
        eprintln!("warning: {DEMO_SECRET_WARNING}");
    }
    let keys = match &settings.store_key {
        StoreKeySource::Env(keys) => keys.clone(),
        StoreKeySource::DevelopmentFile(path) => {
            let (keys, created) = StoreKeys::from_file_or_create(path)?;
            tracing::warn!(
                "ZOHO_STORE_KEY is not set: the security contexts are encrypted under a \
                 development key {} {} (readable by its owner only), beside the database; set \
                 ZOHO_STORE_KEY (`openssl rand -base64 32`) for anything but development, as a \
                 release build requires",
                if created { "made now in" } else { "kept in" },
                absolute(path)
            );
            keys
        }
    };
    let db = Db::open(settings.database_url.expose(), keys).await?;
    let desk_keys = DeskKeys::from_url(&settings.desk_jwks_url)?;
    // Printed through `without_credentials`, though `Settings` already
    // refused a base URL with credentials.
    let invoke_url = settings
        .invoke
        .as_ref()
        .map(|client| without_credentials(client.invoke_url()));
    let access = ReadAccess::for_server(settings.admin_token.clone(), settings.bind_addr);
    let limits = settings.limits;
    let jwks = without_credentials(&settings.desk_jwks_url);
    let routes =
        callback_routes_with_invoke(settings.secret, db.clone(), desk_keys, settings.invoke)?;

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
    println!("database: {}", db.store().location());
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
    println!("Desk events (X-ZDesk-JWT checked against {jwks}):");
    for handler in routes.router().desk_handlers().iter() {
        let info = handler.info();
        let event = match info.event {
            DeskEventSelector::Type(ty) => ty.wire_name(),
            DeskEventSelector::Any => "(any other)",
        };
        println!("  {event:<20} POST {}", info.path);
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
