//! A case's journey through the pathway: its fate (declined, cancelled, withdrawn, held
//! and resumed, or completed and followed up) is drawn when it arrives, and each step
//! comes some working days after the one before, in the scheme's calendar. Most steps
//! meet their service standard; a tail of slow ones breaches it, as in life. A step that
//! would fall after "now" is not taken: recent cases are still open.

use rand::Rng;
use sanctuary_domain::calendar::{Calendar, london};
use sanctuary_domain::case::CaseStatus;
use sanctuary_domain::consent::ConsentPurpose;
use sanctuary_domain::referral::{Referral, Tenure};
use sanctuary_domain::visits::{VisitKind, VisitOutcome};
use sanctuary_domain::workflow::{
    CancelReason, CloseReason, ContactOutcome, DeclineReason, FireCheckOutcome, HoldReason,
    MeasureRemovalReason,
};
use time::{Date, Duration, OffsetDateTime, Time};

use super::pick::{SeedRng, chance, one_of, weighted};

/// What happens next to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Contact(ContactOutcome),
    /// An urgent case's interim measures ordered, then fitted.
    OrderInterim,
    InterimFitted,
    /// The client leaves for emergency accommodation, then comes back.
    LeaveHome,
    ReturnHome,
    Accept,
    Decline(DeclineReason),
    AssignAssessor,
    Assess,
    Approve,
    /// The coordinator asks the landlord for permission (a rented home).
    AskLandlord,
    /// The landlord agrees.
    LandlordAgrees,
    Order,
    Start,
    Complete,
    FireCheck(FireCheckOutcome),
    /// The remedial works a fire check asked for, ordered, then done.
    OrderRemedial,
    RemedialDone,
    FollowUpVisit,
    /// How the fitted measures were found at the follow-up visit.
    ReviewEquipment,
    /// Measures no longer needed taken out (ordered, then done).
    OrderRemoval(MeasureRemovalReason),
    RemovalDone,
    /// A visit booked for the day's visit (`seed::run` books one before the step it is
    /// for), and how it went.
    BookVisit(VisitKind),
    VisitOutcome(VisitKind, VisitOutcome),
    FollowUpContact(u32),
    Close(CloseReason),
    Cancel(CancelReason),
    Hold(HoldReason),
    Resume,
    Withdraw {
        by_referrer: bool,
    },
}

/// How the case ends (if it gets that far before "now"); cancellations and withdrawals
/// happen at the journey's `end_stage`.
#[derive(Debug, Clone, Copy)]
enum Fate {
    Declined(DeclineReason),
    Cancelled(CancelReason),
    Withdrawn,
    Completed,
}

/// Where a rented home's landlord permission stands in the journey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Landlord {
    /// Not needed, or granted.
    Settled,
    /// To be asked (the client consented to the landlord being contacted).
    ToAsk,
    /// Asked, or to be recorded as agreed (the client asked the landlord themselves).
    Asked,
}

/// Where a piece of work after the works stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum After {
    None,
    ToOrder,
    Ordered,
}

/// Where works-stage cases may be cancelled, withdrawn or held.
const STAGES: [CaseStatus; 5] = [
    CaseStatus::Accepted,
    CaseStatus::Assessment,
    CaseStatus::Assessed,
    CaseStatus::WorksApproved,
    CaseStatus::WorksOrdered,
];

pub struct Journey {
    /// When the last step happened.
    at: OffsetDateTime,
    now: OffsetDateTime,
    status: CaseStatus,
    fate: Fate,
    end_stage: CaseStatus,
    /// A hold at this stage, resumed this many days later.
    hold: Option<(CaseStatus, HoldReason, i64)>,
    failed_call_first: bool,
    contacted: bool,
    fire_check_due: bool,
    works_completed_on: Option<Date>,
    /// Follow-up contact milestones still to make (none without consent).
    follow_ups: Vec<u32>,
    close_reason: CloseReason,
    landlord: Landlord,
    /// Interim measures still to order (true) or to fit (`interim_ordered`).
    interim_due: bool,
    interim_ordered: bool,
    /// The client will leave for emergency accommodation once the works are ordered, for
    /// this many days.
    away: Option<i64>,
    is_away: bool,
    remedial: After,
    /// Measures were fitted (so there is something to review or take out).
    fitted: bool,
    /// Two follow-up visits in five also review the equipment.
    review_at_visit: bool,
    review_due: bool,
    /// Measures come out during the follow-up, for this reason.
    removal: (After, MeasureRemovalReason),
}

