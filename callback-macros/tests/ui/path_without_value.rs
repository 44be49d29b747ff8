use callback_macros::on_install;

#[on_install(path)]
async fn installed() {}

fn main() {}
