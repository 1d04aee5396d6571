//! Actions on a case as pure functions: a snapshot of the case and a typed command in,
//! the effects (or why not) out. Persistence commits the effects; nothing here does I/O.

use std::borrow::Cow;

use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use super::effects::{Effects, NoteKind, Record};
use super::works::{ItemOutcome, Recommendation, WorksItem};
use super::{CancelReason, CloseReason, DeclineReason, HoldReason, IllegalTransition, next_status};
use crate::calendar::{Calendar, london};
use crate::case::{CaseFlag, CaseStatus};
use crate::clock::{Clock, ClockCondition, ClockEvent};
use crate::consent::{ConsentMethod, ConsentPurpose, ConsentStatus, ConsentsInForce};
use crate::dash::Dash;
use crate::eligibility::EligibilityWarning;
use crate::measures::Measure;
use crate::policy::Action;
use crate::referral::Marac;
use crate::risk::{self, RiskLevel};
use crate::settings::SchemeSettings;
use crate::violation::{ViolationCode, Violations};

vocabulary! {
    pub enum ContactMethod {
        Phone = "phone",
        Visit = "visit",
        Email = "email",
        Letter = "letter",
        TextMessage = "text_message",
        Other = "other",
    }
}

vocabulary! {
    pub enum ContactOutcome {
        /// Spoke to the client: this is contact (it stops the initial-contact clock).
        SpokeToClient = "spoke_to_client",
        NoAnswer = "no_answer",
        MessageLeft = "message_left",
        NotSafeToTalk = "not_safe_to_talk",
        Other = "other",
    }
}

vocabulary! {
    pub enum FireCheckOutcome {
        Satisfactory = "satisfactory",
        ActionsRequired = "actions_required",
    }
}

vocabulary! {
    /// Does the client feel safer (asked at follow-up contacts)?
    pub enum FeelsSafer {
        Yes = "yes",
        No = "no",
        NotSaid = "not_said",
    }
}

vocabulary! {
    /// Why an action conflicts with the case as it stands.
    pub enum Conflict {
        /// Installation and information-sharing consent must be given to accept.
        ConsentRequired = "consent_required",
        /// A fitted measure needs a fire safety check before the case can close.
        FireCheckRequired = "fire_check_required",
        /// The client did not consent to follow-up contact.
        FollowUpConsentRequired = "follow_up_consent_required",
    }
}

/// Why an action cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    /// Not possible in the case's status.
    Illegal(IllegalTransition),
    /// Possible in this status, but the case's facts forbid it.
    Conflict {
        code: Conflict,
        message: Cow<'static, str>,
    },
    /// The command's data breaks a rule (pointers relative to the request body).
    Invalid(Violations),
}

impl From<IllegalTransition> for ActionError {
    fn from(e: IllegalTransition) -> Self {
        ActionError::Illegal(e)
    }
}

/// The risk facts a reassessment builds on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskFacts {
    pub dash_score: Option<u8>,
    pub level: Option<RiskLevel>,
    pub marac_referred: Option<bool>,
    pub marac_date: Option<Date>,
    pub care_and_support_needs: bool,
}

/// What an action needs to know about the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSnapshot {
    pub status: CaseStatus,
    /// When the referral arrived (the monitoring report counts days from it).
    pub received_at: OffsetDateTime,
    pub held_from: Option<CaseStatus>,
    pub settings: SchemeSettings,
    /// The scheme's measures catalogue.
    pub catalogue: Vec<Measure>,
    pub consents: ConsentsInForce,
    pub eligibility_warnings: Vec<EligibilityWarning>,
    pub works: Vec<WorksItem>,
    pub clocks: Vec<Clock>,
    pub fire_check_recorded: bool,
    pub first_contact_at: Option<OffsetDateTime>,
    pub risk: RiskFacts,
    pub flags: Vec<CaseFlag>,
}

