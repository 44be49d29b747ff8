use callback_core::Callback;
use callback_macros::on_install;

#[on_install]
async fn installed(cb: &Callback) {
    let _ = cb;
}

fn main() {}
