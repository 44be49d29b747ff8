//! Extension logs through the Invoke API, against a fake Zoho that checks
//! every `HASH` and keeps the logs: standalone, and grouped under a
//! reference up to a parent and 9 children, the eleventh refused before
//! sending.

use crate::support::fake_zoho::{self, FakeZoho, Reply};
use crate::support::{SECRET, last_call, target, zoho};
use callback_invoke::{EXTENSION_LOGS_PATH, InvokeError, LOGS_PER_REFERENCE};
use serde_json::json;

#[actix_web::test]
async fn a_log_is_posted_with_its_title_description_and_installation_id() {
    let fake = FakeZoho::start(SECRET);
    let logs = zoho(&fake).extension_logs();
    logs.add("Jira connected", "webhooks created")
        .await
        .unwrap();

    assert_eq!(EXTENSION_LOGS_PATH, fake_zoho::EXTENSION_LOGS);
    let url = "https://desk.zoho.com/api/v1/extensionLogs";
    let body = r#"{"description":"webhooks created","installationId":"{{installationId}}","title":"Jira connected"}"#;
    assert_eq!(
        target(&last_call(&fake)),
        (Some("POST"), Some(url), Some(body))
    );
    logs.installation_id("1892000000034001")
        .add("t", "d")
        .await
        .unwrap();
    assert_eq!(
        fake.logs()[1],
        json!({"title": "t", "description": "d", "installationId": "1892000000034001"})
    );
}

#[actix_web::test]
async fn a_group_takes_a_parent_and_9_children_then_refuses_without_sending() {
    let fake = FakeZoho::start(SECRET);
    let mut group = zoho(&fake).extension_logs().group("sync-2024-06-01");
    group.add("Sync started", "3 projects").await.unwrap();
    for child in 1..=9 {
        group
            .add(format!("Project {child}"), "synced")
            .await
            .unwrap();
    }
    assert_eq!((group.sent(), LOGS_PER_REFERENCE), (10, 10));

    let err = group.add("One too many", "x").await.unwrap_err();
    let InvokeError::LogGroupFull {
        reference, limit, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((reference.as_str(), *limit), ("sync-2024-06-01", 10));
    assert_eq!(
        err.to_string(),
        "the extension log was not sent: the group \"sync-2024-06-01\" already has 10 logs \
         (a parent and 9 children), Zoho's limit per reference"
    );
    assert_eq!(fake.calls(), 10, "the eleventh was sent");
    let logs = fake.logs();
    assert!(logs.iter().all(|l| l["reference"] == "sync-2024-06-01"));
    assert_eq!(logs[0]["title"], "Sync started");
    assert_eq!(logs[9]["title"], "Project 9");
}

#[actix_web::test]
async fn a_log_zoho_refused_is_not_counted() {
    let fake = FakeZoho::start(SECRET);
    fake.then(Reply::Zoho(500, "down".into()));
    let mut group = zoho(&fake).extension_logs().group("r");
    assert!(group.add("parent", "first try").await.is_err());
    assert_eq!(group.sent(), 0);
    for n in 0..10 {
        group.add(format!("log {n}"), "d").await.unwrap();
    }
    assert_eq!(fake.calls(), 11);
    assert!(group.add("x", "y").await.is_err());
}
