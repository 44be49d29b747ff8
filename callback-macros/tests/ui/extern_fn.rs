use callback_macros::on_install;

#[on_install]
async extern "C" fn installed() {}

fn main() {}
