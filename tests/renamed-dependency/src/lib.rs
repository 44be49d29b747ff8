//! An extension whose only framework dependency is renamed `zoho`.

use zoho::prelude::*;

/// Handles installs; compiled with the framework reachable only as `zoho`.
#[on_install(path = "/renamed/install")]
pub async fn installed(org: OrgId) -> Result<(), HandlerError> {
    if org.get() == 0 {
        return Err(HandlerError::msg("org 0 is not a real org"));
    }
    Ok(())
}

/// The handlers of this extension.
pub fn handlers() -> zoho::callback_core::HandlerList {
    callbacks![installed]
}
