//! Where the routes are mounted is where the manifest says: a declared
//! prefix is written into the `callbackListener` and served in its scope;
//! a scope the routes do not declare, or a declared prefix at the root,
//! refuses to start; a scope of another path refuses every request.

use crate::server::routes;
use actix_web::test::{TestRequest, call_service, init_service, read_body};
use actix_web::{App, web};
use callback_actix::prelude::*;
use callback_actix::test::{desk_delivery, signed};
use callback_contract::Calls;
use callback_contract::fixture::{ORG_ID, delivery, secret};
use callback_core::mount::MountMismatch;
use serde_json::Value;

/// The message registering `app` panicked with: the application refused
/// to start.
fn refusal_to_start<F>(app: impl FnOnce() -> App<F>) -> String
where
    F: actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
            InitError = (),
        > + 'static,
{
    // Nothing is observed after the panic but its message.
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        actix_web::rt::System::new().block_on(async { drop(init_service(app()).await) })
    }))
    .expect_err("mounting panics");
    match panic.downcast::<String>() {
        Ok(message) => *message,
        Err(other) => panic!("not a formatted message: {:?}", other.type_id()),
    }
}

fn mismatch(declared: &str, actual: Option<&str>) -> String {
    MountMismatch {
        declared: declared.to_owned(),
        actual: actual.map(str::to_owned),
    }
    .to_string()
}

#[actix_web::test]
async fn a_declared_prefix_is_served_in_its_scope_and_named_in_the_listener() {
    let calls = Calls::default();
    let routes = routes(&calls).with_prefix("/zoho").unwrap();
    let listener = routes.callback_listener("https://ext.example.com").unwrap();
    assert_eq!(
        listener.url(Event::Install),
        Some("https://ext.example.com/zoho/callbacks/onInstall")
    );
    let app = init_service(App::new().service(web::scope("/zoho").service(routes.clone()))).await;
    let post = signed(Event::Install, &secret())
        .uri("/zoho/callbacks/onInstall")
        .to_request();
    assert_eq!(call_service(&app, post).await.status(), 200);
    assert_eq!(calls.of(Event::Install), 1);
    let get = TestRequest::get()
        .uri("/zoho/callbacks/onInstall")
        .to_request();
    let refused = call_service(&app, get).await;
    assert_eq!(refused.status(), 405);
    assert_eq!(refused.headers().get("allow").unwrap(), "POST");
    let webhook = TestRequest::get().uri("/zoho/desk/deskEvents").to_request();
    assert_eq!(call_service(&app, webhook).await.status(), 200);
    let delivered = desk_delivery(&delivery([]))
        .uri(&format!("/zoho/desk/deskEvents?orgId={ORG_ID}"))
        .to_request();
    assert_eq!(call_service(&app, delivered).await.status(), 200);
}

#[actix_web::test]
async fn nested_scopes_are_one_prefix() {
    let calls = Calls::default();
    let routes = routes(&calls).with_prefix("/a/b").unwrap();
    let app = init_service(
        App::new()
            .service(web::scope("/a").service(web::scope("/b").configure(|c| routes.configure(c)))),
    )
    .await;
    let post = signed(Event::Install, &secret())
        .uri("/a/b/callbacks/onInstall")
        .to_request();
    assert_eq!(call_service(&app, post).await.status(), 200);
    assert_eq!(calls.of(Event::Install), 1);
}

#[test]
fn a_scope_around_routes_that_do_not_declare_it_refuses_to_start() {
    let expected = mismatch("", None);
    let calls = Calls::default();
    let service = routes(&calls);
    let message =
        refusal_to_start(move || App::new().service(web::scope("/zoho").service(service)));
    assert_eq!(message, expected);
    let configured = routes(&calls);
    let message = refusal_to_start(move || {
        App::new().service(web::scope("/zoho").configure(move |c| configured.configure(c)))
    });
    assert_eq!(message, expected);
    assert!(message.contains("`.with_prefix(\"/…\")`"), "{message}");
}

#[test]
fn a_declared_prefix_at_the_root_refuses_to_start() {
    let calls = Calls::default();
    let routes = routes(&calls).with_prefix("/zoho").unwrap();
    let message = refusal_to_start(move || App::new().service(routes));
    assert_eq!(message, mismatch("/zoho", Some("")));
    assert!(message.contains("web::scope(\"/zoho\")"), "{message}");
}

#[actix_web::test]
async fn a_scope_of_another_path_refuses_every_request_and_runs_nothing() {
    let calls = Calls::default();
    let routes = routes(&calls).with_prefix("/zoho").unwrap();
    let app = init_service(App::new().service(web::scope("/other").service(routes))).await;
    let expected = mismatch("/zoho", Some("/other"));
    let requests = [
        signed(Event::Install, &secret()).uri("/other/callbacks/onInstall"),
        TestRequest::put().uri("/other/callbacks/onInstall"),
        TestRequest::get().uri("/other/desk/deskEvents"),
        desk_delivery(&delivery([])).uri(&format!("/other/desk/deskEvents?orgId={ORG_ID}")),
    ];
    for request in requests {
        let response = call_service(&app, request.to_request()).await;
        assert_eq!(response.status(), 404);
        let body: Value = serde_json::from_slice(&read_body(response).await).unwrap();
        assert_eq!(body["error"], "not_found");
        assert_eq!(body["message"], expected.as_str());
    }
    assert_eq!(calls.total(), 0);
}

#[test]
fn an_invalid_prefix_is_an_error() {
    let err = routes(&Calls::default()).with_prefix("/zoho/").unwrap_err();
    assert_eq!(
        err.to_string(),
        "a mount prefix must not end with `/`: write \"/zoho\" (\"\" is the root)"
    );
}
