//! SLA clocks: the scheme's service standards as running timers on a case.
//!
//! The clock table is policy data ([`ClockRule`], defaults in [`default_policy`]); a case's
//! [`Clock`] remembers its rule's unit and amount, so changing the policy later does not
//! rewrite running cases. Due dates are stored (and indexed) so lists of breached or
//! soon-due clocks are answered by the database.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use crate::calendar::{Calendar, london};
use crate::consent::{ConsentPurpose, ConsentsInForce};

vocabulary! {
    /// Which service standard a clock measures.
    pub enum ClockKind {
        /// Referral received → client contacted.
        InitialContact = "initial_contact",
        /// Case accepted → assessor assigned.
        ReferToAssessor = "refer_to_assessor",
        /// Assessor assigned → assessment recorded.
        Assessment = "assessment",
        /// Works ordered → works started.
        WorksStart = "works_start",
        /// Works ordered → works completed.
        WorksComplete = "works_complete",
        /// Works completed → fire safety check recorded.
        FireSafetyCheck = "fire_safety_check",
        /// Works completed → follow-up visit recorded.
        FollowUpVisit = "follow_up_visit",
        FollowUpContact3Months = "follow_up_contact_3_months",
        FollowUpContact6Months = "follow_up_contact_6_months",
        FollowUpContact12Months = "follow_up_contact_12_months",
    }
}

vocabulary! {
    pub enum ClockUnit {
        WorkingDays = "working_days",
        CalendarDays = "calendar_days",
        Hours = "hours",
        Months = "months",
    }
}

vocabulary! {
    /// What starts or stops a clock.
    pub enum ClockEvent {
        ReferralReceived = "referral_received",
        ClientContacted = "client_contacted",
        CaseAccepted = "case_accepted",
        AssessorAssigned = "assessor_assigned",
        AssessmentRecorded = "assessment_recorded",
        WorksOrdered = "works_ordered",
        WorksStarted = "works_started",
        WorksCompleted = "works_completed",
        FireCheckRecorded = "fire_check_recorded",
        FollowUpVisitRecorded = "follow_up_visit_recorded",
        /// Stops the follow-up contact clock of the same milestone (3, 6 or 12 months).
        FollowUpContactRecorded = "follow_up_contact_recorded",
    }
}

vocabulary! {
    /// When a clock applies at all.
    pub enum ClockCondition {
        /// Only if the client consented to follow-up contact.
        FollowUpConsent = "follow_up_consent",
    }
}

vocabulary! {
    pub enum ClockState {
        Running = "running",
        /// Stopped on time.
        Met = "met",
        /// Stopped late, or overdue now.
        Breached = "breached",
        /// The case is on hold; time does not count.
        Paused = "paused",
        Cancelled = "cancelled",
    }
}

/// One row of the clock table: `kind` runs from `start` until `stop`, due `amount`
/// `unit`s later (only when `condition` holds, if given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClockRule {
    pub kind: ClockKind,
    pub start: ClockEvent,
    pub stop: ClockEvent,
    pub amount: u32,
    pub unit: ClockUnit,
    pub condition: Option<ClockCondition>,
}

/// The South Essex service standards (and Bolsover's 48 hours for first contact).
pub fn default_policy() -> Vec<ClockRule> {
    use ClockEvent as E;
    use ClockKind as K;
    use ClockUnit as U;
    let rule = |kind, start, stop, amount, unit, condition| ClockRule {
        kind,
        start,
        stop,
        amount,
        unit,
        condition,
    };
    let consent = Some(ClockCondition::FollowUpConsent);
    vec![
        rule(
            K::InitialContact,
            E::ReferralReceived,
            E::ClientContacted,
            2,
            U::WorkingDays,
            None,
        ),
        rule(
            K::ReferToAssessor,
            E::CaseAccepted,
            E::AssessorAssigned,
            1,
            U::WorkingDays,
            None,
        ),
        rule(
            K::Assessment,
            E::AssessorAssigned,
            E::AssessmentRecorded,
            5,
            U::WorkingDays,
            None,
        ),
        rule(
            K::WorksStart,
            E::WorksOrdered,
            E::WorksStarted,
            2,
            U::WorkingDays,
            None,
        ),
        rule(
            K::WorksComplete,
            E::WorksOrdered,
            E::WorksCompleted,
            7,
            U::CalendarDays,
            None,
        ),
        rule(
            K::FireSafetyCheck,
            E::WorksCompleted,
            E::FireCheckRecorded,
            10,
            U::WorkingDays,
            None,
        ),
        rule(
            K::FollowUpVisit,
            E::WorksCompleted,
            E::FollowUpVisitRecorded,
            14,
            U::CalendarDays,
            None,
        ),
        rule(
            K::FollowUpContact3Months,
            E::WorksCompleted,
            E::FollowUpContactRecorded,
            3,
            U::Months,
            consent,
        ),
        rule(
            K::FollowUpContact6Months,
            E::WorksCompleted,
            E::FollowUpContactRecorded,
            6,
            U::Months,
            consent,
        ),
        rule(
            K::FollowUpContact12Months,
            E::WorksCompleted,
            E::FollowUpContactRecorded,
            12,
            U::Months,
            consent,
        ),
    ]
}

