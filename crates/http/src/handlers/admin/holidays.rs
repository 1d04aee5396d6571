//! Adding one-off holidays to a nation's working-day calendar.

use actix_web::web::Data;
use actix_web::{HttpResponse, post};

use super::administrator;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ContractJson;
use crate::state::AppState;
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
    security(("admin_bearer" = [])),
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
