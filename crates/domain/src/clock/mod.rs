//! SLA clocks: the scheme's service standards as running timers on a case.
//!
//! The counting rules, as the README's "Clock rules" state them:
//! - "n working days" is due at the end of the n-th working day after the start day; the
//!   start day is day 0 whatever kind of day it is, so after a weekend or holiday start
//!   the next working day is day 1. With the scheme's `working_day_ends_at`, a
//!   working-day clock started on a working day after that UK time counts from the next
//!   working day (day 0).
//! - Calendar-day and month clocks count UK days; hour clocks count elapsed hours.
//! - A hold pauses only the part of a clock still to run: a clock already overdue when
//!   the hold starts keeps its due date and its breach.
//! - Ending a case (or the consent a clock needs) stops a clock: `breached` if it was
//!   overdue, otherwise `cancelled`.
//! - A clock that does not apply is never started: follow-up contact clocks need the
//!   client's consent, the fire-safety-check clock a fitted measure that needs a check.
//!
//! The clock table is policy data ([`ClockRule`], defaults in [`default_policy`]); a case's
//! [`Clock`] remembers its rule's unit and amount, so changing the policy later does not
//! rewrite running cases. Due dates are stored (and indexed) so lists of breached or
//! soon-due clocks are answered by the database.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Duration, OffsetDateTime, Time};

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
        /// Landlord's permission asked for → granted or refused.
        LandlordPermission = "landlord_permission",
        /// Interim measures ordered → fitted.
        InterimMeasures = "interim_measures",
        /// The case's emergency-services register entries are reviewed (the scheme's
        /// `register.review_months`; started again at each review).
        RegisterReview = "register_review",
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
        /// Interim measures were ordered (an urgent case).
        InterimMeasuresOrdered = "interim_measures_ordered",
        /// The contractor recorded the interim measures fitted (or not).
        InterimMeasuresFitted = "interim_measures_fitted",
        /// The landlord was asked for permission for the works.
        LandlordPermissionRequested = "landlord_permission_requested",
        /// The landlord granted or refused permission.
        LandlordPermissionDecided = "landlord_permission_decided",
        /// The case went on the emergency-services register (starts its review clock).
        RegisterEntryAdded = "register_entry_added",
        /// The coordinator reviewed the case's register entries.
        RegisterReviewed = "register_reviewed",
    }
}

impl ClockKind {
    /// Whether a hold pauses the clock. The register review does not wait: the home
    /// stays flagged with the emergency services while the case is on hold.
    pub fn pauses_on_hold(self) -> bool {
        self != ClockKind::RegisterReview
    }

    /// Whether the scheme's clock table may hold the kind: the register review runs on
    /// the register's own setting (`register.review_months`).
    pub fn in_clock_table(self) -> bool {
        self != ClockKind::RegisterReview
    }
}

impl ClockEvent {
    /// Whether the scheme's clock table may start or stop a clock on the event.
    pub fn in_clock_table(self) -> bool {
        !matches!(
            self,
            ClockEvent::RegisterEntryAdded | ClockEvent::RegisterReviewed
        )
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
        rule(
            K::LandlordPermission,
            E::LandlordPermissionRequested,
            E::LandlordPermissionDecided,
            10,
            U::WorkingDays,
            None,
        ),
        rule(
            K::InterimMeasures,
            E::InterimMeasuresOrdered,
            E::InterimMeasuresFitted,
            3,
            U::WorkingDays,
            None,
        ),
    ]
}

