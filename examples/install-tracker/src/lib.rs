//! `install-tracker`: a complete Zoho Desk extension backend that keeps
//! each org's lifecycle (install, authorisations, config changes, updates,
//! uninstall) in the framework's installation store, records the Desk
//! events it subscribes (`Ticket_Add`, `Ticket_Update`,
//! `Ticket_Comment_Add`), and serves both at `GET /orgs/{orgId}` to whoever
//! [`ReadAccess`] lets read it.
//!
//! `DATABASE_URL` picks the database: `sqlite://install-tracker.db` (the
//! default, created on first start) for one instance, `postgres://…` for
//! several behind a load balancer, which then share every org's state and
//! run each Desk event once between them.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use callback_actix::prelude::{DeskKeys, Secret, StoreKeys};
//! use install_tracker::{Db, ReadAccess, app_config, callback_routes};
//!
//! let bind: std::net::SocketAddr = "127.0.0.1:8080".parse()?;
//! let db = Db::open("sqlite://install-tracker.db", StoreKeys::from_env()?).await?;
//! let keys = DeskKeys::from_url(callback_actix::callback_core::desk::DEFAULT_JWKS_URL)?;
//! let routes = callback_routes(Secret::new("manifest secret")?, db.clone(), keys)?;
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
use callback_actix::callback_core::desk::DeskHandlerList;
use callback_actix::prelude::*;

/// Every callback handler of this extension: what is mounted and what the
/// manifest lists.
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

/// Every Desk event handler: what is mounted and what `resources.json`
/// subscribes.
pub fn desk_handlers() -> DeskHandlerList {
    use handlers::*;
    desk_events![ticket_added, ticket_updated, ticket_comment_added]
}

/// The routes, callbacks signed with `secret` and Desk deliveries checked
/// against `desk_keys`, every org kept in `db`; nothing calls Zoho back.
pub fn callback_routes(
    secret: Secret,
    db: Db,
    desk_keys: DeskKeys,
) -> Result<CallbackRoutes, BuildError> {
    callback_routes_with_invoke(secret, db, desk_keys, None)
}

/// The routes, with `invoke` (if any) reading config params back from Zoho
/// on `onConfigParamAdd`.
pub fn callback_routes_with_invoke(
    secret: Secret,
    db: Db,
    desk_keys: DeskKeys,
    invoke: Option<callback_invoke::InvokeClient>,
) -> Result<CallbackRoutes, BuildError> {
    let callbacks = Callbacks::new(handlers())
        .secret(secret)
        .desk_events(desk_handlers())
        .desk_keys(desk_keys)
        .installations(db.store().clone())
        .state(db);
    // Provided either way: the handler that uses it takes
    // `State<Option<InvokeClient>>`.
    callbacks.state(invoke).build()
}

/// Mounts the callbacks, the webhook and the read API, readable as
/// `access` says.
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
