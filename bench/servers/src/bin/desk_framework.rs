//! The framework's Desk server for `bench/load.sh`: a no-op `Ticket_Add`
//! handler behind the framework's webhook, tokens checked against the TEST
//! key set, on one worker at `127.0.0.1:$BENCH_PORT`.

use actix_web::App;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let routes = bench_servers::desk_framework::routes();
    bench_servers::serve_actix(move || App::new().service(routes.clone())).await
}
