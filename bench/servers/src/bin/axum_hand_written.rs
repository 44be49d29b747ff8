//! The hand-written axum server for `bench/load.sh`: one axum handler doing
//! the framework's work by hand, on a one-thread runtime at
//! `127.0.0.1:$BENCH_PORT`, secret from `ZOHO_EXTENSION_SECRET`.

fn main() -> std::io::Result<()> {
    let app = bench_servers::axum_hand_written::app(&bench_servers::secret_from_env()?);
    bench_servers::serve_axum(app)
}
