//! The `Idempotency-Key` header and what an already-used key answers.

use actix_web::{HttpRequest, HttpResponse};
use sanctuary_persistence::idempotency::{IdempotencyKey, KeyState};

use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::Action;
use sanctuary_persistence::cases;
use uuid::Uuid;

use super::created_response;
use crate::audit;
use crate::auth::Caller;
use crate::errors::{ApiError, ErrorCode};
use crate::state::AppState;

const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// Parses the `Idempotency-Key` header (a plain token or an RFC 8941 string).
pub(super) fn idempotency_key(
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

/// Records that a retry with a used key is served case `case_id` again (no new case is
/// made, but the case is shown as when it was created).
async fn replayed(state: &AppState, caller: &Caller, case_id: Uuid) -> Result<(), ApiError> {
    let summary = cases::find_summary(state.store.connection(), case_id)
        .await?
        .ok_or_else(|| ApiError::internal("a completed key's case could not be read"))?;
    audit::read(
        &state.app,
        caller,
        Some(Role::Referrer),
        Action::CreateReferral,
        &summary,
        vec!["idempotent_replay".into()],
    )
    .await?;
    Ok(())
}

/// What an already-used key answers, if anything.
pub(super) async fn answer_from_key(
    state: &AppState,
    caller: &Caller,
    key_state: KeyState,
) -> Result<Option<HttpResponse>, ApiError> {
    match key_state {
        KeyState::Fresh => Ok(None),
        KeyState::Completed(case_id) => {
            replayed(state, caller, case_id).await?;
            created_response(state, caller, case_id).await.map(Some)
        }
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
