//! The reporting year: four quarters of three calendar months from a start date, each a
//! span of UK days (so a referral at 00:30 BST on 1 July is in July's quarter).

use time::{Date, Month, OffsetDateTime};

use crate::calendar::london;
use crate::scheme::YearStart;

/// The first day of the reporting year that starts in calendar `year` (e.g. 1 April
/// 2026 for 2026), if that year has one.
pub fn start_in(start: YearStart, year: i32) -> Option<Date> {
    Month::try_from(start.month)
        .ok()
        .and_then(|m| Date::from_calendar_date(year, m, start.day).ok())
}

/// The scheme's reporting year that holds `today`: the latest of its year-start days
/// on or before it.
pub fn current_start(start: YearStart, today: Date) -> Date {
    let on = |year: i32| {
        Month::try_from(start.month)
            .ok()
            .and_then(|m| Date::from_calendar_date(year, m, start.day).ok())
            .unwrap_or(today)
    };
    let this_year = on(today.year());
    if this_year <= today {
        this_year
    } else {
        on(today.year() - 1)
    }
}

/// Whether `date` starts one of the scheme's own reporting years (its `year_start`
/// day, any year): the only periods a disclosure-controlled report may cover, so that
/// no two published periods differ by a few days (docs/domain.md, Monitoring report).
pub fn is_reporting_year(start: YearStart, date: Date) -> bool {
    u8::from(date.month()) == start.month && date.day() == start.day
}

/// A quarter: its first and last UK day, and the instants that bound it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quarter {
    /// 1 to 4.
    pub number: u8,
    pub first_day: Date,
    pub last_day: Date,
}

impl Quarter {
    /// The first instant of the quarter (UK midnight), in UTC.
    pub fn starts(&self) -> OffsetDateTime {
        start_of(self.first_day)
    }

    /// The first instant after the quarter, in UTC.
    pub fn ends(&self) -> OffsetDateTime {
        london::end_of_day(self.last_day)
    }
}

/// The first instant of the UK day `date`, in UTC.
pub fn start_of(date: Date) -> OffsetDateTime {
    london::end_of_day(date.previous_day().expect("within range"))
}

/// `date` plus `months` calendar months, the day clamped to the month's length.
fn add_months(date: Date, months: u8) -> Date {
    let index = date.month() as i32 - 1 + i32::from(months);
    let year = date.year() + index.div_euclid(12);
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).expect("1..=12"))
        .expect("valid month");
    let day = date.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).expect("valid date")
}

/// The four quarters of the year that starts on `start`.
pub fn quarters(start: Date) -> [Quarter; 4] {
    std::array::from_fn(|i| {
        let i = u8::try_from(i).expect("four");
        let first_day = add_months(start, 3 * i);
        let next = add_months(start, 3 * (i + 1));
        Quarter {
            number: i + 1,
            first_day,
            last_day: next.previous_day().expect("within range"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_financial_year_is_four_quarters_of_uk_days() {
        let q = quarters(date!(2026 - 04 - 01));
        let days: Vec<(Date, Date)> = q.iter().map(|q| (q.first_day, q.last_day)).collect();
        assert_eq!(
            days,
            [
                (date!(2026 - 04 - 01), date!(2026 - 06 - 30)),
                (date!(2026 - 07 - 01), date!(2026 - 09 - 30)),
                (date!(2026 - 10 - 01), date!(2026 - 12 - 31)),
                (date!(2027 - 01 - 01), date!(2027 - 03 - 31)),
            ]
        );
        // British Summer Time: the quarter starts at 23:00 UTC the evening before.
        assert_eq!(q[1].starts(), datetime!(2026-06-30 23:00 UTC));
        assert_eq!(q[0].ends(), q[1].starts());
        // Winter: midnight is midnight UTC.
        assert_eq!(q[3].starts(), datetime!(2027-01-01 00:00 UTC));
        assert_eq!(q[3].ends(), datetime!(2027-03-31 23:00 UTC));
    }

    #[test]
    fn the_current_year_starts_on_the_latest_start_day_not_after_today() {
        let april = YearStart::default();
        assert_eq!(
            current_start(april, date!(2026 - 11 - 25)),
            date!(2026 - 04 - 01)
        );
        assert_eq!(
            current_start(april, date!(2027 - 03 - 31)),
            date!(2026 - 04 - 01)
        );
        assert_eq!(
            current_start(april, date!(2027 - 04 - 01)),
            date!(2027 - 04 - 01)
        );
    }

    #[test]
    fn only_the_schemes_own_year_starts_are_reporting_years() {
        let april = YearStart::default();
        assert!(is_reporting_year(april, date!(2026 - 04 - 01)));
        assert!(is_reporting_year(april, date!(2019 - 04 - 01)));
        assert!(!is_reporting_year(april, date!(2026 - 04 - 02)));
        assert!(
            !is_reporting_year(april, date!(2026 - 07 - 01)),
            "a quarter, not a year"
        );
        assert!(!is_reporting_year(april, date!(2026 - 10 - 17)));
        let january = YearStart::new(1, 1).unwrap();
        assert!(is_reporting_year(january, date!(2027 - 01 - 01)));
        assert!(!is_reporting_year(january, date!(2027 - 04 - 01)));
    }

    #[test]
    fn any_start_day_works_and_month_ends_are_clamped() {
        let q = quarters(date!(2026 - 11 - 30));
        assert_eq!(q[1].first_day, date!(2027 - 02 - 28));
        assert_eq!(q[0].last_day, date!(2027 - 02 - 27));
        assert_eq!(q[3].last_day, date!(2027 - 11 - 29));
    }
}