/// The clocks an urgent referral runs instead of the standard ones (the scheme may set
/// its own): first contact within 4 hours, interim measures in place within a working
/// day of their order, the assessment within 2 working days of the assessor's
/// assignment.
pub fn default_urgent_policy() -> Vec<ClockRule> {
    use ClockEvent as E;
    use ClockKind as K;
    use ClockUnit as U;
    let rule = |kind, start, stop, amount, unit| ClockRule {
        kind,
        start,
        stop,
        amount,
        unit,
        condition: None,
    };
    vec![
        rule(
            K::InitialContact,
            E::ReferralReceived,
            E::ClientContacted,
            4,
            U::Hours,
        ),
        rule(
            K::InterimMeasures,
            E::InterimMeasuresOrdered,
            E::InterimMeasuresFitted,
            1,
            U::WorkingDays,
        ),
        rule(
            K::Assessment,
            E::AssessorAssigned,
            E::AssessmentRecorded,
            2,
            U::WorkingDays,
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

/// The scheme's end of the working day (UK local time, `HH:MM`): a working-day clock
/// started after it counts from the next working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(value_type = String, example = "17:00", max_length = 5, pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
)]
pub struct WorkingDayEnd(pub Time);

impl WorkingDayEnd {
    /// `HH:MM`, 00:00 to 23:59.
    pub fn parse(text: &str) -> Option<Self> {
        crate::visits::TimeOfDay::parse(text).map(|t| Self(t.0))
    }
}

impl Serialize for WorkingDayEnd {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:02}:{:02}", self.0.hour(), self.0.minute()))
    }
}

impl<'de> Deserialize<'de> for WorkingDayEnd {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("expected a time as HH:MM"))
    }
}

/// The day a clock of `unit` started at `at` counts from (its day 0): the UK day of
/// `at`, except that a working-day clock started after the scheme's working day ended
/// counts from the next working day.
pub fn counts_from(
    unit: ClockUnit,
    at: OffsetDateTime,
    calendar: &Calendar,
    day_ends_at: Option<WorkingDayEnd>,
) -> Date {
    let day = london::local_date(at);
    match (unit, day_ends_at) {
        // After a non-working start day the next working day is day 1 anyway: the end of
        // the working day applies to working days only.
        (ClockUnit::WorkingDays, Some(end))
            if calendar.is_working_day(day) && london::local_time(at) > end.0 =>
        {
            calendar.next_working_day_from(day + Duration::days(1))
        }
        _ => day,
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
    /// Day 0 of a day-counting clock ([`counts_from`]), fixed when it starts.
    pub counts_from: Date,
    /// Time spent on hold, in the clock's unit (seconds for hour clocks, working days
    /// for working-day clocks, days otherwise).
    pub held: i64,
    pub paused_at: Option<OffsetDateTime>,
    /// When it falls due; recomputed on resume. While paused, the due date it had when
    /// paused (views show [`Clock::due_if_resumed`]).
    pub due_at: OffsetDateTime,
    pub stopped_at: Option<OffsetDateTime>,
    /// The stored state: `running`, `paused`, `met`, `breached` or `cancelled`. A running
    /// clock past its due date *reads* as breached (see [`Clock::state_at`]).
    pub state: ClockState,
}

pub(crate) fn add_months(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + (date.month() as i32 - 1) + months as i32;
    let (year, month) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
    let month = time::Month::try_from(month).expect("valid month");
    let day = date.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).expect("valid date")
}

impl Clock {
    /// Starts `rule`'s clock at `at`, under the scheme's end of the working day.
    pub fn start(
        rule: &ClockRule,
        at: OffsetDateTime,
        calendar: &Calendar,
        day_ends_at: Option<WorkingDayEnd>,
    ) -> Self {
        let mut clock = Self {
            kind: rule.kind,
            stop: rule.stop,
            unit: rule.unit,
            amount: rule.amount,
            started_at: at,
            counts_from: counts_from(rule.unit, at, calendar, day_ends_at),
            held: 0,
            paused_at: None,
            due_at: at,
            stopped_at: None,
            state: ClockState::Running,
        };
        clock.due_at = clock.compute_due(calendar);
        clock
    }

