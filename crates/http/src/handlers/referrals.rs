//! `POST /api/v1/referrals`: partners refer a client into a scheme.

use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, post};
use sanctuary_domain::case::{intake_flags, progress_blocks};
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::{self, Action, Relation};
use sanctuary_domain::referral::Referral;
use sanctuary_domain::risk::RiskBands;
use sanctuary_domain::settings::SchemeSettings;
use sanctuary_persistence::idempotency::{self, IdempotencyKey, KeyState};
use sanctuary_persistence::intake::{self, IntakeError, NewCase};
use sanctuary_persistence::{cases, schemes};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::case_response;
use crate::auth::Caller;
use crate::errors::{ApiError, CaseLink, ErrorCode};
use crate::extract::ContractJson;
use crate::state::AppState;
use crate::wire::case::CaseView;
use crate::wire::referral::ReferralForm;

/// How long a claimed idempotency key stays locked if its request never finishes.
const IDEMPOTENCY_LEASE: Duration = Duration::seconds(60);
const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// Refer a client into a scheme.
///
/// Takes every field of the Standing Together referral form. Every invalid field is
/// reported at once (422, `errors[]` with JSON pointers). A referral whose installation
/// or information-sharing consent was refused is still recorded; the case then shows
/// `can_progress: false`.
///
/// Send an `Idempotency-Key` to retry safely: a retry with the same key and body returns
/// the original case without creating another.
#[utoipa::path(
    tag = "referrals",
    // The canonical examples are attached in `openapi::add_referral_examples`.
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
            answer_from_key(&state, idempotency::peek(&state.store, key).await?).await?
    {
        return Ok(replay);
    }
    let scheme = match body.body.scheme.as_deref() {
        Some(code) => schemes::find_by_code(state.store.connection(), code).await?,
        None => None,
    };
    if body.body.scheme.is_some() {
        let roles = match &scheme {
            Some(s) => {
                schemes::roles_in(state.store.connection(), caller.organisation.id, s.id).await?
            }
            None => Vec::new(),
        };
        let relations: &[Relation] = if roles.contains(&Role::Referrer) {
            &[Relation::SchemeReferrer]
        } else {
            &[]
        };
        if !policy::permits_any(&caller.roles, Action::CreateReferral, relations) {
            return Err(ApiError::forbidden(
                "Your organisation does not refer into this scheme.",
            ));
        }
    }
    let today = OffsetDateTime::now_utc().date();
    let referral: Referral = body.parse(|form| form.into_domain(today))?;
    let scheme = scheme.ok_or_else(|| ApiError::internal("scheme vanished during the request"))?;

    if let Some(key) = &key {
        let claim = idempotency::claim(&state.store, key, IDEMPOTENCY_LEASE).await?;
        if let Some(replay) = answer_from_key(&state, claim).await? {
            return Ok(replay);
        }
    }
    let risk_level = referral
        .safety
        .dash
        .score()
        .map(|s| RiskBands::default().level(s));
    let flags = intake_flags(&referral, risk_level, &SchemeSettings::default(), today);
    let blocks = progress_blocks(&referral);
    let created = intake::create_case(
        &state.store,
        NewCase {
            scheme: &scheme,
            referring_organisation: &caller.organisation,
            received_at: now_micros(),
            referral: &referral,
            risk_level,
            flags: &flags,
            progress_blocks: &blocks,
            idempotency: key.as_ref(),
        },
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
    created_response(&state, case_id).await
}

/// Parses the `Idempotency-Key` header (a plain token or an RFC 8941 string).
fn idempotency_key(
    request: &HttpRequest,
    caller: &Caller,
    fingerprint: &str,
) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(value) = request.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let invalid = || {
        ApiError::new(
            ErrorCode::InvalidHeader,
            "Idempotency-Key must be 1 to 255 visible ASCII characters.",
        )
    };
    let raw = value.to_str().map_err(|_| invalid())?.trim();
    let key = raw
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .unwrap_or(raw);
    if key.is_empty()
        || key.len() > MAX_IDEMPOTENCY_KEY_LEN
        || !key.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(invalid());
    }
    Ok(Some(IdempotencyKey {
        organisation_id: caller.organisation.id,
        key: key.to_owned(),
        fingerprint: fingerprint.to_owned(),
    }))
}

/// What an already-used key answers, if anything.
async fn answer_from_key(
    state: &AppState,
    key_state: KeyState,
) -> Result<Option<HttpResponse>, ApiError> {
    match key_state {
        KeyState::Fresh => Ok(None),
        KeyState::Completed(case_id) => created_response(state, case_id).await.map(Some),
        KeyState::Mismatch => Err(ApiError::new(
            ErrorCode::IdempotencyKeyReused,
            "This Idempotency-Key was already used with a different request body.",
        )),
        KeyState::InFlight => Err(ApiError::new(
            ErrorCode::IdempotencyKeyInFlight,
            "A request with this Idempotency-Key is still being processed; retry shortly.",
        )),
    }
}

async fn created_response(state: &AppState, case_id: Uuid) -> Result<HttpResponse, ApiError> {
    let record = cases::find(state.store.connection(), case_id)
        .await?
        .ok_or_else(|| ApiError::internal("a created case could not be read back"))?;
    let mut builder = HttpResponse::Created();
    builder.insert_header((header::LOCATION, format!("/api/v1/cases/{case_id}")));
    Ok(case_response(builder, &record))
}

/// Now, to the microsecond: the precision both databases store, so a case reads back
/// exactly as written on either.
fn now_micros() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_microsecond(now.microsecond()).unwrap_or(now)
}
