use callback_macros::on_install;

#[on_install(path = "/zoho/install?v=2")]
async fn installed() {}

fn main() {}
