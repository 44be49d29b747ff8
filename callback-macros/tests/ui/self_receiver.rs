use callback_core::OrgId;
use callback_macros::on_install;

struct Extension;

impl Extension {
    #[on_install]
    async fn installed(&self, org: OrgId) {
        let _ = org;
    }
}

fn main() {}
