//! Opening a case from a referral.

use sanctuary_domain::intake::Intake;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::{self, Action, Relation};
use sanctuary_persistence::intake::{self, IntakeError, NewCase};
use sanctuary_persistence::schemes::{self, Scheme};
use sanctuary_persistence::{Store, calendars};
use uuid::Uuid;

use crate::audit;
use crate::{Acting, App, AppError};

/// The scheme `code`, if the caller's organisation refers into it as `role` (a
/// referrer; the coordinator, for a self-referral): `Forbidden` otherwise, also for
/// schemes that do not exist (audited).
pub async fn referring_scheme(
    app: &App,
    caller: &Acting,
    code: &str,
    role: Role,
) -> Result<Scheme, AppError> {
    let db = app.store().connection();
    let scheme = schemes::find_by_code(db, code).await?;
    let roles = match &scheme {
        Some(s) => schemes::roles_in(db, caller.organisation.id, s.id).await?,
        None => Vec::new(),
    };
    let relation = match role {
        Role::Coordinator => Relation::SchemeCoordinator,
        _ => Relation::SchemeReferrer,
    };
    let holds = roles.contains(&role) && caller.roles.contains(&role);
    match scheme {
        Some(scheme) if holds && policy::permits(role, Action::CreateReferral, relation) => {
            Ok(scheme)
        }
        other => {
            let scheme_id = other.map(|s| s.id);
            audit::denied(app, caller, Action::CreateReferral, scheme_id, None).await?;
            Err(AppError::Forbidden(
                "Your organisation does not refer into this scheme.".into(),
            ))
        }
    }
}

/// Opens the case: the scheme's rules applied to the referral (risk level, flags,
/// progress blocks, eligibility warnings, first clocks in the scheme nation's
/// calendar), then committed whole with its reference, timeline event and audit record.
pub async fn open_case(store: &Store, new: NewCase<'_>) -> Result<Uuid, IntakeError> {
    let calendar = calendars::for_nation(store.connection(), new.scheme.nation).await?;
    let assessed = Intake::assess(
        new.referral,
        &new.scheme.settings,
        new.received_at,
        &calendar,
    );
    intake::create_case(store, new, &assessed).await
}
