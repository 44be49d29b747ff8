//! The hand-written server for `bench/load.sh`: one actix-web handler doing
//! the framework's work by hand, on one worker at `127.0.0.1:$BENCH_PORT`,
//! secret from `ZOHO_EXTENSION_SECRET`.

use actix_web::App;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let secret = bench_servers::secret_from_env()?;
    bench_servers::serve_actix(move || {
        App::new().configure(|config| bench_servers::hand_written::configure(config, &secret))
    })
    .await
}
