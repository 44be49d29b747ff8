use callback_macros::on_install;

#[on_install("/zoho/install")]
async fn installed() {}

fn main() {}
