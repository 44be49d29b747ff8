use callback_core::OrgId;
use callback_macros::on_install;

#[on_install]
async fn installed(org: OrgId)
where
    OrgId: Copy,
{
    let _ = org;
}

fn main() {}
