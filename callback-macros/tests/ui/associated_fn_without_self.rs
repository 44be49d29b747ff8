// A known limit: a macro cannot tell that it sits in an `impl` block unless
// the function takes `self` (see `self_receiver.rs`). Here the companion
// type it declares is refused by rustc, which says to move it out.
use callback_macros::on_install;

struct Extension;

impl Extension {
    #[on_install]
    async fn installed() {}
}

fn main() {}
