//! Committing a case action: the domain decided the effects; this writes all of them in
//! one transaction, guarded by the case's version (optimistic concurrency).

use sanctuary_domain::policy::Action;
use sanctuary_domain::workflow::{Effects, Record};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, NewAudit};
use crate::codec::join;
use crate::entities::{case, case_clock, case_record, risk_assessment, works_item};
use crate::events::{self, Actor, NewEvent};
use crate::intake::answers_json;
use crate::mapping::{clock_restarted, clock_state, new_clock, works_row};
pub use crate::snapshot::Loaded;
use crate::{Store, StoreError};
use crate::{outbox, register};
use sanctuary_domain::audit::AuditOutcome;
use sanctuary_domain::consent::ConsentPurpose;
use sanctuary_domain::register::{EmergencyService, RegisterChange, RegisterPresence};

/// Reads a case for an action.
pub async fn load(store: &Store, case_id: Uuid) -> Result<Option<Loaded>, StoreError> {
    crate::snapshot::load(store.connection(), store.keys()?, case_id).await
}

#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// The case changed since it was read.
    #[error("the case was changed by someone else")]
    Stale,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Writes `fx` for `action` on the case `loaded` read, if its version is still
/// `loaded.case.version`. Returns the new version.
pub async fn commit(
    store: &Store,
    loaded: &Loaded,
    action: Action,
    actor: &Actor,
    fx: &Effects,
    at: OffsetDateTime,
    request_id: Option<&str>,
) -> Result<i64, CommitError> {
    let case_id = loaded.case.id;
    let tx = store.begin_write().await?;
    let readers_before = outbox::readers_of(&*tx, case_id).await?;
    let mut update = case::Entity::update_many()
        .set(case_changes(fx, at))
        .col_expr(
            case::Column::Version,
            Expr::col(case::Column::Version).add(1),
        );
    if fx.changes.reopened {
        update = update.col_expr(case::Column::Round, Expr::col(case::Column::Round).add(1));
    }
    let updated = update
        .filter(case::Column::Id.eq(case_id))
        .filter(case::Column::Version.eq(loaded.case.version))
        .exec(&*tx)
        .await
        .map_err(StoreError::db("updating a case"))?;
    if updated.rows_affected == 0 {
        return Err(CommitError::Stale);
    }
    let keys = store.keys()?;
    let event_id = events::append(
        &*tx,
        keys,
        NewEvent {
            case_id,
            at,
            action,
            from: Some(loaded.snapshot.status),
            to: fx.status,
            actor,
            data: &fx.event_data,
            notes: &fx.notes,
            readers_before: &readers_before,
        },
    )
    .await?;
    let mut fields: Vec<String> = fx.event_data.iter().map(|(k, _)| (*k).to_owned()).collect();
    if !fx.notes.is_empty() {
        fields.push("notes".into());
    }
    let record = NewAudit {
        actor_subject: &actor.subject,
        organisation_id: Some(actor.organisation_id),
        role: Some(actor.role),
        action: action.as_str(),
        scheme_id: Some(loaded.case.scheme_id),
        case_id: Some(case_id),
        fields,
        request_id,
        outcome: AuditOutcome::Allowed,
    };
    audit::append(&*tx, keys, &record).await?;
    let round = loaded.case.round;
    for clock in &fx.clocks {
        // Reopened: the clocks it starts are the new round's; the last round's it ended
        // stay in theirs.
        if fx.changes.reopened && clock.is_live() {
            new_clock(case_id, loaded.case.scheme_id, round + 1, clock)
                .insert(&*tx)
                .await
                .map_err(StoreError::db("starting a clock"))?;
        } else if let Some(was) = loaded.snapshot.clocks.iter().find(|c| c.kind == clock.kind) {
            // A clock started again (the register review) is a new period: its start,
            // rule and announcements begin afresh.
            let state = match was.started_at == clock.started_at {
                true => clock_state(clock),
                false => clock_restarted(clock),
            };
            case_clock::Entity::update_many()
                .set(state)
                .filter(case_clock::Column::CaseId.eq(case_id))
                .filter(case_clock::Column::Round.eq(round))
                .filter(case_clock::Column::Kind.eq(clock.kind.as_str()))
                .exec(&*tx)
                .await
                .map_err(StoreError::db("updating a clock"))?;
        } else {
            new_clock(case_id, loaded.case.scheme_id, round, clock)
                .insert(&*tx)
                .await
                .map_err(StoreError::db("starting a clock"))?;
        }
    }
    for item in &fx.works_added {
        works_row(case_id, item, keys)
            .insert(&*tx)
            .await
            .map_err(StoreError::db("adding a works item"))?;
    }
    for item in &fx.works_changed {
        works_item::Entity::update(works_row(case_id, item, keys))
            .exec(&*tx)
            .await
            .map_err(StoreError::db("updating a works item"))?;
    }
    for record in &fx.records {
        insert_record(&*tx, case_id, event_id, actor.organisation_id, at, record).await?;
    }
    crate::visits::write(
        &*tx,
        case_id,
        actor.organisation_id,
        at,
        &fx.visits_added,
        &fx.visits_changed,
    )
    .await?;
    register::write(
        &*tx,
        register::Change {
            case_id,
            scheme_id: loaded.case.scheme_id,
            at,
            organisation_id: Some(actor.organisation_id),
            review_due: fx.register_review_due,
            changes: &fx.register,
        },
    )
    .await?;
    tx.commit()
        .await
        .map_err(StoreError::db("committing an action"))?;
    Ok(loaded.case.version + 1)
}

