use callback_core::OrgId;
use callback_macros::on_install;

#[on_install]
fn installed(org: OrgId) {
    let _ = org;
}

fn main() {}
