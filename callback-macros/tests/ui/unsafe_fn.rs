use callback_macros::on_install;

#[on_install]
async unsafe fn installed() {}

fn main() {}
