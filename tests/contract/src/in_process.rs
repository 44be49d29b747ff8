//! A table [`Request`] handed straight to a core [`Router`], as an adapter
//! would hand it: for tests that search what the router answers and logs
//! without an HTTP server in between.

use crate::table::Request;
use callback_core::desk::DeskRequest;
use callback_core::{CallbackRequest, Outcome, Rejection, Router, signature_header};

/// Dispatches `request` to `router`: a callback path, or (with its query
/// split off) a webhook path. Returns the outcome's `Debug` and body, and
/// its rejection if it is one.
pub async fn dispatch(router: &Router, request: &Request) -> (String, Option<Rejection>) {
    let headers = |name: &'static str| {
        request
            .headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_bytes())
    };
    if request.is_desk() {
        let (path, query) = request
            .path
            .split_once('?')
            .map_or((request.path.as_str(), None), |(p, q)| (p, Some(q)));
        let outcome = router
            .dispatch_desk(DeskRequest {
                path,
                query,
                token: signature_header(headers("X-ZDesk-JWT")),
                body: &request.body,
            })
            .await;
        return (
            format!("{outcome:?} {}", outcome.body()),
            outcome.rejection().cloned(),
        );
    }
    let outcome = router
        .dispatch(CallbackRequest {
            path: &request.path,
            signature: signature_header(headers("HASH")),
            content_type: headers("Content-Type").next(),
            body: &request.body,
        })
        .await;
    let shown = format!("{outcome:?} {}", outcome.body());
    match outcome {
        Outcome::Rejected(rejection) => (shown, Some(rejection)),
        Outcome::Handled(_) => (shown, None),
    }
}
