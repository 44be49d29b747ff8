use callback_macros::on_install;

#[on_install]
async fn installed() -> i32 {
    0
}

fn main() {}
