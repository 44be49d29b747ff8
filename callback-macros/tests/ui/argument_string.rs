use callback_macros::on_install;

#[on_install]
async fn installed(org: String) {
    let _ = org;
}

fn main() {}
