//! Each new pair of `bench/load.sh` answers the same request alike, inside
//! actix-web (`actix_web::test`), as `benches/actix_paired.rs` checks the
//! first pair: the Desk pair a 1-event and a 10-event delivery, and a
//! forged token; the store pair the sample callback on SQLite and on
//! PostgreSQL, each side keeping it (the hand-written side with the
//! security context sealed), each starting empty on PostgreSQL.
//!
//! The PostgreSQL tests need a server: `scripts/with-postgres.sh cargo test
//! -p bench-servers --test pairs`; without it they are skipped with one
//! line saying so, unless `CALLBACK_TEST_POSTGRES_REQUIRED=1`.

#[path = "../../../callback-store/tests/common/postgres.rs"]
mod pg;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{App, test, web};
use bench_servers::desk::{ok_body, request};
use bench_servers::desk_hand_written::DESK_PATH;
use bench_servers::store_hand_written::{Db, HandWritten, NONCE_LEN};
use bench_servers::{OK_BODY, PATH};
use callback_actix::callback_core::testing::desk::TestDeskRequest;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::Row;

const SECRET: &str = "bench-secret-of-plugin-manifest";
const SAMPLE: &str = r#"{"event":"onZohoAuthorise","orgId":387238,"securityContext":"2398deio3qwnx3c9xwi3nc3njkh9jfico"}"#;
const CONTEXT: &str = "2398deio3qwnx3c9xwi3nc3njkh9jfico";
const ORG: u64 = 387238;
/// A store key (the base64 of 32 bytes), as `ZOHO_STORE_KEY` holds it.
const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// The status and body `app` answers `req` with.
async fn answer<S, R>(app: &S, req: R) -> (u16, String)
where
    S: Service<R, Response = ServiceResponse, Error = actix_web::Error>,
{
    let response = test::call_service(app, req).await;
    let status = response.status().as_u16();
    let body = test::read_body(response).await;
    (
        status,
        String::from_utf8(body.to_vec()).expect("a UTF-8 body"),
    )
}

/// The signed sample callback.
fn sample_callback() -> test::TestRequest {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    mac.update(SAMPLE.as_bytes());
    test::TestRequest::post()
        .uri(PATH)
        .insert_header(("HASH", hex::encode(mac.finalize().into_bytes())))
        .insert_header(("Content-Type", "application/json"))
        .set_payload(SAMPLE)
}

/// The delivery of `delivery` as an actix-web request.
fn desk_request(delivery: &TestDeskRequest) -> test::TestRequest {
    let mut req = test::TestRequest::post()
        .uri(&delivery.uri())
        .insert_header(("Content-Type", "application/json"))
        .set_payload(delivery.body.clone());
    if let Some(token) = &delivery.token {
        req = req.insert_header(("X-ZDesk-JWT", token.as_str()));
    }
    req
}

#[actix_web::test]
async fn the_desk_pair_answers_a_1_and_a_10_event_delivery_alike() {
    let framework =
        test::init_service(App::new().service(bench_servers::desk_framework::routes())).await;
    let hand_written =
        test::init_service(App::new().configure(bench_servers::desk_hand_written::configure)).await;
    for events in [1, 10] {
        let delivery = request(events);
        assert_eq!(delivery.path, DESK_PATH);
        let expected = (200, ok_body(events as usize));
        assert_eq!(
            answer(&framework, desk_request(&delivery).to_request()).await,
            expected
        );
        assert_eq!(
            answer(&hand_written, desk_request(&delivery).to_request()).await,
            expected
        );
    }
}

#[actix_web::test]
async fn the_desk_pair_refuses_a_token_signed_by_another_key_alike() {
    let framework =
        test::init_service(App::new().service(bench_servers::desk_framework::routes())).await;
    let hand_written =
        test::init_service(App::new().configure(bench_servers::desk_hand_written::configure)).await;
    let forged = bench_servers::desk::delivery(1)
        .signed_with_other_key()
        .build();
    assert_eq!(
        answer(&framework, desk_request(&forged).to_request())
            .await
            .0,
        401
    );
    assert_eq!(
        answer(&hand_written, desk_request(&forged).to_request())
            .await
            .0,
        401
    );
}

