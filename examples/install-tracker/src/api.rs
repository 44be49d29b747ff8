//! `GET /orgs/{orgId}`: what the tracker knows about one org, for whoever
//! [`ReadAccess`] lets read it.

use crate::db::Db;
use actix_web::http::header::{self, HeaderMap};
use actix_web::{HttpRequest, HttpResponse, web};
use callback_actix::prelude::OrgId;
use std::fmt;
use std::net::SocketAddr;
use subtle::ConstantTimeEq;

/// The token the read API requires when `ADMIN_TOKEN` is set, presented as
/// `Authorization: Bearer <token>`.
///
/// It never prints: `Debug` shows `AdminToken(<redacted>)` and there is no
/// `Display`.
#[derive(Clone)]
pub struct AdminToken(Box<str>);

/// Why a string cannot be an [`AdminToken`]. No variant carries it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AdminTokenError {
    /// The token is empty: it would guard nothing.
    #[error(
        "it is empty; set it to a long random string (for example the output of \
         `openssl rand -hex 32`), or unset it"
    )]
    Empty,
    /// The token holds a space, a control character or non-ASCII: a client
    /// could not send it in an `Authorization` header as it is.
    #[error("it must be printable ASCII without spaces, as an Authorization header carries it")]
    NotPrintable,
}

impl AdminToken {
    /// Wraps `token`: non-empty, printable ASCII without spaces.
    pub fn new(token: impl Into<String>) -> Result<AdminToken, AdminTokenError> {
        let token = token.into();
        if token.is_empty() {
            return Err(AdminTokenError::Empty);
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(AdminTokenError::NotPrintable);
        }
        Ok(AdminToken(token.into_boxed_str()))
    }

    /// Whether `presented` is this token, compared in constant time (a
    /// length that differs is told at once: the length is not the secret).
    fn matches(&self, presented: &[u8]) -> bool {
        self.0.as_bytes().ct_eq(presented).into()
    }
}

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

/// Who may read `GET /orgs/{orgId}`.
#[derive(Clone, Debug)]
pub enum ReadAccess {
    /// Whoever sends `Authorization: Bearer <token>`; anyone else gets
    /// `401 unauthorized`.
    Token(AdminToken),
    /// Anyone who reaches the server: what [`ReadAccess::for_server`]
    /// chooses without a token for a server bound to a loopback address,
    /// which only this machine reaches.
    Open,
    /// Nobody: `403 read_api_closed`. What [`ReadAccess::for_server`]
    /// chooses without a token for a server other machines may reach.
    Closed,
}

impl ReadAccess {
    /// The access for a server bound to `bind_addr`: the token's if there is
    /// one; else open on a loopback address and closed on any other (an
    /// unspecified address such as `0.0.0.0` included).
    pub fn for_server(token: Option<AdminToken>, bind_addr: SocketAddr) -> ReadAccess {
        match token {
            Some(token) => ReadAccess::Token(token),
            None if bind_addr.ip().is_loopback() => ReadAccess::Open,
            None => ReadAccess::Closed,
        }
    }

    /// One line saying who may read the API, for the server to print as it
    /// starts. It never holds the token.
    pub fn describe(&self) -> &'static str {
        match self {
            ReadAccess::Token(_) => {
                "read API: GET /orgs/{orgId} needs Authorization: Bearer <ADMIN_TOKEN>"
            }
            ReadAccess::Open => {
                "read API: GET /orgs/{orgId} is served without a token, because ADMIN_TOKEN is \
                 unset and the server is bound to a loopback address"
            }
            ReadAccess::Closed => {
                "read API: GET /orgs/{orgId} answers 403, because ADMIN_TOKEN is unset and the \
                 server is bound to an address other machines may reach; set ADMIN_TOKEN to \
                 serve it"
            }
        }
    }

    /// The answer for a request with `headers` that may not read, or `None`
    /// when it may.
    fn refusal(&self, headers: &HeaderMap) -> Option<HttpResponse> {
        match self {
            ReadAccess::Open => None,
            ReadAccess::Token(token) if bearer(headers).is_some_and(|t| token.matches(t)) => None,
            ReadAccess::Token(_) => Some(
                HttpResponse::Unauthorized()
                    .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
                    .json(serde_json::json!({
                        "error": "unauthorized",
                        "message": "GET /orgs/{orgId} needs the header \
                                    Authorization: Bearer <ADMIN_TOKEN>",
                    })),
            ),
            ReadAccess::Closed => Some(HttpResponse::Forbidden().json(serde_json::json!({
                "error": "read_api_closed",
                "message": "ADMIN_TOKEN is unset and this server is bound to an address other \
                            machines may reach, so GET /orgs/{orgId} is closed; restart it with \
                            ADMIN_TOKEN set and send Authorization: Bearer <ADMIN_TOKEN>",
            }))),
        }
    }
}

