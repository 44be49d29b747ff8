//! One handler per platform event, each recording the callback, and one per
//! Desk event install-tracker subscribes, each recording its type.
//!
//! The framework has applied each callback to the org's installation in the
//! store, and committed it, before its handler runs; each Desk event runs
//! once, however often Desk delivers it. Every handler is an ordinary async
//! function: the tests call them directly.

use crate::db::Db;
use callback_actix::prelude::*;
use callback_invoke::{Invoke, InvokeClient};

/// The Desk API that lists an installation's config params, read back
/// through Zoho's Invoke API on `onConfigParamAdd`.
pub use callback_invoke::CONFIG_PARAMS_PATH;

/// What install-tracker reads of its config params (`config` in
/// plugin-manifest.json): each by its `name`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackerConfig {
    /// `trackerLabel`: shown as `"label"` in `GET /orgs/{orgId}`. Optional.
    #[serde(default)]
    pub tracker_label: Option<String>,
}

/// The customer installed the extension.
#[on_install]
pub async fn installed(cb: Callback, db: State<Db>) -> Result<(), HandlerError> {
    Ok(db.record(&cb).await?)
}

/// The customer authorised access to Zoho Desk.
#[on_zoho_authorise]
pub async fn zoho_authorised(cb: Callback, db: State<Db>) -> Result<(), HandlerError> {
    Ok(db.record(&cb).await?)
}

/// The customer authorised the third-party app.
#[on_tpa_authorise]
pub async fn tpa_authorised(cb: Callback, db: State<Db>) -> Result<(), HandlerError> {
    Ok(db.record(&cb).await?)
}

/// The third-party authorisation was revoked.
#[on_tpa_revoke]
pub async fn tpa_revoked(cb: Callback, db: State<Db>) -> Result<(), HandlerError> {
    Ok(db.record(&cb).await?)
}

/// The extension was upgraded.
#[on_update]
pub async fn updated(cb: Callback, db: State<Db>) -> Result<(), HandlerError> {
    Ok(db.record(&cb).await?)
}

/// The customer added configuration params. With an Invoke client (set
/// `ZOHO_INVOKE_BASE_URL`), they are then read back through Zoho with the
/// callback's security context into a [`TrackerConfig`], and its label
/// stored; without one (or without a security context in the payload),
/// nothing calls out, and the org has no label.
#[on_config_param_add]
pub async fn config_param_added(
    cb: Callback,
    db: State<Db>,
    invoke: State<Option<InvokeClient>>,
) -> Result<(), HandlerError> {
    db.record(&cb).await?;
    let zoho: Option<Invoke> = invoke.as_ref().and_then(|client| client.for_callback(&cb));
    if let Some(zoho) = zoho {
        let config: TrackerConfig = zoho.config_params().get_as().await?;
        db.store_label(cb.org_id(), config.tracker_label).await?;
    }
    Ok(())
}

/// The customer deleted configuration params.
#[on_config_param_delete]
pub async fn config_param_deleted(cb: Callback, db: State<Db>) -> Result<(), HandlerError> {
    Ok(db.record(&cb).await?)
}

/// The extension was uninstalled.
#[on_uninstall]
pub async fn uninstalled(cb: Callback, db: State<Db>) -> Result<(), HandlerError> {
    Ok(db.record(&cb).await?)
}

/// A ticket was created in the org.
#[desk_event(Ticket_Add)]
pub async fn ticket_added(event: DeskEvent, db: State<Db>) -> Result<(), HandlerError> {
    Ok(db.record_desk_event(&event).await?)
}

/// A ticket was updated; Desk sends its state before the update too.
#[desk_event(Ticket_Update, include_prev_state)]
pub async fn ticket_updated(event: DeskEvent, db: State<Db>) -> Result<(), HandlerError> {
    Ok(db.record_desk_event(&event).await?)
}

/// A comment was added to a ticket.
#[desk_event(Ticket_Comment_Add)]
pub async fn ticket_comment_added(event: DeskEvent, db: State<Db>) -> Result<(), HandlerError> {
    Ok(db.record_desk_event(&event).await?)
}
