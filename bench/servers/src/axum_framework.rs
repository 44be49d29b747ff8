//! The framework's server on axum: the same `callbacks![noop]` as
//! [`framework`](crate::framework), built with callback-axum's `Callbacks`
//! and served as `examples/hello-axum` serves its handler.

use crate::framework::noop;
use callback_axum::prelude::*;

/// The app for `secret`.
pub fn app(secret: &str) -> axum::Router {
    Callbacks::new(callbacks![noop])
        .secret(Secret::new(secret).expect("a valid secret"))
        .build()
        .expect("a valid configuration")
        .into_router()
}
