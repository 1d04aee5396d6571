//! The working-day calendars.

use actix_web::get;
use actix_web::web::{Data, Json};
use sanctuary_domain::calendar;
use sanctuary_persistence::admin;

use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ValidQuery;
use crate::state::AppState;
use crate::wire::scheme::{HolidaySource, HolidayView, HolidaysQuery};

/// A nation's non-working days.
///
/// The shipped bank holidays plus the one-off holidays administrators added, by date.
/// Weekends are never working days and are not listed. SLA clocks in working days skip
/// all of these.
#[utoipa::path(
    tag = "reference",
    params(HolidaysQuery),
    responses((status = 200, body = Vec<HolidayView>)),
    security(("bearer" = [])),
)]
#[get("/holidays")]
pub async fn list_holidays(
    state: Data<AppState>,
    _caller: Caller,
    query: ValidQuery<HolidaysQuery>,
) -> Result<Json<Vec<HolidayView>>, ApiError> {
    let q = query.0;
    let mut days: Vec<HolidayView> = calendar::shipped(q.nation)
        .map(|h| HolidayView {
            date: h.date,
            name: h.name.to_owned(),
            source: HolidaySource::Shipped,
        })
        .collect();
    for (date, name) in admin::added_holidays(state.store.connection(), q.nation).await? {
        days.push(HolidayView {
            date,
            name,
            source: HolidaySource::Added,
        });
    }
    days.retain(|d| q.year.is_none_or(|y| d.date.year() == y));
    days.sort_by_key(|d| d.date);
    Ok(Json(days))
}
