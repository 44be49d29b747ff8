//! Black-box helpers: the fixture extension of `callback-contract` served
//! by a real `actix_web::HttpServer` on `127.0.0.1:0`. The fixture, the
//! contract table, the raw-HTTP peer and the search for leaked secrets are
//! `callback-contract`'s; only starting the actix server is here.

// The same server the contract tests of callback-actix run against.
#[path = "../../callback-actix/tests/actix/server.rs"]
mod server;

pub use server::{CLIENT_REQUEST_TIMEOUT, TestServer, routes};
