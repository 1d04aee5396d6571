//! The clock rules, case by case and as properties.

use super::*;
use crate::consent::{ConsentStatus, ConsentsInForce};
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
        None,
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
        None,
    );
    // 24 Dec is day 0; 25 and 28 are holidays, 26–27 a weekend: 29 and 30.
    assert_eq!(clock.due_at, datetime!(2026-12-31 00:00 UTC));
}

#[test]
fn calendar_day_and_month_clocks_count_plain_days() {
    let at = datetime!(2026-01-31 09:00 UTC);
    let works = Clock::start(&rule(ClockKind::WorksComplete), at, &cal(), None);
    assert_eq!(works.due_at, datetime!(2026-02-08 00:00 UTC));
    let three = Clock::start(&rule(ClockKind::FollowUpContact3Months), at, &cal(), None);
    // 31 January + 3 months is the last day of April; UK summer time by then.
    assert_eq!(three.due_at, datetime!(2026-04-30 23:00 UTC));
}

#[test]
fn paused_working_days_do_not_count() {
    let mut clock = Clock::start(
        &rule(ClockKind::Assessment),
        datetime!(2026-11-23 09:00 UTC),
        &cal(),
        None,
    );
    assert_eq!(clock.due_at, datetime!(2026-12-01 00:00 UTC)); // Monday + 5 working days
    clock.pause(datetime!(2026-11-24 12:00 UTC));
    assert_eq!(
        clock.state_at(datetime!(2026-12-10 00:00 UTC)),
        ClockState::Paused
    );
    // Paused on Tuesday, due at the end of Monday 30: four working days are left (the
    // rest of Tuesday does not count once paused; resumed Wednesday, it would be due on
    // Tuesday 1 December).
    assert_eq!(
        clock.working_days_remaining(datetime!(2026-11-25 00:00 UTC), &cal()),
        Some(4)
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
    let mut clock = Clock::start(&hourly, datetime!(2026-11-23 09:00 UTC), &cal(), None);
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
        None,
    );
    on_time.stop(datetime!(2026-11-24 16:00 UTC), &cal());
    assert_eq!(on_time.state, ClockState::Met);
    let mut late = Clock::start(
        &rule(ClockKind::ReferToAssessor),
        datetime!(2026-11-23 09:00 UTC),
        &cal(),
        None,
    );
    late.stop(datetime!(2026-11-25 09:00 UTC), &cal());
    assert_eq!(late.state, ClockState::Breached);
    let mut cancelled = Clock::start(
        &rule(ClockKind::ReferToAssessor),
        datetime!(2026-11-23 09:00 UTC),
        &cal(),
        None,
    );
    cancelled.cancel(datetime!(2026-11-23 10:00 UTC));
    cancelled.stop(datetime!(2026-11-23 11:00 UTC), &cal());
    assert_eq!(cancelled.state, ClockState::Cancelled);
}

