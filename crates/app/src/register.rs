//! The emergency-services register as use cases: a control room (or the coordinator)
//! reads the entries of the services it may see, every address it is shown audited
//! before it is served; the worker takes entries off when a case's time on the register
//! after its end is up. Reviews and removals by the coordinator are case actions
//! ([`crate::actions`]).

use sanctuary_domain::audit::AuditOutcome;
use sanctuary_domain::policy::Action;
use sanctuary_domain::register::{self, EmergencyService, RegisterPresence};
use sanctuary_persistence::Store;
use sanctuary_persistence::register::{self as rows, RegisterItem, RegisterQuery};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::Scope;
use crate::schemes::authorise;
use crate::{Acting, App, AppError, audit};

/// What the caller asks of the register.
#[derive(Debug, Clone)]
pub struct Reading {
    pub scheme: String,
    pub status: Option<RegisterPresence>,
    pub changed_since: Option<OffsetDateTime>,
    pub after: Option<(OffsetDateTime, Uuid)>,
    pub limit: u64,
}

/// A page of the register, as the caller may see it.
pub struct RegisterPage {
    pub scheme: String,
    /// The services whose entries the caller reads.
    pub services: Vec<EmergencyService>,
    /// The scheme's 24-hour contact for a control room.
    pub contact_24h: Option<String>,
    pub items: Vec<RegisterItem>,
}

/// The parts of a home an entry shows (for the audit record: names, never values).
const SHOWN: [&str; 6] = [
    "address",
    "safe_room",
    "arson_risk",
    "children",
    "needs_help_to_leave",
    "interpreter_needed",
];

/// The register of `r.scheme` for `caller`: the coordinator's whole register, a fire
/// service's or a police control room's own entries; 403 for anyone else (404 for a
/// scheme that does not exist).
pub async fn read(app: &App, caller: &Acting, r: &Reading) -> Result<RegisterPage, AppError> {
    let scope = Scope::of(app.store(), caller).await?;
    let in_scheme = authorise(app, caller, &scope, &r.scheme, Action::ViewRegister, |_| {
        AppError::Forbidden(
            "The register is for the scheme's coordinator, fire service and police.".into(),
        )
    })
    .await?;
    let scheme = &in_scheme.scheme;
    let services = register::services_readable(&scope.roles, &scope.scheme_relations(scheme.id));
    let store = app.store();
    let items = rows::list(
        store.connection(),
        store.keys()?,
        &RegisterQuery {
            scheme_id: scheme.id,
            services: services.clone(),
            status: r.status,
            changed_since: r.changed_since,
            after: r.after,
            limit: r.limit,
        },
    )
    .await?;
    // Who saw this address: every home shown is audited, durably, before it is served.
    let records: Vec<_> = items
        .iter()
        .filter(|i| i.reading.is_some())
        .map(|i| {
            audit::entry(
                caller,
                Some(in_scheme.role),
                Action::ViewRegister,
                Some(scheme.id),
                Some(i.entry.case_id),
                SHOWN.iter().map(|f| (*f).to_owned()).collect(),
                AuditOutcome::Allowed,
            )
        })
        .collect();
    app.audit_writer().record_all(&records).await?;
    Ok(RegisterPage {
        scheme: scheme.code.to_string(),
        services,
        contact_24h: scheme.settings.register.contact_24h.clone(),
        items,
    })
}

/// Takes off the register the entries of cases whose time after their end is up, as of
/// `now`; returns how many cases.
pub async fn take_off_ended(store: &Store, now: OffsetDateTime) -> Result<u64, AppError> {
    Ok(rows::ending::run(store, now).await?)
}