/// A change of one consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentChange {
    pub purpose: ConsentPurpose,
    pub status: ConsentStatus,
    pub method: ConsentMethod,
    pub on: Date,
    pub evidence: Option<String>,
    /// Information sharing withdrawn: the client agreed that works already in progress
    /// be finished.
    pub works_may_continue: bool,
}

/// Approval of works: which recommended items (all of them if `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemApproval {
    pub items: Option<Vec<Uuid>>,
    pub funder_approval_reference: Option<String>,
}

/// What happened to one approved item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemResult {
    pub item_id: Uuid,
    pub installed: bool,
    pub actual_cost_pence: Option<i64>,
    pub reason: Option<String>,
}

/// A risk (re)assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskInput {
    pub dash: Dash,
    /// Professional judgement may raise the level, never lower it.
    pub judgement: Option<RiskLevel>,
    pub incidents_last_12_months: Option<u32>,
    pub marac: Option<Marac>,
    /// A new incident since the last assessment.
    pub new_incident: bool,
    pub notes: Option<String>,
}

/// A case action with its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// The client gave, refused or withdrew a consent.
    RecordConsent(ConsentChange),
    /// A legal hold placed (with its reason) or lifted.
    SetLegalHold {
        held: bool,
        reason: Option<String>,
    },
    Accept {
        override_reason: Option<String>,
    },
    Decline {
        reason: DeclineReason,
        other: Option<String>,
    },
    AssignAssessor {
        organisation_id: Uuid,
    },
    RecordAssessment {
        visit_date: Date,
        findings: Option<String>,
        recommendations: Vec<Recommendation>,
    },
    ApproveWorks(ItemApproval),
    OrderWorks {
        organisation_id: Uuid,
    },
    StartWorks,
    CompleteWorks {
        results: Vec<ItemResult>,
    },
    RecordContact {
        method: ContactMethod,
        outcome: ContactOutcome,
        notes: Option<String>,
    },
    RecordFireCheck {
        checked_on: Date,
        outcome: FireCheckOutcome,
        notes: Option<String>,
    },
    RecordFollowUpVisit {
        visited_on: Date,
        notes: Option<String>,
    },
    RecordFollowUpContact {
        contacted_on: Date,
        milestone_months: u32,
        feels_safer: FeelsSafer,
        notes: Option<String>,
    },
    Close {
        reason: CloseReason,
        other: Option<String>,
    },
    Cancel {
        reason: CancelReason,
        other: Option<String>,
    },
    Hold {
        reason: HoldReason,
        note: Option<String>,
    },
    Resume,
    Withdraw {
        note: Option<String>,
    },
    RecordRiskAssessment(RiskInput),
}

impl Command {
    pub fn action(&self) -> Action {
        match self {
            Command::Accept { .. } => Action::Accept,
            Command::Decline { .. } => Action::Decline,
            Command::AssignAssessor { .. } => Action::AssignAssessor,
            Command::RecordAssessment { .. } => Action::RecordAssessment,
            Command::ApproveWorks(_) => Action::ApproveWorks,
            Command::OrderWorks { .. } => Action::OrderWorks,
            Command::StartWorks => Action::StartWorks,
            Command::CompleteWorks { .. } => Action::CompleteWorks,
            Command::RecordContact { .. } => Action::RecordContact,
            Command::RecordFireCheck { .. } => Action::RecordFireCheck,
            Command::RecordFollowUpVisit { .. } => Action::RecordFollowUpVisit,
            Command::RecordFollowUpContact { .. } => Action::RecordFollowUpContact,
            Command::Close { .. } => Action::Close,
            Command::Cancel { .. } => Action::Cancel,
            Command::Hold { .. } => Action::Hold,
            Command::Resume => Action::Resume,
            Command::Withdraw { .. } => Action::Withdraw,
            Command::RecordConsent(_) => Action::RecordConsent,
            Command::SetLegalHold { .. } => Action::SetLegalHold,
            Command::RecordRiskAssessment(_) => Action::RecordRiskAssessment,
        }
    }
}

