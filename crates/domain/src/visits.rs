//! Appointments at the home: the assessor's visit, the contractor's installation visits
//! (a second one is a normal part of the works) and the follow-up visit. A booking is a
//! UK date and a window of the day; it may not fall inside a time the client said is
//! unsafe to contact them (the referral's `unsafe_contact_windows`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Time, Weekday};
use uuid::Uuid;

use crate::case::CaseStatus;
use crate::organisation::Role;
use crate::policy::Action;
use crate::violation::{RuleError, ViolationCode};

vocabulary! {
    /// A day of the week.
    pub enum Day {
        Monday = "monday",
        Tuesday = "tuesday",
        Wednesday = "wednesday",
        Thursday = "thursday",
        Friday = "friday",
        Saturday = "saturday",
        Sunday = "sunday",
    }
}

impl Day {
    pub fn of(date: Date) -> Day {
        match date.weekday() {
            Weekday::Monday => Day::Monday,
            Weekday::Tuesday => Day::Tuesday,
            Weekday::Wednesday => Day::Wednesday,
            Weekday::Thursday => Day::Thursday,
            Weekday::Friday => Day::Friday,
            Weekday::Saturday => Day::Saturday,
            Weekday::Sunday => Day::Sunday,
        }
    }
}

/// A time of day (UK time), `HH:MM` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(value_type = String, example = "18:00", max_length = 5, pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
)]
pub struct TimeOfDay(pub Time);

impl TimeOfDay {
    /// `HH:MM`, 00:00 to 23:59.
    pub fn parse(text: &str) -> Option<Self> {
        let (h, m) = text.split_once(':')?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0)
            .ok()
            .map(Self)
    }
}

impl std::fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("expected a time as HH:MM"))
    }
}

/// A time the client said it is not safe to contact them (or visit): on these days,
/// from `from` to `to` (UK time; "after 6pm" is 18:00 to 23:59).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"days": ["monday", "tuesday", "wednesday", "thursday", "friday"], "from": "18:00", "to": "23:59"})))]
#[serde(deny_unknown_fields)]
pub struct ContactWindow {
    /// At least one, each once (checked with the window's other rules, all at once).
    #[cfg_attr(feature = "openapi", schema(max_items = 7))]
    pub days: Vec<Day>,
    pub from: TimeOfDay,
    pub to: TimeOfDay,
}

/// The most windows a referral may give.
pub const MAX_WINDOWS: usize = 14;

/// A window names at least one day, each once, and ends after it starts: the field at
/// fault and why.
pub fn check_window(w: &ContactWindow) -> Result<(), (&'static str, RuleError)> {
    if w.days.is_empty() {
        return Err((
            "days",
            RuleError::new(ViolationCode::TooShort, "name at least one day"),
        ));
    }
    let mut days = w.days.clone();
    days.sort();
    days.dedup();
    if days.len() != w.days.len() {
        return Err((
            "days",
            RuleError::new(ViolationCode::DuplicateItems, "names a day twice"),
        ));
    }
    if w.to <= w.from {
        return Err((
            "to",
            RuleError::new(
                ViolationCode::OutOfRange,
                "must be after from (split a window that crosses midnight in two)",
            ),
        ));
    }
    Ok(())
}

vocabulary! {
    /// What a visit is for.
    pub enum VisitKind {
        /// The assessor's visit to the property.
        Assessment = "assessment",
        /// The contractor's visit to fit (or take out) measures.
        Installation = "installation",
        /// The scheme's follow-up visit after the works.
        FollowUp = "follow_up",
    }
}

vocabulary! {
    /// How a booked visit went.
    pub enum VisitOutcome {
        Attended = "attended",
        /// Nobody in, or not let in.
        NoAccess = "no_access",
        ClientCancelled = "client_cancelled",
        /// Moved to another time (the new booking is made with it).
        Rebooked = "rebooked",
    }
}

/// When a visit is booked: a UK date and a window of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub on: Date,
    pub from: TimeOfDay,
    pub to: TimeOfDay,
}

