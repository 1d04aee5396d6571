//! Audit records of reads of a case's personal data (written and durable before the
//! data is served — if the record cannot be written, nothing is) and of refused
//! attempts. Writes are audited in the write's own transaction.

use sanctuary_domain::audit::AuditOutcome;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::Action;
use sanctuary_persistence::audit::NewAudit;
use sanctuary_persistence::cases::CaseSummary;
use uuid::Uuid;

use crate::{Acting, App, AppError};

/// A record of `caller` doing `action` (field names only).
pub fn entry<'a>(
    caller: &'a Acting,
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
    app: &App,
    caller: &Acting,
    role: Option<Role>,
    action: Action,
    case: &CaseSummary,
    fields: Vec<String>,
) -> Result<(), AppError> {
    let record = entry(
        caller,
        role,
        action,
        Some(case.scheme_id),
        Some(case.id),
        fields,
        AuditOutcome::Allowed,
    );
    Ok(app.audit.record(&record).await?)
}

/// Records a refused attempt at `action` on `case` (or, with no case, in a scheme).
pub async fn denied(
    app: &App,
    caller: &Acting,
    action: Action,
    scheme_id: Option<Uuid>,
    case_id: Option<Uuid>,
) -> Result<(), AppError> {
    let record = entry(
        caller,
        caller.roles.first().copied(),
        action,
        scheme_id,
        case_id,
        Vec::new(),
        AuditOutcome::Denied,
    );
    Ok(app.audit.record(&record).await?)
}

/// Records a refused attempt on `case`, then returns `refusal`.
pub async fn refuse<E: From<AppError>>(
    app: &App,
    caller: &Acting,
    action: Action,
    case: &CaseSummary,
    refusal: E,
) -> E {
    match denied(app, caller, action, Some(case.scheme_id), Some(case.id)).await {
        Ok(()) => refusal,
        Err(e) => e.into(),
    }
}