/// Follow-up contacts happen at these months after works complete.
pub const FOLLOW_UP_MILESTONES: [u32; 3] = [3, 6, 12];

fn invalid(
    pointer: &str,
    code: ViolationCode,
    message: impl Into<Cow<'static, str>>,
) -> ActionError {
    let mut v = Violations::new();
    v.add(pointer, code, message);
    ActionError::Invalid(v)
}

fn money(pence: i64) -> String {
    format!("£{}.{:02}", pence / 100, pence % 100)
}

/// `other` text is required exactly when the reason is "other".
fn other_text(is_other: bool, text: &Option<String>) -> Result<(), ActionError> {
    if is_other && text.is_none() {
        return Err(invalid(
            "/other",
            ViolationCode::RequiredByAnswer,
            "explain the reason when it is \"other\"",
        ));
    }
    Ok(())
}

fn not_in_future(pointer: &str, date: Date, at: OffsetDateTime) -> Result<(), ActionError> {
    if date > london::local_date(at) {
        return Err(invalid(
            pointer,
            ViolationCode::DateInFuture,
            "must not be in the future",
        ));
    }
    Ok(())
}

/// Applies `command` to the case as of `at`.
pub fn apply(
    case: &CaseSnapshot,
    command: Command,
    at: OffsetDateTime,
    calendar: &Calendar,
) -> Result<Effects, ActionError> {
    let action = command.action();
    let next = match &command {
        // Without installation consent the case cannot go on: it ends as withdrawn.
        Command::RecordConsent(c)
            if c.purpose == ConsentPurpose::Installation
                && c.status != ConsentStatus::Given
                && case.status.is_open() =>
        {
            CaseStatus::Withdrawn
        }
        _ => next_status(case.status, case.held_from, action)?,
    };
    let held_from = match (next, case.status) {
        (CaseStatus::OnHold, CaseStatus::OnHold) => case.held_from,
        (CaseStatus::OnHold, from) => Some(from),
        _ => None,
    };
    let mut fx = Effects::new(next, held_from);
    let mut clocks = case.clocks.clone();
    let event = match command {
        Command::Accept { override_reason } => {
            let missing: Vec<&str> = [
                ConsentPurpose::Installation,
                ConsentPurpose::InformationSharing,
            ]
            .into_iter()
            .filter(|p| !case.consents.given(*p))
            .map(ConsentPurpose::as_str)
            .collect();
            if !missing.is_empty() {
                return Err(ActionError::Conflict {
                    code: Conflict::ConsentRequired,
                    message: format!(
                        "the case cannot be accepted without consent to: {}",
                        missing.join(", ")
                    )
                    .into(),
                });
            }
            if !case.eligibility_warnings.is_empty() {
                if override_reason.is_none() {
                    let warnings: Vec<&str> = case
                        .eligibility_warnings
                        .iter()
                        .map(|w| w.as_str())
                        .collect();
                    return Err(invalid(
                        "/override_reason",
                        ViolationCode::RequiredByAnswer,
                        format!(
                            "accepting despite eligibility warnings ({}) needs a reason",
                            warnings.join(", ")
                        ),
                    ));
                }
                for w in &case.eligibility_warnings {
                    fx.data("overridden_warning", w);
                }
            }
            fx.changes.decided_at = Some(at);
            fx.note(NoteKind::AcceptanceOverride, override_reason);
            Some((ClockEvent::CaseAccepted, None))
        }
        Command::Decline { reason, other } => {
            other_text(reason == DeclineReason::Other, &other)?;
            fx.changes.decided_at = Some(at);
            fx.changes.decline_reason = Some(reason);
            fx.data("reason", reason);
            fx.note(NoteKind::DeclineDetail, other);
            None
        }
        Command::AssignAssessor { organisation_id } => {
            fx.changes.assessor_organisation_id = Some(organisation_id);
            fx.data("assessor_organisation_id", organisation_id);
            Some((ClockEvent::AssessorAssigned, None))
        }
        Command::RecordAssessment {
            visit_date,
            findings,
            recommendations,
        } => {
            not_in_future("/visit_date", visit_date, at)?;
            fx.works_added = recommend(case, recommendations)?;
            fx.records.push(Record::Assessment { visit_date });
            fx.data("visit_date", visit_date);
            for item in &fx.works_added {
                fx.event_data
                    .push(("recommended", item.measure_code.clone()));
            }
            fx.note(NoteKind::AssessmentFindings, findings);
            Some((ClockEvent::AssessmentRecorded, None))
        }
        Command::ApproveWorks(approval) => {
            approve(case, approval, &mut fx)?;
            None
        }
        Command::OrderWorks { organisation_id } => {
            fx.changes.contractor_organisation_id = Some(organisation_id);
            fx.data("contractor_organisation_id", organisation_id);
            Some((ClockEvent::WorksOrdered, None))
        }
        Command::StartWorks => Some((ClockEvent::WorksStarted, None)),
        Command::CompleteWorks { results } => {
            complete(case, results, &mut fx)?;
            fx.changes.works_completed_at = Some(at);
            // Kept, so the report averages it in SQL: UK working days of the scheme's
            // calendar, the referral's day being day 0.
            let days = calendar
                .working_days_between(london::local_date(case.received_at), london::local_date(at));
            fx.changes.days_to_installation = Some(u32::try_from(days).unwrap_or(0));
            Some((ClockEvent::WorksCompleted, None))
        }
        Command::RecordContact {
            method,
            outcome,
            notes,
        } => {
            fx.records.push(Record::Contact {
                at,
                method,
                outcome,
            });
            fx.data("method", method);
            fx.data("outcome", outcome);
            fx.note(NoteKind::Contact, notes);
            let first = outcome == ContactOutcome::SpokeToClient && case.first_contact_at.is_none();
            if first {
                fx.changes.first_contact_at = Some(at);
            }
            first.then_some((ClockEvent::ClientContacted, None))
        }
        Command::RecordFireCheck {
            checked_on,
            outcome,
            notes,
        } => {
            not_in_future("/checked_on", checked_on, at)?;
            fx.records.push(Record::FireCheck {
                checked_on,
                outcome,
            });
            fx.changes.fire_check_recorded_at = Some(at);
            fx.data("outcome", outcome);
            fx.data("checked_on", checked_on);
            fx.note(NoteKind::FireCheck, notes);
            Some((ClockEvent::FireCheckRecorded, None))
        }
        Command::RecordFollowUpVisit { visited_on, notes } => {
            not_in_future("/visited_on", visited_on, at)?;
            fx.records.push(Record::FollowUpVisit { visited_on });
            fx.data("visited_on", visited_on);
            fx.note(NoteKind::FollowUpVisit, notes);
            Some((ClockEvent::FollowUpVisitRecorded, None))
        }
        Command::RecordFollowUpContact {
            contacted_on,
            milestone_months,
            feels_safer,
            notes,
        } => {
            if !case.consents.given(ConsentPurpose::FollowUpContact) {
                return Err(ActionError::Conflict {
                    code: Conflict::FollowUpConsentRequired,
                    message: "the client did not consent to follow-up contact".into(),
                });
            }
            if !FOLLOW_UP_MILESTONES.contains(&milestone_months) {
                return Err(invalid(
                    "/milestone_months",
                    ViolationCode::InvalidValue,
                    "must be 3, 6 or 12",
                ));
            }
            not_in_future("/contacted_on", contacted_on, at)?;
            fx.records.push(Record::FollowUpContact {
                contacted_on,
                milestone_months,
                feels_safer,
            });
            fx.data("milestone_months", milestone_months);
            fx.data("feels_safer", feels_safer);
            fx.note(NoteKind::FollowUpContact, notes);
            Some((ClockEvent::FollowUpContactRecorded, Some(milestone_months)))
        }
        Command::Close { reason, other } => {
            other_text(reason == CloseReason::Other, &other)?;
            let needs_check = case
                .works
                .iter()
                .any(|w| w.installed() && w.requires_fire_check);
            if needs_check && !case.fire_check_recorded {
                return Err(ActionError::Conflict {
                    code: Conflict::FireCheckRequired,
                    message: "a fitted measure needs a fire safety check before the case can close"
                        .into(),
                });
            }
            fx.changes.close_reason = Some(reason);
            fx.data("reason", reason);
            fx.note(NoteKind::CloseDetail, other);
            None
        }
        Command::Cancel { reason, other } => {
            other_text(reason == CancelReason::Other, &other)?;
            fx.changes.cancel_reason = Some(reason);
            fx.data("reason", reason);
            fx.note(NoteKind::CancelDetail, other);
            None
        }
        Command::Hold { reason, note } => {
            if reason == HoldReason::WaitingForLandlord
                && !case.consents.given(ConsentPurpose::LandlordContact)
            {
                return Err(ActionError::Conflict {
                    code: Conflict::ConsentRequired,
                    message: "the client has not consented to the landlord being contacted".into(),
                });
            }
            fx.changes.hold_reason = Some(Some(reason));
            fx.data("reason", reason);
            fx.note(NoteKind::HoldDetail, note);
            None
        }
        Command::Resume => {
            fx.changes.hold_reason = Some(None);
            None
        }
        Command::Withdraw { note } => {
            fx.note(NoteKind::Withdrawal, note);
            None
        }
        Command::RecordRiskAssessment(input) => {
            reassess(case, input, at, &mut fx)?;
            None
        }
        Command::RecordConsent(change) => {
            record_consent(case, change, at, &mut fx, &mut clocks)?;
            None
        }
        Command::SetLegalHold { held, reason } => {
            if held && reason.is_none() {
                return Err(invalid(
                    "/reason",
                    ViolationCode::RequiredByAnswer,
                    "say why the case is held (e.g. the litigation or inquiry)",
                ));
            }
            fx.legal_hold = Some(held);
            fx.data("held", held);
            fx.note(NoteKind::LegalHold, reason);
            None
        }
    };

    // Every case that ends (declined, cancelled, withdrawn, closed) records when it
    // ended: retention counts from then.
    if next.is_terminal() && case.status.is_open() {
        fx.changes.ended_at = Some(at);
    }

    // Clocks: a hold pauses them, a resume restarts them, an ending cancels them; events
    // stop the clocks they end and start those they begin.
    for clock in &mut clocks {
        let before = clock.clone();
        match next {
            CaseStatus::OnHold if case.status != CaseStatus::OnHold => clock.pause(at),
            s if s.is_terminal() => clock.cancel(at),
            _ if case.status == CaseStatus::OnHold && next != CaseStatus::OnHold => {
                clock.resume(at, calendar)
            }
            _ => {}
        }
        if let Some((event, milestone)) = event
            && clock.stopped_by(event, milestone)
        {
            clock.stop(at);
        }
        if *clock != before {
            fx.clocks.push(clock.clone());
        }
    }
    if let Some((event, _)) = event {
        fx.clocks.extend(start_clocks(
            &case.settings,
            &case.consents,
            &clocks,
            event,
            at,
            calendar,
        ));
    }
    Ok(fx)
}

