//! `install-tracker`: a complete Zoho Desk extension backend that records
//! each org's lifecycle (install, authorisations, config changes, updates,
//! uninstall) in SQLite, and serves it at `GET /orgs/{orgId}` to whoever
//! [`ReadAccess`] lets read it.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use install_tracker::{Db, ReadAccess, app_config, callback_routes};
//! use callback_actix::prelude::Secret;
//!
//! let bind: std::net::SocketAddr = "127.0.0.1:8080".parse()?;
//! let db = Db::open("install-tracker.db".as_ref())?;
//! let routes = callback_routes(Secret::new("manifest secret")?, db.clone())?;
//! // No token: open on a loopback address, closed (403) on any other.
//! let access = ReadAccess::for_server(None, bind);
//! actix_web::HttpServer::new(move || {
//!     actix_web::App::new().configure(app_config(&routes, &db, access.clone()))
//! })
//! .bind(bind)?
//! .run()
//! .await?;
//! # Ok(()) }
//! ```

pub mod api;
pub mod config;
pub mod db;
pub mod handlers;

pub use api::{AdminToken, ReadAccess};
pub use db::{Db, DbError, OrgState};

use callback_actix::callback_core::BuildError;
use callback_actix::prelude::*;

/// Every handler of this extension: what is mounted and what the manifest
/// lists.
pub fn handlers() -> callback_actix::callback_core::HandlerList {
    use handlers::*;
    callbacks![
        installed,
        zoho_authorised,
        tpa_authorised,
        tpa_revoked,
        updated,
        config_param_added,
        config_param_deleted,
        uninstalled,
    ]
}

/// The callback routes, signed with `secret`, recording into `db`; nothing
/// calls Zoho back.
pub fn callback_routes(secret: Secret, db: Db) -> Result<CallbackRoutes, BuildError> {
    callback_routes_with_invoke(secret, db, None)
}

/// The callback routes, with `invoke` (if any) reading config params back
/// from Zoho on `onConfigParamAdd`.
pub fn callback_routes_with_invoke(
    secret: Secret,
    db: Db,
    invoke: Option<callback_invoke::InvokeClient>,
) -> Result<CallbackRoutes, BuildError> {
    let callbacks = Callbacks::new(handlers()).secret(secret).state(db);
    match invoke {
        Some(client) => callbacks.state(client),
        None => callbacks,
    }
    .build()
}

/// Mounts the callbacks and the read API, readable as `access` says.
pub fn app_config(
    routes: &CallbackRoutes,
    db: &Db,
    access: ReadAccess,
) -> impl FnOnce(&mut actix_web::web::ServiceConfig) {
    let routes = routes.clone();
    let db = actix_web::web::Data::new(db.clone());
    move |config| {
        routes.configure(config);
        config.app_data(db);
        api::configure(config, access);
    }
}
