//! What is logged about a request: the adapter never logs a webhook's
//! query (it holds the Desk security context), tower-http's default
//! `TraceLayer` span does, and `callback_axum::request_span` does not.

use crate::server::routes;
use callback_axum::request_span;
use callback_axum::test::desk_delivery;
use callback_contract::fixture::{SECURITY_CONTEXT, delivery, ticket_with_subject};
use callback_contract::{Calls, Forbidden, LogCapture};
use tower::ServiceExt;
use tower_http::trace::TraceLayer;
use tracing::Level;

/// Everything logged, at every level down to `TRACE`, while `app`
/// answers one delivery with [`SECURITY_CONTEXT`] in its query (on this
/// thread, so no other test's logs mix in).
fn logs_of_a_delivery(app: axum::Router) -> String {
    let capture = LogCapture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let request = desk_delivery(&delivery([ticket_with_subject("Printer on fire")]));
    assert!(request.uri().query().unwrap().contains(SECURITY_CONTEXT));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let response = runtime.block_on(app.oneshot(request)).unwrap();
    assert_eq!(response.status(), 200);
    capture.text()
}

#[test]
fn the_adapter_alone_logs_the_path_and_never_the_query() {
    let text = logs_of_a_delivery(routes(&Calls::default()).into_router());
    assert!(text.contains("/desk/deskEvents"), "{text}");
    Forbidden::for_cases(&[]).assert_absent("the adapter's logs", &text);
}

#[test]
fn tower_https_default_trace_span_logs_the_security_context() {
    // Why `request_span` exists: the default span records the whole URI.
    let app = routes(&Calls::default())
        .into_router()
        .layer(TraceLayer::new_for_http());
    let text = logs_of_a_delivery(app);
    assert!(text.contains(SECURITY_CONTEXT), "{text}");
}

#[test]
fn request_span_records_method_and_path_and_never_the_query() {
    let app = routes(&Calls::default())
        .into_router()
        .layer(TraceLayer::new_for_http().make_span_with(request_span));
    let text = logs_of_a_delivery(app);
    assert!(
        text.contains(r#"request{method=POST path="/desk/deskEvents"}"#),
        "{text}"
    );
    Forbidden::for_cases(&[]).assert_absent("logs under request_span", &text);
}
