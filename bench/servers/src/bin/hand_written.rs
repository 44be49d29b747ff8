//! The hand-written server for `bench/load.sh`: one actix-web handler doing
//! the framework's work by hand, on one worker at `127.0.0.1:$BENCH_PORT`,
//! secret from `ZOHO_EXTENSION_SECRET`.

use actix_web::{App, HttpServer};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let secret = bench_servers::secret_from_env()?;
    HttpServer::new(move || {
        App::new().configure(|config| bench_servers::hand_written::configure(config, &secret))
    })
    .workers(1)
    .shutdown_timeout(1)
    .bind(bench_servers::address()?)?
    .run()
    .await
}
