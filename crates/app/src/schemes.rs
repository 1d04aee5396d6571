//! What a scheme's own members do to the scheme (not to a case): the coordinator keeps
//! the measures catalogue and writes the report's quarterly notes. Each write needs the
//! proof its check returns, and commits with its audit record.

use sanctuary_domain::audit::AuditOutcome;
use sanctuary_domain::budget::Budget;
use sanctuary_domain::feedback::Feedback;
use sanctuary_domain::measures::Measure;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::{self, Action};
use sanctuary_domain::violation::ViolationCode;
use sanctuary_persistence::audit::NewAudit;
use sanctuary_persistence::budgets::{self, BudgetTallies, NotSaved, StoredBudget};
use sanctuary_persistence::feedback::{self, FeedbackRow};
use sanctuary_persistence::schemes::{self, Scheme};
use sanctuary_persistence::{measures, reports};
use time::{Date, OffsetDateTime};

use crate::access::Scope;
use crate::actions::active_in_role;
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

    /// Sets the budget of the year starting `year_start` (a replacement names the
    /// version it replaces): the streams checked, each funder an active funder of the
    /// scheme; audited. The version saved.
    pub async fn put_budget(
        &self,
        app: &App,
        caller: &Acting,
        year_start: Date,
        budget: &Budget,
        expected: Option<i32>,
        at: OffsetDateTime,
    ) -> Result<i32, AppError> {
        debug_assert_eq!(self.action, Action::ManageBudget);
        let mut v = budget.violations();
        for (i, stream) in budget.streams.iter().enumerate() {
            let Some(funder) = stream.funder_organisation_id else {
                continue;
            };
            if !active_in_role(app.store(), self.scheme.id, funder, Role::Funder).await? {
                v.add(
                    format!("/streams/{i}/funder_organisation_id"),
                    ViolationCode::InvalidValue,
                    "is not an active funder organisation of this scheme",
                );
            }
        }
        if !v.is_empty() {
            return Err(AppError::Invalid(v));
        }
        let record = self.record(caller, vec![format!("budget:{year_start}")]);
        match budgets::put(
            app.store(),
            self.scheme.id,
            year_start,
            budget,
            expected,
            caller.organisation.id,
            at,
            &record,
        )
        .await?
        {
            Ok(version) => Ok(version),
            Err(NotSaved::VersionRequired) => {
                Err(AppError::PreconditionRequired { resource: "budget" })
            }
            Err(NotSaved::Stale { current }) => Err(AppError::Stale {
                resource: "budget",
                current: i64::from(current),
            }),
        }
    }

    /// The budget of the year starting `year_start` and what the year's works commit
    /// and spend against it; audited as a read.
    pub async fn budget(
        &self,
        app: &App,
        caller: &Acting,
        year_start: Date,
    ) -> Result<Option<(StoredBudget, BudgetTallies)>, AppError> {
        // Read after setting it too.
        debug_assert!(matches!(
            self.action,
            Action::ViewBudget | Action::ManageBudget
        ));
        let record = self.record(caller, vec![format!("budget:{year_start}")]);
        app.audit.record(&record).await?;
        let db = app.store().connection();
        let Some(stored) = budgets::find(db, self.scheme.id, year_start).await? else {
            return Ok(None);
        };
        let tallies = budgets::tallies(db, self.scheme.id, year_start).await?;
        Ok(Some((stored, tallies)))
    }

    /// Stores a referring agency's feedback (checked; the comment sealed); audited
    /// without its content. Its id.
    pub async fn give_feedback(
        &self,
        app: &App,
        caller: &Acting,
        feedback: &Feedback,
        at: OffsetDateTime,
    ) -> Result<uuid::Uuid, AppError> {
        debug_assert_eq!(self.action, Action::GiveFeedback);
        let v = feedback.violations();
        if !v.is_empty() {
            return Err(AppError::Invalid(v));
        }
        let mut fields = vec!["ratings".to_owned()];
        if feedback.comment.is_some() {
            fields.push("comment".into());
        }
        let record = self.record(caller, fields);
        Ok(feedback::put(
            app.store(),
            self.scheme.id,
            caller.organisation.id,
            feedback,
            at,
            &record,
        )
        .await?)
    }

    /// Referring agencies' feedback received in `[from, until)`, comments opened: an
    /// audited read.
    pub async fn feedback(
        &self,
        app: &App,
        caller: &Acting,
        from: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<Vec<FeedbackRow>, AppError> {
        debug_assert_eq!(self.action, Action::ReadFeedback);
        let record = self.record(caller, vec!["comment".into()]);
        app.audit.record(&record).await?;
        Ok(feedback::list(app.store(), self.scheme.id, from, until).await?)
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
