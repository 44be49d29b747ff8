//! Known answers for the Invoke `HASH`, computed outside this crate with
//! OpenSSL and recorded here, and the same values as sent over the wire.

use crate::support::fake_zoho;
use callback_core::{OrgId, Secret, SecurityContext};
use callback_invoke::{
    FieldEncoding, HmacSha256Fields, InvokeClient, InvokeFields, InvokeHashScheme,
};
use fake_zoho::FakeZoho;
use serde_json::json;

const SECRET: &str = "my_secret_key_238392";

/// A Desk `POST` with a JSON body through a connection.
const POST_CANONICAL: &str = r#"requestURL=https://desk.zoho.com/api/v1/tickets&requestType=POST&postBody={"subject":"Printer on fire"}&headers={"orgId":"387238","Content-Type":"application/json"}&connectionLinkName=desk_conn"#;
/// Computed with:
///
/// ```sh
/// printf '%s' 'requestURL=https://desk.zoho.com/api/v1/tickets&requestType=POST&postBody={"subject":"Printer on fire"}&headers={"orgId":"387238","Content-Type":"application/json"}&connectionLinkName=desk_conn' | openssl dgst -sha256 -hmac 'my_secret_key_238392'
/// ```
const POST_HASH: &str = "cfde67cdee7d55e524f2cd8eb2bf01456df7d190f731901f05d9d1a8398e66ab";

/// A Desk `GET` with a query parameter, which is sent but not hashed.
const GET_CANONICAL: &str =
    r#"requestURL=https://desk.zoho.com/api/v1/tickets&requestType=GET&headers={"orgId":"387238"}"#;
/// Computed with:
///
/// ```sh
/// printf '%s' 'requestURL=https://desk.zoho.com/api/v1/tickets&requestType=GET&headers={"orgId":"387238"}' | openssl dgst -sha256 -hmac 'my_secret_key_238392'
/// ```
const GET_HASH: &str = "76fe1d36e55023dbdc41220778a78d16cf270da0495de388a4301adaab48d62e";

/// A Desk `POST` whose body holds `&`, `=`, `%`, `+` and spaces, each value
/// form-urlencoded (`FieldEncoding::FormUrlencoded`); the input written
/// with Python's `urllib.parse.urlencode` over the same pairs.
const ENCODED_CANONICAL: &str = "requestURL=https%3A%2F%2Fdesk.zoho.com%2Fapi%2Fv1%2Ftickets&requestType=POST&postBody=%7B%22subject%22%3A%22Printer+on+fire+%26+smoke+%3D+100%25+%2B+more%22%7D&headers=%7B%22orgId%22%3A%22387238%22%2C%22Content-Type%22%3A%22application%2Fjson%22%7D&connectionLinkName=desk_conn";
/// Computed with:
///
/// ```sh
/// printf '%s' "$ENCODED_CANONICAL" | openssl dgst -sha256 -hmac 'my_secret_key_238392'
/// ```
const ENCODED_HASH: &str = "e6ab6e676e0932d8fca9fc896df1d7533a6817ce4aa703105714497cd08b35fe";

/// The fields of a Desk `POST` of `body` through `desk_conn`.
fn desk_post<'a>(context: &'a SecurityContext, body: &'a str) -> InvokeFields<'a> {
    InvokeFields {
        security_context: context,
        request_url: "https://desk.zoho.com/api/v1/tickets",
        request_type: "POST",
        query_params: None,
        post_body: Some(body),
        headers: Some(r#"{"orgId":"387238","Content-Type":"application/json"}"#),
        connection_link_name: Some("desk_conn"),
    }
}

/// `scheme`'s input and `HASH` for `fields`, keyed with [`SECRET`].
fn input_and_hash(scheme: &HmacSha256Fields, fields: &InvokeFields<'_>) -> (String, String) {
    let key = scheme.key(&Secret::new(SECRET).unwrap());
    (scheme.canonical(fields), key.hash(fields))
}

#[test]
fn the_form_urlencoded_scheme_gives_the_openssl_hash_for_fixed_fields() {
    let context = SecurityContext::new("never hashed");
    let fields = desk_post(
        &context,
        r#"{"subject":"Printer on fire & smoke = 100% + more"}"#,
    );
    let scheme = HmacSha256Fields::default().with_encoding(FieldEncoding::FormUrlencoded);
    let (input, hash) = input_and_hash(&scheme, &fields);
    assert_eq!(input, ENCODED_CANONICAL);
    assert_eq!(hash, ENCODED_HASH);
}

#[test]
fn the_default_scheme_gives_the_openssl_hash_for_fixed_fields() {
    let context = SecurityContext::new("never hashed");
    let fields = desk_post(&context, r#"{"subject":"Printer on fire"}"#);
    let (input, hash) = input_and_hash(&HmacSha256Fields::default(), &fields);
    assert_eq!(input, POST_CANONICAL);
    assert_eq!(hash, POST_HASH);
}

#[actix_web::test]
async fn the_client_sends_the_known_hashes() {
    let fake = FakeZoho::start(SECRET);
    let client = InvokeClient::builder(Secret::new(SECRET).unwrap())
        .base_url(fake.url())
        .build()
        .unwrap();
    let zoho = client.bind(OrgId::new(387238), SecurityContext::new("ctx-known-answer"));

    zoho.desk_post("/api/v1/tickets")
        .connection("desk_conn")
        .json(&json!({"subject": "Printer on fire"}))
        .send()
        .await
        .unwrap();
    zoho.desk_get("/api/v1/tickets")
        .query("from", 0)
        .send()
        .await
        .unwrap();

    let received = fake.received();
    assert_eq!(received[0].hash.as_deref(), Some(POST_HASH));
    assert_eq!(received[1].hash.as_deref(), Some(GET_HASH));
    assert_eq!(received[1].field("queryParams"), Some(r#"{"from":"0"}"#));
    assert_eq!(
        fake_zoho::canonical(fake_zoho::PUBLIC_CODE_FIELDS, &received[1]),
        GET_CANONICAL
    );
}
