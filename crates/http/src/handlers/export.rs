//! Subject access: everything held about the client of a case, as JSON.

use actix_web::get;
use actix_web::web::{Data, Json, Path};
use sanctuary_domain::notes::ReadScope;
use sanctuary_domain::policy::Action;
use sanctuary_persistence::audit::{self, AuditQuery};
use sanctuary_persistence::{calendars, cases, events};

use super::consents::{consent_change, form_consents};
use super::timeline::{risk_assessments_of, timeline_of};
use super::{Authorised, authorise, now_micros};
use crate::audit as audit_trail;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::state::AppState;
use crate::views;
use crate::wire::audit::AuditRecordView;
use crate::wire::documents::DocumentView;
use crate::wire::export::{CaseExport, NoteView};

/// The most access records an export carries (a case has far fewer).
const ACCESS_LOG_LIMIT: u64 = 100_000;

/// Export everything held about the client (subject access request).
///
/// The scheme's coordinator, who answers the client's request: the case and the
/// referral as given (household details only as the client gave them), the consent
/// history, the timeline, every free-text note, the risk assessments, and the audit
/// trail of who accessed or changed the record. The export is itself audited.
#[utoipa::path(
    tag = "cases",
    params(("id" = Uuid, Path, description = "The case id")),
    responses(
        (status = 200, body = CaseExport),
        (status = 403, description = "Not the scheme's coordinator.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/cases/{id}/export")]
pub async fn export_case(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<Json<CaseExport>, ApiError> {
    let action = Action::ExportCase;
    let Authorised {
        summary,
        scope,
        view,
        role,
    } = authorise(&state, &caller, &id, action, || {
        "Subject access exports are made by the scheme's coordinator.".into()
    })
    .await?;
    let id = summary.id;
    let store = &state.store;
    let fields = vec!["export".to_owned()];
    audit_trail::read(&state.app, &caller, Some(role), action, &summary, fields).await?;

    let scheme_id = summary.scheme_id;
    let record = cases::with_referral(store, summary).await?;
    let calendar = calendars::for_nation(store.connection(), record.detail.nation).await?;
    let now = now_micros();
    let allowed = scope.allowed_actions(&record.summary);
    let repeats = scope.repeat_links_shown(store, &[&record.summary]).await?;
    let case = views::case(&record, view, allowed, now, &calendar, !repeats.is_empty());
    let timeline = timeline_of(&state, id).await?;
    let mut consent_history = form_consents(&record.referral.consents);
    consent_history.extend(timeline.iter().filter_map(consent_change));
    let notes = events::notes(store, id)
        .await?
        .into_iter()
        .map(|n| NoteView {
            event_id: n.event_id,
            kind: n.kind,
            at: n.at,
            text: n.text,
        })
        .collect();
    let documents = sanctuary_persistence::documents::list(store, id, &ReadScope::All)
        .await?
        .into_iter()
        .map(DocumentView::from)
        .collect();
    let query = AuditQuery {
        schemes: vec![scheme_id],
        case_id: Some(id),
        limit: ACCESS_LOG_LIMIT,
        ..AuditQuery::default()
    };
    let mut access_log: Vec<AuditRecordView> = audit::list(store.connection(), &query)
        .await?
        .into_iter()
        .map(AuditRecordView::from)
        .collect();
    access_log.reverse();
    Ok(Json(CaseExport {
        exported_at: now,
        case,
        consent_history,
        timeline,
        notes,
        documents,
        risk_assessments: risk_assessments_of(&state, id).await?,
        access_log,
    }))
}
