//! Outside requests: `InvokeClient::for_installation` binds the client to
//! anything that names an org and its security context. A stored
//! installation (callback-core's feature `store`) is tested by
//! install-tracker's `background` tests, which keep one.

use crate::support::fake_zoho;
use callback_core::desk::Delivery;
use callback_core::{Callback, InvokeTarget, OrgId, Payload, SecurityContext};
use callback_invoke::{InvokeClient, RetryPolicy};
use fake_zoho::FakeZoho;

const SECRET: &str = "background-secret-51c2";
const ORG: u64 = 9_007_199_254_740_993;

#[test]
fn a_callback_and_a_delivery_are_targets_too() {
    let payload = Payload::new(callback_core::Event::Install, OrgId::new(ORG))
        .with_security_context(SecurityContext::new("sc-cb"));
    let target = Callback::new(payload, 0).invoke_target().unwrap();
    assert_eq!((target.0.get(), target.1.expose()), (ORG, "sc-cb"));
    let without = Callback::new(
        Payload::new(callback_core::Event::Install, OrgId::new(ORG)),
        0,
    );
    assert!(without.invoke_target().is_none());
    let delivery = Delivery::new(OrgId::new(ORG), Some(SecurityContext::new("sc-desk")));
    assert_eq!(delivery.invoke_target().unwrap().1.expose(), "sc-desk");
    assert!(
        Delivery::new(OrgId::new(ORG), None)
            .invoke_target()
            .is_none()
    );
}

/// An org and a context of a job's own (its own table, say).
struct Stored {
    org: u64,
    context: Option<&'static str>,
}

impl InvokeTarget for Stored {
    fn invoke_target(&self) -> Option<(OrgId, SecurityContext)> {
        Some((OrgId::new(self.org), SecurityContext::new(self.context?)))
    }
}

#[actix_web::test]
async fn a_bound_client_calls_zoho_with_the_targets_org_and_context_and_none_binds_nothing() {
    let fake = FakeZoho::start(SECRET);
    fake.config_params(&[("trackerLabel", "Acme")]);
    let client = InvokeClient::builder(callback_core::Secret::new(SECRET).unwrap())
        .base_url(fake.url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let stored = Stored {
        org: ORG,
        context: Some("sc-stored"),
    };
    let zoho = client.for_installation(&stored).expect("a context");
    zoho.config_params().get().await.unwrap();
    let [call] = &fake.received()[..] else {
        panic!("one call expected")
    };
    assert!(call.hash_ok);
    assert_eq!(call.org_id.as_deref(), Some("9007199254740993"));
    assert_eq!(call.field("securityContext"), Some("sc-stored"));
    let revoked = Stored {
        org: ORG,
        context: None,
    };
    assert!(client.for_installation(&revoked).is_none());
    assert_eq!(fake.calls(), 1);
}
