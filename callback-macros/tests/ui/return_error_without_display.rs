use callback_macros::on_install;

#[derive(Debug)]
struct NoDisplay;

#[on_install]
async fn installed() -> Result<(), NoDisplay> {
    Err(NoDisplay)
}

fn main() {}
