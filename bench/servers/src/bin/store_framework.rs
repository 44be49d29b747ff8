//! The framework's store server for `bench/load.sh`: `callbacks![noop]`
//! with the framework's installation store on the database of
//! `DATABASE_URL` (`sqlite://PATH`, or `postgres://…`, where its schema is
//! made again at start) under `ZOHO_STORE_KEY`, on one worker at
//! `127.0.0.1:$BENCH_PORT`, secret from `ZOHO_EXTENSION_SECRET`.

use actix_web::App;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let secret = bench_servers::secret_from_env()?;
    let (database_url, key) = bench_servers::store::settings_from_env()?;
    let store = bench_servers::store_framework::open(&database_url, &key).await?;
    let routes = bench_servers::store_framework::routes(&secret, store);
    bench_servers::serve_actix(move || App::new().service(routes.clone())).await
}
