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
pub mod reports;
pub mod schemes;
pub mod timeline;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::{Action, View};
use sanctuary_persistence::calendars;
use sanctuary_persistence::cases::{CaseRecord, CaseSummary, find_summary};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::Scope;
use crate::audit::refuse;
use crate::auth::Caller;
use crate::errors::{ApiError, ErrorCode};
use crate::state::AppState;
use crate::views;

/// A case the caller may take `action` on, with how it may see it and the role it acts
/// in.
pub struct Authorised {
    pub summary: CaseSummary,
    pub scope: Scope,
    pub view: View,
    pub role: Role,
}

/// Loads case `id` and asks the policy about `action`: 404 (exactly as for a missing
/// case) if the caller may not see it, 403 with `forbidden` if its role does not allow
/// the action. Both refusals are audited before they are answered.
pub async fn authorise(
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: Action,
    forbidden: impl FnOnce() -> String,
) -> Result<Authorised, ApiError> {
    let id = Uuid::parse_str(id).map_err(|_| ApiError::not_found())?;
    let summary = find_summary(state.store.connection(), id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let scope = Scope::of(&state.store, caller).await?;
    let Some(view) = scope.view(&summary) else {
        return Err(refuse(state, caller, action, &summary, ApiError::not_found()).await);
    };
    let Some(role) = scope.acting_role(&summary, action) else {
        let refusal = ApiError::forbidden(forbidden());
        return Err(refuse(state, caller, action, &summary, refusal).await);
    };
    Ok(Authorised {
        summary,
        scope,
        view,
        role,
    })
}

/// The case's strong validator: changes with every write.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// Checks `If-Match` against the resource's `current` version and returns that version
/// (the one the write must still find). `If-Match` is required (428 without it, or when
/// blank) and must be the current strong ETag; anything else fails with 412 and the
/// current ETag. Deliberately, `*` is not accepted: every write to a case must say
/// which version of it the caller saw, so no one overwrites a change they never read.
/// `resource` names what is being changed, for the message.
pub fn if_match(
    request: &HttpRequest,
    resource: &'static str,
    current: i64,
) -> Result<i64, ApiError> {
    let required = || {
        ApiError::new(
            ErrorCode::PreconditionRequired,
            format!("Send If-Match with the {resource}'s ETag (from reading it)."),
        )
    };
    let text = request
        .headers()
        .get(header::IF_MATCH)
        .ok_or_else(required)?
        .to_str()
        .map_err(|_| required())?
        .trim();
    if text.is_empty() {
        return Err(required());
    }
    let ours = etag(current);
    if text == ours {
        Ok(current)
    } else {
        Err(ApiError::stale(resource, ours))
    }
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
    let repeats = scope
        .repeat_links_shown(&state.store, &[&record.summary])
        .await?;
    let body = views::case(
        record,
        view,
        scope.allowed_actions(&record.summary),
        now_micros(),
        &calendar,
        !repeats.is_empty(),
    );
    Ok(builder
        .insert_header((header::ETAG, etag(record.summary.version)))
        .json(body))
}
