// The handler is invalid (not `async`), yet the function is still emitted
// unchanged, and so is its companion type: calling the function and listing
// it in `callbacks![]` add no error of their own. The one type error below is
// there to prove the call resolves to the emitted function (`u64`, not `&str`).
use callback_core::{OrgId, callbacks};
use callback_macros::on_install;

#[on_install(path = "/zoho/install")]
fn installed(org: OrgId) -> u64 {
    org.get()
}

fn main() {
    let id: &str = installed(OrgId::new(1));
    let handlers = callbacks![installed];
    let _ = (id, handlers);
}
