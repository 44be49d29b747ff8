#[on_install(path = "/x")]
fn f() {
