//! The framework's server: a no-op handler made by the real attribute,
//! mounted with `Callbacks` as `examples/hello` does.

use callback_actix::prelude::*;
use std::hint::black_box;

/// Does nothing with the callback but take its org id.
#[on_zoho_authorise]
pub(crate) async fn noop(org: OrgId) {
    black_box(org);
}

/// The routes for `secret`.
pub fn routes(secret: &str) -> CallbackRoutes {
    Callbacks::new(callbacks![noop])
        .secret(Secret::new(secret).expect("a valid secret"))
        .build()
        .expect("a valid configuration")
}
