use callback_macros::on_install;

#[on_install(path = "/zoho/100%")]
async fn installed() {}

fn main() {}
