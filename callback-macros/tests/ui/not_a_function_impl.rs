use callback_macros::on_update;

struct Extension;

#[on_update]
impl Extension {
    async fn updated(&self) {}
}

fn main() {}
