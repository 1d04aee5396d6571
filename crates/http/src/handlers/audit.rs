//! Reading the audit trail: who saw or changed what, for a breach report.

use actix_web::get;
use actix_web::web::{Data, Json};
use sanctuary_domain::policy::Action;
use sanctuary_domain::violation::ViolationCode;
use sanctuary_persistence::audit::{self, AuditQuery};

use crate::access::Scope;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ValidQuery;
use crate::state::AppState;
use crate::wire::audit::{AuditPage, AuditQueryParams, AuditRecordView, DEFAULT_AUDIT_PAGE};

/// Read the audit trail.
///
/// For the auditor organisations of a scheme: every read of its cases' personal data,
/// every change and every refused attempt — who (token subject, organisation, role),
/// when, which case, which fields (names only), the request id and the outcome. Filter
/// by case, organisation, actor and time to answer "who saw this address". Newest
/// first; follow `next_cursor`.
#[utoipa::path(
    tag = "audit",
    params(AuditQueryParams),
    responses(
        (status = 200, body = AuditPage),
        (status = 403, description = "Not an auditor of any scheme.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/audit")]
pub async fn list_audit(
    state: Data<AppState>,
    caller: Caller,
    query: ValidQuery<AuditQueryParams>,
) -> Result<Json<AuditPage>, ApiError> {
    let q = query.0;
    let scope = Scope::of(&state.store, &caller).await?;
    let schemes = scope.schemes_permitting(Action::ViewAudit);
    if schemes.is_empty() {
        crate::audit::denied(&state.app, &caller, Action::ViewAudit, None, None).await?;
        return Err(ApiError::forbidden(
            "The audit trail is for the auditor organisations of a scheme.",
        ));
    }
    let before_seq = q.cursor.as_deref().map(parse_cursor).transpose()?;
    let limit = q.limit.unwrap_or(DEFAULT_AUDIT_PAGE);
    let records = audit::list(
        state.store.connection(),
        &AuditQuery {
            schemes,
            case_id: q.case_id,
            organisation_id: q.organisation_id,
            actor_subject: q.actor,
            from: q.from,
            to: q.to,
            before_seq,
            limit: limit + 1,
        },
    )
    .await?;
    let more = records.len() as u64 > limit;
    let items: Vec<AuditRecordView> = records
        .into_iter()
        .take(limit as usize)
        .map(AuditRecordView::from)
        .collect();
    let next_cursor = more
        .then(|| items.last().map(|r| r.seq.to_string()))
        .flatten();
    Ok(Json(AuditPage { items, next_cursor }))
}

/// A cursor is exactly what the spec's pattern says: 1 to 18 digits (always an i64).
pub(crate) fn parse_cursor(cursor: &str) -> Result<i64, ApiError> {
    let digits = (1..=18).contains(&cursor.len()) && cursor.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| cursor.parse().ok())
        .flatten()
        .ok_or_else(|| {
            ApiError::invalid_parameters(vec![(
                "cursor".into(),
                ViolationCode::InvalidFormat,
                "is not a cursor from this API".into(),
            )])
        })
}
