//! `POST /api/v1/referrals`: partners refer a client into a scheme.

mod idempotency_key;

use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, post};
use sanctuary_domain::calendar::london;
use sanctuary_domain::case::{intake_flags, progress_blocks};
use sanctuary_domain::clock::ClockEvent;
use sanctuary_domain::consent::ConsentsInForce;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::{self, Action, Relation};
use sanctuary_domain::referral::Referral;
use sanctuary_domain::workflow::start_clocks;
use sanctuary_persistence::events::Actor;
use sanctuary_persistence::idempotency;
use sanctuary_persistence::intake::{self, IntakeError, NewCase};
use sanctuary_persistence::schemes::{self, Scheme};
use sanctuary_persistence::{calendars, cases};
use time::Duration;
use uuid::Uuid;

use super::{case_response, now_micros};
use crate::access::Scope;
use crate::audit;
use crate::auth::Caller;
use crate::errors::{ApiError, CaseLink, ErrorCode};
use crate::extract::ContractJson;
use crate::state::AppState;
use crate::wire::case::CaseView;
use crate::wire::referral::ReferralForm;
use idempotency_key::{answer_from_key, idempotency_key};

/// How long a claimed idempotency key stays locked if its request never finishes.
const IDEMPOTENCY_LEASE: Duration = Duration::seconds(60);

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
    if !caller.has_role(Role::Referrer) {
        return Err(ApiError::forbidden(
            "Your token does not carry the referrer role.",
        ));
    }
    let key = idempotency_key(&request, &caller, &body.fingerprint)?;
    if let Some(key) = &key
        && let Some(replay) =
            answer_from_key(&state, &caller, idempotency::peek(&state.store, key).await?).await?
    {
        return Ok(replay);
    }
    // Membership is checked before the body's other fields: no validation oracle for
    // schemes the caller does not refer into.
    let scheme = match body.body.scheme.as_deref() {
        Some(code) => Some(referring_scheme(&state, &caller, code).await?),
        None => None,
    };
    let received_at = now_micros();
    let referral: Referral =
        body.parse(|form| form.into_domain(london::local_date(received_at)))?;
    let scheme = scheme.ok_or_else(|| ApiError::internal("a valid referral names its scheme"))?;
    if let Some(key) = &key {
        let claim = idempotency::claim(&state.store, key, IDEMPOTENCY_LEASE).await?;
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
    let case_id =
        match created {
            Ok(id) => id,
            Err(err) => {
                if let Some(key) = &key {
                    idempotency::release(&state.store, key).await?;
                }
                return Err(match err {
                IntakeError::DuplicateExternalReference { case_id, reference } => ApiError::new(
                    ErrorCode::DuplicateExternalReference,
                    "Your organisation already referred a case with this external_reference.",
                )
                .with_existing_case(CaseLink { id: case_id, reference }),
                IntakeError::Store(e) => e.into(),
            });
            }
        };
    created_response(&state, &caller, case_id).await
}

/// The scheme `code`, if the caller's organisation refers into it (403 otherwise, also
/// for schemes that do not exist).
async fn referring_scheme(
    state: &AppState,
    caller: &Caller,
    code: &str,
) -> Result<Scheme, ApiError> {
    let db = state.store.connection();
    let scheme = schemes::find_by_code(db, code).await?;
    let roles = match &scheme {
        Some(s) => schemes::roles_in(db, caller.organisation.id, s.id).await?,
        None => Vec::new(),
    };
    let relations: &[Relation] = if roles.contains(&Role::Referrer) {
        &[Relation::SchemeReferrer]
    } else {
        &[]
    };
    match scheme {
        Some(scheme) if policy::permits_any(&caller.roles, Action::CreateReferral, relations) => {
            Ok(scheme)
        }
        other => {
            let scheme_id = other.map(|s| s.id);
            audit::denied(state, caller, Action::CreateReferral, scheme_id, None).await?;
            Err(ApiError::forbidden(
                "Your organisation does not refer into this scheme.",
            ))
        }
    }
}

/// Applies the scheme's rules to the referral and opens the case.
async fn open_case(
    state: &AppState,
    caller: &Caller,
    scheme: &Scheme,
    referral: &Referral,
    received_at: time::OffsetDateTime,
    key: Option<&idempotency::IdempotencyKey>,
) -> Result<Uuid, IntakeError> {
    let settings = &scheme.settings;
    let risk_level = referral
        .safety
        .dash
        .score()
        .map(|s| settings.risk_bands.level(s));
    let flags = intake_flags(
        referral,
        risk_level,
        settings,
        london::local_date(received_at),
    );
    let blocks = progress_blocks(referral);
    let warnings = settings.eligibility.warnings(referral);
    let calendar = calendars::for_nation(state.store.connection(), scheme.nation).await?;
    let clocks = start_clocks(
        settings,
        &ConsentsInForce::from_intake(&referral.consents),
        &[],
        ClockEvent::ReferralReceived,
        received_at,
        &calendar,
    );
    let actor = Actor {
        subject: caller.subject.clone(),
        organisation_id: caller.organisation.id,
        role: Role::Referrer,
    };
    intake::create_case(
        &state.store,
        NewCase {
            scheme,
            referring_organisation: &caller.organisation,
            actor: &actor,
            received_at,
            referral,
            risk_level,
            flags: &flags,
            progress_blocks: &blocks,
            eligibility_warnings: &warnings,
            clocks: &clocks,
            idempotency: key,
            request_id: caller.request_id.as_deref(),
        },
    )
    .await
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