/// The sample callback, sent twice to each side of the store pair on the
/// databases `framework_url` and `hand_written_url`: `200` and the same
/// body each time, and each side keeps the org as authorised twice, with
/// its security context (sealed on the hand-written side, which holds no
/// plaintext and opens to the context).
async fn store_pair_answers_alike(framework_url: &str, hand_written_url: &str) {
    let store = bench_servers::store_framework::open(framework_url, KEY)
        .await
        .expect("the framework's store opens");
    let framework = test::init_service(App::new().service(bench_servers::store_framework::routes(
        SECRET,
        store.clone(),
    )))
    .await;
    let state = web::Data::new(
        HandWritten::open(SECRET, hand_written_url, KEY)
            .await
            .expect("the hand-written database opens"),
    );
    let hand_written = test::init_service(App::new().configure({
        let state = state.clone();
        move |config| bench_servers::store_hand_written::configure(config, state)
    }))
    .await;
    for _ in 0..2 {
        let expected = (200, OK_BODY.to_owned());
        assert_eq!(
            answer(&framework, sample_callback().to_request()).await,
            expected
        );
        assert_eq!(
            answer(&hand_written, sample_callback().to_request()).await,
            expected
        );
    }

    let org = store
        .installation(ORG)
        .await
        .expect("the store answers")
        .expect("the org is kept");
    assert!(org.zoho_authorised);
    assert_eq!(org.callbacks, 2);
    assert_eq!(
        org.security_context.as_ref().map(|c| c.expose().to_owned()),
        Some(CONTEXT.to_owned())
    );

    let select = "SELECT zoho_authorised, callbacks, context FROM bench_installations \
                  WHERE org_id = '387238'";
    let (authorised, callbacks, sealed): (bool, i64, Vec<u8>) = match state.db() {
        Db::Sqlite(pool) => {
            let row = sqlx::query(select).fetch_one(pool).await.unwrap();
            (row.get(0), row.get(1), row.get(2))
        }
        Db::Postgres(pool) => {
            let row = sqlx::query(select).fetch_one(pool).await.unwrap();
            (row.get(0), row.get(1), row.get(2))
        }
    };
    assert!(authorised);
    assert_eq!(callbacks, 2);
    assert!(sealed.len() > NONCE_LEN);
    assert!(
        !sealed
            .windows(CONTEXT.len())
            .any(|w| w == CONTEXT.as_bytes()),
        "the context is kept in plaintext"
    );
    assert_eq!(
        state.open_sealed(ORG, &sealed).as_deref(),
        Some(CONTEXT.as_bytes())
    );
    // Sealed for this org only.
    assert_eq!(state.open_sealed(ORG + 1, &sealed), None);
}

#[actix_web::test]
async fn the_store_pair_answers_the_sample_callback_alike_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = |name: &str| format!("sqlite://{}", dir.path().join(name).display());
    store_pair_answers_alike(&url("framework.db"), &url("hand-written.db")).await;
}

#[actix_web::test]
async fn the_store_pair_answers_the_sample_callback_alike_on_postgres() {
    let Some(url) = pg::new_database().await else {
        return;
    };
    // Both sides on one database, each in its own schema.
    store_pair_answers_alike(&url, &url).await;
}

#[actix_web::test]
async fn each_store_server_starts_empty_on_postgres() {
    let Some(url) = pg::new_database().await else {
        return;
    };
    store_pair_answers_alike(&url, &url).await;
    // Started again on the same database: the org is gone from both sides.
    let store = bench_servers::store_framework::open(&url, KEY)
        .await
        .expect("the framework's store opens again");
    assert!(store.installation(ORG).await.unwrap().is_none());
    let state = HandWritten::open(SECRET, &url, KEY)
        .await
        .expect("the hand-written database opens again");
    let Db::Postgres(pool) = state.db() else {
        panic!("a PostgreSQL URL opens PostgreSQL")
    };
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bench_installations")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(rows, 0);
}
