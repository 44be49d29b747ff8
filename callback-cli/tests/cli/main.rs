//! The integration tests of the `callback` command, in one test binary: one
//! module per subcommand, sharing the process runner and the HTTP server of
//! `common`.

mod common;

mod desk;
mod help;
mod manifest;
mod resources;
mod send;
mod sign_verify;
mod store;
