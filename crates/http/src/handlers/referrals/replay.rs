//! What an already-used `Idempotency-Key` answers.

use actix_web::HttpResponse;
use sanctuary_persistence::idempotency::KeyState;

use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::Action;
use sanctuary_persistence::cases;
use uuid::Uuid;

use super::created_response;
use crate::audit;
use crate::auth::Caller;
use crate::errors::{ApiError, ErrorCode};
use crate::state::AppState;

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