fn record_consent(
    case: &CaseSnapshot,
    change: ConsentChange,
    at: OffsetDateTime,
    fx: &mut Effects,
    clocks: &mut [Clock],
) -> Result<(), ActionError> {
    not_in_future("/on", change.on, at)?;
    let was = case.consents.status(change.purpose);
    // Saying no to something once agreed is withdrawing it.
    let mut change = change;
    if change.status == ConsentStatus::Refused && was == ConsentStatus::Given {
        change.status = ConsentStatus::Withdrawn;
    }
    if change.status == ConsentStatus::Withdrawn && was != ConsentStatus::Given {
        return Err(invalid(
            "/decision",
            ViolationCode::ContradictsAnswer,
            "only a consent that was given can be withdrawn",
        ));
    }
    if change.works_may_continue
        && (change.purpose != ConsentPurpose::InformationSharing
            || change.status == ConsentStatus::Given)
    {
        return Err(invalid(
            "/works_may_continue",
            ViolationCode::ContradictsAnswer,
            "applies only when information sharing is refused or withdrawn",
        ));
    }
    fx.consent = Some((change.purpose, change.status));
    if change.purpose == ConsentPurpose::InformationSharing {
        fx.works_may_continue = Some(change.works_may_continue);
    }
    fx.data("purpose", change.purpose);
    fx.data("decision", change.status);
    fx.data("method", change.method);
    fx.data("on", change.on);
    if change.works_may_continue {
        fx.data("works_may_continue", true);
    }
    fx.note(NoteKind::ConsentEvidence, change.evidence);
    // No follow-up contact without consent: its clocks stop counting.
    if change.purpose == ConsentPurpose::FollowUpContact && change.status != ConsentStatus::Given {
        for clock in clocks.iter_mut() {
            let conditional = case.settings.clocks.iter().any(|rule| {
                rule.kind == clock.kind && rule.condition == Some(ClockCondition::FollowUpConsent)
            });
            if conditional && clock.is_live() {
                clock.cancel(at);
                fx.clocks.push(clock.clone());
            }
        }
    }
    Ok(())
}

