//! UK civil time (Europe/London) without a time-zone database: GMT, or BST (UTC+1) from
//! 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October —
//! the rule in force since 1996 (Summer Time Order 2002). Days, and so due dates, are UK
//! days.

use time::{Date, Month, OffsetDateTime, Time, UtcOffset, Weekday};

fn last_sunday(year: i32, month: Month) -> Date {
    let mut date = Date::from_calendar_date(year, month, time::util::days_in_month(month, year))
        .expect("valid");
    while date.weekday() != Weekday::Sunday {
        date = date.previous_day().expect("valid");
    }
    date
}

/// The UK offset from UTC at `instant`.
pub fn offset_at(instant: OffsetDateTime) -> UtcOffset {
    let utc = instant.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let one_am = Time::from_hms(1, 0, 0).expect("valid");
    let starts = last_sunday(year, Month::March)
        .with_time(one_am)
        .assume_utc();
    let ends = last_sunday(year, Month::October)
        .with_time(one_am)
        .assume_utc();
    if utc >= starts && utc < ends {
        UtcOffset::from_hms(1, 0, 0).expect("valid")
    } else {
        UtcOffset::UTC
    }
}

/// The UK calendar date at `instant`.
pub fn local_date(instant: OffsetDateTime) -> Date {
    instant.to_offset(offset_at(instant)).date()
}

/// The UK wall-clock time at `instant`.
pub fn local_time(instant: OffsetDateTime) -> Time {
    instant.to_offset(offset_at(instant)).time()
}

/// The first instant after the UK day `date` ends (its following midnight, UK time).
pub fn end_of_day(date: Date) -> OffsetDateTime {
    let next = date.next_day().expect("within range").midnight();
    // Midnight UK time: try the offset in force at that moment. No change happens at
    // midnight (changes are at 01:00 UTC), so one offset is always right.
    let as_gmt = next.assume_utc();
    let offset = offset_at(as_gmt - time::Duration::hours(1));
    next.assume_offset(offset).to_offset(UtcOffset::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn summer_time_starts_and_ends_at_one_in_the_morning_utc() {
        // 2026: BST from 29 March to 25 October.
        assert_eq!(offset_at(datetime!(2026-03-29 00:59 UTC)).whole_hours(), 0);
        assert_eq!(offset_at(datetime!(2026-03-29 01:00 UTC)).whole_hours(), 1);
        assert_eq!(offset_at(datetime!(2026-10-25 00:59 UTC)).whole_hours(), 1);
        assert_eq!(offset_at(datetime!(2026-10-25 01:00 UTC)).whole_hours(), 0);
    }

    #[test]
    fn late_evening_utc_in_summer_is_already_tomorrow_in_the_uk() {
        assert_eq!(
            local_date(datetime!(2026-07-01 23:30 UTC)),
            date!(2026 - 07 - 02)
        );
        assert_eq!(
            local_date(datetime!(2026-12-01 23:30 UTC)),
            date!(2026 - 12 - 01)
        );
    }

    #[test]
    fn a_uk_day_ends_at_local_midnight() {
        assert_eq!(
            end_of_day(date!(2026 - 07 - 01)),
            datetime!(2026-07-01 23:00 UTC)
        );
        assert_eq!(
            end_of_day(date!(2026 - 12 - 01)),
            datetime!(2026-12-02 00:00 UTC)
        );
        // The night the clocks go forward (29 March 2026) and back (25 October 2026).
        assert_eq!(
            end_of_day(date!(2026 - 03 - 28)),
            datetime!(2026-03-29 00:00 UTC)
        );
        assert_eq!(
            end_of_day(date!(2026 - 03 - 29)),
            datetime!(2026-03-29 23:00 UTC)
        );
        assert_eq!(
            end_of_day(date!(2026 - 10 - 25)),
            datetime!(2026-10-26 00:00 UTC)
        );
    }
}
