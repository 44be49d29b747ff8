use callback_macros::on_install;

#[on_install]
const async fn installed() {}

fn main() {}
