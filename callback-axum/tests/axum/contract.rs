//! The whole HTTP contract table of `callback-contract`, over real HTTP:
//! the fixture built as `CallbackRoutes`, turned into an `axum::Router`,
//! served by `axum::serve` on `127.0.0.1:0`, every row sent through the
//! raw-HTTP peer and checked (status, `error` code, JSON `Content-Type`,
//! `Allow` on a `405`, which handler ran, and the timing of timeouts). The
//! same table, unchanged, is what callback-actix's contract test runs.

use crate::server::TestServer;
use callback_contract::run_contract;

#[test]
fn the_contract_table_holds_over_real_http() {
    let (server, calls) = TestServer::fixture();
    run_contract(server.addr(), &calls);
}
