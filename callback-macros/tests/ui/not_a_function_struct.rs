use callback_macros::on_install;

#[on_install]
struct Installed;

fn main() {}
