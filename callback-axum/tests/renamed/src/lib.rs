//! An extension whose only framework dependency is callback-axum, renamed
//! `zoho`: the attributes expand to `::zoho::__private`, found through
//! `callback_spec::RUNTIME_PACKAGES`, with no change in the macros.

use zoho::prelude::*;

/// Handles installs; compiled with the framework reachable only as `zoho`.
#[on_install(path = "/renamed/install")]
pub async fn installed(org: OrgId) -> Result<(), HandlerError> {
    if org.get() == 0 {
        return Err(HandlerError::msg("org 0 is not a real org"));
    }
    Ok(())
}

/// Counts tickets; a Desk event handler, under the same renamed name.
#[desk_event(Ticket_Add)]
pub async fn ticket_added(ticket: Ticket) -> Result<(), HandlerError> {
    match ticket.subject.as_deref() {
        Some("fail") => Err(HandlerError::msg("refused on purpose")),
        _ => Ok(()),
    }
}

/// The extension's routes as an axum `Router`.
pub fn app(
    secret: Secret,
    keys: DeskKeys,
) -> Result<axum::Router, zoho::callback_core::BuildError> {
    Ok(Callbacks::new(callbacks![installed])
        .secret(secret)
        .desk_events(desk_events![ticket_added])
        .desk_keys(keys)
        .build()?
        .into_router())
}
