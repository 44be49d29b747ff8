//! The fixture served by a real `actix_web::HttpServer` on `127.0.0.1:0`:
//! what the contract runs against over real HTTP. Also compiled into
//! `callback-tests` (its `src/lib.rs`), for its black-box tests.

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpServer};
use callback_actix::CallbackRoutes;
use callback_contract::{Calls, fixture};
use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::Duration;

/// How long actix waits for a request head before answering `408`. Actix
/// reads its clock in 500 ms steps, so a 408 can come up to 500 ms early:
/// the bound leaves a loaded machine room to read a whole head sent at
/// once. Tests of stalled clients choose their own bound
/// ([`TestServer::start_with_head_timeout`]).
pub const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(2);

/// The fixture's routes, counting handler calls in `calls`.
pub fn routes(calls: &Calls) -> CallbackRoutes {
    fixture::callbacks::<CallbackRoutes>(calls)
        .build()
        .expect("the fixture is valid")
}

/// A real server on `127.0.0.1:0` with one worker, in its own thread and
/// actix `System`, stopped when dropped.
pub struct TestServer {
    addr: SocketAddr,
    handle: ServerHandle,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Serves the fixture's routes, counting handler calls in the returned
    /// [`Calls`].
    pub fn fixture() -> (Self, Calls) {
        let calls = Calls::default();
        (TestServer::start(routes(&calls)), calls)
    }

    /// Serves `routes` (mounted with `App::service`).
    pub fn start(routes: CallbackRoutes) -> Self {
        TestServer::start_with_head_timeout(routes, CLIENT_REQUEST_TIMEOUT)
    }

    /// [`TestServer::start`], giving clients `head_timeout` to send a
    /// request head instead of [`CLIENT_REQUEST_TIMEOUT`]: for tests that
    /// open many connections at once on a machine that may be loaded.
    pub fn start_with_head_timeout(routes: CallbackRoutes, head_timeout: Duration) -> Self {
        let (sender, receiver) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || App::new().service(routes.clone()))
                    .workers(1)
                    .disable_signals()
                    .client_request_timeout(head_timeout)
                    .shutdown_timeout(1)
                    .bind(("127.0.0.1", 0))
                    .expect("bind 127.0.0.1:0");
                let addr = server.addrs()[0];
                let server = server.run();
                sender
                    .send((addr, server.handle()))
                    .expect("the test waits");
                server.await.expect("the server runs");
            });
        });
        let (addr, handle) = receiver.recv().expect("the server starts");
        TestServer {
            addr,
            handle,
            thread: Some(thread),
        }
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // `stop` sends the command at once; its future only waits for it.
        drop(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
