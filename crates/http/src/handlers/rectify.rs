//! Rectification: correcting a referral that was wrong.

use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, patch};
use sanctuary_app::rectify;
use sanctuary_domain::violation::{ViolationCode, Violations};
use serde_json::Value;
use uuid::Uuid;

use super::{case_response, expected, now_micros};
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
    // Who entered it decides its source: absent is false, as on the way in.
    let self_referral = |form: &Value| form["self_referral"].as_bool().unwrap_or(false);
    if self_referral(before) != self_referral(after) {
        v.add(
            "/self_referral",
            ViolationCode::ContradictsAnswer,
            "how the referral came to the scheme cannot change",
        );
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
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::not_found())?;
    let correcting = rectify::begin(&state.app, &caller, id, expected(&request)).await?;
    let as_sent = |form: &ReferralForm| serde_json::to_value(form).unwrap_or_default();
    let was = as_sent(&ReferralForm::from(&correcting.record.referral));
    let received_on = correcting.received_on;
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
    let (scope, record) =
        rectify::finish(&state.app, &caller, correcting, &corrected, now_micros()).await?;
    case_response(&state, &scope, HttpResponse::Ok(), &record).await
}