/// The credentials of an `Authorization: Bearer <token>` header (the scheme
/// in any case, as RFC 7235 has it).
fn bearer(headers: &HeaderMap) -> Option<&[u8]> {
    let value = headers.get(header::AUTHORIZATION)?.as_bytes();
    let scheme = value.get(..7)?;
    scheme
        .eq_ignore_ascii_case(b"Bearer ")
        .then(|| value[7..].trim_ascii())
}

/// Registers the read API, readable as `access` says.
pub fn configure(config: &mut web::ServiceConfig, access: ReadAccess) {
    config
        .app_data(web::Data::new(access))
        .route("/orgs/{org_id}", web::get().to(org));
}

async fn org(
    req: HttpRequest,
    access: web::Data<ReadAccess>,
    db: web::Data<Db>,
    org_id: web::Path<String>,
) -> HttpResponse {
    if let Some(refusal) = access.refusal(req.headers()) {
        return refusal;
    }
    let Ok(org) = org_id.parse::<OrgId>() else {
        return HttpResponse::BadRequest().json(serde_json::json!({
            "error": "invalid_org_id",
            "message": "the org id must be a decimal integer",
        }));
    };
    match db.org(org).await {
        Ok(Some(state)) => HttpResponse::Ok().json(state),
        Ok(None) => HttpResponse::NotFound().json(serde_json::json!({
            "error": "unknown_org",
            "message": "no callback was received from this org",
        })),
        Err(err) if err.is_unavailable() => {
            tracing::warn!(error = %err, "reading an org failed: the database is unavailable");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({
                "error": "store_unavailable",
                "message": "the database is unavailable; retry later",
            }))
        }
        Err(err) => {
            tracing::error!(error = %err, "reading an org failed");
            HttpResponse::InternalServerError().json(serde_json::json!({
                "error": "database_error",
                "message": "the database could not be read",
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_access_follows_the_token_and_the_bind_address() {
        let token = || Some(AdminToken::new("t0ken").unwrap());
        let addr = |a: &str| a.parse::<SocketAddr>().unwrap();
        for bind in ["127.0.0.1:8080", "0.0.0.0:8080", "[::1]:80", "192.0.2.7:80"] {
            assert!(matches!(
                ReadAccess::for_server(token(), addr(bind)),
                ReadAccess::Token(_)
            ));
        }
        for bind in ["127.0.0.1:0", "127.8.0.1:80", "[::1]:80"] {
            assert!(matches!(
                ReadAccess::for_server(None, addr(bind)),
                ReadAccess::Open
            ));
        }
        for bind in [
            "0.0.0.0:0",
            "[::]:80",
            "192.0.2.7:80",
            "[::ffff:127.0.0.1]:80",
        ] {
            assert!(matches!(
                ReadAccess::for_server(None, addr(bind)),
                ReadAccess::Closed
            ));
        }
    }

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, value.parse().unwrap());
            bearer(&headers).map(<[u8]>::to_vec)
        };
        assert_eq!(with("Bearer abc"), Some(b"abc".to_vec()));
        assert_eq!(with("bearer  abc "), Some(b"abc".to_vec()));
        assert_eq!(with("Basic abc"), None);
        assert_eq!(with("Bearer"), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
    }

    #[test]
    fn a_token_matches_only_itself_and_never_prints() {
        let token = AdminToken::new("s3cr3t-token").unwrap();
        assert!(token.matches(b"s3cr3t-token"));
        assert!(!token.matches(b"s3cr3t-tokem"));
        assert!(!token.matches(b"s3cr3t-token2"));
        assert!(!token.matches(b""));
        assert_eq!(format!("{token:?}"), "AdminToken(<redacted>)");
        let access = format!("{:?}", ReadAccess::Token(token));
        assert_eq!(access, "Token(AdminToken(<redacted>))");
    }

    #[test]
    fn a_blank_or_unprintable_token_is_refused() {
        assert_eq!(AdminToken::new("").unwrap_err(), AdminTokenError::Empty);
        for bad in [" ", "a b", "tab\there", "é", "line\n"] {
            assert_eq!(
                AdminToken::new(bad).unwrap_err(),
                AdminTokenError::NotPrintable,
                "{bad:?}"
            );
        }
    }
}
