//! `POST /api/v1/referrals`: partners refer a client into a scheme.

mod replay;

use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, post};
use sanctuary_app::intake;
use sanctuary_domain::calendar::london;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::referral::Referral;
use sanctuary_persistence::cases;
use sanctuary_persistence::events::Actor;
use sanctuary_persistence::idempotency::{self, IdempotencyKey, KeyState};
use sanctuary_persistence::intake::{IntakeError, NewCase};
use sanctuary_persistence::schemes::Scheme;
use time::Duration;
use uuid::Uuid;

use super::{case_response, now_micros};
use crate::access::Scope;
use crate::auth::Caller;
use crate::errors::{ApiError, CaseLink, ErrorCode};
use crate::extract::ContractJson;
use crate::idempotency::idempotency_key;
use crate::state::AppState;
use crate::wire::case::CaseView;
use crate::wire::referral::ReferralForm;
use replay::answer_from_key;

/// How long a claimed idempotency key stays locked if its request never finishes.
/// Short, so a retry after a crash takes the key over within its wait; a slow holder
/// that loses it cannot create a second case (see `idempotency::complete`).
const IDEMPOTENCY_LEASE: Duration = Duration::seconds(10);
/// How long a retry waits for the first request with its key to finish (on any
/// instance) before answering 409: long enough that clients get the one answer.
const IN_FLIGHT_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// Claims `key`, or waits while another request holds it: its answer becomes ours, and
/// if it failed (the key released), this request takes the key over.
async fn claim_or_wait(state: &AppState, key: &IdempotencyKey) -> Result<KeyState, ApiError> {
    let deadline = std::time::Instant::now() + IN_FLIGHT_WAIT;
    let mut seen = idempotency::claim(&state.store, key, IDEMPOTENCY_LEASE).await?;
    while matches!(seen, KeyState::InFlight) && std::time::Instant::now() < deadline {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        seen = match idempotency::peek(&state.store, key).await? {
            KeyState::Fresh => idempotency::claim(&state.store, key, IDEMPOTENCY_LEASE).await?,
            other => other,
        };
    }
    Ok(seen)
}

/// Refer a client into a scheme.
///
/// Takes every field of the Standing Together referral form. Every invalid field is
/// reported at once (422, `errors[]` with JSON pointers). A referral whose installation
/// or information-sharing consent was refused is still recorded; the case then shows
/// `can_progress: false`. The case gets the scheme's eligibility warnings, a link to
/// any earlier case for the same client or home, and its first SLA clock.
///
/// Send an `Idempotency-Key` to retry safely: a retry with the same key and body returns
/// the original case without creating another.
#[utoipa::path(
    tag = "referrals",
    // The canonical examples are attached in `openapi::add_request_examples`.
    request_body(content = ReferralForm),
    params(
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = r"^[\x21-\x7E]{1,255}$",
            description = "A unique key per referral (e.g. a UUID). Scoped to your organisation."),
    ),
    responses(
        (status = 201, description = "The case was opened.", body = CaseView,
            headers(("Location" = String, description = "The case's URL"), ("ETag" = String, description = "The case version"))),
        (status = 403, description = "Not a referrer of that scheme.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 409, description = "External reference already used, or the same idempotency key is in flight.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[post("/referrals")]
pub async fn create_referral(
    state: Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: ContractJson<ReferralForm>,
) -> Result<HttpResponse, ApiError> {
    // A partner refers as a referrer; a client who came directly is entered by the
    // scheme's coordinator (`self_referral`).
    let self_referral = body.body.self_referral == Some(true);
    let role = if self_referral {
        Role::Coordinator
    } else {
        Role::Referrer
    };
    if !caller.has_role(role) {
        return Err(ApiError::forbidden(if self_referral {
            "A self-referral is entered by the scheme's coordinator: your token does not carry that role."
        } else {
            "Your token does not carry the referrer role."
        }));
    }
    let key = idempotency_key(&request, &caller, &body.fingerprint)?;
    if let Some(key) = &key {
        let seen = idempotency::peek(&state.store, key).await?;
        // In flight: claimed below, where it is waited for.
        if !matches!(seen, KeyState::InFlight)
            && let Some(replay) = answer_from_key(&state, &caller, seen).await?
        {
            return Ok(replay);
        }
    }
    // Membership is checked before the body's other fields: no validation oracle for
    // schemes the caller does not refer into.
    let scheme = match body.body.scheme.as_deref() {
        Some(code) => Some(intake::referring_scheme(&state.app, &caller, code, role).await?),
        None => None,
    };
    let received_at = now_micros();
    let referral: Referral =
        body.parse(|form| form.into_domain(london::local_date(received_at)))?;
    let scheme = scheme.ok_or_else(|| ApiError::internal("a valid referral names its scheme"))?;
    if let Some(key) = &key {
        let claim = claim_or_wait(&state, key).await?;
        if let Some(replay) = answer_from_key(&state, &caller, claim).await? {
            return Ok(replay);
        }
    }
    let created = open_case(
        &state,
        &caller,
        &scheme,
        &referral,
        received_at,
        key.as_ref(),
    )
    .await;
    let release = || async {
        match &key {
            Some(key) => idempotency::release(&state.store, key).await,
            None => Ok(()),
        }
    };
    let case_id = match created {
        Ok(id) => id,
        // Another request with this key created the case first: its answer is ours.
        Err(IntakeError::KeyCompletedElsewhere) => {
            let key = key.as_ref().ok_or_else(|| ApiError::internal("no key"))?;
            let seen = idempotency::peek(&state.store, key).await?;
            return answer_from_key(&state, &caller, seen)
                .await?
                .ok_or_else(|| ApiError::internal("a completed key has no answer"));
        }
        Err(IntakeError::DuplicateExternalReference { case_id, reference }) => {
            release().await?;
            return Err(ApiError::new(
                ErrorCode::DuplicateExternalReference,
                "Your organisation already referred a case with this external_reference.",
            )
            .with_existing_case(CaseLink {
                id: case_id,
                reference,
            }));
        }
        Err(IntakeError::Store(e)) => {
            release().await?;
            return Err(e.into());
        }
    };
    created_response(&state, &caller, case_id).await
}

/// Opens the case ([`sanctuary_app::intake::open_case`]) as the caller: a referrer, or
/// the coordinator for a self-referral.
async fn open_case(
    state: &AppState,
    caller: &Caller,
    scheme: &Scheme,
    referral: &Referral,
    received_at: time::OffsetDateTime,
    key: Option<&idempotency::IdempotencyKey>,
) -> Result<Uuid, IntakeError> {
    let actor = Actor {
        subject: caller.subject.clone(),
        organisation_id: caller.organisation.id,
        role: if referral.self_referral {
            Role::Coordinator
        } else {
            Role::Referrer
        },
    };
    let new = NewCase {
        idempotency: key,
        request_id: caller.request_id.as_deref(),
        ..NewCase::new(scheme, &caller.organisation, &actor, referral, received_at)
    };
    intake::open_case(&state.store, new).await
}

async fn created_response(
    state: &AppState,
    caller: &Caller,
    case_id: Uuid,
) -> Result<HttpResponse, ApiError> {
    let record = cases::find(&state.store, case_id)
        .await?
        .ok_or_else(|| ApiError::internal("a created case could not be read back"))?;
    let scope = Scope::of(&state.store, caller).await?;
    let mut builder = HttpResponse::Created();
    builder.insert_header((header::LOCATION, format!("/api/v1/cases/{case_id}")));
    case_response(state, &scope, builder, &record).await
}
