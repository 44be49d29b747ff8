//! The hand-written store server for `bench/load.sh`: one actix-web
//! handler upserting the org's row by hand through sqlx on the database of
//! `DATABASE_URL` (`sqlite://PATH`, or `postgres://…`, where its schema is
//! made again at start), the security context sealed under
//! `ZOHO_STORE_KEY`, on one worker at `127.0.0.1:$BENCH_PORT`, secret from
//! `ZOHO_EXTENSION_SECRET`.

use actix_web::{App, web};
use bench_servers::store_hand_written::{HandWritten, configure};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let secret = bench_servers::secret_from_env()?;
    let (database_url, key) = bench_servers::store::settings_from_env()?;
    let state = web::Data::new(HandWritten::open(&secret, &database_url, &key).await?);
    bench_servers::serve_actix(move || {
        App::new().configure(|config| configure(config, state.clone()))
    })
    .await
}
