//! The administration log: every administrative change, newest first.

use actix_web::get;
use actix_web::web::{Data, Json};

use super::administrator;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ValidQuery;
use crate::state::AppState;
use crate::wire::organisation::{AdminEventView, AdminEventsQuery};

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
    security(("admin_bearer" = [])),
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