/// The clocks `event` starts under `settings`, skipping any the case already has.
pub fn start_clocks(
    settings: &SchemeSettings,
    consents: &ConsentsInForce,
    existing: &[Clock],
    event: ClockEvent,
    at: OffsetDateTime,
    calendar: &Calendar,
) -> Vec<Clock> {
    settings
        .clocks
        .iter()
        .filter(|rule| rule.start == event)
        .filter(|rule| match rule.condition {
            Some(ClockCondition::FollowUpConsent) => {
                consents.given(ConsentPurpose::FollowUpContact)
            }
            None => true,
        })
        .filter(|rule| !existing.iter().any(|c| c.kind == rule.kind))
        .map(|rule| Clock::start(rule, at, calendar))
        .collect()
}

fn recommend(
    case: &CaseSnapshot,
    recommendations: Vec<Recommendation>,
) -> Result<Vec<WorksItem>, ActionError> {
    let mut v = Violations::new();
    let mut items = Vec::new();
    for (i, r) in recommendations.into_iter().enumerate() {
        let Some(measure) = case.catalogue.iter().find(|m| m.code == r.measure_code) else {
            v.add(
                format!("/recommended_measures/{i}/measure_code"),
                ViolationCode::InvalidValue,
                "is not in the scheme's measures catalogue (GET /api/v1/measures)",
            );
            continue;
        };
        let estimate = r
            .estimated_cost_pence
            .unwrap_or(measure.unit_cost_pence * i64::from(r.quantity));
        items.push(WorksItem {
            id: Uuid::now_v7(),
            measure_code: measure.code.clone(),
            name: measure.name.clone(),
            report_row: measure.report_row,
            requires_fire_check: measure.requires_fire_check,
            quantity: r.quantity,
            location: r.location,
            estimated_cost_pence: estimate,
            approved: false,
            outcome: None,
        });
    }
    v.into_result(items).map_err(ActionError::Invalid)
}

