//! The smallest complete Zoho Desk extension backend: one handler.
use actix_web::{App, HttpServer};
use callback_actix::prelude::*;

/// Greets each new installation.
#[on_install]
async fn installed(org: OrgId) {
    println!("installed in org {org}");
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let routes = Callbacks::new(callbacks![installed])
        .secret(Secret::from_env("ZOHO_EXTENSION_SECRET")?)
        .build()?;
    HttpServer::new(move || App::new().service(routes.clone()))
        .bind("127.0.0.1:8080")?
        .run()
        .await?;
    Ok(())
}
