//! The events feed: what changed on the cases an organisation works on.

use std::time::Duration;

use actix_web::get;
use actix_web::web::{Data, Json};
use sanctuary_domain::events::Event;

use super::audit::parse_cursor;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ValidQuery;
use crate::state::AppState;
use crate::wire::events::{DEFAULT_EVENT_PAGE, EventPage, EventsQueryParams};

/// Read your organisation's events.
///
/// Every change to a case your organisation can read — a referral received, each
/// workflow action, a consent recorded, a clock breached — as an event with no personal
/// data: its type, time, the case's id, reference and scheme, its status before and
/// after and the acting organisation. Fetch the case for what you may see of it.
/// Oldest first; pass `next_cursor` back as `after`. With `wait`, an empty page is held
/// open until an event commits (long poll). Events are kept for 30 days by default.
/// The same events go to your organisation's webhooks.
#[utoipa::path(
    tag = "events",
    params(EventsQueryParams),
    responses(
        (status = 200, body = EventPage),
        (status = 403, description = "The token holds no role that works on cases (a funder's or an auditor's).", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/events")]
pub async fn list_events(
    state: Data<AppState>,
    caller: Caller,
    query: ValidQuery<EventsQueryParams>,
) -> Result<Json<EventPage>, ApiError> {
    let q = query.0;
    let after = q
        .after
        .as_deref()
        .map(parse_cursor)
        .transpose()?
        .unwrap_or(0);
    let limit = q.limit.unwrap_or(DEFAULT_EVENT_PAGE);
    let wait = Duration::from_secs(q.wait.unwrap_or(0));
    let events = sanctuary_app::feed::read(&state.app, &caller, after, limit, wait).await?;
    let next = events.last().map_or(after, |e| e.seq);
    let items: Vec<Event> = events.iter().map(|e| e.to_event()).collect();
    Ok(Json(EventPage {
        items,
        next_cursor: next.to_string(),
    }))
}
