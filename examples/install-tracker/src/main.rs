//! Runs the install-tracker extension backend.

use actix_web::{App, HttpServer};
use install_tracker::config::Settings;
use install_tracker::{Db, app_config, callback_routes_with_invoke};
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
    let db = Db::open(&settings.database_path)?;
    let invoke_url = settings.invoke.as_ref().map(|c| c.invoke_url().to_owned());
    let routes = callback_routes_with_invoke(settings.secret, db.clone(), settings.invoke)?;

    let server = HttpServer::new({
        let (routes, db) = (routes.clone(), db.clone());
        move || App::new().configure(app_config(&routes, &db))
    })
    .bind(settings.bind_addr)?;

    let addr = server
        .addrs()
        .first()
        .copied()
        .unwrap_or(settings.bind_addr);
    println!("install-tracker listening on http://{addr}");
    println!("database: {}", absolute(&settings.database_path));
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