/// Whether `event` (with a follow-up `milestone` in months, if any) stops a clock that
/// stops on `stop` and runs for `amount`: a follow-up contact stops only its milestone.
fn stops(stop: ClockEvent, amount: u32, event: ClockEvent, milestone: Option<u32>) -> bool {
    stop == event && (event != ClockEvent::FollowUpContactRecorded || milestone == Some(amount))
}

impl ClockRule {
    pub fn stopped_by(&self, event: ClockEvent, milestone: Option<u32>) -> bool {
        stops(self.stop, self.amount, event, milestone)
    }
}

/// A clock on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub kind: ClockKind,
    /// What stops it (kept from the rule it started under).
    pub stop: ClockEvent,
    pub unit: ClockUnit,
    pub amount: u32,
    pub started_at: OffsetDateTime,
    /// Time spent on hold, in the clock's unit (seconds for hour clocks, working days
    /// for working-day clocks, days otherwise).
    pub held: i64,
    pub paused_at: Option<OffsetDateTime>,
    /// When it falls due; recomputed on resume. Kept while paused (for display).
    pub due_at: OffsetDateTime,
    pub stopped_at: Option<OffsetDateTime>,
    /// The stored state: `running`, `paused`, `met`, `breached` or `cancelled`. A running
    /// clock past its due date *reads* as breached (see [`Clock::state_at`]).
    pub state: ClockState,
}

fn add_months(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + (date.month() as i32 - 1) + months as i32;
    let (year, month) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
    let month = time::Month::try_from(month).expect("valid month");
    let day = date.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).expect("valid date")
}

impl Clock {
    /// Starts `rule`'s clock at `at`.
    pub fn start(rule: &ClockRule, at: OffsetDateTime, calendar: &Calendar) -> Self {
        let mut clock = Self {
            kind: rule.kind,
            stop: rule.stop,
            unit: rule.unit,
            amount: rule.amount,
            started_at: at,
            held: 0,
            paused_at: None,
            due_at: at,
            stopped_at: None,
            state: ClockState::Running,
        };
        clock.due_at = clock.compute_due(calendar);
        clock
    }

    fn compute_due(&self, calendar: &Calendar) -> OffsetDateTime {
        let start = london::local_date(self.started_at);
        let amount = i64::from(self.amount);
        match self.unit {
            ClockUnit::Hours => {
                self.started_at + Duration::hours(amount) + Duration::seconds(self.held)
            }
            ClockUnit::WorkingDays => {
                let n = u32::try_from(amount + self.held).unwrap_or(u32::MAX);
                london::end_of_day(calendar.add_working_days(start, n))
            }
            ClockUnit::CalendarDays => {
                london::end_of_day(start + Duration::days(amount + self.held))
            }
            ClockUnit::Months => {
                london::end_of_day(add_months(start, self.amount) + Duration::days(self.held))
            }
        }
    }

    pub fn stopped_by(&self, event: ClockEvent, milestone: Option<u32>) -> bool {
        stops(self.stop, self.amount, event, milestone)
    }

    /// Whether the clock is still counting (or would be, but for a hold).
    pub fn is_live(&self) -> bool {
        matches!(self.state, ClockState::Running | ClockState::Paused)
    }

    /// Pauses a running clock (the case went on hold).
    pub fn pause(&mut self, at: OffsetDateTime) {
        if self.state == ClockState::Running {
            self.state = ClockState::Paused;
            self.paused_at = Some(at);
        }
    }