/// The estimated cost of the works items `chosen` (what approving them commits to).
pub fn estimated_total(works: &[WorksItem], chosen: &[Uuid]) -> i64 {
    works
        .iter()
        .filter(|w| chosen.contains(&w.id))
        .map(|w| w.estimated_cost_pence)
        .sum()
}

fn approve(
    case: &CaseSnapshot,
    approval: ItemApproval,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    let chosen: Vec<Uuid> = match &approval.items {
        None => case.works.iter().map(|w| w.id).collect(),
        Some(ids) => {
            let mut v = Violations::new();
            for (i, id) in ids.iter().enumerate() {
                if !case.works.iter().any(|w| w.id == *id) {
                    v.add(
                        format!("/items/{i}"),
                        ViolationCode::InvalidValue,
                        "is not a measure recommended for this case",
                    );
                }
            }
            v.into_result(ids.clone()).map_err(ActionError::Invalid)?
        }
    };
    if chosen.is_empty() {
        return Err(invalid(
            "/items",
            ViolationCode::TooShort,
            "approve at least one recommended measure",
        ));
    }
    let total = estimated_total(&case.works, &chosen);
    let limit = case.settings.household_budget_limit_pence;
    if total > limit && approval.funder_approval_reference.is_none() {
        return Err(invalid(
            "/funder_approval_reference",
            ViolationCode::RequiredByAnswer,
            format!(
                "the approved total {} is above the scheme's per-household limit {}: record the funder's approval",
                money(total),
                money(limit)
            ),
        ));
    }
    for item in case.works.iter().filter(|w| chosen.contains(&w.id)) {
        fx.works_changed.push(WorksItem {
            approved: true,
            ..item.clone()
        });
        fx.event_data.push(("approved", item.measure_code.clone()));
    }
    fx.changes.approved_cost_pence = Some(total);
    fx.data("approved_cost_pence", total);
    if let Some(reference) = approval.funder_approval_reference {
        fx.data("funder_approval_reference", &reference);
        fx.changes.funder_approval_reference = Some(reference);
    }
    Ok(())
}

