//! A fake of Zoho's Invoke API on 127.0.0.1, for tests.
//!
//! It checks what the documentation asks of a call (`POST /api/v1/invoke`,
//! `orgId` in the query, a form body, a `HASH` header) and recomputes the
//! `HASH` with its own code, written here directly with `hmac` and `sha2`
//! (not with the crate under test): a mismatch is `401`. Then it answers as
//! scripted; unscripted, it plays Desk for the extension data APIs (config
//! params, storage and logs, kept in memory, reached only through the
//! literal `{{installationId}}`), and echoes any other call back as the
//! target's answer.
//!
//! Every answer has Zoho's shape, as Zoho's sample servers read it:
//! `{"response": "<JSON as a string>"}`, the target's answer under
//! `statusMessage` in that JSON, its status as `statusCode` next to it
//! ([`zoho_answer`]).
//!
//! Only `actix-web`, `serde_json`, `hmac` and `sha2` are used, so other
//! crates' tests can include this file with `#[path]`.

#![allow(dead_code, unreachable_pub)]

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The fields public code hashes, in its order.
pub const PUBLIC_CODE_FIELDS: &[&str] = &[
    "requestURL",
    "requestType",
    "postBody",
    "headers",
    "connectionLinkName",
];

/// The path Desk's config params API is reached at.
pub const CONFIG_PARAMS: &str = "/api/v1/installedExtensions/{{installationId}}/configParams";
/// The path Desk's extension storage is reached at.
pub const STORAGE: &str = "/api/v1/installedExtensions/{{installationId}}/storage";
/// The path Desk's extension logs are added at.
pub const EXTENSION_LOGS: &str = "/api/v1/extensionLogs";

/// How the fake answers one call (after the `HASH` check passed).
#[derive(Clone, Debug)]
pub enum Reply {
    /// `200`, the call it received echoed back as the target's answer, in
    /// Zoho's shape ([`zoho_answer`]).
    Echo,
    /// As [`Reply::Echo`], with `response` a JSON object rather than a
    /// string holding one.
    EchoValue,
    /// Zoho itself answers `status` with `body`.
    Zoho(u16, String),
    /// Zoho itself answers `status` with these headers and `body`.
    ZohoWith(u16, Vec<(String, String)>, String),
    /// `200`, the target answered `status` with `body`, in Zoho's shape.
    Target(u16, Value),
    /// `200 {"response": "<body as a JSON string>", "statusCode": 200}`: a
    /// `response` without `statusMessage`, the shape read before Zoho's.
    Bare(Value),
    /// `200` with this body, as it is.
    Raw(String),
    /// Waits, then answers as [`Reply::Echo`].
    Sleep(Duration),
    /// Zoho itself answers `status` with a text that quotes the form body
    /// exactly as received (so the security context as the client encoded
    /// it) and the `HASH` header.
    EchoRequestText(u16),
    /// As [`Reply::EchoRequestText`], the same text as the `message` of a
    /// JSON error.
    EchoRequestJson(u16),
}

/// One call as the fake received it.
#[derive(Clone, Debug)]
pub struct Received {
    /// The request path.
    pub path: String,
    /// The `orgId` query parameter.
    pub org_id: Option<String>,
    /// The `HASH` header.
    pub hash: Option<String>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The form fields, in the order sent.
    pub fields: Vec<(String, String)>,
    /// Whether the `HASH` matched the fake's own computation.
    pub hash_ok: bool,
    /// When it arrived.
    pub at: Instant,
}

impl Received {
    /// The value of form field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The names of the form fields sent, in order.
    pub fn field_names(&self) -> Vec<&str> {
        self.fields.iter().map(|(k, _)| k.as_str()).collect()
    }

    /// Form field `name` parsed as JSON.
    pub fn json_field(&self, name: &str) -> Option<Value> {
        serde_json::from_str(self.field(name)?).ok()
    }