impl Journey {
    /// The journey of `referral`, received at `received_at`; `permission_needed`: its
    /// landlord must permit the works (the scheme's tenures).
    pub fn new(
        rng: &mut SeedRng,
        referral: &Referral,
        permission_needed: bool,
        received_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Self {
        let c = &referral.consents;
        let landlord = match (permission_needed, c.given(ConsentPurpose::LandlordContact)) {
            (false, _) => Landlord::Settled,
            (true, true) => Landlord::ToAsk,
            (true, false) => Landlord::Asked,
        };
        let contact_landlord = c.given(ConsentPurpose::LandlordContact)
            && !matches!(referral.household.tenure, Tenure::PrivatelyOwned);
        let hold = chance(rng, 8).then(|| {
            let reason = if contact_landlord && chance(rng, 40) {
                HoldReason::WaitingForLandlord
            } else {
                one_of(
                    rng,
                    &[
                        HoldReason::WaitingForClient,
                        HoldReason::WaitingForContractor,
                        HoldReason::WaitingForInformation,
                    ],
                )
            };
            (one_of(rng, &STAGES), reason, rng.random_range(5..=40))
        });
        let follow_ups = if c.given(ConsentPurpose::FollowUpContact) {
            weighted(
                rng,
                &[(vec![3, 6, 12], 70), (vec![3, 6], 20), (vec![3], 10)],
            )
        } else {
            Vec::new()
        };
        Self {
            at: received_at,
            now,
            status: CaseStatus::Received,
            fate: fate(rng, referral),
            end_stage: one_of(rng, &STAGES),
            hold,
            failed_call_first: chance(rng, 15),
            contacted: false,
            fire_check_due: false,
            works_completed_on: None,
            follow_ups,
            close_reason: weighted(
                rng,
                &[
                    (CloseReason::Completed, 90),
                    (CloseReason::ClientMoved, 4),
                    (CloseReason::UnableToContact, 3),
                    (CloseReason::NoFurtherAction, 3),
                ],
            ),
            landlord,
            interim_due: referral.urgent
                && c.given(ConsentPurpose::Installation)
                && chance(rng, 60),
            interim_ordered: false,
            away: chance(rng, 3).then(|| rng.random_range(5..=30)),
            is_away: false,
            remedial: After::None,
            fitted: false,
            review_at_visit: chance(rng, 40),
            review_due: false,
            removal: (
                if chance(rng, 4) {
                    After::ToOrder
                } else {
                    After::None
                },
                weighted(
                    rng,
                    &[
                        (MeasureRemovalReason::PerpetratorImprisoned, 40),
                        (MeasureRemovalReason::NoLongerNeeded, 40),
                        (MeasureRemovalReason::Faulty, 20),
                    ],
                ),
            ),
        }
    }

    /// The next step and when it happens; `None` once the case has ended or when the
    /// next step would come after "now".
    pub fn next(
        &mut self,
        rng: &mut SeedRng,
        calendar: &Calendar,
    ) -> Option<(Step, OffsetDateTime)> {
        let (step, at) = self.plan(rng, calendar)?;
        (at <= self.now).then_some((step, at))
    }

    /// Records that `step` was taken at `at`, leaving the case in `status`; `fitted`:
    /// it fitted measures.
    pub fn taken(
        &mut self,
        step: Step,
        at: OffsetDateTime,
        status: CaseStatus,
        fire_check_due: bool,
        fitted: bool,
    ) {
        self.fitted |= fitted;
        self.at = at;
        self.status = status;
        match step {
            Step::Contact(ContactOutcome::SpokeToClient) => self.contacted = true,
            Step::Contact(_) => self.failed_call_first = false,
            Step::Hold(_) => {}
            Step::Resume => self.hold = None,
            Step::Complete => {
                self.fire_check_due = fire_check_due;
                self.works_completed_on = Some(london::local_date(at));
            }
            Step::FireCheck(outcome) => {
                self.fire_check_due = false;
                if outcome == FireCheckOutcome::ActionsRequired {
                    self.remedial = After::ToOrder;
                }
            }
            Step::OrderRemedial => self.remedial = After::Ordered,
            Step::RemedialDone => self.remedial = After::None,
            Step::FollowUpVisit => self.review_due = self.review_at_visit,
            Step::ReviewEquipment => self.review_due = false,
            Step::OrderRemoval(_) => self.removal.0 = After::Ordered,
            Step::RemovalDone => self.removal.0 = After::None,
            Step::AskLandlord => self.landlord = Landlord::Asked,
            Step::OrderInterim => {
                self.interim_due = false;
                self.interim_ordered = true;
            }
            Step::InterimFitted => self.interim_ordered = false,
            Step::LeaveHome => self.is_away = true,
            Step::ReturnHome => {
                self.is_away = false;
                self.away = None;
            }
            Step::LandlordAgrees => self.landlord = Landlord::Settled,
            Step::FollowUpContact(_) => {
                self.follow_ups.remove(0);
            }
            _ => {}
        }
    }

    fn plan(&mut self, rng: &mut SeedRng, calendar: &Calendar) -> Option<(Step, OffsetDateTime)> {
        use CaseStatus as S;
        let working = |rng: &mut SeedRng, fast, slow| spread(rng, fast, slow) as u32;
        let status = self.status;
        if status.is_terminal() {
            return None;
        }
        if status == S::OnHold {
            let days = self.hold.map_or(14, |(_, _, d)| d);
            return Some((Step::Resume, self.days_later(rng, days)));
        }
        if let Some((stage, reason, _)) = self.hold
            && stage == status
        {
            // Taken once: `taken(Resume)` clears it.
            let days = working(rng, (0, 2), (3, 5));
            return Some((
                Step::Hold(reason),
                self.working_days_later(rng, calendar, days),
            ));
        }
        match self.fate {
            _ if self.end_stage != status => {}
            Fate::Cancelled(reason) => {
                let days = working(rng, (1, 5), (6, 15));
                return Some((
                    Step::Cancel(reason),
                    self.working_days_later(rng, calendar, days),
                ));
            }
            Fate::Withdrawn => {
                let days = working(rng, (1, 5), (6, 15));
                let step = Step::Withdraw {
                    by_referrer: chance(rng, 50),
                };
                return Some((step, self.working_days_later(rng, calendar, days)));
            }
            _ => {}
        }
        // The client back from emergency accommodation, some days after leaving.
        if self.is_away {
            let days = self.away.unwrap_or(14);
            return Some((Step::ReturnHome, self.days_later(rng, days)));
        }
        let (step, days) = match status {
            // An urgent case's interim measures: ordered once the client is reached, in
            // place within the day (a working day is the urgent standard).
            S::Received | S::Accepted if self.contacted && self.interim_due => {
                (Step::OrderInterim, 0)
            }
            S::Received | S::Accepted if self.interim_ordered => {
                (Step::InterimFitted, working(rng, (0, 1), (2, 4)))
            }
            S::WorksOrdered if self.away.is_some() => {
                (Step::LeaveHome, working(rng, (0, 1), (1, 2)))
            }
            S::Received if !self.contacted => {
                let outcome = if self.failed_call_first {
                    ContactOutcome::NoAnswer
                } else {
                    ContactOutcome::SpokeToClient
                };
                // The initial-contact standard is 2 working days.
                (Step::Contact(outcome), working(rng, (0, 1), (3, 6)))
            }
            S::Received => {
                let step = match self.fate {
                    Fate::Declined(reason) => Step::Decline(reason),
                    _ => Step::Accept,
                };
                (step, working(rng, (0, 2), (3, 6)))
            }
            S::Accepted => (Step::AssignAssessor, working(rng, (0, 1), (2, 4))),
            S::Assessment => (Step::Assess, working(rng, (2, 5), (6, 12))),
            S::Assessed => (Step::Approve, working(rng, (1, 4), (5, 10))),
            // Ten working days is the landlord's standard.
            S::WorksApproved if self.landlord == Landlord::ToAsk => {
                (Step::AskLandlord, working(rng, (0, 1), (2, 4)))
            }
            S::WorksApproved if self.landlord == Landlord::Asked => {
                (Step::LandlordAgrees, working(rng, (2, 9), (11, 20)))
            }
            S::WorksApproved => (Step::Order, working(rng, (0, 2), (3, 5))),
            S::WorksOrdered => (Step::Start, working(rng, (1, 2), (3, 6))),
            S::WorksInProgress => {
                // Completion is a calendar-day standard (7 days from the order).
                let days = spread(rng, (1, 5), (8, 16));
                return Some((Step::Complete, self.days_later(rng, days)));
            }
            S::WorksCompleted | S::FollowUp if self.fire_check_due => {
                let outcome = weighted(
                    rng,
                    &[
                        (FireCheckOutcome::Satisfactory, 92),
                        (FireCheckOutcome::ActionsRequired, 8),
                    ],
                );
                (Step::FireCheck(outcome), working(rng, (3, 10), (11, 20)))
            }
            S::WorksCompleted | S::FollowUp if self.remedial == After::ToOrder => {
                (Step::OrderRemedial, working(rng, (0, 2), (3, 5)))
            }
            S::WorksCompleted | S::FollowUp if self.remedial == After::Ordered => {
                (Step::RemedialDone, working(rng, (2, 5), (6, 10)))
            }
            S::FollowUp if self.review_due && self.fitted => (Step::ReviewEquipment, 0),
            S::FollowUp if self.removal.0 == After::ToOrder && self.fitted => {
                let days = rng.random_range(30..=90);
                return Some((
                    Step::OrderRemoval(self.removal.1),
                    self.days_later(rng, days),
                ));
            }
            S::FollowUp if self.removal.0 == After::Ordered => {
                (Step::RemovalDone, working(rng, (3, 10), (11, 20)))
            }
            S::WorksCompleted => {
                let days = spread(rng, (5, 14), (15, 30));
                return Some((Step::FollowUpVisit, self.days_later(rng, days)));
            }
            S::FollowUp => match (self.follow_ups.first(), self.works_completed_on) {
                (Some(&months), Some(completed)) => {
                    let due = completed
                        .checked_add(Duration::days(i64::from(months) * 365 / 12))
                        .unwrap_or(completed);
                    let on = due + Duration::days(rng.random_range(0..=14));
                    let at = self.later(at_on(rng, calendar.next_working_day_from(on)));
                    return Some((Step::FollowUpContact(months), at));
                }
                _ => (
                    Step::Close(self.close_reason),
                    working(rng, (1, 10), (11, 25)),
                ),
            },
            _ => return None,
        };
        Some((step, self.working_days_later(rng, calendar, days)))
    }

    /// `n` working days after the last step, during the working day.
    fn working_days_later(&self, rng: &mut SeedRng, calendar: &Calendar, n: u32) -> OffsetDateTime {
        let day = calendar.add_working_days(london::local_date(self.at), n);
        self.later(at_on(rng, day))
    }

    /// `n` calendar days after the last step, during the day.
    fn days_later(&self, rng: &mut SeedRng, n: i64) -> OffsetDateTime {
        let day = london::local_date(self.at) + Duration::days(n);
        self.later(at_on(rng, day))
    }

    /// `at`, or a little after the last step when that was later the same day: steps
    /// happen in order.
    fn later(&self, at: OffsetDateTime) -> OffsetDateTime {
        if at > self.at {
            at
        } else {
            self.at + Duration::minutes(20)
        }
    }
}

/// Days until a step: mostly within `fast` (the service standard), a slow tail from
/// `slow` (a breach).
fn spread(rng: &mut SeedRng, fast: (i64, i64), slow: (i64, i64)) -> i64 {
    let (lo, hi) = if chance(rng, 85) { fast } else { slow };
    rng.random_range(lo..=hi)
}

/// A moment on UK day `day` between 09:00 and 17:00, to the minute.
pub fn at_on(rng: &mut SeedRng, day: Date) -> OffsetDateTime {
    let minutes: u16 = rng.random_range(9 * 60..17 * 60);
    let (hour, minute) = ((minutes / 60) as u8, (minutes % 60) as u8);
    let time = Time::from_hms(hour, minute, 0).expect("a time of day");
    let noon = day.with_hms(12, 0, 0).expect("noon").assume_utc();
    day.with_time(time)
        .assume_offset(london::offset_at(noon))
        .to_offset(time::UtcOffset::UTC)
}

/// How the case ends: the referral's facts make some endings likelier; otherwise about
/// 7% are declined, 6% cancelled, 4% withdrawn and the rest completed.
fn fate(rng: &mut SeedRng, referral: &Referral) -> Fate {
    use CancelReason as C;
    use DeclineReason as D;
    use Fate::{Cancelled, Declined};
    let c = &referral.consents;
    if !c.given(ConsentPurpose::Installation) || !c.given(ConsentPurpose::InformationSharing) {
        return Declined(D::NoConsent);
    }
    if referral.safety.perpetrator_lives_at_property == Some(true) && chance(rng, 70) {
        return Declined(D::PerpetratorLivesAtProperty);
    }
    if referral.household.client_wishes_to_remain == Some(false) && chance(rng, 60) {
        return Declined(D::ClientWishesToMove);
    }
    // Per thousand.
    weighted(
        rng,
        &[
            (Declined(D::ReferralIncomplete), 30),
            (Declined(D::OutOfArea), 15),
            (Declined(D::RefugeMoreSuitable), 15),
            (Declined(D::DuplicateReferral), 5),
            (Declined(D::Other), 5),
            (Cancelled(C::ClientMoved), 17),
            (Cancelled(C::PerpetratorReturned), 9),
            (Cancelled(C::LandlordRefused), 9),
            (Cancelled(C::UnableToContact), 13),
            (Cancelled(C::UnsafeToProceed), 4),
            (Cancelled(C::WorksNotFeasible), 4),
            (Cancelled(C::Other), 4),
            (Fate::Withdrawn, 40),
            (Fate::Completed, 830),
        ],
    )
}