fn complete(
    case: &CaseSnapshot,
    results: Vec<ItemResult>,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    let mut v = Violations::new();
    let approved: Vec<&WorksItem> = case.works.iter().filter(|w| w.approved).collect();
    let mut done = Vec::new();
    for (i, r) in results.iter().enumerate() {
        let at = |field: &str| format!("/results/{i}/{field}");
        let Some(item) = approved.iter().find(|w| w.id == r.item_id) else {
            v.add(
                at("item_id"),
                ViolationCode::InvalidValue,
                "is not an approved measure of this case",
            );
            continue;
        };
        if done.contains(&r.item_id) {
            v.add(
                at("item_id"),
                ViolationCode::DuplicateItems,
                "has more than one result",
            );
            continue;
        }
        done.push(r.item_id);
        let outcome = if r.installed {
            match r.actual_cost_pence {
                Some(cost) => ItemOutcome::Installed {
                    actual_cost_pence: cost,
                },
                None => {
                    v.add(
                        at("actual_cost_pence"),
                        ViolationCode::RequiredByAnswer,
                        "give the actual cost of an installed measure",
                    );
                    continue;
                }
            }
        } else {
            if r.reason.is_none() {
                v.add(
                    at("reason"),
                    ViolationCode::RequiredByAnswer,
                    "say why the measure was not installed",
                );
                continue;
            }
            ItemOutcome::NotInstalled
        };
        fx.works_changed.push(WorksItem {
            outcome: Some(outcome),
            ..(*item).clone()
        });
        fx.note(
            NoteKind::NotInstalledReason,
            r.reason.clone().filter(|_| !r.installed),
        );
    }
    let missing = approved.iter().filter(|w| !done.contains(&w.id)).count();
    if missing > 0 {
        v.add(
            "/results",
            ViolationCode::IncompleteAnswers,
            format!("record a result for every approved measure ({missing} missing)"),
        );
    }
    if !v.is_empty() {
        return Err(ActionError::Invalid(v));
    }
    let cost: i64 = fx
        .works_changed
        .iter()
        .map(WorksItem::actual_cost_pence)
        .sum();
    let installed = fx.works_changed.iter().filter(|w| w.installed()).count();
    fx.changes.works_cost_pence = Some(cost);
    fx.data("installed", installed);
    fx.data("not_installed", fx.works_changed.len() - installed);
    fx.data("works_cost_pence", cost);
    Ok(())
}

/// The flags a risk assessment decides (replaced wholesale on each assessment).
const RISK_FLAGS: [CaseFlag; 4] = [
    CaseFlag::HighRiskWithoutMarac,
    CaseFlag::PotentialEscalation,
    CaseFlag::RepeatMaracReferralNeeded,
    CaseFlag::SafeguardingReferralNeeded,
];

