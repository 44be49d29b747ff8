// `#[deprecated]` stays on the function: callers are warned (here, denied),
// while the generated code that calls it is not.
#![deny(deprecated)]

use callback_core::callbacks;
use callback_macros::on_update;

#[on_update]
#[deprecated = "use `updated_v2`"]
async fn updated() {}

fn main() {
    let _ = callbacks![updated];
    let _ = updated();
}
