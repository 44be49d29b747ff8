use callback_macros::on_install;

#[on_install(path = "zoho/install")]
async fn installed() {}

fn main() {}