/// The case columns `fx` sets.
fn case_changes(fx: &Effects, at: OffsetDateTime) -> case::ActiveModel {
    let c = &fx.changes;
    let mut m = case::ActiveModel {
        status: Set(fx.status.as_str().to_owned()),
        held_from: Set(fx.held_from.map(|s| s.as_str().to_owned())),
        updated_at: Set(at),
        ..Default::default()
    };
    let code = |v: &dyn ToString| Some(v.to_string());
    if let Some(v) = c.decided_at {
        m.decided_at = Set(Some(v));
    }
    if let Some(v) = c.decline_reason {
        m.decline_reason = Set(code(&v));
    }
    if let Some(v) = c.cancel_reason {
        m.cancel_reason = Set(code(&v));
    }
    if let Some(v) = c.close_reason {
        m.close_reason = Set(code(&v));
    }
    if c.reopened {
        // Open again: no longer ended, closed or checked; a new round.
        m.ended_at = Set(None);
        m.close_reason = Set(None);
        m.close_still_at_home = Set(None);
        m.close_feels_safer = Set(None);
        m.close_further_incidents = Set(None);
        m.close_onward_referrals = Set(None);
        m.fire_check_recorded_at = Set(None);
        m.reopened_at = Set(Some(at));
    }
    if let Some(away) = c.emergency_accommodation {
        m.emergency_accommodation = Set(away.map(|k| k.as_str().to_owned()));
    }
    if let Some(at) = c.interim_fitted_at {
        m.interim_fitted_at = Set(Some(at));
    }
    if let Some(p) = c.landlord_permission {
        m.landlord_permission = Set(p.as_str().to_owned());
    }
    if let Some(on) = c.landlord_requested_on {
        m.landlord_permission_requested_on = Set(Some(on));
    }
    if let Some(on) = c.landlord_decided_on {
        m.landlord_permission_decided_on = Set(Some(on));
    }
    if let Some(o) = &c.close_outcome {
        m.close_still_at_home = Set(code(&o.still_living_at_home));
        m.close_feels_safer = Set(code(&o.feels_safer));
        m.close_further_incidents = Set(code(&o.further_incidents));
        m.close_onward_referrals = Set(Some(join(&o.onward_referrals)));
    }
    if let Some(v) = c.hold_reason {
        m.hold_reason = Set(v.map(|r| r.as_str().to_owned()));
    }
    if let Some(v) = c.assessor_organisation_id {
        m.assessor_organisation_id = Set(Some(v));
    }
    if let Some(v) = c.contractor_organisation_id {
        m.contractor_organisation_id = Set(Some(v));
    }
    if let Some(v) = c.works_completed_at {
        m.works_completed_at = Set(Some(v));
    }
    if let Some(v) = c.days_to_installation {
        m.days_to_installation = Set(Some(i32::try_from(v).unwrap_or(i32::MAX)));
    }
    if let Some(v) = c.works_cost_pence {
        m.works_cost_pence = Set(Some(v));
    }
    if let Some(v) = c.approved_cost_pence {
        m.approved_cost_pence = Set(Some(v));
    }
    if let Some(v) = &c.funder_approval_reference {
        m.funder_approval_reference = Set(Some(v.clone()));
    }
    if let Some((year_start, stream)) = &c.funding {
        m.funding_year = Set(Some(*year_start));
        m.funding_stream = Set(Some(stream.clone()));
        m.funding_charged_at = Set(Some(at));
    }
    if let Some(v) = c.fire_check_recorded_at {
        m.fire_check_recorded_at = Set(Some(v));
    }
    if let Some(v) = c.first_contact_at {
        m.first_contact_at = Set(Some(v));
    }
    if let Some(v) = c.ended_at {
        m.ended_at = Set(Some(v));
    }
    if let Some(v) = c.risk_level {
        m.risk_level = Set(v.map(|l| l.as_str().to_owned()));
    }
    if let Some(v) = c.dash_score {
        m.dash_score = Set(v.map(i16::from));
    }
    if let Some(v) = c.marac_referred {
        m.marac_referred = Set(Some(v));
    }
    if let Some(v) = c.marac_date {
        m.marac_date = Set(Some(v));
    }
    if let Some(v) = c.safeguarding_referred_on {
        m.safeguarding_referred_on = Set(Some(v));
    }
    if let Some(flags) = &fx.flags {
        m.flags = Set(join(flags));
    }
    if let Some(s) = &fx.safeguarding {
        m.safeguarding_sharing_with = Set(join(&s.sharing_with));
        m.safeguarding_landlord_contact = Set(s.landlord_contact);
    }
    m.fire_check_measures = Set(fx.fire_check_measures);
    if let Some(v) = c.contractor_access_until {
        m.contractor_access_until = Set(v);
    }
    for change in &fx.register {
        let presence = match change {
            RegisterChange::Added { .. } => RegisterPresence::Active,
            RegisterChange::Removed { .. } => RegisterPresence::Removed,
            RegisterChange::Rebased { .. }
            | RegisterChange::Reviewed { .. }
            | RegisterChange::Updated { .. } => continue,
        };
        let value = Set(Some(presence.as_str().to_owned()));
        match change.service() {
            EmergencyService::FireService => m.fire_register = value,
            EmergencyService::Police => m.police_register = value,
        }
    }
    if let Some(blocks) = &fx.progress_blocks {
        m.progress_blocks = Set(join(blocks));
    }
    if let Some((purpose, status)) = fx.consent {
        let status = Set(status.as_str().to_owned());
        match purpose {
            ConsentPurpose::Installation => m.consent_installation = status,
            ConsentPurpose::LandlordContact => m.consent_landlord_contact = status,
            ConsentPurpose::InformationSharing => m.consent_information_sharing = status,
            ConsentPurpose::FollowUpContact => m.consent_follow_up_contact = status,
        }
    }
    if let Some(v) = fx.works_may_continue {
        m.works_may_continue = Set(v);
    }
    if let Some(v) = fx.legal_hold {
        m.legal_hold = Set(v);
    }
    m
}

