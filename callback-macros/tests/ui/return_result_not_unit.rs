use callback_macros::on_install;

#[on_install]
async fn installed() -> Result<i32, String> {
    Ok(0)
}

fn main() {}
