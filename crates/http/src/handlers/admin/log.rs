//! Holidays, token revocation and the administration log.

use actix_web::web::{Data, Json};
use actix_web::{HttpResponse, get, post};

use super::administrator;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::{ContractJson, ValidQuery};
use crate::state::AppState;
use crate::wire::organisation::{AdminEventView, AdminEventsQuery, RevokeTokenBody};
use crate::wire::scheme::{HolidayBody, HolidaySource, HolidayView};

/// Add a one-off holiday to a nation's working-day calendar.
///
/// Clocks due after it move when they are next worked out; the shipped bank holidays
/// are already there.
#[utoipa::path(
    tag = "administration",
    request_body = HolidayBody,
    responses(
        (status = 201, description = "Added.", body = HolidayView),
        (status = 409, description = "Already a holiday (`holiday_exists`).", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[post("/admin/holidays")]
pub async fn add_holiday(
    state: Data<AppState>,
    caller: Caller,
    body: ContractJson<HolidayBody>,
) -> Result<HttpResponse, ApiError> {
    let admin = administrator(&state, &caller).await?;
    let body = body.parse(Ok)?;
    let name = body.name.trim();
    admin
        .add_holiday(&state.app, body.nation, body.date, name)
        .await?;
    Ok(HttpResponse::Created().json(HolidayView {
        date: body.date,
        name: name.to_owned(),
        source: HolidaySource::Added,
    }))
}

/// Revoke a token.
///
/// The token with this `jti` is refused from its next request on, whatever its expiry.
/// Revoking a token twice is harmless.
#[utoipa::path(
    tag = "administration",
    request_body = RevokeTokenBody,
    responses(
        (status = 204, description = "Revoked."),
    ),
    security(("bearer" = [])),
)]
#[post("/admin/revoked-tokens")]
pub async fn revoke_token(
    state: Data<AppState>,
    caller: Caller,
    body: ContractJson<RevokeTokenBody>,
) -> Result<HttpResponse, ApiError> {
    let admin = administrator(&state, &caller).await?;
    let body = body.parse(Ok)?;
    admin.revoke_token(&state.app, &body.jti).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The administration log, newest first.
///
/// Every administrative change: who (token subject and organisation), when, what
/// (the names of changed fields and settings, never personal data).
#[utoipa::path(
    tag = "administration",
    params(AdminEventsQuery),
    responses(
        (status = 200, body = Vec<AdminEventView>),
    ),
    security(("bearer" = [])),
)]
#[get("/admin/events")]
pub async fn events(
    state: Data<AppState>,
    caller: Caller,
    query: ValidQuery<AdminEventsQuery>,
) -> Result<Json<Vec<AdminEventView>>, ApiError> {
    administrator(&state, &caller).await?;
    let limit = query.0.limit.unwrap_or(100);
    let entries = sanctuary_persistence::admin::events(state.store.connection(), limit).await?;
    Ok(Json(
        entries.into_iter().map(AdminEventView::from).collect(),
    ))
}