async fn insert_record(
    db: &impl ConnectionTrait,
    case_id: Uuid,
    event_id: Uuid,
    organisation_id: Uuid,
    at: OffsetDateTime,
    record: &Record,
) -> Result<(), StoreError> {
    let base = |kind: &str| case_record::ActiveModel {
        id: Set(Uuid::now_v7()),
        case_id: Set(case_id),
        event_id: Set(event_id),
        organisation_id: Set(organisation_id),
        kind: Set(kind.to_owned()),
        at: Set(at),
        occurred_on: Set(None),
        method: Set(None),
        outcome: Set(None),
        milestone_months: Set(None),
        feels_safer: Set(None),
        still_at_home: Set(None),
        further_incidents: Set(None),
    };
    let row = match record {
        Record::Assessment { visit_date } => case_record::ActiveModel {
            occurred_on: Set(Some(*visit_date)),
            ..base("assessment")
        },
        Record::Contact {
            at: contacted_at,
            method,
            outcome,
        } => case_record::ActiveModel {
            at: Set(*contacted_at),
            method: Set(Some(method.as_str().to_owned())),
            outcome: Set(Some(outcome.as_str().to_owned())),
            ..base("contact")
        },
        Record::FireCheck {
            checked_on,
            outcome,
        } => case_record::ActiveModel {
            occurred_on: Set(Some(*checked_on)),
            outcome: Set(Some(outcome.as_str().to_owned())),
            ..base("fire_check")
        },
        Record::FollowUpVisit { visited_on } => case_record::ActiveModel {
            occurred_on: Set(Some(*visited_on)),
            ..base("follow_up_visit")
        },
        Record::FollowUpContact {
            contacted_on,
            milestone_months,
            feels_safer,
            still_living_at_home,
            further_incidents,
        } => case_record::ActiveModel {
            occurred_on: Set(Some(*contacted_on)),
            milestone_months: Set(i32::try_from(*milestone_months).ok()),
            feels_safer: Set(Some(feels_safer.as_str().to_owned())),
            still_at_home: Set(Some(still_living_at_home.as_str().to_owned())),
            further_incidents: Set(Some(further_incidents.as_str().to_owned())),
            ..base("follow_up_contact")
        },
        Record::RiskAssessment {
            dash,
            judgement,
            level,
            incidents_last_12_months,
            marac_referred,
            marac_date,
            new_incident,
        } => {
            risk_assessment::ActiveModel {
                id: Set(Uuid::now_v7()),
                case_id: Set(case_id),
                organisation_id: Set(organisation_id),
                recorded_at: Set(at),
                source: Set("reassessment".to_owned()),
                dash_completed: Set(dash.completed()),
                dash_score: Set(dash.score().map(i16::from)),
                dash_answers: Set(answers_json(dash)),
                judgement: Set(judgement.map(|j| j.as_str().to_owned())),
                level: Set(level.map(|l| l.as_str().to_owned())),
                incidents_last_12_months: Set(
                    incidents_last_12_months.and_then(|n| i32::try_from(n).ok())
                ),
                marac_referred: Set(*marac_referred),
                marac_date: Set(*marac_date),
                new_incident: Set(*new_incident),
            }
            .insert(db)
            .await
            .map_err(StoreError::db("recording a risk assessment"))?;
            return Ok(());
        }
    };
    row.insert(db)
        .await
        .map_err(StoreError::db("recording a record"))?;
    Ok(())
}
