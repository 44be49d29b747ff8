//! The macros' integration tests, in one binary: what the generated code
//! does when the router calls it (`dispatch`), and every compile error and
//! accepted form, pinned by trybuild (`trybuild`).

mod dispatch;
mod trybuild;
