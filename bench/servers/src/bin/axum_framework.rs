//! The framework's axum server for `bench/load.sh`: `callbacks![noop]`
//! through callback-axum on a one-thread runtime at `127.0.0.1:$BENCH_PORT`,
//! secret from `ZOHO_EXTENSION_SECRET`.

fn main() -> std::io::Result<()> {
    let app = bench_servers::axum_framework::app(&bench_servers::secret_from_env()?);
    bench_servers::serve_axum(app)
}
