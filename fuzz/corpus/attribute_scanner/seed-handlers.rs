//! A small extension.
use callback_actix::prelude::*;

#[on_install]
async fn installed(cb: Callback) -> Result<(), HandlerError> {
    Ok(())
}

#[callback_actix::on_config_param_add(path = "/zoho/config")]
async fn config_added(Extra(extra): Extra) {}

pub mod lifecycle {
    use super::*;

    #[prelude::on_uninstall(path = "/zoho/bye",)]
    pub async fn r#bye(org: OrgId) {}

    #[cfg(test)]
    mod tests {
        #[on_install]
        async fn test_only() {}
    }
}

#[cfg(feature = "tpa")]
#[on_tpa_revoke]
async fn revoked() {}