    /// Resumes a paused clock: the time on hold is added to its due date. For day units,
    /// the days after the day it was paused, up to and including the day it resumed,
    /// do not count.
    pub fn resume(&mut self, at: OffsetDateTime, calendar: &Calendar) {
        let (ClockState::Paused, Some(paused_at)) = (self.state, self.paused_at) else {
            return;
        };
        let (from, to) = (london::local_date(paused_at), london::local_date(at));
        self.held += match self.unit {
            ClockUnit::Hours => (at - paused_at).whole_seconds().max(0),
            ClockUnit::WorkingDays => calendar.working_days_between(from, to).max(0),
            ClockUnit::CalendarDays | ClockUnit::Months => (to - from).whole_days().max(0),
        };
        self.paused_at = None;
        self.state = ClockState::Running;
        self.due_at = self.compute_due(calendar);
    }

    /// Stops the clock because its stop event happened: met, or breached if late.
    pub fn stop(&mut self, at: OffsetDateTime) {
        if matches!(self.state, ClockState::Running | ClockState::Paused) {
            self.state = if at <= self.due_at {
                ClockState::Met
            } else {
                ClockState::Breached
            };
            self.stopped_at = Some(at);
            self.paused_at = None;
        }
    }

    /// Cancels the clock (the case was cancelled, withdrawn or closed first).
    pub fn cancel(&mut self, at: OffsetDateTime) {
        if matches!(self.state, ClockState::Running | ClockState::Paused) {
            self.state = ClockState::Cancelled;
            self.stopped_at = Some(at);
            self.paused_at = None;
        }
    }

    /// The state as of `now`: a running clock past its due date is breached.
    pub fn state_at(&self, now: OffsetDateTime) -> ClockState {
        match self.state {
            ClockState::Running if now > self.due_at => ClockState::Breached,
            state => state,
        }
    }

    /// Working days from today to the due day: positive while time remains, negative
    /// when overdue. `None` once stopped or while paused.
    pub fn working_days_remaining(&self, now: OffsetDateTime, calendar: &Calendar) -> Option<i64> {
        if self.state != ClockState::Running {
            return None;
        }
        // The due instant is the end of the due day; that day is the one before it.
        let due_day = london::local_date(self.due_at - Duration::seconds(1));
        Some(calendar.working_days_between(london::local_date(now), due_day))
    }
}

