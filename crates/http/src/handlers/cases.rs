//! Reading cases.

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sanctuary_domain::policy::Action;
use sanctuary_domain::violation::ViolationCode;
use sanctuary_persistence::cases::{self, CaseOrder, CaseQuery, ClockFilter};
use time::{Duration, OffsetDateTime, Time};
use uuid::Uuid;

use super::{case_response, now_micros};
use crate::access::Scope;
use crate::audit;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ValidQuery;
use crate::state::AppState;
use crate::views;
use crate::wire::case::{CasePage, CaseView, DEFAULT_PAGE_SIZE, ListCasesQuery};

/// Read a case.
///
/// Referrers see the cases they referred; the scheme's coordinator every case in the
/// scheme; an assessor the cases assigned to it; a contractor the cases it holds a
/// works order for (property and works only); the fire service the cases with works
/// completed in its scheme (address and measures only). Any other case answers 404,
/// exactly as a case that does not exist.
#[utoipa::path(
    tag = "cases",
    params(("id" = Uuid, Path, description = "The case id")),
    responses(
        (status = 200, description = "The case.", body = CaseView,
            headers(("ETag" = String, description = "The case version"))),
    ),
    security(("bearer" = [])),
)]
#[get("/cases/{id}")]
pub async fn get_case(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::not_found())?;
    let store = &state.store;
    let summary = cases::find_summary(store.connection(), id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let scope = Scope::of(store, &caller).await?;
    let Some(view) = scope.view(&summary) else {
        return Err(audit::refuse(
            &state.app,
            &caller,
            Action::ViewCase,
            &summary,
            ApiError::not_found(),
        )
        .await);
    };
    let role = scope.acting_role(&summary, Action::ViewCase);
    audit::read(
        &state.app,
        &caller,
        role,
        Action::ViewCase,
        &summary,
        vec![format!("view:{view}")],
    )
    .await?;
    let record = cases::with_referral(store, summary).await?;
    case_response(&state, &scope, HttpResponse::Ok(), &record).await
}

/// List cases.
///
/// The cases the caller may read, newest first, filtered (by status, dates, risk,
/// urgency, or clocks: `clock_state=breached`, `due_within_days=2`), or the one with a
/// `reference`. With `updated_since`, the cases changed since then, oldest change
/// first: how a partner keeps its own system in step. Pages hold `limit` cases (default
/// 25, at most 100); follow `next_cursor` for the next page.
#[utoipa::path(
    tag = "cases",
    params(ListCasesQuery),
    responses((status = 200, description = "A page of cases.", body = CasePage)),
    security(("bearer" = [])),
)]
#[get("/cases")]
pub async fn list_cases(
    state: Data<AppState>,
    caller: Caller,
    query: ValidQuery<ListCasesQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let limit = q.limit.unwrap_or(DEFAULT_PAGE_SIZE);
    let cursor = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let start_of = |d: time::Date| d.with_time(Time::MIDNIGHT).assume_utc();
    let scope = Scope::of(&state.store, &caller).await?;
    let now = now_micros();
    let clock = match (q.clock_state, q.due_within_days) {
        (Some(state), _) => Some(ClockFilter::State(state, now)),
        (None, Some(days)) => Some(ClockFilter::DueBetween(
            now,
            now + Duration::days(i64::from(days)),
        )),
        (None, None) => None,
    };
    let query = CaseQuery {
        visibility: scope.visible_cases(),
        clock,
        status: q.status,
        received_from: q.received_from.map(start_of),
        received_before: q.received_to.map(|d| start_of(d) + Duration::days(1)),
        risk_level: q.risk_level,
        urgent: q.urgent,
        reference: q.reference,
        order: match q.updated_since {
            None => CaseOrder::Newest {
                after: cursor.map(|c| c.id),
            },
            Some(since) => CaseOrder::UpdatedSince {
                since: since.max(EARLIEST),
                // A newest-first cursor (id only) continues from the instant asked for.
                after: cursor.map(|c| (c.updated_at.unwrap_or(since).max(EARLIEST), c.id)),
            },
        },
        // One extra row tells whether another page follows.
        limit: u64::from(limit) + 1,
    };
    let mut rows = cases::list(state.store.connection(), &query).await?;
    let next_cursor = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|last| {
            let updated_at = q.updated_since.is_some().then_some(last.updated_at);
            encode_cursor(Cursor {
                id: last.id,
                updated_at,
            })
        })
    } else {
        None
    };
    let shown: Vec<&_> = rows.iter().collect();
    let repeats = scope.repeat_links_shown(&state.store, &shown).await?;
    Ok(HttpResponse::Ok().json(CasePage {
        items: rows
            .iter()
            .filter_map(|row| {
                let view = scope.view(row)?;
                Some(views::summary(row, view, repeats.contains(&row.id)))
            })
            .collect(),
        next_cursor,
    }))
}

/// Where a page ends: the last case's id, and in `updated_since` order its
/// `updated_at` too (16 bytes, or 8 + 16, URL-safe base64: 22 or 32 characters).
pub(crate) struct Cursor {
    pub id: Uuid,
    pub updated_at: Option<OffsetDateTime>,
}

/// No case was updated before this; earlier instants read as it.
pub(crate) const EARLIEST: OffsetDateTime = time::macros::datetime!(2000-01-01 0:00 UTC);

pub(crate) fn encode_cursor(cursor: Cursor) -> String {
    let mut bytes = Vec::with_capacity(24);
    if let Some(at) = cursor.updated_at {
        let micros = (at.unix_timestamp_nanos() / 1_000) as i64;
        bytes.extend_from_slice(&micros.to_be_bytes());
    }
    bytes.extend_from_slice(cursor.id.as_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn decode_cursor(cursor: &str) -> Result<Cursor, ApiError> {
    let invalid = || {
        ApiError::invalid_parameters(vec![(
            "cursor".into(),
            ViolationCode::InvalidFormat,
            "must be a next_cursor returned by this API".into(),
        )])
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    match bytes.len() {
        16 => Ok(Cursor {
            id: Uuid::from_slice(&bytes).map_err(|_| invalid())?,
            updated_at: None,
        }),
        24 => {
            let (micros, id) = bytes.split_at(8);
            let micros = i64::from_be_bytes(micros.try_into().map_err(|_| invalid())?);
            // Any instant the cursor could name is clamped into time's range: a cursor
            // past every case simply ends the list.
            let updated_at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
                .unwrap_or(if micros < 0 {
                    EARLIEST
                } else {
                    time::macros::datetime!(9999-12-31 23:59:59 UTC)
                });
            Ok(Cursor {
                id: Uuid::from_slice(id).map_err(|_| invalid())?,
                updated_at: Some(updated_at),
            })
        }
        _ => Err(invalid()),
    }
}
