use callback_macros::on_install;

#[on_install(route = "/zoho/install")]
async fn installed() {}

fn main() {}
