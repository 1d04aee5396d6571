//! Working days: weekends and the bank holidays of the scheme's nation.
//!
//! Counting rules (README, "Clock rules"): the day a clock starts is day 0, whatever kind
//! of day it is; "n working days" is due at the end of the n-th working day after it, so
//! after a start on a weekend or holiday the next working day is day 1. Days are UK days
//! (Europe/London), see [`london`].

pub mod holidays;
pub mod london;

use std::collections::BTreeSet;

use time::{Date, Duration, Month, Weekday};

use crate::scheme::Nation;

/// The years the shipped table covers; outside them only weekends are known.
pub const FIRST_YEAR: i32 = 2020;
pub const LAST_YEAR: i32 = 2030;

/// A working-day calendar for one nation: the shipped holidays plus any added ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    nation: Nation,
    holidays: BTreeSet<Date>,
}

/// A shipped bank holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BankHoliday {
    pub date: Date,
    pub name: &'static str,
}

/// The shipped bank holidays of `nation`, in date order.
pub fn shipped(nation: Nation) -> impl Iterator<Item = BankHoliday> {
    let table = match nation {
        Nation::EnglandAndWales => holidays::ENGLAND_AND_WALES,
        Nation::Scotland => holidays::SCOTLAND,
        Nation::NorthernIreland => holidays::NORTHERN_IRELAND,
    };
    table.iter().map(|&(year, month, day, name)| BankHoliday {
        date: Date::from_calendar_date(year, Month::try_from(month).expect("valid month"), day)
            .expect("valid shipped date"),
        name,
    })
}

impl Calendar {
    /// The shipped calendar of `nation`.
    pub fn shipped(nation: Nation) -> Self {
        Self::with_extra(nation, [])
    }

    /// The shipped calendar plus `extra` holidays (an administrator's additions).
    pub fn with_extra(nation: Nation, extra: impl IntoIterator<Item = Date>) -> Self {
        let mut holidays: BTreeSet<Date> = shipped(nation).map(|h| h.date).collect();
        holidays.extend(extra);
        Self { nation, holidays }
    }

    pub fn nation(&self) -> Nation {
        self.nation
    }

    pub fn is_holiday(&self, date: Date) -> bool {
        self.holidays.contains(&date)
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.is_holiday(date)
    }

    /// `date` if it is a working day, else the next one.
    pub fn next_working_day_from(&self, mut date: Date) -> Date {
        while !self.is_working_day(date) {
            date = date.next_day().expect("within the calendar's range");
        }
        date
    }

    /// The day a clock of `n` working days started on `start` is due (at its end): the
    /// n-th working day after `start`. `start` is day 0 even when it is not a working
    /// day (so 0 working days are due at the end of the start day).
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        let mut date = start;
        for _ in 0..n {
            date = self.next_working_day_from(date + Duration::days(1));
        }
        date
    }

    /// Working days in `(from, to]`; negative when `to` is before `from`.
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        let (lo, hi, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut count = 0;
        let mut date = lo;
        while date < hi {
            date = date.next_day().expect("within range");
            if self.is_working_day(date) {
                count += 1;
            }
        }
        sign * count
    }
}

#[cfg(test)]
mod tests;
