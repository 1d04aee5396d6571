//! Request handlers, one module per resource.

pub mod actions;
pub mod admin;
pub mod assessment;
pub mod audit;
pub mod budgets;
pub mod cases;
pub mod consents;
pub mod documents;
pub mod events;
pub mod export;
pub mod feedback;
pub mod health;
pub mod holidays;
pub mod letters;
pub mod measures;
pub mod notes;
pub mod problems;
pub mod rectify;
pub mod reference;
pub mod referrals;
pub mod register;
pub mod reports;
pub mod schemes;
pub mod statutory;
pub mod timeline;
pub mod webhooks;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use sanctuary_app::precondition::Expected;
use sanctuary_domain::policy::Action;
use sanctuary_persistence::calendars;
use sanctuary_persistence::cases::CaseRecord;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::Scope;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::state::AppState;
use crate::views;

pub use sanctuary_app::actions::Authorised;

/// Case `id` if the caller may do `action` to it ([`sanctuary_app::actions::authorise`]):
/// 404 exactly as for a missing case (an id that is no UUID included), 403 with
/// `forbidden` if its role does not allow the action; both refusals audited.
pub async fn authorise(
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: Action,
    forbidden: impl FnOnce() -> String,
) -> Result<Authorised, ApiError> {
    let id = Uuid::parse_str(id).map_err(|_| ApiError::not_found())?;
    Ok(sanctuary_app::actions::authorise(&state.app, caller, id, action, forbidden).await?)
}

/// The case's strong validator: changes with every write.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// What `If-Match` says the caller saw: nothing (absent or blank), one of our strong
/// ETags, or something else. The use cases judge it against the current version
/// ([`sanctuary_app::precondition::check`]): required (428 without it) and the current
/// strong ETag (412 otherwise, with the current one). Deliberately, `*` is not
/// accepted: every write must say which version it saw, so no one overwrites a change
/// they never read.
pub fn expected(request: &HttpRequest) -> Expected {
    let Some(value) = request.headers().get(header::IF_MATCH) else {
        return Expected::Missing;
    };
    let Ok(text) = value.to_str() else {
        return Expected::Missing;
    };
    let text = text.trim();
    if text.is_empty() {
        return Expected::Missing;
    }
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse().ok())
        // Exactly as we write it ("3", not "03").
        .filter(|v: &i64| format!("\"{v}\"") == text)
        .map_or(Expected::Unrecognised, Expected::Version)
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

/// Which of `types` the client's `Accept` lists first, by where it appears (q-values are
/// rarely used by the API's clients); `None` when it lists none of them.
pub fn preferred<'a>(request: &HttpRequest, types: &[&'a str]) -> Option<&'a str> {
    let accept = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    types
        .iter()
        .filter_map(|t| accept.find(t).map(|at| (at, *t)))
        .min_by_key(|(at, _)| *at)
        .map(|(_, t)| t)
}
