use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration, Weekday};

use super::*;

fn dates(nation: Nation, year: i32) -> Vec<Date> {
    shipped(nation)
        .map(|h| h.date)
        .filter(|d| d.year() == year)
        .collect()
}

#[test]
fn england_and_wales_2025_to_2027_match_the_published_lists() {
    let e = Nation::EnglandAndWales;
    assert_eq!(
        dates(e, 2025),
        [
            date!(2025 - 01 - 01),
            date!(2025 - 04 - 18),
            date!(2025 - 04 - 21),
            date!(2025 - 05 - 05),
            date!(2025 - 05 - 26),
            date!(2025 - 08 - 25),
            date!(2025 - 12 - 25),
            date!(2025 - 12 - 26),
        ]
    );
    assert_eq!(
        dates(e, 2026),
        [
            date!(2026 - 01 - 01),
            date!(2026 - 04 - 03),
            date!(2026 - 04 - 06),
            date!(2026 - 05 - 04),
            date!(2026 - 05 - 25),
            date!(2026 - 08 - 31),
            date!(2026 - 12 - 25),
            date!(2026 - 12 - 28),
        ]
    );
    assert_eq!(
        dates(e, 2027),
        [
            date!(2027 - 01 - 01),
            date!(2027 - 03 - 26),
            date!(2027 - 03 - 29),
            date!(2027 - 05 - 03),
            date!(2027 - 05 - 31),
            date!(2027 - 08 - 30),
            date!(2027 - 12 - 27),
            date!(2027 - 12 - 28),
        ]
    );
}

#[test]
fn scotland_and_northern_ireland_2025_to_2027_match_the_published_lists() {
    assert_eq!(
        dates(Nation::Scotland, 2026),
        [
            date!(2026 - 01 - 01),
            date!(2026 - 01 - 02),
            date!(2026 - 04 - 03),
            date!(2026 - 05 - 04),
            date!(2026 - 05 - 25),
            date!(2026 - 08 - 03),
            date!(2026 - 11 - 30),
            date!(2026 - 12 - 25),
            date!(2026 - 12 - 28),
        ]
    );
    assert_eq!(
        dates(Nation::Scotland, 2027),
        [
            date!(2027 - 01 - 01),
            date!(2027 - 01 - 04),
            date!(2027 - 03 - 26),
            date!(2027 - 05 - 03),
            date!(2027 - 05 - 31),
            date!(2027 - 08 - 02),
            date!(2027 - 11 - 30),
            date!(2027 - 12 - 27),
            date!(2027 - 12 - 28),
        ]
    );
    assert_eq!(
        dates(Nation::NorthernIreland, 2025),
        [
            date!(2025 - 01 - 01),
            date!(2025 - 03 - 17),
            date!(2025 - 04 - 18),
            date!(2025 - 04 - 21),
            date!(2025 - 05 - 05),
            date!(2025 - 05 - 26),
            date!(2025 - 07 - 14),
            date!(2025 - 08 - 25),
            date!(2025 - 12 - 25),
            date!(2025 - 12 - 26),
        ]
    );
    assert_eq!(
        dates(Nation::NorthernIreland, 2027),
        [
            date!(2027 - 01 - 01),
            date!(2027 - 03 - 17),
            date!(2027 - 03 - 26),
            date!(2027 - 03 - 29),
            date!(2027 - 05 - 03),
            date!(2027 - 05 - 31),
            date!(2027 - 07 - 12),
            date!(2027 - 08 - 30),
            date!(2027 - 12 - 27),
            date!(2027 - 12 - 28),
        ]
    );
}