#[test]
fn remaining_working_days_go_negative_when_overdue() {
    let clock = Clock::start(
        &rule(ClockKind::Assessment),
        datetime!(2026-11-23 09:00 UTC),
        &cal(),
        None,
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

fn at_end_of(date: Date) -> OffsetDateTime {
    london::end_of_day(date)
}

#[test]
fn a_fire_check_after_works_completed_on_a_sunday_is_due_on_the_tenth_working_day_after() {
    // Sunday 23 August 2026; Monday 31 August is the summer bank holiday.
    let clock = Clock::start(
        &rule(ClockKind::FireSafetyCheck),
        datetime!(2026-08-23 11:00 UTC),
        &cal(),
        None,
    );
    assert_eq!(clock.due_at, at_end_of(time::macros::date!(2026 - 09 - 07)));
}

#[test]
fn a_saturday_referral_with_a_two_working_day_standard_is_due_at_the_end_of_tuesday() {
    let clock = Clock::start(
        &rule(ClockKind::InitialContact),
        datetime!(2026-11-28 10:00 UTC),
        &cal(),
        None,
    );
    assert_eq!(clock.due_at, at_end_of(time::macros::date!(2026 - 12 - 01)));
    // Monday morning: the Monday is day 1, so one working day (Tuesday) is left.
    assert_eq!(
        clock.working_days_remaining(datetime!(2026-11-30 09:00 UTC), &cal()),
        Some(1)
    );
}

#[test]
fn after_the_working_day_ends_a_working_day_clock_counts_from_the_next_working_day() {
    let five = Some(WorkingDayEnd::parse("17:00").unwrap());
    // Friday 20 November 2026, 17:30 UK time (GMT): day 0 is Monday 23.
    let late = Clock::start(
        &rule(ClockKind::InitialContact),
        datetime!(2026-11-20 17:30 UTC),
        &cal(),
        five,
    );
    assert_eq!(late.counts_from, time::macros::date!(2026 - 11 - 23));
    assert_eq!(late.due_at, at_end_of(time::macros::date!(2026 - 11 - 25)));
    // At 16:59 it counts from the Friday: due Tuesday.
    let early = Clock::start(
        &rule(ClockKind::InitialContact),
        datetime!(2026-11-20 16:59 UTC),
        &cal(),
        five,
    );
    assert_eq!(early.due_at, at_end_of(time::macros::date!(2026 - 11 - 24)));
    // In summer, 17:30 UK time is 16:30 UTC.
    let summer = Clock::start(
        &rule(ClockKind::InitialContact),
        datetime!(2026-07-03 16:30 UTC),
        &cal(),
        five,
    );
    assert_eq!(summer.counts_from, time::macros::date!(2026 - 07 - 06));
    // Calendar-day and hour clocks are unaffected.
    let works = Clock::start(
        &rule(ClockKind::WorksComplete),
        datetime!(2026-11-20 17:30 UTC),
        &cal(),
        five,
    );
    assert_eq!(works.due_at, at_end_of(time::macros::date!(2026 - 11 - 27)));
    let hourly = ClockRule {
        amount: 4,
        unit: ClockUnit::Hours,
        ..rule(ClockKind::InitialContact)
    };
    let hours = Clock::start(&hourly, datetime!(2026-11-20 17:30 UTC), &cal(), five);
    assert_eq!(hours.due_at, datetime!(2026-11-20 21:30 UTC));
}

#[test]
fn hour_clocks_count_elapsed_hours_across_the_change_to_and_from_summer_time() {
    let hourly = ClockRule {
        amount: 4,
        unit: ClockUnit::Hours,
        ..rule(ClockKind::InitialContact)
    };
    // 00:00 GMT on 29 March 2026; clocks go forward at 01:00 GMT: 4 real hours later is
    // 04:00 UTC (05:00 BST).
    let spring = Clock::start(&hourly, datetime!(2026-03-29 00:00 UTC), &cal(), None);
    assert_eq!(spring.due_at, datetime!(2026-03-29 04:00 UTC));
    let autumn = Clock::start(&hourly, datetime!(2026-10-24 23:30 UTC), &cal(), None);
    assert_eq!(autumn.due_at, datetime!(2026-10-25 03:30 UTC));
}

#[test]
fn a_hold_that_starts_after_the_clock_is_overdue_leaves_the_breach_standing() {
    let mut clock = Clock::start(
        &rule(ClockKind::Assessment),
        datetime!(2026-11-23 09:00 UTC),
        &cal(),
        None,
    );
    let due = clock.due_at; // end of Monday 30 November
    clock.pause(datetime!(2026-12-02 10:00 UTC));
    assert_eq!(clock.state, ClockState::Running);
    assert_eq!(
        clock.state_at(datetime!(2026-12-03 10:00 UTC)),
        ClockState::Breached
    );
    clock.resume(datetime!(2026-12-09 10:00 UTC), &cal());
    assert_eq!(clock.due_at, due);
    clock.stop(datetime!(2026-12-10 10:00 UTC), &cal());
    assert_eq!(clock.state, ClockState::Breached);
}

#[test]
fn a_paused_clock_shows_the_due_date_it_has_if_resumed_today() {
    let mut clock = Clock::start(
        &rule(ClockKind::Assessment),
        datetime!(2026-11-23 09:00 UTC),
        &cal(),
        None,
    );
    // Paused on Tuesday with four working days (25, 26, 27, 30) left.
    clock.pause(datetime!(2026-11-24 12:00 UTC));
    let thursday = datetime!(2026-11-26 10:00 UTC);
    // Resumed Thursday: 2 held working days (25, 26), due 2 later than first set.
    assert_eq!(
        clock.due_if_resumed(thursday, &cal()),
        at_end_of(time::macros::date!(2026 - 12 - 02))
    );
    assert_eq!(clock.working_days_remaining(thursday, &cal()), Some(4));
}

#[test]
fn ending_a_case_leaves_overdue_clocks_breached_and_cancels_the_others() {
    let start = datetime!(2026-11-23 09:00 UTC);
    let mut overdue = Clock::start(&rule(ClockKind::ReferToAssessor), start, &cal(), None);
    let mut on_time = Clock::start(&rule(ClockKind::Assessment), start, &cal(), None);
    let end = datetime!(2026-11-26 10:00 UTC);
    overdue.cancel(end);
    on_time.cancel(end);
    assert_eq!(
        (overdue.state, overdue.stopped_at),
        (ClockState::Breached, Some(end))
    );
    assert_eq!(
        (on_time.state, on_time.stopped_at),
        (ClockState::Cancelled, Some(end))
    );
}

#[test]
fn the_fire_check_clock_starts_only_when_a_fitted_measure_needs_a_check() {
    let rules = default_policy();
    let consents = ConsentsInForce {
        installation: ConsentStatus::Given,
        landlord_contact: ConsentStatus::Given,
        information_sharing: ConsentStatus::Given,
        follow_up_contact: ConsentStatus::Given,
        works_may_continue: false,
    };
    let calendar = Calendar::shipped(Nation::Scotland);
    let starting = |fire_check_needed| Starting {
        rules: &rules,
        consents: &consents,
        fire_check_needed,
        day_ends_at: None,
        calendar: &calendar,
    };
    let at = datetime!(2026-11-23 09:00 UTC);
    let kinds = |needed| -> Vec<ClockKind> {
        start_clocks(&starting(needed), &[], ClockEvent::WorksCompleted, at)
            .into_iter()
            .map(|c| c.kind)
            .collect()
    };
    assert!(kinds(true).contains(&ClockKind::FireSafetyCheck));
    assert!(!kinds(false).contains(&ClockKind::FireSafetyCheck));
    assert!(kinds(false).contains(&ClockKind::FollowUpVisit));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_instant() -> impl Strategy<Value = OffsetDateTime> {
        // 2020-01-01 to 2030-12-01, any second.
        (0i64..(11 * 365 * 86_400 - 40 * 86_400))
            .prop_map(|s| datetime!(2020-01-01 00:00 UTC) + Duration::seconds(s))
    }

    fn working_day_rule(amount: u32) -> ClockRule {
        ClockRule {
            amount,
            ..rule(ClockKind::Assessment)
        }
    }

    proptest! {
        /// Started any time, an n-working-day clock is due at the end of the n-th
        /// working day after its UK start day, in every nation.
        #[test]
        fn due_at_the_end_of_the_nth_working_day_after_the_start_day(
            at in any_instant(), n in 1u32..30, nation in 0usize..3,
        ) {
            let cal = Calendar::shipped(Nation::ALL[nation]);
            let clock = Clock::start(&working_day_rule(n), at, &cal, None);
            let due_day = london::local_date(clock.due_at - Duration::seconds(1));
            prop_assert_eq!(clock.due_at, london::end_of_day(due_day));
            prop_assert!(cal.is_working_day(due_day));
            prop_assert_eq!(cal.working_days_between(london::local_date(at), due_day), i64::from(n));
        }

        /// With an end of the working day, a clock started after it is due exactly as
        /// one started at the start of the next working day.
        #[test]
        fn after_hours_starts_count_as_the_next_working_day(
            at in any_instant(), n in 1u32..30, nation in 0usize..3, hour in 0u8..24, minute in 0u8..60,
        ) {
            let cal = Calendar::shipped(Nation::ALL[nation]);
            let end = WorkingDayEnd(Time::from_hms(hour, minute, 0).unwrap());
            let clock = Clock::start(&working_day_rule(n), at, &cal, Some(end));
            let day = london::local_date(at);
            let expected_day0 = if cal.is_working_day(day) && london::local_time(at) > end.0 {
                cal.next_working_day_from(day + Duration::days(1))
            } else {
                day
            };
            prop_assert_eq!(clock.counts_from, expected_day0);
            prop_assert_eq!(clock.due_at, london::end_of_day(cal.add_working_days(expected_day0, n)));
        }

        /// Holds: a hold that starts before the due time moves the due date by exactly
        /// the working days held (never earlier); one that starts after leaves it, and
        /// the clock reads breached. Stopping at any time is met exactly when not late.
        #[test]
        fn holds_extend_only_what_is_still_to_run(
            at in any_instant(), n in 1u32..15, nation in 0usize..3,
            hold_after in 0i64..(30 * 86_400), hold_for in 0i64..(20 * 86_400), stop_after in 0i64..(20 * 86_400),
        ) {
            let cal = Calendar::shipped(Nation::ALL[nation]);
            let mut clock = Clock::start(&working_day_rule(n), at, &cal, None);
            let first_due = clock.due_at;
            let paused = at + Duration::seconds(hold_after);
            let resumed = paused + Duration::seconds(hold_for);
            clock.pause(paused);
            clock.resume(resumed, &cal);
            if paused > first_due {
                prop_assert_eq!(clock.due_at, first_due);
                prop_assert_eq!(clock.held, 0);
                prop_assert_eq!(clock.state_at(paused), ClockState::Breached);
            } else {
                let held = cal.working_days_between(london::local_date(paused), london::local_date(resumed));
                prop_assert_eq!(clock.held, held);
                prop_assert!(clock.due_at >= first_due);
                let due_day = london::local_date(clock.due_at - Duration::seconds(1));
                prop_assert_eq!(
                    cal.working_days_between(london::local_date(at), due_day),
                    i64::from(n) + held
                );
            }
            let stop = resumed + Duration::seconds(stop_after);
            let mut stopped = clock.clone();
            stopped.stop(stop, &cal);
            let expected = if stop <= clock.due_at { ClockState::Met } else { ClockState::Breached };
            prop_assert_eq!(stopped.state, expected);
            // Ending the case instead: breached when overdue, else cancelled.
            let mut ended = clock.clone();
            ended.cancel(stop);
            let expected = if stop > clock.due_at { ClockState::Breached } else { ClockState::Cancelled };
            prop_assert_eq!(ended.state, expected);
        }

        /// A paused clock's shown due date is the one it gets on resuming then.
        #[test]
        fn a_paused_clock_shows_its_due_date_if_resumed_now(
            at in any_instant(), n in 1u32..15, hold_after in 0i64..(5 * 86_400), now_after in 0i64..(20 * 86_400),
        ) {
            let cal = cal();
            let mut clock = Clock::start(&working_day_rule(n), at, &cal, None);
            clock.pause(at + Duration::seconds(hold_after));
            prop_assume!(clock.state == ClockState::Paused);
            let now = at + Duration::seconds(hold_after + now_after);
            let shown = clock.due_if_resumed(now, &cal);
            let mut resumed = clock.clone();
            resumed.resume(now, &cal);
            prop_assert_eq!(shown, resumed.due_at);
            prop_assert!(shown >= clock.due_at);
        }
    }
}

#[test]
fn a_clock_stopped_while_paused_is_measured_without_the_time_on_hold() {
    // Referred Monday 23 November 2026, due at the end of Wednesday 25; on hold from
    // Tuesday; the client is reached on Friday 27 during the hold: 3 working days held,
    // so it was met.
    let mut clock = Clock::start(
        &rule(ClockKind::InitialContact),
        datetime!(2026-11-23 09:00 UTC),
        &cal(),
        None,
    );
    clock.pause(datetime!(2026-11-24 09:00 UTC));
    clock.stop(datetime!(2026-11-27 10:00 UTC), &cal());
    assert_eq!(clock.state, ClockState::Met);
}

#[test]
fn the_end_of_the_working_day_applies_on_working_days_only() {
    let five = Some(WorkingDayEnd::parse("17:00").unwrap());
    let rule = rule(ClockKind::InitialContact);
    // Saturday 28 November 2026 at 10:00 and at 18:00: both due at the end of Tuesday.
    for at in [
        datetime!(2026-11-28 10:00 UTC),
        datetime!(2026-11-28 18:00 UTC),
    ] {
        let clock = Clock::start(&rule, at, &cal(), five);
        assert_eq!(clock.due_at, at_end_of(time::macros::date!(2026 - 12 - 01)));
    }
}
