use callback_core::FromCallback;
use callback_macros::on_install;

#[on_install]
async fn installed(org: impl FromCallback) {
    let _ = org;
}

fn main() {}
