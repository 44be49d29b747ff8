use callback_core::State;
use callback_macros::on_install;

#[on_install]
async fn installed<T: Clone + Send + Sync + 'static>(db: State<T>) {
    let _ = db;
}

fn main() {}
