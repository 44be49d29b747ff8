use callback_core::callbacks;
use callback_macros::on_config_param_add;

#[on_config_param_add]
async fn config_added() {}

mod other {
    #[callback_macros::on_config_param_add(path = "/zoho/config")]
    pub async fn config_added_too() {}
}

fn main() {
    let handlers = callbacks![config_added, other::config_added_too];
    let _ = handlers;
}
