//! Configuring and mounting: `Callbacks::build` reports misconfiguration,
//! `into_config` panics with a clear message, the routes render their
//! `callbackListener`, and every way of mounting them serves the callbacks.

use crate::server::routes;
use actix_web::test::{TestRequest, call_service, init_service};
use actix_web::{App, web};
use callback_actix::prelude::*;
use callback_actix::test::signed;
use callback_contract::Calls;
use callback_contract::fixture::{self, SHARED_PATH, path_of, secret};
use callback_core::BuildError;

#[derive(Clone)]
struct Db;

/// Needs a `Db` that the tests below do not provide.
#[on_install]
async fn needs_db(_db: State<Db>) {}

#[test]
fn build_without_a_secret_is_an_error_that_says_what_to_call() {
    let err = Callbacks::new(callbacks![needs_db])
        .state(Db)
        .build()
        .unwrap_err();
    assert_eq!(err, BuildError::NoSecret);
    assert!(err.to_string().contains("`.secret(...)`"), "{err}");
}

#[test]
fn build_with_missing_state_is_an_error_naming_handler_and_type() {
    let err = Callbacks::new(callbacks![needs_db])
        .secret(secret())
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::MissingState { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("building::needs_db"), "{message}");
    assert!(message.contains("building::Db"), "{message}");
    assert!(message.contains(".state(value)"), "{message}");
}

#[test]
fn into_config_panics_with_the_build_error() {
    let panic =
        std::panic::catch_unwind(|| Callbacks::new(callbacks![needs_db]).state(Db).into_config())
            .err()
            .expect("an invalid configuration panics");
    let message = panic.downcast_ref::<String>().expect("a formatted message");
    assert_eq!(
        message,
        &format!("invalid callback configuration: {}", BuildError::NoSecret)
    );
}

#[test]
fn callback_listener_maps_each_event_to_its_url() {
    let listener = routes(&Calls::default())
        .callback_listener("https://ext.example.com/")
        .unwrap();
    let expected: Vec<(Event, String)> = Event::ALL
        .into_iter()
        .map(|event| (event, format!("https://ext.example.com{}", path_of(event))))
        .collect();
    let actual: Vec<(Event, String)> = listener
        .entries()
        .map(|(event, url)| (event, url.to_owned()))
        .collect();
    assert_eq!(actual, expected);
    assert!(listener.to_json_pretty().contains(&format!(
        "\"onConfigParamAdd\": \"https://ext.example.com{SHARED_PATH}\""
    )));
}

#[test]
fn callback_listener_refuses_a_base_url_that_is_not_http() {
    let err = routes(&Calls::default())
        .callback_listener("ext.example.com")
        .unwrap_err();
    assert!(err.to_string().contains("https://"), "{err}");
}

/// Asserts that `$app` handles a signed `onInstall` under `$prefix` and
/// refuses a `GET` there (a macro: the app's type cannot be named).
macro_rules! assert_serves {
    ($app:expr, $calls:expr, $prefix:expr) => {{
        let path = format!("{}/callbacks/onInstall", $prefix);
        let before = $calls.of(Event::Install);
        let post = signed(Event::Install, &secret()).uri(&path).to_request();
        let ok = call_service(&$app, post).await;
        assert_eq!(ok.status(), 200, "POST {path}");
        assert_eq!($calls.of(Event::Install), before + 1);
        let get = call_service(&$app, TestRequest::get().uri(&path).to_request()).await;
        assert_eq!(get.status(), 405, "GET {path}");
        assert_eq!(get.headers().get("allow").unwrap(), "POST");
    }};
}

#[actix_web::test]
async fn mounted_with_app_service() {
    let calls = Calls::default();
    let routes = routes(&calls);
    let app = init_service(App::new().service(routes.clone())).await;
    assert_serves!(app, calls, "");
}

#[actix_web::test]
async fn mounted_with_app_configure() {
    let calls = Calls::default();
    let routes = routes(&calls);
    let app = init_service(App::new().configure(|c| routes.configure(c))).await;
    assert_serves!(app, calls, "");
}

#[actix_web::test]
async fn mounted_with_into_config() {
    let calls = Calls::default();
    let app = init_service(
        App::new().configure(fixture::callbacks::<CallbackRoutes>(&calls).into_config()),
    )
    .await;
    assert_serves!(app, calls, "");
}

#[actix_web::test]
async fn mounted_in_a_scope_they_declare() {
    let calls = Calls::default();
    let zoho = routes(&calls).with_prefix("/zoho").unwrap();
    let desk = routes(&calls).with_prefix("/desk").unwrap();
    let app = init_service(
        App::new()
            .service(web::scope("/zoho").configure(|c| zoho.configure(c)))
            .service(web::scope("/desk").service(desk)),
    )
    .await;
    assert_serves!(app, calls, "/zoho");
    assert_serves!(app, calls, "/desk");
}

#[actix_web::test]
async fn a_percent_encoded_path_reaches_the_resource_it_matched() {
    let calls = Calls::default();
    let app = init_service(App::new().service(routes(&calls))).await;
    let post = signed(Event::Install, &secret())
        .uri("/callbacks/on%49nstall")
        .to_request();
    assert_eq!(call_service(&app, post).await.status(), 200);
    assert_eq!(calls.of(Event::Install), 1);
}