#[test]
fn substitute_and_one_off_days_are_holidays() {
    let e = Calendar::shipped(Nation::EnglandAndWales);
    for d in [
        date!(2026 - 12 - 28),
        date!(2027 - 12 - 27),
        date!(2027 - 12 - 28),
        date!(2020 - 05 - 08),
        date!(2022 - 06 - 03),
        date!(2022 - 09 - 19),
        date!(2023 - 05 - 08),
    ] {
        assert!(e.is_holiday(d), "{d}");
        assert!(!e.is_working_day(d), "{d}");
    }
    assert!(
        !e.is_holiday(date!(2020 - 05 - 04)),
        "the 2020 early May holiday moved to VE Day"
    );
    assert!(
        !e.is_holiday(date!(2022 - 05 - 30)),
        "the 2022 spring holiday moved to 2 June"
    );
}

#[test]
fn every_year_of_the_table_has_each_nations_holidays() {
    for nation in Nation::ALL {
        for year in FIRST_YEAR..=LAST_YEAR {
            let n = dates(*nation, year).len();
            assert!((8..=12).contains(&n), "{nation} {year}: {n}");
            assert!(
                dates(*nation, year)
                    .iter()
                    .all(|d| !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday))
            );
        }
    }
}

#[test]
fn working_days_skip_weekends_and_christmas() {
    let e = Calendar::shipped(Nation::EnglandAndWales);
    // Friday 18 December 2026 plus 5 working days: 21, 22, 23, 24, (25, 28 off) 29.
    assert_eq!(
        e.add_working_days(date!(2026 - 12 - 18), 5),
        date!(2026 - 12 - 29)
    );
    // Day 0 is the start; after a Saturday start, Monday is day 1.
    assert_eq!(
        e.add_working_days(date!(2026 - 11 - 23), 0),
        date!(2026 - 11 - 23)
    );
    assert_eq!(
        e.add_working_days(date!(2026 - 11 - 28), 0),
        date!(2026 - 11 - 28)
    );
    // A Saturday referral with a 2-working-day standard: due at the end of Tuesday.
    assert_eq!(
        e.add_working_days(date!(2026 - 11 - 28), 2),
        date!(2026 - 12 - 01)
    );
    // Scotland works on Easter Monday but not on St Andrew's Day.
    let s = Calendar::shipped(Nation::Scotland);
    assert_eq!(
        s.add_working_days(date!(2027 - 03 - 25), 1),
        date!(2027 - 03 - 29)
    );
    assert_eq!(
        e.add_working_days(date!(2027 - 03 - 25), 1),
        date!(2027 - 03 - 30)
    );
    assert_eq!(
        s.add_working_days(date!(2026 - 11 - 27), 1),
        date!(2026 - 12 - 01)
    );
}

