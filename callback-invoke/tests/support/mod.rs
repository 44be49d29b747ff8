//! What the integration tests share: a fake of Zoho's Invoke API that
//! plays Desk, a bare HTTP server for answers no framework writes, log
//! capture, and the spellings an echoed credential may take.
//!
//! `fake_zoho.rs` stays usable on its own (`#[path]`) by other crates'
//! tests.

pub(crate) mod fake_zoho;
pub(crate) mod logs;
pub(crate) mod raw_http;
pub(crate) mod spellings;

use callback_core::{OrgId, Secret, SecurityContext};
use callback_invoke::{Invoke, InvokeClient, InvokeClientBuilder, RetryPolicy};
use fake_zoho::{FakeZoho, Received};
use std::time::Duration;

/// The secret the fake of [`zoho`] checks every `HASH` with.
pub(crate) const SECRET: &str = "extension-data-secret-2f7c41";
/// The security context [`zoho`] binds: no error or log may show it.
pub(crate) const CONTEXT: &str = "sc-extension-data-5a91e0c3d8";
/// The organisation [`zoho`] binds.
pub(crate) const ORG: u64 = 387238;

/// A client for `fake` signing with [`SECRET`], quick to retry.
pub(crate) fn builder(fake: &FakeZoho) -> InvokeClientBuilder {
    InvokeClient::builder(Secret::new(SECRET).unwrap())
        .base_url(fake.url())
        .timeout(Duration::from_secs(5))
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
}

/// `client` bound to [`ORG`] and [`CONTEXT`].
pub(crate) fn bind(client: InvokeClient) -> Invoke {
    client.bind(OrgId::new(ORG), SecurityContext::new(CONTEXT))
}

/// [`builder`], built and bound.
pub(crate) fn zoho(fake: &FakeZoho) -> Invoke {
    bind(builder(fake).build().unwrap())
}

/// The last call `fake` received, which must have passed its `HASH` check.
#[track_caller]
pub(crate) fn last_call(fake: &FakeZoho) -> Received {
    let received = fake.received();
    let call = received.last().expect("a call").clone();
    assert!(call.hash_ok, "{call:?}");
    call
}

/// The target's method, URL and body of `call`, as sent.
pub(crate) fn target(call: &Received) -> (Option<&str>, Option<&str>, Option<&str>) {
    (
        call.field("requestType"),
        call.field("requestURL"),
        call.field("postBody"),
    )
}
