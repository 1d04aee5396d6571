//! `GET /api/v1/cases/{id}/consents`: the consents in force and how they came to be.

use actix_web::get;
use actix_web::web::{Data, Json, Path};
use sanctuary_domain::consent::{ConsentMethod, ConsentPurpose, ConsentStatus, IntakeConsents};
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::Action;
use sanctuary_domain::workflow::NoteKind;
use sanctuary_persistence::{cases, events};
use serde_json::Value;
use time::Date;

use super::timeline::timeline_of;
use super::{Authorised, authorise};
use crate::audit;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::state::AppState;
use crate::views;
use crate::wire::export::{CaseConsentsView, ConsentHistoryEntry};
use crate::wire::history::TimelineEntryView;

/// The consents in force on a case, and their history.
///
/// Each consent as it stands now (after every change recorded since the referral), the
/// safeguarding decisions that stand in for one, and every decision from the referral
/// form on, oldest first: what the client said, when and how, when it was recorded and
/// by which organisation. The evidence note of a change is shown to the coordinator
/// only (for anyone else it is null). The audience of the timeline: coordinator,
/// referring organisation, assigned assessor (403 with the status view). Audited.
#[utoipa::path(
    tag = "cases",
    params(("id" = Uuid, Path, description = "The case id")),
    responses(
        (status = 200, body = CaseConsentsView),
        (status = 403, description = "Your role does not include the case's history.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/cases/{id}/consents")]
pub async fn case_consents(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<Json<CaseConsentsView>, ApiError> {
    let Authorised { summary, role, .. } =
        authorise(&state, &caller, &id, Action::ViewTimeline, || {
            "Your role on this case does not include its history.".into()
        })
        .await?;
    let fields = vec!["consents".to_owned()];
    audit::read(
        &state.app,
        &caller,
        Some(role),
        Action::ViewTimeline,
        &summary,
        fields,
    )
    .await?;
    let id = summary.id;
    let timeline = timeline_of(&state, id).await?;
    let evidence = if role == Role::Coordinator {
        events::notes(&state.store, id)
            .await?
            .into_iter()
            .filter(|n| n.kind == NoteKind::ConsentEvidence.as_str())
            .map(|n| (n.event_id, n.text))
            .collect()
    } else {
        Vec::new()
    };
    let record = cases::with_referral(&state.store, summary).await?;
    let mut history = form_consents(&record.referral.consents);
    history.extend(timeline.iter().filter_map(|e| {
        let mut change = consent_change(e)?;
        change.evidence_note = evidence
            .iter()
            .find(|(event, _)| *event == e.id)
            .map(|(_, text)| text.clone());
        Some(change)
    }));
    Ok(Json(CaseConsentsView {
        in_force: views::consents_in_force(&record.detail),
        history,
    }))
}

/// The referral form's answers, one entry per purpose.
pub(crate) fn form_consents(c: &IntakeConsents) -> Vec<ConsentHistoryEntry> {
    ConsentPurpose::ALL
        .iter()
        .map(|purpose| ConsentHistoryEntry {
            purpose: *purpose,
            decision: c.decision(*purpose).into(),
            method: c.method,
            on: c.obtained_on,
            recorded_at: None,
            recorded_by_organisation_id: None,
            evidence_note: None,
        })
        .collect()
}

/// A consent change, from its timeline entry.
pub(crate) fn consent_change(entry: &TimelineEntryView) -> Option<ConsentHistoryEntry> {
    if entry.action != Action::RecordConsent {
        return None;
    }
    let text = |key: &str| entry.data.get(key).and_then(Value::as_str);
    Some(ConsentHistoryEntry {
        purpose: text("purpose")?.parse::<ConsentPurpose>().ok()?,
        decision: text("decision")?.parse::<ConsentStatus>().ok()?,
        method: text("method")?.parse::<ConsentMethod>().ok()?,
        on: Date::parse(
            text("on")?,
            &time::format_description::well_known::Iso8601::DATE,
        )
        .ok()?,
        recorded_at: Some(entry.at),
        recorded_by_organisation_id: Some(entry.actor.organisation.id),
        evidence_note: None,
    })
}
