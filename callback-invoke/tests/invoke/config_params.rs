//! Config params through the Invoke API, against a fake Zoho that checks
//! every `HASH` and keeps the installation's params: read as name/value
//! pairs and into a struct, set, `{{installationId}}` sent and hashed as
//! written, secure values kept out of logs, `Debug` and errors.

use crate::support::fake_zoho::{self, FakeZoho, Reply};
use crate::support::logs::Logs;
use crate::support::{SECRET, last_call, target, zoho};
use callback_invoke::{CONFIG_PARAMS_PATH, InvokeError, SecureParam};
use serde::Deserialize;
use serde_json::json;

const URL: &str =
    "https://desk.zoho.com/api/v1/installedExtensions/{{installationId}}/configParams";

/// The platform's own example: "config params such as domain, jiraAuthKey".
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JiraConfig {
    domain: String,
    jira_auth_key: SecureParam,
    #[serde(default)]
    tracker_label: Option<String>,
}

#[actix_web::test]
async fn get_reads_name_value_pairs_with_the_installation_id_sent_and_hashed_as_written() {
    let fake = FakeZoho::start(SECRET);
    fake.config_params(&[("domain", "example.atlassian.net"), ("jiraAuthKey", "k-1")]);

    let params = zoho(&fake).config_params().get().await.unwrap();
    let pairs: Vec<(&str, &str)> = params.iter().map(|p| (p.name(), p.value())).collect();
    assert_eq!(
        pairs,
        [("domain", "example.atlassian.net"), ("jiraAuthKey", "k-1")]
    );
    assert_eq!(params.value("jiraAuthKey"), Some("k-1"));

    let got = last_call(&fake);
    assert_eq!(CONFIG_PARAMS_PATH, fake_zoho::CONFIG_PARAMS);
    assert_eq!(target(&got), (Some("GET"), Some(URL), None));
    // The fake's own HMAC over the placeholder exactly as written.
    let written = format!(r#"requestURL={URL}&requestType=GET&headers={{"orgId":"387238"}}"#);
    assert_eq!(
        got.hash.as_deref(),
        Some(fake_zoho::hmac_sha256_hex(SECRET, &written).as_str())
    );
}

#[actix_web::test]
async fn get_as_reads_them_into_a_struct_by_camel_case_name() {
    let fake = FakeZoho::start(SECRET);
    fake.config_params(&[
        ("domain", "example.atlassian.net"),
        ("jiraAuthKey", "jira-key-7c1e"),
        ("unrelated", "x"),
    ]);
    let config: JiraConfig = zoho(&fake).config_params().get_as().await.unwrap();
    assert_eq!(config.domain, "example.atlassian.net");
    assert_eq!(config.jira_auth_key.expose(), "jira-key-7c1e");
    assert_eq!(config.tracker_label, None);

    fake.config_params(&[("domain", "d")]);
    let err = zoho(&fake)
        .config_params()
        .get_as::<JiraConfig>()
        .await
        .unwrap_err();
    assert!(matches!(err, InvokeError::Decode { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the answer of GET desk.zoho.com is not a \
         `invoke::config_params::JiraConfig`: missing field `jiraAuthKey`"
    );
}

#[actix_web::test]
async fn set_posts_the_variables_in_order() {
    let fake = FakeZoho::start(SECRET);
    fake.config_params(&[("domain", "example.atlassian.net")]);
    zoho(&fake)
        .config_params()
        .set([("jiraWebhookId", "42"), ("trackerLabel", "Jira: ACME")])
        .await
        .unwrap();

    let body = r#"{"variables":[{"name":"jiraWebhookId","value":"42"},{"name":"trackerLabel","value":"Jira: ACME"}]}"#;
    assert_eq!(
        target(&last_call(&fake)),
        (Some("POST"), Some(URL), Some(body))
    );
    assert_eq!(
        fake.config_params_now(),
        [
            ("domain".to_owned(), "example.atlassian.net".to_owned()),
            ("jiraWebhookId".to_owned(), "42".to_owned()),
            ("trackerLabel".to_owned(), "Jira: ACME".to_owned()),
        ]
    );
}

/// A numeric param read into a `u32` from a secure value that is not one:
/// the decode error says what did not fit, without the value.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Numeric {
    jira_auth_key: u32,
}

#[actix_web::test]
async fn secure_values_stay_out_of_logs_debug_and_errors() {
    const KEY: &str = "jira-key-SECRET-9d2f4b";
    let (logs, _guard) = Logs::capture(tracing::Level::TRACE);
    let fake = FakeZoho::start(SECRET);
    fake.config_params(&[("domain", "example.atlassian.net"), ("jiraAuthKey", KEY)]);
    let zoho = zoho(&fake);
    let mut shown = Vec::new();

    let params = zoho.config_params().get().await.unwrap();
    shown.push(format!("{params:?}"));
    let config: JiraConfig = params.deserialize().unwrap();
    shown.push(format!("{config:?}"));
    assert_eq!(config.jira_auth_key.expose(), KEY);
    let err = params.deserialize::<Numeric>().unwrap_err();
    assert!(
        err.to_string()
            .ends_with("invalid type: string <redacted>, expected u32"),
        "{err}"
    );
    shown.push(format!("{err} {err:?}"));

    // Zoho accepting a set, and answering with the params (the fake's
    // answer), and Zoho refusing one, quoting the value back.
    let answer = zoho
        .config_params()
        .set([("jiraAuthKey", KEY)])
        .await
        .unwrap();
    assert_eq!(answer.body()["data"][1]["value"], KEY);
    shown.push(format!("{answer:?}"));
    // Zoho refusing a set, quoting the value back.
    fake.then(Reply::Target(
        400,
        json!({"message": format!("bad value {KEY}")}),
    ));
    let err = zoho
        .config_params()
        .set([("jiraAuthKey", KEY)])
        .await
        .unwrap_err();
    let InvokeError::Target { body, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(body, &json!({"message": "bad value <redacted>"}));
    shown.push(format!("{err} {err:?}"));

    let text = logs.text();
    assert_eq!(
        text.matches("Zoho Invoke call answered").count(),
        2,
        "{text}"
    );
    assert_eq!(text.matches("Zoho Invoke call failed").count(), 1, "{text}");
    for text in shown.iter().chain([&text]) {
        assert!(!text.contains(KEY), "{text}");
    }
}
