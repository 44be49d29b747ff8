use callback_macros::on_uninstall;

#[on_uninstall]
const UNINSTALLED: u32 = 1;

fn main() {}