    /// The string value of query parameter `name` for the target.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.json_field("queryParams")?
            .get(name)?
            .as_str()
            .map(str::to_owned)
    }
}

/// What the fake keeps for the extension data APIs.
#[derive(Default)]
struct Desk {
    /// Config params, in order: `{"name", "value"}` objects.
    config_params: Vec<Value>,
    /// Stored values: `{"key", "queriableValue", "value"}` objects.
    storage: Vec<Value>,
    /// Extension logs, as posted.
    logs: Vec<Value>,
}

struct Shared {
    secret: String,
    hash_fields: Vec<String>,
    received: Mutex<Vec<Received>>,
    script: Mutex<VecDeque<Reply>>,
    desk: Mutex<Desk>,
}

/// A running fake Invoke API.
pub struct FakeZoho {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl FakeZoho {
    /// Starts a fake that hashes [`PUBLIC_CODE_FIELDS`] with `secret`.
    /// Must run inside an actix system (`#[actix_web::test]`).
    pub fn start(secret: &str) -> FakeZoho {
        FakeZoho::start_hashing(secret, PUBLIC_CODE_FIELDS)
    }

    /// Starts a fake that hashes `fields`, in that order, with `secret`.
    pub fn start_hashing(secret: &str, fields: &[&str]) -> FakeZoho {
        let shared = Arc::new(Shared {
            secret: secret.to_owned(),
            hash_fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            received: Mutex::new(Vec::new()),
            script: Mutex::new(VecDeque::new()),
            desk: Mutex::new(Desk::default()),
        });
        let data = web::Data::from(Arc::clone(&shared));
        let addr = serve(move |app| {
            app.app_data(data.clone()).default_service(web::to(answer));
        });
        FakeZoho { addr, shared }
    }

    /// `http://127.0.0.1:<port>`: the base URL to give the client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers the next call (that passes the `HASH` check) with `reply`;
    /// calls beyond the script get [`Reply::Echo`].
    pub fn then(&self, reply: Reply) -> &Self {
        self.shared.script.lock().unwrap().push_back(reply);
        self
    }

    /// Every call received, oldest first.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// How many calls were received.
    pub fn calls(&self) -> usize {
        self.shared.received.lock().unwrap().len()
    }

    /// Sets the installation's config params, as the customer would.
    pub fn config_params(&self, params: &[(&str, &str)]) -> &Self {
        self.shared.desk.lock().unwrap().config_params = params
            .iter()
            .map(|(name, value)| json!({"name": name, "value": value}))
            .collect();
        self
    }

    /// The installation's config params as `(name, value)`.
    pub fn config_params_now(&self) -> Vec<(String, String)> {
        let desk = self.shared.desk.lock().unwrap();
        desk.config_params
            .iter()
            .map(|p| (text(&p["name"]), text(&p["value"])))
            .collect()
    }

    /// Every stored value, as `{"key", "queriableValue", "value"}`.
    pub fn stored(&self) -> Vec<Value> {
        self.shared.desk.lock().unwrap().storage.clone()
    }