/// Worked examples from the official lists (gov.uk/bank-holidays).
#[test]
fn worked_examples_from_the_official_holiday_lists() {
    let e = Calendar::shipped(Nation::EnglandAndWales);
    let s = Calendar::shipped(Nation::Scotland);
    let ni = Calendar::shipped(Nation::NorthernIreland);
    // Works completed Sunday 23 August 2026: 10 working days, 31 August a bank holiday
    // (24-28 are 1-5, 1-4 September 6-9, Monday 7 September 10).
    assert_eq!(
        e.add_working_days(date!(2026 - 08 - 23), 10),
        date!(2026 - 09 - 07)
    );
    // Boxing Day 2026 is a Saturday: Monday 28 December is the substitute day.
    assert!(e.is_holiday(date!(2026 - 12 - 28)));
    assert_eq!(
        e.add_working_days(date!(2026 - 12 - 24), 1),
        date!(2026 - 12 - 29)
    );
    // Christmas 2027 is a Saturday, Boxing Day a Sunday: 27 and 28 December off.
    assert!(e.is_holiday(date!(2027 - 12 - 27)) && e.is_holiday(date!(2027 - 12 - 28)));
    assert_eq!(
        e.add_working_days(date!(2027 - 12 - 24), 1),
        date!(2027 - 12 - 29)
    );
    // Easter 2027: Good Friday 26 March everywhere; Easter Monday 29 March except in
    // Scotland.
    assert_eq!(
        e.add_working_days(date!(2027 - 03 - 25), 2),
        date!(2027 - 03 - 31)
    );
    assert_eq!(
        s.add_working_days(date!(2027 - 03 - 25), 2),
        date!(2027 - 03 - 30)
    );
    assert_eq!(
        ni.add_working_days(date!(2027 - 03 - 25), 2),
        date!(2027 - 03 - 31)
    );
    // The one-off holidays of 2022-23, in every nation: the Platinum Jubilee (2 and 3
    // June 2022), the Queen's funeral (19 September 2022), the Coronation (8 May 2023).
    for cal in [&e, &s, &ni] {
        for day in [
            date!(2022 - 06 - 02),
            date!(2022 - 06 - 03),
            date!(2022 - 09 - 19),
            date!(2023 - 05 - 08),
        ] {
            assert!(cal.is_holiday(day), "{:?} {day}", cal.nation());
        }
    }
    // Wednesday 1 June 2022 + 1: Thursday, Friday off, so Monday 6 June.
    assert_eq!(
        e.add_working_days(date!(2022 - 06 - 01), 1),
        date!(2022 - 06 - 06)
    );
    // Friday 16 September 2022 + 1: Monday 19 off, so Tuesday 20.
    assert_eq!(
        s.add_working_days(date!(2022 - 09 - 16), 1),
        date!(2022 - 09 - 20)
    );
    // Saturday 6 May 2023 (coronation day) + 1: Monday 8 off, Tuesday 9 is day 1.
    assert_eq!(
        ni.add_working_days(date!(2023 - 05 - 06), 1),
        date!(2023 - 05 - 09)
    );
}

#[test]
fn administrators_can_add_holidays() {
    let extra = Calendar::with_extra(Nation::EnglandAndWales, [date!(2028 - 06 - 05)]);
    assert!(extra.is_holiday(date!(2028 - 06 - 05)));
    assert!(!Calendar::shipped(Nation::EnglandAndWales).is_holiday(date!(2028 - 06 - 05)));
}

fn any_date() -> impl Strategy<Value = Date> {
    (0i64..(365 * 10)).prop_map(|offset| date!(2020 - 01 - 01) + Duration::days(offset))
}

proptest! {
    #[test]
    /// The rule itself: n working days from any start day (working or not) are due on
    /// the n-th working day after it, and counting the working days back gives n: the
    /// count the report's days-to-installation and a clock's days remaining use.
    fn n_working_days_are_due_on_the_nth_working_day_after_the_start_day(start in any_date(), n in 1u32..60, nation in 0usize..3) {
        let cal = Calendar::shipped(Nation::ALL[nation]);
        let due = cal.add_working_days(start, n);
        prop_assert!(cal.is_working_day(due));
        prop_assert_eq!(cal.working_days_between(start, due), i64::from(n));
        prop_assert_eq!(cal.working_days_between(due, start), -i64::from(n));
        // Not a day earlier: the day before the due date still has one working day to go.
        prop_assert_eq!(cal.working_days_between(start, due.previous_day().unwrap()), i64::from(n) - 1);
        // A non-working start day counts like the last working day before it would: the
        // next working day is day 1.
        if !cal.is_working_day(start) {
            let day_one = cal.next_working_day_from(start);
            prop_assert_eq!(cal.add_working_days(start, 1), day_one);
        }
    }

    #[test]
    fn no_working_day_due_date_falls_on_a_weekend_or_holiday(start in any_date(), n in 1u32..60, nation in 0usize..3) {
        let cal = Calendar::shipped(Nation::ALL[nation]);
        let due = cal.add_working_days(start, n);
        prop_assert!(cal.is_working_day(due));
        prop_assert!(due >= start);
    }

    #[test]
    fn more_working_days_never_fall_due_earlier(start in any_date(), n in 0u32..60) {
        let cal = Calendar::shipped(Nation::EnglandAndWales);
        prop_assert!(cal.add_working_days(start, n + 1) > cal.add_working_days(start, n));
    }
}
