//! The hand-written Desk server for `bench/load.sh`: one actix-web handler
//! doing the framework's work for a delivery by hand, tokens checked
//! against the TEST public key, on one worker at `127.0.0.1:$BENCH_PORT`.

use actix_web::App;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    bench_servers::serve_actix(|| App::new().configure(bench_servers::desk_hand_written::configure))
        .await
}