    /// Every extension log added, as posted.
    pub fn logs(&self) -> Vec<Value> {
        self.shared.desk.lock().unwrap().logs.clone()
    }
}

/// Serves the app `configure` sets up on `127.0.0.1:0` with one worker,
/// in the current actix system (`#[actix_web::test]`); its address. The
/// worker runs on a thread of its own, where `configure` is called once
/// before the first request.
pub fn serve(configure: impl Fn(&mut web::ServiceConfig) + Send + Clone + 'static) -> SocketAddr {
    let server = HttpServer::new(move || App::new().configure(configure.clone()))
        .workers(1)
        .disable_signals()
        .shutdown_timeout(0)
        .bind(("127.0.0.1", 0))
        .expect("bind 127.0.0.1:0");
    let addr = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    addr
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// HMAC-SHA256 of `message` keyed with `secret`, lowercase hex.
pub fn hmac_sha256_hex(secret: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(message.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `name=value&…` of `fields` present and non-empty in `received`.
pub fn canonical(fields: &[impl AsRef<str>], received: &Received) -> String {
    fields
        .iter()
        .map(AsRef::as_ref)
        .filter_map(|name| {
            received
                .field(name)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{name}={v}"))
        })
        .collect::<Vec<_>>()
        .join("&")
}

async fn answer(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let query = pairs(req.query_string().as_bytes());
    let content_type = header("content-type");
    let is_form = content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    let fields = if is_form { pairs(&body) } else { Vec::new() };
    let mut received = Received {
        path: req.path().to_owned(),
        org_id: query
            .iter()
            .find(|(k, _)| k == "orgId")
            .map(|(_, v)| v.clone()),
        hash: header("HASH"),
        content_type,
        fields,
        hash_ok: false,
        at: Instant::now(),
    };
    let expected = hmac_sha256_hex(&shared.secret, &canonical(&shared.hash_fields, &received));
    received.hash_ok = received.hash.as_deref() == Some(expected.as_str());
    shared.received.lock().unwrap().push(received.clone());

    if req.method() != actix_web::http::Method::POST || received.path != "/api/v1/invoke" {
        return HttpResponse::NotFound().json(json!({"errorCode": "URL_NOT_FOUND"}));
    }
    if !is_form || received.org_id.is_none() || received.field("securityContext").is_none() {
        return HttpResponse::BadRequest().json(json!({
            "errorCode": "INVALID_DATA",
            "message": "orgId, a form body and securityContext are required",
        }));
    }
    if !received.hash_ok {
        return HttpResponse::Unauthorized().json(json!({
            "errorCode": "INVALID_HASH",
            "message": "the HASH does not match the request",
        }));
    }
    let scripted = shared.script.lock().unwrap().pop_front();
    let reply = match scripted {
        Some(reply) => reply,
        None => match desk(&received, &mut shared.desk.lock().unwrap()) {
            Some((status, answer)) => Reply::Target(status, answer),
            None => Reply::Echo,
        },
    };
    match reply {
        Reply::Echo => zoho_ok(zoho_answer(200, echo(&received), true)),
        Reply::EchoValue => zoho_ok(zoho_answer(200, echo(&received), false)),
        Reply::Zoho(status, body) => status_with(status)
            .content_type("application/json")
            .body(body),
        Reply::ZohoWith(status, headers, body) => {
            let mut answer = status_with(status);
            for (name, value) in headers {
                answer.insert_header((name, value));
            }
            answer.content_type("application/json").body(body)
        }
        Reply::Target(status, body) => zoho_ok(zoho_answer(status, body, true)),
        Reply::Bare(body) => zoho_ok(json!({"response": body.to_string(), "statusCode": 200})),
        Reply::Raw(body) => HttpResponse::Ok()
            .content_type("application/json")
            .body(body),
        Reply::Sleep(wait) => {
            actix_web::rt::time::sleep(wait).await;
            zoho_ok(zoho_answer(200, echo(&received), true))
        }
        Reply::EchoRequestText(status) => status_with(status)
            .content_type("text/plain")
            .body(quoted_request(&body, &received)),
        Reply::EchoRequestJson(status) => status_with(status).json(json!({
            "errorCode": "INVALID_DATA",
            "message": quoted_request(&body, &received),
        })),
    }
}

/// Zoho's answer when the target answered `status` with `answer`:
/// `{"response": "{\"statusMessage\": <answer>, \"statusCode\": <status>}"}`,
/// `response` a JSON string (`as_string`) or the object itself.
pub fn zoho_answer(status: u16, answer: Value, as_string: bool) -> Value {
    let response = json!({"statusMessage": answer, "statusCode": status});
    let response = if as_string {
        Value::String(response.to_string())
    } else {
        response
    };
    json!({ "response": response })
}

fn zoho_ok(answer: Value) -> HttpResponse {
    HttpResponse::Ok().json(answer)
}

/// Desk's part for the extension data APIs: the target's status and
/// answer, or `None` for any other URL.
fn desk(received: &Received, desk: &mut Desk) -> Option<(u16, Value)> {
    let url = received.field("requestURL")?;
    let method = received.field("requestType").unwrap_or_default();
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = &path[path.find('/').unwrap_or(path.len())..];
    let body = received.json_field("postBody").unwrap_or(Value::Null);
    if path.contains("/installedExtensions/") && !path.contains("/{{installationId}}/") {
        return Some((404, json!({"errorCode": "URL_NOT_FOUND"})));
    }
    let ok = json!({"status": "success"});
    match (method, path) {
        ("GET", CONFIG_PARAMS) => Some((200, json!({"data": desk.config_params}))),
        ("POST", CONFIG_PARAMS) => {
            let Some(variables) = body["variables"].as_array() else {
                return Some((422, json!({"errorCode": "INVALID_DATA"})));
            };
            for variable in variables {
                let name = &variable["name"];
                desk.config_params.retain(|p| &p["name"] != name);
                desk.config_params.push(variable.clone());
            }
            Some((200, json!({"data": desk.config_params})))
        }
        ("POST", STORAGE) => {
            let entries = match body {
                Value::Array(entries) => entries,
                one => vec![one],
            };
            for entry in entries {
                desk.storage.retain(|e| e["key"] != entry["key"]);
                desk.storage.push(entry);
            }
            Some((200, ok))
        }
        ("GET", STORAGE) => {
            let from: usize = received
                .query_param("from")
                .and_then(|f| f.parse().ok())
                .unwrap_or(1);
            let limit: usize = received
                .query_param("limit")
                .and_then(|l| l.parse().ok())
                .unwrap_or(usize::MAX);
            let found: Vec<Value> = desk
                .storage
                .iter()
                .filter(|e| selected(received, e))
                .skip(from.saturating_sub(1))
                .take(limit)
                .cloned()
                .collect();
            Some((200, json!({ "data": found })))
        }
        ("DELETE", STORAGE) => {
            desk.storage.retain(|e| !selected(received, e));
            Some((200, ok))
        }
        ("POST", EXTENSION_LOGS) => {
            desk.logs.push(body);
            Some((200, ok))
        }
        _ => None,
    }
}

/// Whether a stored `entry` has the `key` and `queriableValue` asked for.
fn selected(received: &Received, entry: &Value) -> bool {
    ["key", "queriableValue"].iter().all(|name| {
        received
            .query_param(name)
            .is_none_or(|wanted| entry[*name].as_str() == Some(wanted.as_str()))
    })
}

fn status_with(status: u16) -> actix_web::HttpResponseBuilder {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("a valid status"))
}

/// `request <form body as received> HASH <the HASH header>`.
fn quoted_request(body: &[u8], received: &Received) -> String {
    format!(
        "request {} HASH {}",
        String::from_utf8_lossy(body),
        received.hash.as_deref().unwrap_or_default()
    )
}

/// The call as the target would have seen it (never the security context).
fn echo(received: &Received) -> Value {
    let json_or_text = |name: &str| {
        received
            .field(name)
            .map(|v| serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.to_owned())))
    };
    json!({
        "url": received.field("requestURL"),
        "method": received.field("requestType"),
        "query": json_or_text("queryParams"),
        "headers": json_or_text("headers"),
        "body": json_or_text("postBody"),
        "connection": received.field("connectionLinkName"),
        "orgId": received.org_id,
    })
}

/// A form body's pairs, in order (the same encoding as a query string).
fn pairs(body: &[u8]) -> Vec<(String, String)> {
    std::str::from_utf8(body)
        .ok()
        .and_then(|text| web::Query::<Vec<(String, String)>>::from_query(text).ok())
        .map_or_else(Vec::new, web::Query::into_inner)
}
