//! Rectification: correcting a referral that was wrong, in two steps around the entry
//! point's own parsing of the correction (which needs the referral as it stands).

use sanctuary_domain::calendar::london;
use sanctuary_domain::policy::Action;
use sanctuary_domain::referral::Referral;
use sanctuary_persistence::cases::{self, CaseRecord};
use sanctuary_persistence::events::Actor;
use sanctuary_persistence::rectify::{Rectification, changed_fields, rectify};
use sanctuary_persistence::workflow::CommitError;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::access::Scope;
use crate::actions::{Authorised, authorise};
use crate::audit;
use crate::precondition::{self, Expected};
use crate::{Acting, App, AppError};

/// A case the caller may correct, at the version it saw.
pub struct Correcting {
    pub authorised: Authorised,
    /// The case with its referral as it stands.
    pub record: CaseRecord,
    /// The day the referral arrived (dates in the correction are judged against it).
    pub received_on: Date,
    seen: i64,
}

/// Step one: `caller` may rectify case `id` and names the version it saw.
pub async fn begin(
    app: &App,
    caller: &Acting,
    id: Uuid,
    expected: Expected,
) -> Result<Correcting, AppError> {
    let authorised = authorise(app, caller, id, Action::RectifyReferral, || {
        "Only the referring organisation and the coordinator correct a referral.".into()
    })
    .await?;
    let seen = precondition::check(expected, "case", authorised.summary.version)?;
    let received_on = london::local_date(authorised.summary.received_at);
    let record = cases::with_referral(app.store(), authorised.summary.clone()).await?;
    Ok(Correcting {
        authorised,
        record,
        received_on,
        seen,
    })
}

/// Step two: stores `corrected` with a timeline event and audit record naming the
/// changed fields (never their values). A correction that changes nothing writes
/// nothing but is audited like a read, since the case is served.
pub async fn finish(
    app: &App,
    caller: &Acting,
    correcting: Correcting,
    corrected: &Referral,
    at: OffsetDateTime,
) -> Result<(Scope, CaseRecord), AppError> {
    let Correcting {
        authorised,
        record,
        received_on,
        seen,
    } = correcting;
    let Authorised {
        scope, view, role, ..
    } = authorised;
    let fields = changed_fields(&record.referral, corrected);
    if fields.is_empty() {
        audit::read(
            app,
            caller,
            Some(role),
            Action::RectifyReferral,
            &record.summary,
            vec!["no_change".into(), format!("view:{view}")],
        )
        .await?;
        return Ok((scope, record));
    }
    let store = app.store();
    let id = record.summary.id;
    let actor = Actor {
        subject: caller.subject.clone(),
        organisation_id: caller.organisation.id,
        role,
    };
    let change = Rectification {
        case_id: id,
        scheme_id: record.summary.scheme_id,
        status: record.summary.status,
        expected_version: seen,
        received_on,
        referral: corrected,
        fields: &fields,
        actor: &actor,
        request_id: caller.request_id.as_deref(),
        at,
    };
    match rectify(store, change).await {
        Ok(_) => {}
        Err(CommitError::Stale) => {
            let current = cases::find_summary(store.connection(), id)
                .await?
                .map_or(seen, |s| s.version);
            return Err(AppError::Stale {
                resource: "case",
                current,
            });
        }
        Err(CommitError::Store(e)) => return Err(e.into()),
    }
    let record = cases::find(store, id).await?.ok_or(AppError::NotFound)?;
    Ok((scope, record))
}
