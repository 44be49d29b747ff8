//! `GET /orgs/{orgId}`: what the tracker knows about one org.

use crate::db::Db;
use actix_web::{HttpResponse, web};
use callback_actix::prelude::OrgId;

/// Registers the read API.
pub fn configure(config: &mut web::ServiceConfig) {
    config.route("/orgs/{org_id}", web::get().to(org));
}

async fn org(db: web::Data<Db>, org_id: web::Path<String>) -> HttpResponse {
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
        Err(err) => {
            tracing::error!(error = %err, "reading an org failed");
            HttpResponse::InternalServerError().json(serde_json::json!({
                "error": "database_error",
                "message": "the database could not be read",
            }))
        }
    }
}
