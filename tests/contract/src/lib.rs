//! The HTTP contract every callback adapter keeps, and what its tests run
//! it with: one fixture extension, one typed table of cases, one raw-HTTP
//! test peer. It depends on the core and the attributes only, never on a
//! web framework, so that every adapter proves the same table unchanged.
//!
//! | module | what |
//! |---|---|
//! | [`fixture`] | the extension: eight handlers, [`Calls`] counting them, the secrets and limits it is served with |
//! | [`table`], [`cases`] | [`Request`], [`Expect`], [`Case`], [`Response`]; every row of the contract |
//! | [`peer`] | the blocking `HTTP/1.1` client that writes a request exactly as its framing says and reads the answer |
//! | [`leaks`] | searching text for pieces of the secrets ([`Forbidden`]), capturing logs ([`LogCapture`]) |
//!
//! # In an adapter's tests
//!
//! Build the adapter's routes from the fixture, serve them on
//! `127.0.0.1:0`, and hand the address to [`run_contract`]:
//!
//! ```ignore
//! use callback_contract::{Calls, fixture, run_contract};
//!
//! #[test]
//! fn the_contract_table_holds_over_real_http() {
//!     let calls = Calls::default();
//!     let routes = fixture::callbacks::<CallbackRoutes>(&calls).build().unwrap();
//!     let server = serve_on_localhost(routes); // the adapter's own server
//!     run_contract(server.addr(), &calls);
//! }
//! ```
//!
//! The server must serve the routes at the root, with nothing else
//! mounted, and count with the same [`Calls`] (its clones share the
//! counts). Tests of what one adapter does beyond the table (mounting,
//! its HTTP stack's own limits) use [`run`] with their own cases, and the
//! [`peer`] for requests no table row describes.

pub mod cases;
pub mod error_status;
pub mod fixture;
pub mod in_process;
pub mod leaks;
pub mod peer;
pub mod table;

pub use fixture::Calls;
pub use leaks::{Forbidden, LogCapture};
pub use peer::{PATIENCE, RawReply};
pub use table::{Case, Expect, Framing, Request, Response};

use std::net::SocketAddr;
use std::time::Instant;

/// Sends each case in turn, each on a new connection, to the fixture served
/// at `addr`, and checks everything it expects: the answer
/// ([`Case::check`], with the handler calls counted by `calls`) and, where
/// the case fixes it, how long the answer took ([`Case::check_elapsed`]).
///
/// # Panics
///
/// At the first case whose answer differs, naming it.
pub fn run(addr: SocketAddr, calls: &Calls, cases: &[Case]) {
    for case in cases {
        let before = calls.snapshot();
        let started = Instant::now();
        let response = peer::send(addr, &case.request);
        let elapsed = started.elapsed();
        case.check(&response, &before, calls);
        case.check_elapsed(elapsed);
    }
}

/// Runs the whole table ([`cases::all`]) against the fixture served at
/// `addr`: what every adapter's contract test calls.
///
/// # Panics
///
/// At the first case whose answer differs, naming it.
pub fn run_contract(addr: SocketAddr, calls: &Calls) {
    run(addr, calls, &cases::all());
}
