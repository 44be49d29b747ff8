//! A router served by a real `axum::serve` on `127.0.0.1:0`, in its own
//! thread and Tokio runtime: what the contract runs against over real HTTP.

use callback_axum::CallbackRoutes;
use callback_contract::{Calls, fixture};
use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::oneshot;

/// The fixture's routes, counting handler calls in `calls`.
pub(crate) fn routes(calls: &Calls) -> CallbackRoutes {
    fixture::callbacks::<CallbackRoutes>(calls)
        .build()
        .expect("the fixture is valid")
}

/// A real server on `127.0.0.1:0` on a one-thread runtime, stopped when
/// dropped (its connections with it, however far they got).
pub(crate) struct TestServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Serves the fixture's routes at the root, counting handler calls in
    /// the returned [`Calls`].
    pub(crate) fn fixture() -> (Self, Calls) {
        let calls = Calls::default();
        (TestServer::start(routes(&calls).into_router()), calls)
    }

    /// Serves `app`.
    pub(crate) fn start(app: axum::Router) -> Self {
        let (started, addr) = std::sync::mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
                    .await
                    .expect("bind 127.0.0.1:0");
                started
                    .send(listener.local_addr().expect("an address"))
                    .expect("the test waits");
                tokio::select! {
                    served = axum::serve(listener, app) => served.expect("the server runs"),
                    _ = stopped => {}
                }
            });
            // Connections still open (a stalled client's) end here.
            runtime.shutdown_timeout(Duration::from_secs(1));
        });
        TestServer {
            addr: addr.recv().expect("the server starts"),
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The bound address.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
