use callback_macros::on_install;

#[on_install(path = "/zoho/install", path = "/zoho/installed")]
async fn installed() {}

fn main() {}
