#[on_install("/install")]
async fn a() {}

#[on_update(route = "/u", path = "nope", path = 3)]
#[on_uninstall]
async fn b() {}

#[on_install = "/x"]
fn c() {}

#[on_config_param_delete(path = "/a b%zz")]
fn d() {}

mod missing;

#[path = "lib.rs"]
mod again;

#[path(x)]
mod bad_path {}
