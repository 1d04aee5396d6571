//! What a scheme's own members do to the scheme (not to a case): the coordinator keeps
//! the measures catalogue and writes the report's quarterly notes. Each write needs the
//! proof its check returns, and commits with its audit record.

use sanctuary_domain::audit::AuditOutcome;
use sanctuary_domain::measures::Measure;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::{self, Action};
use sanctuary_persistence::audit::NewAudit;
use sanctuary_persistence::schemes::{self, Scheme};
use sanctuary_persistence::{measures, reports};
use time::{Date, OffsetDateTime};

use crate::access::Scope;
use crate::{Acting, App, AppError, audit};

/// The scheme `code`, if the caller may do `action` in it, with the role it acts in.
pub struct InScheme {
    pub scheme: Scheme,
    pub role: Role,
    action: Action,
}

/// May the caller do `action` in the scheme `code`? Refusals are audited. What a
/// refusal looks like is the entry point's: `refusal(is_member)`, so that schemes are
/// not revealed to strangers where that matters.
pub async fn authorise(
    app: &App,
    caller: &Acting,
    scope: &Scope,
    code: &str,
    action: Action,
    refusal: impl FnOnce(bool) -> AppError,
) -> Result<InScheme, AppError> {
    let scheme = schemes::find_by_code(app.store().connection(), code)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = policy::acting_role(&scope.roles, action, &scope.scheme_relations(scheme.id));
    let Some(role) = role else {
        audit::denied(app, caller, action, Some(scheme.id), None).await?;
        return Err(refusal(scope.is_member(scheme.id)));
    };
    Ok(InScheme {
        scheme,
        role,
        action,
    })
}

impl InScheme {
    fn record<'a>(&self, caller: &'a Acting, fields: Vec<String>) -> NewAudit<'a> {
        audit::entry(
            caller,
            Some(self.role),
            self.action,
            Some(self.scheme.id),
            None,
            fields,
            AuditOutcome::Allowed,
        )
    }

    /// Adds the scheme's own measure, or its price for a shipped one.
    pub async fn put_measure(
        &self,
        app: &App,
        caller: &Acting,
        measure: &Measure,
    ) -> Result<(), AppError> {
        debug_assert_eq!(self.action, Action::ManageMeasures);
        let record = self.record(caller, Vec::new());
        Ok(measures::upsert(app.store(), self.scheme.id, measure, &record).await?)
    }

    /// The note on wider scheme work for `quarter` of the year starting `year_start`.
    pub async fn put_report_note(
        &self,
        app: &App,
        caller: &Acting,
        year_start: Date,
        quarter: u8,
        text: &str,
        at: OffsetDateTime,
    ) -> Result<(), AppError> {
        debug_assert_eq!(self.action, Action::WriteReportNotes);
        let record = self.record(caller, vec!["text".into()]);
        reports::put_note(
            app.store(),
            self.scheme.id,
            year_start,
            quarter,
            text,
            caller.organisation.id,
            at,
            &record,
        )
        .await?;
        Ok(())
    }
}
