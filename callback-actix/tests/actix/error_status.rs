//! A handler's error chooses the answer's status and code through
//! `ErrorStatus`, over real HTTP: callback-contract's `error_status`
//! handlers and answers, served by actix.

use crate::server::TestServer;
use callback_actix::CallbackRoutes;
use callback_contract::error_status;

#[test]
fn a_handler_error_answers_the_status_and_code_it_chose_and_500_by_default() {
    let routes = error_status::callbacks::<CallbackRoutes>()
        .build()
        .expect("valid");
    let server = TestServer::start(routes);
    error_status::run(server.addr());
}
