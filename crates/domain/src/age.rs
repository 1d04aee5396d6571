//! Ages and the monitoring template's age bands.

use time::Date;

vocabulary! {
    /// The monitoring template's age bands (age on the day the referral was received).
    pub enum AgeBand {
        Under18 = "under_18",
        From18To24 = "18_24",
        From25To34 = "25_34",
        From35To44 = "35_44",
        From45To54 = "45_54",
        From55To64 = "55_64",
        From65 = "65_plus",
    }
}

/// Whole years between `born` and `on` (0 if `on` is before `born`).
pub fn age_on(born: Date, on: Date) -> u32 {
    let mut years = on.year() - born.year();
    if (on.month() as u8, on.day()) < (born.month() as u8, born.day()) {
        years -= 1;
    }
    years.max(0).unsigned_abs()
}

impl AgeBand {
    pub fn of(age: u32) -> Self {
        match age {
            0..=17 => Self::Under18,
            18..=24 => Self::From18To24,
            25..=34 => Self::From25To34,
            35..=44 => Self::From35To44,
            45..=54 => Self::From45To54,
            55..=64 => Self::From55To64,
            _ => Self::From65,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn age_counts_whole_years_including_leap_day_birthdays() {
        assert_eq!(age_on(date!(1990 - 04 - 12), date!(2026 - 04 - 11)), 35);
        assert_eq!(age_on(date!(1990 - 04 - 12), date!(2026 - 04 - 12)), 36);
        assert_eq!(age_on(date!(2008 - 02 - 29), date!(2024 - 02 - 28)), 15);
        assert_eq!(age_on(date!(2008 - 02 - 29), date!(2024 - 02 - 29)), 16);
        assert_eq!(age_on(date!(2030 - 01 - 01), date!(2026 - 01 - 01)), 0);
    }

    #[test]
    fn bands_follow_the_template_boundaries() {
        let cases = [
            (17, AgeBand::Under18),
            (18, AgeBand::From18To24),
            (24, AgeBand::From18To24),
            (25, AgeBand::From25To34),
            (44, AgeBand::From35To44),
            (45, AgeBand::From45To54),
            (64, AgeBand::From55To64),
            (65, AgeBand::From65),
        ];
        for (age, band) in cases {
            assert_eq!(AgeBand::of(age), band, "{age}");
        }
    }
}
