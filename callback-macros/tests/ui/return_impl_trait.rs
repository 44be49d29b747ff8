use callback_macros::on_install;

#[on_install]
async fn installed() -> Result<(), impl std::fmt::Display> {
    Err::<(), _>("no")
}

fn main() {}
