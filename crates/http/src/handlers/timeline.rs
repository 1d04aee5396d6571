//! A case's history: its timeline and its risk assessments.

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get};
use sanctuary_domain::policy::Action;
use sanctuary_persistence::cases::CaseSummary;
use sanctuary_persistence::{events, risk};
use uuid::Uuid;

use super::{Authorised, authorise};
use crate::audit;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::state::AppState;
use crate::wire::case::OrganisationRef;
use crate::wire::history::{ActorView, RiskAssessmentView, TimelineEntryView};

/// The case, if the caller may read its history (404 if it may not see the case at
/// all, 403 if it may see the case but not its history); the read is audited as `what`
/// before anything is returned.
async fn readable(
    state: &AppState,
    caller: &Caller,
    id: &str,
    what: &str,
) -> Result<CaseSummary, ApiError> {
    let Authorised { summary, role, .. } =
        authorise(state, caller, id, Action::ViewTimeline, || {
            "Your role on this case does not include its history.".into()
        })
        .await?;
    let fields = vec![what.to_owned()];
    audit::read(
        &state.app,
        caller,
        Some(role),
        Action::ViewTimeline,
        &summary,
        fields,
    )
    .await?;
    Ok(summary)
}

/// A case's timeline.
///
/// Every action on the case, oldest first: when, by whom (user, organisation, role),
/// the status before and after, and the action's codes, dates and amounts — never
/// personal values. Coordinator, referring organisation, assigned assessor.
#[utoipa::path(
    tag = "cases",
    params(("id" = Uuid, Path, description = "The case id")),
    responses(
        (status = 200, body = Vec<TimelineEntryView>),
        (status = 403, description = "Your role does not include the case's history.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/cases/{id}/timeline")]
pub async fn timeline(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let summary = readable(&state, &caller, &id, "timeline").await?;
    Ok(HttpResponse::Ok().json(timeline_of(&state, summary.id).await?))
}

/// A case's timeline as the API shows it.
pub(crate) async fn timeline_of(
    state: &AppState,
    case_id: Uuid,
) -> Result<Vec<TimelineEntryView>, ApiError> {
    let entries: Vec<TimelineEntryView> = events::timeline(state.store.connection(), case_id)
        .await?
        .into_iter()
        .map(|e| TimelineEntryView {
            id: e.id,
            at: e.at,
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
            actor: ActorView {
                subject: e.actor_subject,
                organisation: OrganisationRef {
                    id: e.organisation_id,
                    name: e.organisation_name,
                },
                role: e.role,
            },
            data: without_repeat_link(e.data),
        })
        .collect();
    Ok(entries)
}

/// Intake events written before the repeat link was kept off the timeline carry it;
/// the timeline never shows it (the earlier case may be another organisation's).
fn without_repeat_link(mut data: serde_json::Value) -> serde_json::Value {
    if let Some(fields) = data.as_object_mut() {
        fields.remove("repeat_of_case_id");
    }
    data
}

/// A case's risk assessments.
///
/// The referral's, then every reassessment, oldest first. The case shows the level in
/// force. Coordinator, referring organisation, assigned assessor.
#[utoipa::path(
    tag = "cases",
    params(("id" = Uuid, Path, description = "The case id")),
    responses(
        (status = 200, body = Vec<RiskAssessmentView>),
        (status = 403, description = "Your role does not include the case's history.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/cases/{id}/risk-assessments")]
pub async fn risk_assessments(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let summary = readable(&state, &caller, &id, "risk_assessments").await?;
    Ok(HttpResponse::Ok().json(risk_assessments_of(&state, summary.id).await?))
}

/// A case's risk assessments as the API shows them.
pub(crate) async fn risk_assessments_of(
    state: &AppState,
    case_id: Uuid,
) -> Result<Vec<RiskAssessmentView>, ApiError> {
    let views: Vec<RiskAssessmentView> = risk::history(state.store.connection(), case_id)
        .await?
        .into_iter()
        .map(|r| RiskAssessmentView {
            id: r.id,
            recorded_at: r.recorded_at,
            organisation_id: r.organisation_id,
            source: r.source,
            dash_completed: r.dash_completed,
            dash_score: r.dash_score,
            professional_judgement: r.judgement,
            level: r.level,
            incidents_last_12_months: r.incidents_last_12_months,
            marac_referred: r.marac_referred,
            marac_date: r.marac_date,
            new_incident: r.new_incident,
        })
        .collect();
    Ok(views)
}