/// The clocks `event` starts under the scheme's `rules`, skipping any the case already
/// has; follow-up contact clocks only with the client's consent.
pub fn start_clocks(
    rules: &[ClockRule],
    consents: &ConsentsInForce,
    existing: &[Clock],
    event: ClockEvent,
    at: OffsetDateTime,
    calendar: &Calendar,
) -> Vec<Clock> {
    rules
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::Nation;
    use time::macros::datetime;

    fn cal() -> Calendar {
        Calendar::shipped(Nation::EnglandAndWales)
    }

    fn rule(kind: ClockKind) -> ClockRule {
        default_policy()
            .into_iter()
            .find(|r| r.kind == kind)
            .unwrap()
    }

    #[test]
    fn two_working_days_from_a_friday_afternoon_end_on_tuesday_night() {
        let clock = Clock::start(
            &rule(ClockKind::InitialContact),
            datetime!(2026-11-20 15:00 UTC),
            &cal(),
        );
        assert_eq!(clock.due_at, datetime!(2026-11-25 00:00 UTC));
        assert_eq!(
            clock.state_at(datetime!(2026-11-24 23:59 UTC)),
            ClockState::Running
        );
        assert_eq!(
            clock.state_at(datetime!(2026-11-25 00:01 UTC)),
            ClockState::Breached
        );
    }

    #[test]
    fn a_referral_on_christmas_eve_is_due_after_the_holidays() {
        let clock = Clock::start(
            &rule(ClockKind::InitialContact),
            datetime!(2026-12-24 10:00 UTC),
            &cal(),
        );
        // 24 Dec is day 0; 25 and 28 are holidays, 26–27 a weekend: 29 and 30.
        assert_eq!(clock.due_at, datetime!(2026-12-31 00:00 UTC));
    }

    #[test]
    fn calendar_day_and_month_clocks_count_plain_days() {
        let at = datetime!(2026-01-31 09:00 UTC);
        let works = Clock::start(&rule(ClockKind::WorksComplete), at, &cal());
        assert_eq!(works.due_at, datetime!(2026-02-08 00:00 UTC));
        let three = Clock::start(&rule(ClockKind::FollowUpContact3Months), at, &cal());
        // 31 January + 3 months is the last day of April; UK summer time by then.
        assert_eq!(three.due_at, datetime!(2026-04-30 23:00 UTC));
    }

    #[test]
    fn paused_working_days_do_not_count() {
        let mut clock = Clock::start(
            &rule(ClockKind::Assessment),
            datetime!(2026-11-23 09:00 UTC),
            &cal(),
        );
        assert_eq!(clock.due_at, datetime!(2026-12-01 00:00 UTC)); // Monday + 5 working days
        clock.pause(datetime!(2026-11-24 12:00 UTC));
        assert_eq!(
            clock.state_at(datetime!(2026-12-10 00:00 UTC)),
            ClockState::Paused
        );
        assert_eq!(
            clock.working_days_remaining(datetime!(2026-11-25 00:00 UTC), &cal()),
            None
        );
        // On hold Wednesday, Thursday, Friday (3 working days); resumed Friday.
        clock.resume(datetime!(2026-11-27 10:00 UTC), &cal());
        assert_eq!(clock.held, 3);
        assert_eq!(clock.due_at, datetime!(2026-12-04 00:00 UTC));
        assert_eq!(
            clock.state_at(datetime!(2026-12-02 00:00 UTC)),
            ClockState::Running
        );
    }

    #[test]
    fn hour_clocks_extend_by_the_exact_time_on_hold() {
        let hourly = ClockRule {
            amount: 48,
            unit: ClockUnit::Hours,
            ..rule(ClockKind::InitialContact)
        };
        let mut clock = Clock::start(&hourly, datetime!(2026-11-23 09:00 UTC), &cal());
        clock.pause(datetime!(2026-11-23 10:00 UTC));
        clock.resume(datetime!(2026-11-23 12:30 UTC), &cal());
        assert_eq!(clock.due_at, datetime!(2026-11-25 11:30 UTC));
    }

    #[test]
    fn stopping_records_met_or_breached_and_cancelling_ends_it() {
        let mut on_time = Clock::start(
            &rule(ClockKind::ReferToAssessor),
            datetime!(2026-11-23 09:00 UTC),
            &cal(),
        );
        on_time.stop(datetime!(2026-11-24 16:00 UTC));
        assert_eq!(on_time.state, ClockState::Met);
        let mut late = Clock::start(
            &rule(ClockKind::ReferToAssessor),
            datetime!(2026-11-23 09:00 UTC),
            &cal(),
        );
        late.stop(datetime!(2026-11-25 09:00 UTC));
        assert_eq!(late.state, ClockState::Breached);
        let mut cancelled = Clock::start(
            &rule(ClockKind::ReferToAssessor),
            datetime!(2026-11-23 09:00 UTC),
            &cal(),
        );
        cancelled.cancel(datetime!(2026-11-23 10:00 UTC));
        cancelled.stop(datetime!(2026-11-23 11:00 UTC));
        assert_eq!(cancelled.state, ClockState::Cancelled);
    }

    #[test]
    fn remaining_working_days_go_negative_when_overdue() {
        let clock = Clock::start(
            &rule(ClockKind::Assessment),
            datetime!(2026-11-23 09:00 UTC),
            &cal(),
        );
        assert_eq!(
            clock.working_days_remaining(datetime!(2026-11-23 10:00 UTC), &cal()),
            Some(5)
        );
        assert_eq!(
            clock.working_days_remaining(datetime!(2026-11-30 10:00 UTC), &cal()),
            Some(0)
        );
        assert_eq!(
            clock.working_days_remaining(datetime!(2026-12-02 10:00 UTC), &cal()),
            Some(-2)
        );
    }

    #[test]
    fn follow_up_contacts_stop_only_their_own_milestone() {
        let three = rule(ClockKind::FollowUpContact3Months);
        assert!(three.stopped_by(ClockEvent::FollowUpContactRecorded, Some(3)));
        assert!(!three.stopped_by(ClockEvent::FollowUpContactRecorded, Some(6)));
        assert!(rule(ClockKind::FireSafetyCheck).stopped_by(ClockEvent::FireCheckRecorded, None));
    }
}
