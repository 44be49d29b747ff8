use callback_macros::on_config_param_add;

#[on_config_param_add(path = "/zoho/config/{id}")]
async fn config_added() {}

fn main() {}