    /// The due instant under the clock's unit, start day and time on hold.
    pub fn compute_due(&self, calendar: &Calendar) -> OffsetDateTime {
        let start = self.counts_from;
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

    /// Pauses a running clock (the case went on hold). A clock already overdue is not
    /// paused: nothing of it is left to run, so its due date and breach stand.
    pub fn pause(&mut self, at: OffsetDateTime) {
        if self.state == ClockState::Running && at <= self.due_at {
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

    /// Stops the clock because its stop event happened: met, or breached if late. A
    /// paused clock is measured against the due date it has if resumed then (time on
    /// hold does not count).
    pub fn stop(&mut self, at: OffsetDateTime, calendar: &Calendar) {
        if matches!(self.state, ClockState::Running | ClockState::Paused) {
            let due_at = match self.state {
                ClockState::Paused => self.due_if_resumed(at, calendar),
                _ => self.due_at,
            };
            self.state = if at <= due_at {
                ClockState::Met
            } else {
                ClockState::Breached
            };
            self.stopped_at = Some(at);
            self.paused_at = None;
        }
    }

    /// Ends the clock without its stop event (the case ended, or the consent it needs
    /// was withdrawn): `breached` if it was already overdue, otherwise `cancelled`. A
    /// paused clock was not overdue when paused, and time on hold does not count.
    pub fn cancel(&mut self, at: OffsetDateTime) {
        if matches!(self.state, ClockState::Running | ClockState::Paused) {
            self.state = if self.state == ClockState::Running && at > self.due_at {
                ClockState::Breached
            } else {
                ClockState::Cancelled
            };
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

    /// When a paused clock would fall due if the case resumed at `now` (the due date
    /// of any other clock).
    pub fn due_if_resumed(&self, now: OffsetDateTime, calendar: &Calendar) -> OffsetDateTime {
        let mut resumed = self.clone();
        resumed.resume(now, calendar);
        resumed.due_at
    }

    /// Working days from today to the due day: positive while time remains, negative
    /// when overdue; for a paused clock, those it has left (to its due date if resumed
    /// today). `None` once stopped.
    pub fn working_days_remaining(&self, now: OffsetDateTime, calendar: &Calendar) -> Option<i64> {
        let due_at = match self.state {
            ClockState::Running => self.due_at,
            ClockState::Paused => self.due_if_resumed(now, calendar),
            _ => return None,
        };
        // The due instant is the end of the due day; that day is the one before it.
        let due_day = london::local_date(due_at - Duration::seconds(1));
        Some(calendar.working_days_between(london::local_date(now), due_day))
    }
}

/// What decides which clocks an event starts, and how they count.
#[derive(Debug, Clone, Copy)]
pub struct Starting<'a> {
    /// The scheme's clock table.
    pub rules: &'a [ClockRule],
    pub consents: &'a ConsentsInForce,
    /// Whether a fitted measure needs a fire safety check.
    pub fire_check_needed: bool,
    pub day_ends_at: Option<WorkingDayEnd>,
    pub calendar: &'a Calendar,
}

impl Starting<'_> {
    /// Whether `rule`'s clock applies to the case: its condition holds, and a clock
    /// stopped by a fire check runs only when a fitted measure needs one (nothing else
    /// would stop it).
    fn applies(&self, rule: &ClockRule) -> bool {
        let condition = match rule.condition {
            Some(ClockCondition::FollowUpConsent) => {
                self.consents.given(ConsentPurpose::FollowUpContact)
            }
            None => true,
        };
        condition && (rule.stop != ClockEvent::FireCheckRecorded || self.fire_check_needed)
    }
}

/// The clocks `event` starts, skipping any the case already has and any that does not
/// apply ([`Starting::applies`]).
pub fn start_clocks(
    starting: &Starting<'_>,
    existing: &[Clock],
    event: ClockEvent,
    at: OffsetDateTime,
) -> Vec<Clock> {
    starting
        .rules
        .iter()
        .filter(|rule| rule.start == event && starting.applies(rule))
        .filter(|rule| !existing.iter().any(|c| c.kind == rule.kind))
        .map(|rule| Clock::start(rule, at, starting.calendar, starting.day_ends_at))
        .collect()
}

#[cfg(test)]
mod tests;
