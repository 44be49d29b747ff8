//! The two servers' request handling inside actix-web, without sockets:
//! `actix_web::test::call_service` on a prebuilt request (routing,
//! extractors, body read, verification, parse, handler, response), framework
//! against hand-written.
//!
//! With no arguments (as `cargo bench -p bench-servers --bench actix_paired`
//! runs it) it alternates batches of the two, A B A B …, and prints the
//! median time per request of each and the median per-round ratio. With a
//! side and a count it serves only that side, for counting instructions with
//! `valgrind --tool=callgrind` (`bench/instructions.sh`):
//!
//! ```text
//! actix_paired framework|hand_written COUNT
//! ```

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{App, test};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::hint::black_box;
use std::time::Instant;

const SECRET: &str = "bench-secret-of-plugin-manifest";
const SAMPLE: &str = r#"{"event":"onZohoAuthorise","orgId":387238,"securityContext":"2398deio3qwnx3c9xwi3nc3njkh9jfico"}"#;

/// Serves `count` prebuilt requests; the time spent serving them, in ns.
async fn serve<S, R>(app: &S, make: &impl Fn() -> R, count: usize) -> f64
where
    S: Service<R, Response = ServiceResponse, Error = actix_web::Error>,
{
    let requests: Vec<R> = (0..count).map(|_| make()).collect();
    let start = Instant::now();
    for req in requests {
        let response = test::call_service(app, req).await;
        debug_assert_eq!(response.status(), 200);
        black_box(response);
    }
    start.elapsed().as_nanos() as f64
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    mac.update(SAMPLE.as_bytes());
    let hash = hex::encode(mac.finalize().into_bytes());
    let make = || {
        test::TestRequest::post()
            .uri(bench_servers::PATH)
            .insert_header(("HASH", hash.as_str()))
            .insert_header(("Content-Type", "application/json"))
            .set_payload(SAMPLE)
            .to_request()
    };

    actix_web::rt::System::new().block_on(async {
        let framework =
            test::init_service(App::new().service(bench_servers::framework::routes(SECRET))).await;
        let hand_written = test::init_service(
            App::new().configure(|c| bench_servers::hand_written::configure(c, SECRET)),
        )
        .await;
        for response in [
            test::call_service(&framework, make()).await,
            test::call_service(&hand_written, make()).await,
        ] {
            assert_eq!(response.status(), 200);
            assert_eq!(test::read_body(response).await, bench_servers::OK_BODY);
        }

        match args.first().map(String::as_str) {
            Some(side @ ("framework" | "hand_written")) => {
                let count = args
                    .get(1)
                    .and_then(|n| n.parse().ok())
                    .expect("usage: actix_paired framework|hand_written COUNT");
                match side {
                    "framework" => serve(&framework, &make, count).await,
                    _ => serve(&hand_written, &make, count).await,
                };
            }
            _ => {
                let rounds = if args.iter().any(|a| a == "--bench") {
                    300
                } else {
                    3
                };
                let batch = 500;
                let (mut fw, mut hw, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
                for round in 0..rounds {
                    let (a, b) = if round % 2 == 0 {
                        let a = serve(&framework, &make, batch).await;
                        (a, serve(&hand_written, &make, batch).await)
                    } else {
                        let b = serve(&hand_written, &make, batch).await;
                        (serve(&framework, &make, batch).await, b)
                    };
                    fw.push(a / batch as f64);
                    hw.push(b / batch as f64);
                    ratios.push(a / b);
                }
                println!("actix call_service/sample (ns per request)");
                println!("  framework     {:10.1}", median(&mut fw));
                println!("  hand-written  {:10.1}", median(&mut hw));
                println!("  ratio (median of rounds) {:.3}", median(&mut ratios));
            }
        }
    });
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
