//! Extension storage through the Invoke API, against a fake Zoho that
//! checks every `HASH` and keeps what is stored: typed values added, got
//! and deleted; every documented limit refused before anything is sent;
//! the rate limits kept per organisation, a burst waiting for its turn.

use crate::support::fake_zoho::{self, FakeZoho, Reply};
use crate::support::{ORG, SECRET, bind, builder, last_call, target, zoho};
use callback_core::{OrgId, SecurityContext};
use callback_invoke::{
    InvokeError, Method, RateLimit, STORAGE_PATH, StorageEntry, StorageError, StorageField,
    StorageQuery, StorageSettings,
};
use futures_util::future::join_all;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

const URL: &str = "https://desk.zoho.com/api/v1/installedExtensions/{{installationId}}/storage";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Sync {
    cursor: String,
    pages: u32,
}

fn sync(cursor: &str, pages: u32) -> Sync {
    Sync {
        cursor: cursor.into(),
        pages,
    }
}

#[actix_web::test]
async fn typed_values_are_added_got_and_deleted() {
    let fake = FakeZoho::start(SECRET);
    let storage = zoho(&fake).storage();
    assert_eq!(STORAGE_PATH, fake_zoho::STORAGE);

    // One value: the object the public samples post.
    let jira = StorageEntry::new("sync:jira", sync("c-1", 3)).queriable_value("pending");
    storage.add(std::slice::from_ref(&jira)).await.unwrap();
    let body =
        r#"{"key":"sync:jira","queriableValue":"pending","value":{"cursor":"c-1","pages":3}}"#;
    assert_eq!(
        target(&last_call(&fake)),
        (Some("POST"), Some(URL), Some(body))
    );
    // Two values in one call: an array of such objects.
    let github = StorageEntry::new("sync:github", sync("g-9", 1)).queriable_value("pending");
    let done = StorageEntry::new("sync:old", sync("o-0", 0)).queriable_value("done");
    storage.add(&[github.clone(), done.clone()]).await.unwrap();
    assert_eq!(
        last_call(&fake).json_field("postBody"),
        Some(json!([
            {"key": "sync:github", "queriableValue": "pending", "value": {"cursor": "g-9", "pages": 1}},
            {"key": "sync:old", "queriableValue": "done", "value": {"cursor": "o-0", "pages": 0}},
        ]))
    );

    let pending: Vec<StorageEntry<Sync>> = storage
        .get(&StorageQuery::queriable_value("pending"))
        .await
        .unwrap();
    assert_eq!(pending, [jira.clone(), github.clone()]);
    let got = last_call(&fake);
    assert_eq!(got.field("requestType"), Some("GET"));
    assert_eq!(
        got.field("queryParams"),
        Some(r#"{"queriableValue":"pending"}"#)
    );

    let page: Vec<StorageEntry<Sync>> = storage
        .get(&StorageQuery::queriable_value("pending").from(2).limit(1))
        .await
        .unwrap();
    assert_eq!(page, std::slice::from_ref(&github));
    assert_eq!(
        last_call(&fake).field("queryParams"),
        Some(r#"{"queriableValue":"pending","from":"2","limit":"1"}"#)
    );

    storage
        .delete(&StorageQuery::key("sync:jira"))
        .await
        .unwrap();
    let got = last_call(&fake);
    assert_eq!(target(&got), (Some("DELETE"), Some(URL), None));
    assert_eq!(got.field("queryParams"), Some(r#"{"key":"sync:jira"}"#));
    let all: Vec<StorageEntry<Sync>> = storage.get(&StorageQuery::all()).await.unwrap();
    assert_eq!(all, [github, done]);
    assert!(fake.received().iter().all(|r| r.hash_ok));
}

#[actix_web::test]
async fn a_value_zoho_gives_back_as_a_json_string_is_read_from_that_json() {
    let fake = FakeZoho::start(SECRET);
    fake.then(Reply::Target(
        200,
        json!({"data": [{"key": "k", "value": r#"{"cursor":"c","pages":2}"#}]}),
    ));
    let got: Vec<StorageEntry<Sync>> = zoho(&fake)
        .storage()
        .get(&StorageQuery::key("k"))
        .await
        .unwrap();
    assert_eq!(got, [StorageEntry::new("k", sync("c", 2))]);
}

/// `error` for a storage call `method` that was refused before sending.
fn refused(method: &str, error: StorageError) -> String {
    InvokeError::Storage {
        call: callback_invoke::InvokeCall {
            method: method.into(),
            host: "desk.zoho.com".into(),
        },
        error,
    }
    .to_string()
}

#[actix_web::test]
async fn every_documented_limit_is_refused_before_sending() {
    let fake = FakeZoho::start(SECRET);
    let storage = zoho(&fake).storage();
    let value = json!({"n": 1});
    let entry = |key: &str| StorageEntry::new(key, value.clone());
    let key = StorageField::Key;
    let queriable = StorageField::QueriableValue;
    // A value of `len` bytes as JSON: `"xx…"`.
    let sized = |len: usize| json!("x".repeat(len - 2));
    let mut unserialisable = HashMap::new();
    unserialisable.insert((1, 2), "a map with non-string keys");

    let mut errors = vec![
        storage.add(&[entry("")]).await.unwrap_err(),
        storage.add(&[entry(&"k".repeat(51))]).await.unwrap_err(),
        storage.add(&[entry("sync-1")]).await.unwrap_err(),
        storage
            .add(&[entry("k").queriable_value("a b")])
            .await
            .unwrap_err(),
        storage
            .add(&[entry("k").queriable_value("")])
            .await
            .unwrap_err(),
        storage
            .add(&[StorageEntry::new("big", sized(1025))])
            .await
            .unwrap_err(),
        storage
            .add(&[StorageEntry::new("odd", &unserialisable)])
            .await
            .unwrap_err(),
        storage.add::<serde_json::Value>(&[]).await.unwrap_err(),
        storage.add(&vec![entry("k"); 11]).await.unwrap_err(),
    ];
    let expected = [
        StorageError::Empty { field: key },
        StorageError::TooLong {
            field: key,
            length: 51,
            limit: 50,
        },
        StorageError::Character {
            field: key,
            character: '-',
            position: 5,
        },
        StorageError::Character {
            field: queriable,
            character: ' ',
            position: 2,
        },
        StorageError::Empty { field: queriable },
        StorageError::ValueTooLarge {
            key: "big".into(),
            size: 1025,
            limit: 1024,
        },
        StorageError::Unserialisable {
            key: "odd".into(),
            reason: "key must be a string".into(),
        },
        StorageError::NoValues,
        StorageError::TooManyValues {
            count: 11,
            limit: 10,
        },
    ];
    let mut expected: Vec<(&str, StorageError)> =
        expected.into_iter().map(|e| ("POST", e)).collect();

    for query in [
        StorageQuery::all().limit(11),
        StorageQuery::all().limit(0),
        StorageQuery::key("k:é"),
    ] {
        errors.push(storage.get::<serde_json::Value>(&query).await.unwrap_err());
    }
    for query in [
        StorageQuery::all(),
        StorageQuery::key("k").limit(1),
        StorageQuery::queriable_value("q".repeat(51)),
    ] {
        errors.push(storage.delete(&query).await.unwrap_err());
    }
    expected.extend([
        ("GET", StorageError::GetLimit { limit: 11, max: 10 }),
        ("GET", StorageError::GetLimit { limit: 0, max: 10 }),
        (
            "GET",
            StorageError::Character {
                field: key,
                character: 'é',
                position: 3,
            },
        ),
        ("DELETE", StorageError::NoSelector),
        ("DELETE", StorageError::DeletePaging),
        (
            "DELETE",
            StorageError::TooLong {
                field: queriable,
                length: 51,
                limit: 50,
            },
        ),
    ]);

    assert_eq!(errors.len(), expected.len());
    for (err, (method, error)) in errors.into_iter().zip(expected) {
        assert_eq!(err.to_string(), refused(method, error.clone()));
        let InvokeError::Storage { error: got, .. } = err else {
            panic!("{err:?}")
        };
        assert_eq!(got, error);
    }
    assert_eq!(fake.calls(), 0, "a call breaking a limit was sent");

    // The limits themselves are allowed.
    storage
        .add(&[StorageEntry::new("k".repeat(50), sized(1024)).queriable_value("a,b_c:9")])
        .await
        .unwrap();
    storage.add(&vec![entry("k"); 10]).await.unwrap();
    assert_eq!(fake.calls(), 2);
}

#[test]
fn the_messages_name_each_limit() {
    let cases = [
        (
            StorageError::Empty {
                field: StorageField::Key,
            },
            "the key is empty",
        ),
        (
            StorageError::TooLong {
                field: StorageField::QueriableValue,
                length: 51,
                limit: 50,
            },
            "the queriableValue is 51 characters long, more than 50",
        ),
        (
            StorageError::Character {
                field: StorageField::Key,
                character: '-',
                position: 5,
            },
            "the key holds '-' at character 5: only letters, digits, `,`, `_` and `:` are allowed",
        ),
        (
            StorageError::ValueTooLarge {
                key: "big".into(),
                size: 1025,
                limit: 1024,
            },
            "the value of \"big\" is 1025 bytes as JSON, more than the limit of 1024",
        ),
        (
            StorageError::TooManyValues {
                count: 11,
                limit: 10,
            },
            "11 values in one call, more than 10",
        ),
        (
            StorageError::GetLimit { limit: 0, max: 10 },
            "a get of 0 values: between 1 and 10 values may be got in one call",
        ),
        (
            StorageError::NoSelector,
            "a delete must name a key or a queriableValue",
        ),
    ];
    for (error, message) in cases {
        assert_eq!(
            refused("POST", error),
            format!("the storage call POST desk.zoho.com was not sent: {message}")
        );
    }
}

#[actix_web::test]
async fn the_value_limit_and_the_delete_method_are_configurable() {
    let fake = FakeZoho::start(SECRET);
    fake.then(Reply::Target(200, json!({"status": "success"})));
    let settings = StorageSettings::default()
        .max_value_bytes(5222)
        .delete_method(Method::POST);
    let storage = bind(builder(&fake).storage(settings).build().unwrap()).storage();

    storage.delete(&StorageQuery::key("k")).await.unwrap();
    let got = last_call(&fake);
    assert_eq!(got.field("requestType"), Some("POST"));
    assert_eq!(got.field("queryParams"), Some(r#"{"key":"k"}"#));

    let big = json!("x".repeat(5220));
    storage
        .add(&[StorageEntry::new("big", &big)])
        .await
        .unwrap();
    let err = storage
        .add(&[StorageEntry::new("bigger", json!("x".repeat(5221)))])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            InvokeError::Storage {
                error: StorageError::ValueTooLarge {
                    size: 5223,
                    limit: 5222,
                    ..
                },
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(fake.calls(), 2);
}

/// 50 writes per 300 ms (the documented count, over a short period): 25
/// go at once, then one every 300/26 ms, so 60 take about 400 ms; none
/// fails, and no 250 ms window holds more than 50.
#[actix_web::test]
async fn a_burst_of_60_writes_waits_for_the_rate_limit_and_none_fails() {
    let fake = FakeZoho::start(SECRET);
    let fifty = NonZeroU32::new(50).unwrap();
    let settings =
        StorageSettings::default().writes(RateLimit::new(fifty, Duration::from_millis(300)));
    let storage = bind(builder(&fake).storage(settings).build().unwrap()).storage();

    let started = Instant::now();
    let writes = (0..60).map(|i| {
        let storage = storage.clone();
        async move {
            let entry = StorageEntry::new(format!("burst:{i}"), json!({"i": i}));
            storage.add(&[entry]).await
        }
    });
    let results = join_all(writes).await;
    let elapsed = started.elapsed();

    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(fake.calls(), 60);
    assert_eq!(fake.stored().len(), 60);
    // 35 waited, each for 300/26 ms after the one before.
    assert!(
        elapsed >= Duration::from_millis(390),
        "{elapsed:?}: no queueing"
    );
    let mut arrivals: Vec<Instant> = fake.received().iter().map(|r| r.at).collect();
    arrivals.sort();
    for (i, start) in arrivals.iter().enumerate() {
        let within = arrivals[i..]
            .iter()
            .take_while(|at| at.duration_since(*start) < Duration::from_millis(250))
            .count();
        assert!(within <= 50, "{within} writes within 250 ms");
    }
}

/// One write per 10 s: another organisation's, a read and a delete do not
/// wait for it, and a second write of the same organisation is still
/// waiting (not failed) when the test stops looking.
#[actix_web::test]
async fn the_rate_limits_are_per_organisation_and_per_kind_of_call() {
    let fake = FakeZoho::start(SECRET);
    let one = NonZeroU32::new(1).unwrap();
    let slow = RateLimit::new(one, Duration::from_secs(10));
    let client = builder(&fake)
        .storage(StorageSettings::default().writes(slow))
        .build()
        .unwrap();
    let ours = bind(client.clone()).storage();
    let theirs = client
        .bind(OrgId::new(ORG + 1), SecurityContext::new("sc-other-org"))
        .storage();
    let entry = [StorageEntry::new("k", json!(1))];

    let started = Instant::now();
    ours.add(&entry).await.unwrap();
    theirs.add(&entry).await.unwrap();
    ours.get::<serde_json::Value>(&StorageQuery::key("k"))
        .await
        .unwrap();
    ours.delete(&StorageQuery::key("k")).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(fake.calls(), 4);

    let waiting = tokio::time::timeout(Duration::from_millis(300), ours.add(&entry)).await;
    assert!(
        waiting.is_err(),
        "the second write did not wait: {waiting:?}"
    );
    assert_eq!(fake.calls(), 4);
    let orgs: Vec<Option<String>> = fake.received().into_iter().map(|r| r.org_id).collect();
    assert_eq!(orgs[1].as_deref(), Some("387239"));
}