impl Slot {
    /// Whether the slot overlaps `window` (on one of its days).
    pub fn overlaps(&self, window: &ContactWindow) -> bool {
        window.days.contains(&Day::of(self.on)) && self.from < window.to && window.from < self.to
    }

    /// The first of `windows` the slot falls in, if any.
    pub fn clash<'a>(&self, windows: &'a [ContactWindow]) -> Option<&'a ContactWindow> {
        windows.iter().find(|w| self.overlaps(w))
    }
}

/// A visit booked on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub id: Uuid,
    pub kind: VisitKind,
    pub slot: Slot,
    /// The organisation that booked it.
    pub booked_by: Uuid,
    pub outcome: Option<VisitOutcome>,
    /// The visit it was rebooked as.
    pub rebooked_as: Option<Uuid>,
}

/// A visit booked by an action (the acting organisation books it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewVisit {
    pub id: Uuid,
    pub kind: VisitKind,
    pub slot: Slot,
}

/// How a booked visit went, recorded by an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitUpdate {
    pub id: Uuid,
    pub outcome: VisitOutcome,
    pub rebooked_as: Option<Uuid>,
}

/// A booked visit named by its id, or (when the case has one waiting for its outcome)
/// by its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitRef {
    Id(Uuid),
    Kind(VisitKind),
}

/// The visit `r` names among those waiting for their outcome, or the field and why not.
pub fn find_pending(visits: &[Visit], r: VisitRef) -> Result<&Visit, (&'static str, &'static str)> {
    let mut pending = visits.iter().filter(|v| v.outcome.is_none());
    match r {
        VisitRef::Id(id) => pending.find(|v| v.id == id).ok_or((
            "visit_id",
            "is not a visit of this case waiting for its outcome",
        )),
        VisitRef::Kind(kind) => {
            let mut of_kind = pending.filter(|v| v.kind == kind);
            match (of_kind.next(), of_kind.next()) {
                (Some(v), None) => Ok(v),
                (None, _) => Err(("kind", "no visit of this kind is waiting for its outcome")),
                (Some(_), Some(_)) => Err((
                    "kind",
                    "more than one visit of this kind is waiting: give the visit_id",
                )),
            }
        }
    }
}

/// Who books which visits: the assessor its assessment, the contractor its
/// installations, the coordinator any (it arranges them when contractors do not
/// contact clients).
pub fn may_book(role: Role, kind: VisitKind) -> bool {
    match role {
        Role::Coordinator => true,
        Role::Assessor => kind == VisitKind::Assessment,
        Role::Contractor => kind == VisitKind::Installation,
        _ => false,
    }
}

/// Who records how a visit went: the organisation that booked it, or the coordinator.
pub fn may_record_outcome(role: Role, booked_by: Uuid, organisation_id: Uuid) -> bool {
    role == Role::Coordinator || booked_by == organisation_id
}

/// Whether a visit of `kind` can be booked on a case in `status`; `outstanding`: the
/// case has an order (interim, remedial, removal) waiting for its contractor.
pub fn due(kind: VisitKind, status: CaseStatus, outstanding: bool) -> bool {
    match kind {
        VisitKind::Assessment => status == CaseStatus::Assessment,
        VisitKind::Installation => {
            matches!(
                status,
                CaseStatus::WorksOrdered | CaseStatus::WorksInProgress
            ) || outstanding
        }
        VisitKind::FollowUp => matches!(status, CaseStatus::WorksCompleted | CaseStatus::FollowUp),
    }
}

