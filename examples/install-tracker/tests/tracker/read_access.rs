//! Who may read `GET /orgs/{orgId}`: with `ADMIN_TOKEN`, only a request
//! with `Authorization: Bearer <ADMIN_TOKEN>` (anything else is `401`);
//! without it, anyone while the server is bound to a loopback address, and
//! nobody (`403`) while it is bound to an address other machines may reach.
//! The server says which at start, and never shows the token.

use crate::common;

use actix_web::{App, test as actix_test};
use callback_actix::callback_core::testing::TestCallback;
use callback_actix::callback_core::testing::desk::test_keys;
use callback_actix::prelude::*;
use callback_actix::test::request;
use common::{Tracker, get};
use install_tracker::{AdminToken, ReadAccess, app_config, callback_routes};
use serde_json::json;

const TOKEN: &str = "adm-7c1e0b94d2f6a835";
/// The org of callback 0 ([`install`]).
const ORG: u64 = common::ORG_BASE;

/// Records callback 0 of the common set: an install from [`ORG`].
fn install(base_url: &str) {
    assert_eq!(common::event_of(0), Event::Install);
    assert_eq!(
        common::send_blocking(base_url, 0),
        Ok((200, "ok".to_owned()))
    );
}

fn unauthorized() -> serde_json::Value {
    json!({
        "error": "unauthorized",
        "message": "GET /orgs/{orgId} needs the header Authorization: Bearer <ADMIN_TOKEN>",
    })
}

#[test]
fn with_a_token_only_the_right_bearer_reads() {
    let dir = tempfile::tempdir().unwrap();
    let server = Tracker::start_with(&dir.path().join("t.db"), &[("ADMIN_TOKEN", TOKEN)]);
    assert_eq!(
        server.stdout_line("read API:"),
        "read API: GET /orgs/{orgId} needs Authorization: Bearer <ADMIN_TOKEN>"
    );
    install(&server.base_url);
    let path = format!("/orgs/{ORG}");

    assert_eq!(get(&server.base_url, &path, &[]), (401, unauthorized()));
    for wrong in [
        "Bearer adm-7c1e0b94d2f6a836",
        "Bearer adm-7c1e0b94d2f6a835x",
        "Bearer ",
        "Basic adm-7c1e0b94d2f6a835",
        "adm-7c1e0b94d2f6a835",
    ] {
        assert_eq!(
            get(&server.base_url, &path, &[("Authorization", wrong)]),
            (401, unauthorized()),
            "{wrong}"
        );
    }
    let bearer = format!("Bearer {TOKEN}");
    let (status, state) = get(&server.base_url, &path, &[("Authorization", &bearer)]);
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["events"], json!(["onInstall"]));
    // The token is checked first: a bad org id is 401 without it, 400
    // with it (the scheme in any case).
    assert_eq!(get(&server.base_url, "/orgs/abc", &[]).0, 401);
    let bearer_lower = format!("bearer {TOKEN}");
    assert_eq!(
        get(
            &server.base_url,
            "/orgs/abc",
            &[("Authorization", &bearer_lower)]
        )
        .0,
        400
    );

    let printed = server.printed();
    assert!(!printed.contains(TOKEN), "{printed}");
    server.stop();
}

#[test]
fn without_a_token_on_loopback_anyone_reads() {
    let dir = tempfile::tempdir().unwrap();
    let server = Tracker::start(&dir.path().join("t.db"));
    assert_eq!(
        server.stdout_line("read API:"),
        "read API: GET /orgs/{orgId} is served without a token, because ADMIN_TOKEN is unset \
         and the server is bound to a loopback address"
    );
    install(&server.base_url);
    let (status, state) = get(&server.base_url, &format!("/orgs/{ORG}"), &[]);
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["events"], json!(["onInstall"]));
    server.stop();
}

#[test]
fn without_a_token_on_a_non_loopback_address_nobody_reads() {
    let dir = tempfile::tempdir().unwrap();
    let server = Tracker::start_with(&dir.path().join("t.db"), &[("BIND_ADDR", "0.0.0.0:0")]);
    let port = server.addr().rsplit_once(':').unwrap().1.to_owned();
    assert_eq!(server.addr(), format!("0.0.0.0:{port}"));
    let local = format!("http://127.0.0.1:{port}");
    let warning = server.stdout_line("read API:");
    assert!(warning.contains(" WARN "), "{warning}");
    assert!(
        warning.ends_with(
            "read API: GET /orgs/{orgId} answers 403, because ADMIN_TOKEN is unset and the \
             server is bound to an address other machines may reach; set ADMIN_TOKEN to serve it"
        ),
        "{warning}"
    );
    // Callbacks are still served.
    install(&local);
    assert_eq!(
        get(&local, &format!("/orgs/{ORG}"), &[]),
        (
            403,
            json!({
                "error": "read_api_closed",
                "message": "ADMIN_TOKEN is unset and this server is bound to an address other \
                            machines may reach, so GET /orgs/{orgId} is closed; restart it with \
                            ADMIN_TOKEN set and send Authorization: Bearer <ADMIN_TOKEN>",
            })
        )
    );
    server.stop();
}

#[actix_web::test]
async fn a_refusal_names_the_bearer_scheme() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::open_db(&dir.path().join("t.db")).await;
    let secret = Secret::new(common::SECRET).unwrap();
    let routes = callback_routes(secret.clone(), db.clone(), test_keys()).unwrap();
    let access = ReadAccess::Token(AdminToken::new(TOKEN).unwrap());
    let app =
        actix_test::init_service(App::new().configure(app_config(&routes, &db, access))).await;
    let install = TestCallback::new(Event::Install, &secret).org_id(ORG);
    let resp = actix_test::call_service(&app, request(&install).to_request()).await;
    assert_eq!(resp.status(), 200, "callbacks need no token");

    let resp = actix_test::call_service(
        &app,
        actix_test::TestRequest::get()
            .uri(&format!("/orgs/{ORG}"))
            .insert_header(("Authorization", "Bearer nope"))
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), 401);
    assert_eq!(resp.headers().get("WWW-Authenticate").unwrap(), "Bearer");
    let body: serde_json::Value = actix_test::read_body_json(resp).await;
    assert_eq!(body, unauthorized());
}
