//! Request handlers, one module per resource.

pub mod actions;
pub mod admin;
pub mod audit;
pub mod cases;
pub mod export;
pub mod health;
pub mod holidays;
pub mod measures;
pub mod rectify;
pub mod reference;
pub mod referrals;
pub mod schemes;
pub mod timeline;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use sanctuary_persistence::calendars;
use sanctuary_persistence::cases::CaseRecord;
use time::OffsetDateTime;

use crate::access::Scope;
use crate::errors::{ApiError, ErrorCode};
use crate::state::AppState;
use crate::views;

/// The case's strong validator: changes with every write.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The version `If-Match` names: required, and a strong ETag of this API. `resource`
/// names what is being changed, for the message.
pub fn expected_version(request: &HttpRequest, resource: &'static str) -> Result<i64, ApiError> {
    let required = || {
        ApiError::new(
            ErrorCode::PreconditionRequired,
            format!("Send If-Match with the {resource}'s ETag (from reading it)."),
        )
    };
    let value = request
        .headers()
        .get(header::IF_MATCH)
        .ok_or_else(required)?;
    let text = value.to_str().map_err(|_| required())?.trim();
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .and_then(|t| t.parse::<i64>().ok())
        // A weak or unknown tag can never match a strong ETag of ours.
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::PreconditionFailed,
                format!("If-Match does not name a version of this {resource}."),
            )
        })
}

/// Now, to the microsecond: the precision both databases store, so a value reads back
/// exactly as written on either.
pub fn now_micros() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_microsecond(now.microsecond()).unwrap_or(now)
}

/// The case as the caller may see it, with its `ETag`.
pub async fn case_response(
    state: &AppState,
    scope: &Scope,
    mut builder: HttpResponseBuilder,
    record: &CaseRecord,
) -> Result<HttpResponse, ApiError> {
    let Some(view) = scope.view(&record.summary) else {
        // The caller's action took the case out of its sight.
        return Ok(HttpResponse::NoContent().finish());
    };
    let calendar = calendars::for_nation(state.store.connection(), record.detail.nation).await?;
    let body = views::case(
        record,
        view,
        scope.allowed_actions(&record.summary),
        now_micros(),
        &calendar,
    );
    Ok(builder
        .insert_header((header::ETAG, etag(record.summary.version)))
        .json(body))
}
