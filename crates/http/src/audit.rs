//! Audit records written by handlers: reads of a case's personal data (written and
//! durable before the response is sent — if the record cannot be written, the data is
//! not served) and refused attempts. Writes are audited by the persistence layer in
//! the write's own transaction.

use sanctuary_domain::audit::AuditOutcome;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::Action;
use sanctuary_persistence::audit::NewAudit;
use sanctuary_persistence::cases::CaseSummary;
use uuid::Uuid;

use crate::auth::Caller;
use crate::errors::ApiError;
use crate::state::AppState;

/// A record of `caller` doing `action` (field names only).
pub fn entry<'a>(
    caller: &'a Caller,
    role: Option<Role>,
    action: Action,
    scheme_id: Option<Uuid>,
    case_id: Option<Uuid>,
    fields: Vec<String>,
    outcome: AuditOutcome,
) -> NewAudit<'a> {
    NewAudit {
        actor_subject: &caller.subject,
        organisation_id: Some(caller.organisation.id),
        role,
        action: action.as_str(),
        scheme_id,
        case_id,
        fields,
        request_id: caller.request_id.as_deref(),
        outcome,
    }
}

/// Records that `caller`, acting as `role`, read `case` (`fields`: the parts shown).
pub async fn read(
    state: &AppState,
    caller: &Caller,
    role: Option<Role>,
    action: Action,
    case: &CaseSummary,
    fields: Vec<String>,
) -> Result<(), ApiError> {
    let record = entry(
        caller,
        role,
        action,
        Some(case.scheme_id),
        Some(case.id),
        fields,
        AuditOutcome::Allowed,
    );
    Ok(state.audit.record(&record).await?)
}

/// Records a refused attempt at `action` on `case` (or, with no case, in a scheme).
pub async fn denied(
    state: &AppState,
    caller: &Caller,
    action: Action,
    scheme_id: Option<Uuid>,
    case_id: Option<Uuid>,
) -> Result<(), ApiError> {
    let record = entry(
        caller,
        caller.roles.first().copied(),
        action,
        scheme_id,
        case_id,
        Vec::new(),
        AuditOutcome::Denied,
    );
    Ok(state.audit.record(&record).await?)
}

/// Records a refused attempt on `case`, then returns `refusal`.
pub async fn refuse(
    state: &AppState,
    caller: &Caller,
    action: Action,
    case: &CaseSummary,
    refusal: ApiError,
) -> ApiError {
    match denied(state, caller, action, Some(case.scheme_id), Some(case.id)).await {
        Ok(()) => refusal,
        Err(e) => e,
    }
}
