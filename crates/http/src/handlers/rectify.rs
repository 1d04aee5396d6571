//! Rectification: correcting a referral that was wrong.

use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, patch};
use sanctuary_domain::calendar::london;
use sanctuary_domain::policy::Action;
use sanctuary_domain::violation::{ViolationCode, Violations};
use sanctuary_persistence::cases;
use sanctuary_persistence::events::Actor;
use sanctuary_persistence::rectify::{Rectification, changed_fields, rectify};
use sanctuary_persistence::workflow::CommitError;
use serde_json::Value;

use super::{Authorised, authorise, case_response, etag, if_match, now_micros};
use crate::audit;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ContractJson;
use crate::state::AppState;
use crate::wire::referral::ReferralForm;

/// What rectification cannot change (each has its own way), compared as sent so it is
/// reported together with every other error.
fn unchangeable(before: &Value, after: &Value) -> Violations {
    let mut v = Violations::new();
    for (pointer, how) in [
        ("/scheme", "a case stays in its scheme"),
        (
            "/external_reference",
            "the partner's reference cannot change",
        ),
        (
            "/consents",
            "change consents with POST /api/v1/cases/{id}/consents",
        ),
        ("/safety/dash", "record a risk reassessment instead"),
        ("/safety/marac", "record a risk reassessment instead"),
    ] {
        let absent = Value::Null;
        let was = before.pointer(pointer).unwrap_or(&absent);
        let now = after.pointer(pointer).unwrap_or(&absent);
        if was != now {
            v.add(pointer, ViolationCode::ContradictsAnswer, how);
        }
    }
    v
}

/// Correct the referral (rectification).
///
/// The referring organisation or the scheme's coordinator sends the whole corrected
/// referral, validated exactly as `POST /api/v1/referrals` (every error at once). The
/// scheme, the partner's reference, the consents (see `/consents`) and the DASH and
/// MARAC answers (see `/risk-assessments`) cannot change here. The case's categories
/// follow the corrected answers; the timeline and the audit trail name the changed
/// fields, never their values. Send `If-Match` with the case's ETag.
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = Uuid, Path, description = "The case id"),
        ("If-Match" = String, Header, description = "The case's ETag, e.g. \"3\""),
    ),
    request_body = ReferralForm,
    responses(
        (status = 200, description = "The corrected case.", body = crate::wire::case::CaseView,
            headers(("ETag" = String, description = "The case's new version"))),
        (status = 403, description = "Not the referring organisation or the coordinator.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[patch("/cases/{id}/referral")]
pub async fn rectify_referral(
    state: Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: Path<String>,
    body: ContractJson<ReferralForm>,
) -> Result<HttpResponse, ApiError> {
    let Authorised {
        summary,
        scope,
        view,
        role,
    } = authorise(&state, &caller, &id, Action::RectifyReferral, || {
        "Only the referring organisation and the coordinator correct a referral.".into()
    })
    .await?;
    let id = summary.id;
    let store = &state.store;
    let expected = if_match(&request, "case", summary.version)?;
    let received_on = london::local_date(summary.received_at);
    let record = cases::with_referral(store, summary).await?;
    let before = record.referral.clone();
    let as_sent = |form: &ReferralForm| serde_json::to_value(form).unwrap_or_default();
    let was = as_sent(&ReferralForm::from(&before));
    let corrected = body.parse(|form| {
        let fixed = unchangeable(&was, &as_sent(&form));
        match form.into_domain(received_on) {
            Ok(after) => fixed.into_result(after),
            Err(mut found) => {
                found.absorb_new(fixed);
                Err(found)
            }
        }
    })?;
    let fields = changed_fields(&before, &corrected);
    if fields.is_empty() {
        // Nothing to write, but the case is served: that is audited like a read.
        audit::read(
            &state,
            &caller,
            Some(role),
            Action::RectifyReferral,
            &record.summary,
            vec!["no_change".into(), format!("view:{view}")],
        )
        .await?;
        return case_response(&state, &scope, HttpResponse::Ok(), &record).await;
    }
    let actor = Actor {
        subject: caller.subject.clone(),
        organisation_id: caller.organisation.id,
        role,
    };
    let change = Rectification {
        case_id: id,
        scheme_id: record.summary.scheme_id,
        status: record.summary.status,
        expected_version: expected,
        received_on,
        referral: &corrected,
        fields: &fields,
        actor: &actor,
        request_id: caller.request_id.as_deref(),
        at: now_micros(),
    };
    match rectify(store, change).await {
        Ok(_) => {}
        Err(CommitError::Stale) => {
            let current = cases::find_summary(store.connection(), id)
                .await?
                .map_or(expected, |s| s.version);
            return Err(ApiError::stale("case", etag(current)));
        }
        Err(CommitError::Store(e)) => return Err(e.into()),
    }
    let record = cases::find(store, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    case_response(&state, &scope, HttpResponse::Ok(), &record).await
}
