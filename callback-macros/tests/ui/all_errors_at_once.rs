use callback_macros::on_install;

#[on_install(route = "/x", path = "install")]
fn installed() {}

fn main() {}
