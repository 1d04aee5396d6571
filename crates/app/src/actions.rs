//! Taking an action on a case: the one path every entry point uses.
//!
//! [`take_action`] is the whole use case for a caller: the case must be visible
//! (`NotFound` otherwise, the same as a missing case), the caller's role must allow the
//! action (`Forbidden`), the caller must name the version it saw (`PreconditionRequired`,
//! `Stale`), then [`act`]: the named organisation must hold the role, the domain
//! decides (`Refused`, `Invalid`) and the effects are committed with their timeline
//! event and audit record under the version the caller saw. `seed-demo` calls [`act`]
//! as the scheme's own members.

use sanctuary_domain::calendar::london;
use sanctuary_domain::consent::{self, ConsentStatus};
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::{self, Action, View};
use sanctuary_domain::violation::{ViolationCode, Violations};
use sanctuary_domain::visits;
use sanctuary_domain::workflow::{self, Command, Effects};
use sanctuary_persistence::cases::{self, CaseRecord, CaseSummary};
use sanctuary_persistence::events::{self, Actor};
use sanctuary_persistence::workflow::{CommitError, Loaded, commit, load};
use sanctuary_persistence::{Store, budgets, organisations, schemes};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::Scope;
use crate::audit::refuse;
use crate::precondition::{self, Expected};
use crate::{Acting, App, AppError};

/// A case the caller may take `action` on, how it may see it and the role it acts in.
pub struct Authorised {
    pub summary: CaseSummary,
    pub scope: Scope,
    pub view: View,
    pub role: Role,
}

