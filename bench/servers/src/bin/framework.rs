//! The framework's server for `bench/load.sh`: `callbacks![noop]` on one
//! worker at `127.0.0.1:$BENCH_PORT`, secret from `ZOHO_EXTENSION_SECRET`.

use actix_web::App;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let routes = bench_servers::framework::routes(&bench_servers::secret_from_env()?);
    bench_servers::serve_actix(move || App::new().service(routes.clone())).await
}
