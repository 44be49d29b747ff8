use callback_macros::on_install;

#[on_install(path = "/zoho/on install")]
async fn installed() {}

fn main() {}