/// Case `id` if `caller` may do `action` to it: `NotFound` (exactly as for a missing
/// case) if it may not see it, `Forbidden(forbidden())` if its role does not allow the
/// action. Both refusals are audited before they are returned.
pub async fn authorise(
    app: &App,
    caller: &Acting,
    id: Uuid,
    action: Action,
    forbidden: impl FnOnce() -> String,
) -> Result<Authorised, AppError> {
    let summary = cases::find_summary(app.store().connection(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let scope = Scope::of(app.store(), caller).await?;
    let Some(view) = scope.view(&summary) else {
        return Err(refuse(app, caller, action, &summary, AppError::NotFound).await);
    };
    let Some(role) = scope.acting_role(&summary, action) else {
        let refusal = AppError::Forbidden(forbidden().into());
        return Err(refuse(app, caller, action, &summary, refusal).await);
    };
    if !policy::view_allows(view, action) {
        let refusal = AppError::Forbidden(
            "The consent in force no longer lets your organisation see this case's details.".into(),
        );
        return Err(refuse(app, caller, action, &summary, refusal).await);
    }
    Ok(Authorised {
        summary,
        scope,
        view,
        role,
    })
}

/// `caller` takes `command` on case `id`, having seen version `expected`, at `at`.
/// Returns the caller's scope and the case after the action.
pub async fn take_action(
    app: &App,
    caller: &Acting,
    id: Uuid,
    expected: Expected,
    command: Command,
    at: OffsetDateTime,
) -> Result<(Scope, CaseRecord), AppError> {
    let action = command.action();
    let Authorised {
        summary,
        scope,
        role,
        ..
    } = authorise(app, caller, id, action, || {
        format!("Your organisation's role on this case does not allow `{action}`.")
    })
    .await?;
    let store = app.store();
    let seen = precondition::check(expected, "case", summary.version)?;
    let loaded = load(store, id).await?.ok_or(AppError::NotFound)?;
    // Another request may have committed since the check above: judge this one only
    // against the case as the caller last saw it.
    if loaded.case.version != seen {
        return Err(AppError::Stale {
            resource: "case",
            current: loaded.case.version,
        });
    }
    if let Command::RecordConsent(change) = &command
        && change.status == ConsentStatus::Given
        && loaded.snapshot.consents.status(change.purpose) == ConsentStatus::Withdrawn
    {
        let by = events::withdrawn_by(store.connection(), id, change.purpose).await?;
        if !consent::may_give_again(by, caller.organisation.id, role == Role::Coordinator) {
            let refusal = AppError::Forbidden(
                "Only the organisation that recorded the withdrawal, or the coordinator, can record that the client gave this consent again."
                    .into(),
            );
            return Err(refuse(app, caller, action, &summary, refusal).await);
        }
    }
    if let Some(refusal) = visit_refusal(&command, &loaded, role, caller.organisation.id) {
        return Err(refuse(
            app,
            caller,
            action,
            &summary,
            AppError::Forbidden(refusal.into()),
        )
        .await);
    }
    let actor = Actor {
        subject: caller.subject.clone(),
        organisation_id: caller.organisation.id,
        role,
    };
    act(
        store,
        &loaded,
        command,
        &actor,
        at,
        caller.request_id.as_deref(),
    )
    .await
    .map_err(|e| match e {
        AppError::Refused { error, case, .. } => AppError::Refused {
            error,
            case,
            allowed: scope.allowed_actions(&summary),
        },
        other => other,
    })?;
    let record = cases::find(store, id).await?.ok_or(AppError::NotFound)?;
    Ok((scope, record))
}

/// Why `role` of `organisation_id` may not book this visit or record its outcome: the
/// assessor books assessments, the contractor installations, the coordinator any; an
/// outcome is for whoever booked the visit, or the coordinator.
fn visit_refusal(
    command: &Command,
    loaded: &Loaded,
    role: Role,
    organisation_id: Uuid,
) -> Option<&'static str> {
    match command {
        Command::BookVisit { kind, .. } if !visits::may_book(role, *kind) => {
            Some("Your organisation's role on this case does not book this kind of visit.")
        }
        Command::RecordVisitOutcome { visit, .. } => {
            // An unknown visit is the domain's 422.
            let booked_by = visits::find_pending(&loaded.snapshot.visits, *visit)
                .ok()?
                .booked_by;
            (!visits::may_record_outcome(role, booked_by, organisation_id))
                .then_some("Only the organisation that booked the visit, or the coordinator, records how it went.")
        }
        _ => None,
    }
}

/// Decides `command` on the case as `loaded` and commits it, as `actor`, at `at`: the
/// organisation a command names must be an active holder of the matching role in the
/// case's scheme; the domain decides; the effects, their timeline event and audit
/// record commit together, if the case is still at the version loaded.
pub async fn act(
    store: &Store,
    loaded: &Loaded,
    command: Command,
    actor: &Actor,
    at: OffsetDateTime,
    request_id: Option<&str>,
) -> Result<Effects, AppError> {
    if let Some((organisation_id, role)) = command.assignee() {
        check_assignee(store, loaded.scheme.id, organisation_id, role).await?;
    }
    let action = command.action();
    // Approving works charges them to the budget of the year: what it has left now;
    // so does ordering interim measures for a case not yet charged (to the first
    // stream: urgent safety work is never held up by the budget).
    let funded;
    let charges = match command {
        Command::ApproveWorks(_) => true,
        Command::OrderInterimMeasures { .. } => loaded.case.funding_stream.is_none(),
        _ => false,
    };
    let snapshot = if charges {
        let mut with_funding = loaded.snapshot.clone();
        with_funding.funding = budgets::funding_on(
            store.connection(),
            loaded.scheme.id,
            loaded.scheme.year_start,
            london::local_date(at),
        )
        .await?;
        funded = with_funding;
        &funded
    } else {
        &loaded.snapshot
    };
    let effects = workflow::apply(snapshot, command, at, &loaded.calendar).map_err(|error| {
        AppError::Refused {
            error,
            case: loaded.case.id,
            allowed: Vec::new(),
        }
    })?;
    match commit(store, loaded, action, actor, &effects, at, request_id).await {
        Ok(_) => Ok(effects),
        Err(CommitError::Stale) => {
            let current = cases::find_summary(store.connection(), loaded.case.id)
                .await?
                .map_or(loaded.case.version, |s| s.version);
            Err(AppError::Stale {
                resource: "case",
                current,
            })
        }
        Err(CommitError::Store(e)) => Err(e.into()),
    }
}

/// The organisation named in a command must hold `role` in the case's scheme.
/// Whether `organisation_id` is active and holds `role` in the scheme.
pub(crate) async fn active_in_role(
    store: &Store,
    scheme_id: Uuid,
    organisation_id: Uuid,
    role: Role,
) -> Result<bool, AppError> {
    let db = store.connection();
    let active = organisations::find(db, organisation_id)
        .await?
        .is_some_and(|o| o.active);
    Ok(active
        && schemes::roles_in(db, organisation_id, scheme_id)
            .await?
            .contains(&role))
}

async fn check_assignee(
    store: &Store,
    scheme_id: Uuid,
    organisation_id: Uuid,
    role: Role,
) -> Result<(), AppError> {
    if active_in_role(store, scheme_id, organisation_id, role).await? {
        return Ok(());
    }
    let mut v = Violations::new();
    v.add(
        "/organisation_id",
        ViolationCode::InvalidValue,
        format!("is not an active {role} organisation of this scheme"),
    );
    Err(AppError::Invalid(v))
}