/// Whether the case menus offer `action` at `status`: booking where a visit is due
/// on the straight road (an interim, remedial or removal order also lets a contractor
/// book, off the menu), recording an outcome from the assessment to the follow-up.
pub fn action_applies(action: Action, status: CaseStatus) -> bool {
    use CaseStatus as S;
    match action {
        Action::BookVisit => VisitKind::ALL.iter().any(|k| due(*k, status, false)),
        Action::RecordVisitOutcome => matches!(
            status,
            S::Assessment
                | S::Assessed
                | S::WorksApproved
                | S::WorksOrdered
                | S::WorksInProgress
                | S::WorksCompleted
                | S::FollowUp
        ),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, time};

    fn window(days: &[Day], from: Time, to: Time) -> ContactWindow {
        ContactWindow {
            days: days.to_vec(),
            from: TimeOfDay(from),
            to: TimeOfDay(to),
        }
    }

    fn slot(on: Date, from: Time, to: Time) -> Slot {
        Slot {
            on,
            from: TimeOfDay(from),
            to: TimeOfDay(to),
        }
    }

    #[test]
    fn a_slot_clashes_with_a_window_on_its_day_that_it_overlaps() {
        let evenings = [window(
            &[
                Day::Monday,
                Day::Tuesday,
                Day::Wednesday,
                Day::Thursday,
                Day::Friday,
            ],
            time!(18:00),
            time!(23:59),
        )];
        // 2026-12-07 is a Monday.
        let monday = date!(2026 - 12 - 07);
        assert!(
            slot(monday, time!(17:00), time!(18:30))
                .clash(&evenings)
                .is_some()
        );
        assert!(
            slot(monday, time!(19:00), time!(20:00))
                .clash(&evenings)
                .is_some()
        );
        // Ending as the window starts is fine; so is a Saturday evening.
        assert!(
            slot(monday, time!(16:00), time!(18:00))
                .clash(&evenings)
                .is_none()
        );
        let saturday = date!(2026 - 12 - 12);
        assert!(
            slot(saturday, time!(19:00), time!(20:00))
                .clash(&evenings)
                .is_none()
        );
    }

    #[test]
    fn windows_name_days_once_and_end_after_they_start() {
        let ok = window(&[Day::Sunday], time!(09:00), time!(12:00));
        assert!(check_window(&ok).is_ok());
        let none = window(&[], time!(09:00), time!(12:00));
        assert_eq!(check_window(&none).unwrap_err().0, "days");
        let twice = window(&[Day::Sunday, Day::Sunday], time!(09:00), time!(12:00));
        assert_eq!(check_window(&twice).unwrap_err().0, "days");
        let backwards = window(&[Day::Sunday], time!(12:00), time!(09:00));
        assert_eq!(check_window(&backwards).unwrap_err().0, "to");
    }

    #[test]
    fn times_of_day_read_and_write_as_hh_mm() {
        let t: TimeOfDay = serde_json::from_str("\"07:05\"").unwrap();
        assert_eq!(t.0, time!(07:05));
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"07:05\"");
        for bad in ["\"7:05\"", "\"24:00\"", "\"07:60\"", "\"0705\""] {
            assert!(serde_json::from_str::<TimeOfDay>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_role_books_its_own_visits_and_the_coordinator_any() {
        assert!(may_book(Role::Assessor, VisitKind::Assessment));
        assert!(!may_book(Role::Assessor, VisitKind::Installation));
        assert!(may_book(Role::Contractor, VisitKind::Installation));
        assert!(!may_book(Role::Contractor, VisitKind::FollowUp));
        assert!(
            VisitKind::ALL
                .iter()
                .all(|k| may_book(Role::Coordinator, *k))
        );
        assert!(!may_book(Role::Referrer, VisitKind::Assessment));
    }

    #[test]
    fn a_visit_is_booked_at_its_stage() {
        use CaseStatus as S;
        assert!(due(VisitKind::Assessment, S::Assessment, false));
        assert!(!due(VisitKind::Assessment, S::Assessed, false));
        assert!(due(VisitKind::Installation, S::WorksInProgress, false));
        assert!(!due(VisitKind::Installation, S::Accepted, false));
        assert!(
            due(VisitKind::Installation, S::Accepted, true),
            "interim measures"
        );
        assert!(due(VisitKind::Installation, S::Closed, true), "a removal");
        assert!(due(VisitKind::FollowUp, S::WorksCompleted, false));
        assert!(!due(VisitKind::FollowUp, S::Closed, false));
    }
}
