use callback_core::OrgId;
use callback_macros::on_install;

struct Db;

#[on_install]
async fn installed(org: OrgId, db: Db) {
    let _ = (org, db);
}

fn main() {}
