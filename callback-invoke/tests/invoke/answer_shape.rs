//! Zoho's answer read where Zoho puts the target's: the `statusMessage` of
//! the string-encoded `response`, as Zoho's own sample servers read it; the
//! shape the client read before (a `response` without `statusMessage`)
//! still reads; an answer of the wrong shape is a typed error naming the
//! field looked for.

use crate::support::fake_zoho::{FakeZoho, Reply};
use crate::support::{CONTEXT, SECRET, bind, builder, zoho};
use callback_invoke::{InvokeError, ResponseFormat};
use serde_json::json;

/// Zoho's answer to `GET …/configParams`, in the shape Zoho's samples read
/// (PHP: `json_decode(json_decode($answer)->response)->statusMessage->data`;
/// Java: `new JSONObject(new JSONObject(answer).getString("response"))
/// .getJSONObject("statusMessage")`): `response` a string of JSON, the
/// target's answer its `statusMessage`. The values are made up.
const SAMPLE_SHAPE: &str = r#"{"response":"{\"statusMessage\":{\"data\":[{\"name\":\"Twilio_SID\",\"value\":\"AC-not-a-real-sid\"},{\"name\":\"Twilio_Authtoken\",\"value\":\"not-a-real-token\"}]}}"}"#;

#[actix_web::test]
async fn the_shape_of_zohos_samples_is_read() {
    let fake = FakeZoho::start(SECRET);
    fake.then(Reply::Raw(SAMPLE_SHAPE.into()))
        .then(Reply::Raw(SAMPLE_SHAPE.into()));
    let zoho = zoho(&fake);

    let params = zoho.config_params().get().await.unwrap();
    let pairs: Vec<(&str, &str)> = params.iter().map(|p| (p.name(), p.value())).collect();
    assert_eq!(
        pairs,
        [
            ("Twilio_SID", "AC-not-a-real-sid"),
            ("Twilio_Authtoken", "not-a-real-token")
        ]
    );

    let answer = zoho
        .desk_get("/api/v1/installedExtensions/{{installationId}}/configParams")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.answer_path(), "response.statusMessage");
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.body(),
        &json!({"data": [
            {"name": "Twilio_SID", "value": "AC-not-a-real-sid"},
            {"name": "Twilio_Authtoken", "value": "not-a-real-token"},
        ]})
    );
}

#[actix_web::test]
async fn a_response_without_status_message_is_read_as_it_is() {
    let fake = FakeZoho::start(SECRET);
    let data = json!({"data": [{"name": "domain", "value": "example.atlassian.net"}]});
    fake.then(Reply::Bare(data.clone()))
        .then(Reply::Bare(data.clone()));
    let zoho = zoho(&fake);

    let answer = zoho.desk_get("/x").send().await.unwrap();
    assert_eq!(answer.answer_path(), "response");
    assert_eq!(answer.body(), &data);
    assert_eq!(answer.wrapper().get("statusCode"), Some(&json!(200)));
    let params = zoho.config_params().get().await.unwrap();
    assert_eq!(params.value("domain"), Some("example.atlassian.net"));
}

#[actix_web::test]
async fn the_answer_field_stays_configurable() {
    let fake = FakeZoho::start(SECRET);
    fake.then(Reply::Raw(SAMPLE_SHAPE.into()));
    let format = ResponseFormat::default().answer_field(None::<&str>);
    let zoho = bind(builder(&fake).response_format(format).build().unwrap());
    let answer = zoho.desk_get("/x").send().await.unwrap();
    assert_eq!(answer.answer_path(), "response");
    assert_eq!(
        answer.body()["statusMessage"]["data"][0]["name"],
        "Twilio_SID"
    );
}

/// Each answer quotes the security context, so that an error keeping any
/// of it would show.
#[actix_web::test]
async fn a_wrong_answer_shape_is_a_typed_error_naming_the_field_it_looked_for() {
    let fake = FakeZoho::start(SECRET);
    let cases = [
        (
            Reply::Target(200, json!({"items": [CONTEXT]})),
            "response.statusMessage.data",
            "an array",
            "no such field in a JSON object",
        ),
        (
            Reply::Target(200, json!({"data": CONTEXT})),
            "response.statusMessage.data",
            "an array",
            "a JSON string",
        ),
        (
            Reply::Target(200, json!(CONTEXT)),
            "response.statusMessage.data",
            "an array",
            "no such field in a JSON string",
        ),
        (
            Reply::Bare(json!({"params": [CONTEXT]})),
            "response.data",
            "an array",
            "no such field in a JSON object",
        ),
        (
            Reply::Target(200, json!({"data": [{"value": CONTEXT}]})),
            "response.statusMessage.data[0].name",
            "a string",
            "no such field",
        ),
        (
            Reply::Target(200, json!({"data": [{"name": "a", "value": "b"}, CONTEXT]})),
            "response.statusMessage.data[1]",
            "an object",
            "a JSON string",
        ),
        (
            Reply::Target(200, json!({"data": [{"name": "a", "value": [CONTEXT]}]})),
            "response.statusMessage.data[0].value",
            "a string",
            "a JSON array",
        ),
    ];
    let zoho = zoho(&fake);
    for (reply, field, expected, found) in cases {
        fake.then(reply);
        let err = zoho.config_params().get().await.unwrap_err();
        let InvokeError::UnexpectedAnswer {
            field: got_field,
            expected: got_expected,
            found: got_found,
            ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(
            (got_field.as_str(), *got_expected, got_found.as_str()),
            (field, expected, found)
        );
        assert_eq!(
            err.to_string(),
            format!(
                "the answer of GET desk.zoho.com does not have the expected shape: `{field}` \
                 should be {expected}, found {found}"
            )
        );
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(CONTEXT), "{shown}");
    }
}