/// What the risk flags depend on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskFlagFacts {
    pub level: Option<RiskLevel>,
    pub score: Option<u8>,
    pub marac_referred: bool,
    pub marac_date: Option<Date>,
    pub care_and_support_needs: bool,
    pub incidents_last_12_months: Option<u32>,
    pub new_incident: bool,
}

/// The risk flags for the given facts: high risk without MARAC, potential escalation,
/// a new incident within 12 months of a MARAC referral, safeguarding.
pub fn risk_flags(settings: &SchemeSettings, f: &RiskFlagFacts, today: Date) -> Vec<CaseFlag> {
    // Referred to MARAC within the last 12 months: the meeting was in that window, is
    // still to come, or its date is unknown (err on the side of flagging).
    let recent_marac = f.marac_referred
        && f.marac_date
            .is_none_or(|d| today - d <= Duration::days(365));
    let rules = [
        (
            f.level == Some(RiskLevel::High) && !f.marac_referred,
            CaseFlag::HighRiskWithoutMarac,
        ),
        (
            f.incidents_last_12_months
                .is_some_and(|n| n >= settings.escalation_incidents),
            CaseFlag::PotentialEscalation,
        ),
        (
            f.new_incident && recent_marac,
            CaseFlag::RepeatMaracReferralNeeded,
        ),
        (
            f.care_and_support_needs && f.score.unwrap_or(0) >= 1,
            CaseFlag::SafeguardingReferralNeeded,
        ),
    ];
    rules
        .into_iter()
        .filter(|(raised, _)| *raised)
        .map(|(_, f)| f)
        .collect()
}

fn reassess(
    case: &CaseSnapshot,
    input: RiskInput,
    at: OffsetDateTime,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    let score = input.dash.score();
    let outcome = risk::level(&case.settings.risk_bands, score, input.judgement).map_err(|by_score| {
        invalid(
            "/professional_judgement",
            ViolationCode::ContradictsAnswer,
            format!("professional judgement may raise the level, never lower it below the score's ({by_score})"),
        )
    })?;
    let (marac_referred, marac_date) = match &input.marac {
        Some(m) => (m.referred, m.meeting_date.or(case.risk.marac_date)),
        None => (
            case.risk.marac_referred.unwrap_or(false),
            case.risk.marac_date,
        ),
    };
    let today = london::local_date(at);
    let mut flags: Vec<CaseFlag> = case
        .flags
        .iter()
        .copied()
        .filter(|f| !RISK_FLAGS.contains(f))
        .collect();
    let facts = RiskFlagFacts {
        level: outcome.level,
        score,
        marac_referred,
        marac_date,
        care_and_support_needs: case.risk.care_and_support_needs,
        incidents_last_12_months: input.incidents_last_12_months,
        new_incident: input.new_incident,
    };
    flags.extend(risk_flags(&case.settings, &facts, today));
    fx.flags = Some(flags);
    fx.changes.risk_level = Some(outcome.level);
    fx.changes.dash_score = Some(score);
    fx.changes.marac_referred = Some(marac_referred);
    fx.changes.marac_date = input.marac.as_ref().and_then(|m| m.meeting_date);
    if let Some(level) = outcome.level {
        fx.data("level", level);
    }
    if let Some(score) = score {
        fx.data("dash_score", score);
    }
    fx.records.push(Record::RiskAssessment {
        dash: input.dash,
        judgement: input.judgement,
        level: outcome.level,
        incidents_last_12_months: input.incidents_last_12_months,
        marac_referred: input.marac.as_ref().map(|m| m.referred),
        marac_date: input.marac.as_ref().and_then(|m| m.meeting_date),
        new_incident: input.new_incident,
    });
    fx.note(NoteKind::RiskAssessment, input.notes);
    Ok(())
}

#[cfg(test)]
mod tests;
