//! The quarterly monitoring report (Standing Together template): its layout, the
//! reporting year, building the figures from tallies the database counted, and the
//! disclosure control funders always get.

pub mod disclosure;
pub mod layout;
pub mod statutory;
pub mod year;

use std::collections::BTreeMap;

use serde::Serialize;

pub use layout::{Basis, RowKind, SECTIONS, SectionSpec, Source, Stat};

/// Money or days: how many values, their sum, least and greatest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spread {
    pub n: i64,
    pub sum: i64,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

impl Spread {
    fn merge(self, other: Spread) -> Spread {
        let pick = |a: Option<i64>, b: Option<i64>, f: fn(i64, i64) -> i64| match (a, b) {
            (Some(a), Some(b)) => Some(f(a, b)),
            (a, b) => a.or(b),
        };
        Spread {
            n: self.n + other.n,
            sum: self.sum + other.sum,
            min: pick(self.min, other.min, i64::min),
            max: pick(self.max, other.max, i64::max),
        }
    }
}

/// What the database counted, per quarter (index 0–3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tallies {
    /// `(dimension, value)` → count per quarter (see the layout's `Source::Count`).
    pub counts: BTreeMap<(String, String), [i64; 4]>,
    /// Works cost per completed household, in pence.
    pub spend: [Spread; 4],
    /// Working days from referral to installation.
    pub days: [Spread; 4],
    /// Children's ages (`n` children, `sum` of ages).
    pub children: [Spread; 4],
    /// Referring agencies' ratings, per question (in `Question::ALL` order).
    pub ratings: [[Spread; 4]; 3],
}

impl Tallies {
    pub fn add(&mut self, dimension: &str, value: &str, quarter: usize, count: i64) {
        self.counts
            .entry((dimension.to_owned(), value.to_owned()))
            .or_default()[quarter] += count;
    }

    fn count(&self, dimension: &str, values: &[&str], quarter: usize) -> i64 {
        values
            .iter()
            .filter_map(|v| self.counts.get(&(dimension.to_owned(), (*v).to_owned())))
            .map(|c| c[quarter])
            .sum()
    }
}

/// A figure: whole (counts, pence) or to one decimal place (means).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Figure {
    Whole(i64),
    Decimal(f64),
}

impl Figure {
    pub fn as_f64(self) -> f64 {
        match self {
            Figure::Whole(v) => v as f64,
            Figure::Decimal(v) => v,
        }
    }
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Figure::Whole(v) => write!(f, "{v}"),
            Figure::Decimal(v) => write!(f, "{v:.1}"),
        }
    }
}

/// One cell. `value` is `null` when there is nothing to show (no cases) or when it is
/// suppressed for disclosure control (`suppressed: true`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cell {
    /// A whole number for counts and pence, one decimal place for means.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub value: Option<Figure>,
    pub suppressed: bool,
    /// How many cases (or children) a statistic rests on.
    #[serde(skip)]
    pub basis_n: i64,
}

impl Cell {
    fn count(n: i64) -> Cell {
        Cell {
            value: Some(Figure::Whole(n)),
            suppressed: false,
            basis_n: n,
        }
    }

    fn stat(stat: Stat, s: Spread) -> Cell {
        let value = match stat {
            _ if s.n == 0 => None,
            Stat::SpendLowest => s.min.map(Figure::Whole),
            Stat::SpendHighest => s.max.map(Figure::Whole),
            // Whole pence, halves rounded up.
            Stat::SpendAverage => Some(Figure::Whole((2 * s.sum + s.n).div_euclid(2 * s.n))),
            Stat::DaysAverage | Stat::ChildrenAverageAge | Stat::FeedbackAverage(_) => Some(
                Figure::Decimal((s.sum as f64 / s.n as f64 * 10.0).round() / 10.0),
            ),
        };
        Cell {
            value,
            suppressed: false,
            basis_n: s.n,
        }
    }

    /// The count, if this is a visible count.
    pub fn whole(&self) -> Option<i64> {
        match self.value {
            Some(Figure::Whole(v)) => Some(v),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Row {
    #[cfg_attr(feature = "openapi", schema(max_length = 60))]
    pub code: &'static str,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub label: &'static str,
    pub kind: RowKind,
    /// A heading row of the template: the sum of the rows under it.
    pub heading: bool,
    pub q1: Cell,
    pub q2: Cell,
    pub q3: Cell,
    pub q4: Cell,
    /// Computed over the whole year, never by adding rounded cells.
    pub total: Cell,
}

impl Row {
    pub fn cells(&self) -> [&Cell; 5] {
        [&self.q1, &self.q2, &self.q3, &self.q4, &self.total]
    }

    pub fn cells_mut(&mut self) -> [&mut Cell; 5] {
        [
            &mut self.q1,
            &mut self.q2,
            &mut self.q3,
            &mut self.q4,
            &mut self.total,
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Section {
    #[cfg_attr(feature = "openapi", schema(max_length = 60))]
    pub code: &'static str,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub title: &'static str,
    pub basis: Basis,
    /// The basis in words.
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub basis_description: &'static str,
    pub rows: Vec<Row>,
}

/// Every section of the template, figures unsuppressed.
pub fn build(tallies: &Tallies) -> Vec<Section> {
    build_from(SECTIONS, tallies)
}

/// Every section of the layout `specs`, figures unsuppressed.
pub fn build_from(specs: &[SectionSpec], tallies: &Tallies) -> Vec<Section> {
    specs
        .iter()
        .map(|spec| Section {
            code: spec.code,
            title: spec.title,
            basis: spec.basis,
            basis_description: spec.basis.describe(),
            rows: spec
                .rows
                .iter()
                .map(|row| {
                    let cells: [Cell; 5] = match row.source {
                        Source::Count(dimension, values) => {
                            let q: [i64; 4] =
                                std::array::from_fn(|i| tallies.count(dimension, values, i));
                            let mut cells = q.map(Cell::count).to_vec();
                            cells.push(Cell::count(q.iter().sum()));
                            cells.try_into().expect("five")
                        }
                        Source::Stat(stat) => {
                            let spreads = match stat {
                                Stat::SpendLowest | Stat::SpendHighest | Stat::SpendAverage => {
                                    &tallies.spend
                                }
                                Stat::DaysAverage => &tallies.days,
                                Stat::ChildrenAverageAge => &tallies.children,
                                Stat::FeedbackAverage(question) => {
                                    &tallies.ratings[question.index()]
                                }
                            };
                            let year = spreads.iter().fold(Spread::default(), |a, s| a.merge(*s));
                            let mut cells: Vec<Cell> =
                                spreads.iter().map(|s| Cell::stat(stat, *s)).collect();
                            cells.push(Cell::stat(stat, year));
                            cells.try_into().expect("five")
                        }
                    };
                    let [q1, q2, q3, q4, total] = cells;
                    Row {
                        code: row.code,
                        label: row.label,
                        kind: row.kind(),
                        heading: !row.group_of.is_empty(),
                        q1,
                        q2,
                        q3,
                        q4,
                        total,
                    }
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(sections: &'a [Section], code: &str) -> &'a Row {
        sections
            .iter()
            .flat_map(|s| &s.rows)
            .find(|r| r.code == code)
            .unwrap()
    }

    #[test]
    fn counts_sum_their_values_and_totals_cover_the_year() {
        let mut t = Tallies::default();
        t.add("gender", "prefer_not_to_say", 0, 2);
        t.add("gender", "unknown", 0, 1);
        t.add("gender", "unknown", 3, 4);
        t.add("decision", "out_of_area", 1, 3);
        t.add("decision", "other", 1, 1);
        let s = build(&t);
        let unknown = row(&s, "gender.unknown");
        assert_eq!(unknown.q1.whole(), Some(3));
        assert_eq!(unknown.q4.whole(), Some(4));
        assert_eq!(unknown.total.whole(), Some(7));
        assert_eq!(row(&s, "referrals_not_accepted").q2.whole(), Some(4));
        assert_eq!(row(&s, "referrals_accepted").total.whole(), Some(0));
    }

    #[test]
    fn statistics_over_the_year_come_from_the_sums_not_the_quarter_means() {
        let mut t = Tallies::default();
        t.spend[0] = Spread {
            n: 1,
            sum: 100,
            min: Some(100),
            max: Some(100),
        };
        t.spend[2] = Spread {
            n: 3,
            sum: 301,
            min: Some(50),
            max: Some(200),
        };
        t.days[0] = Spread {
            n: 2,
            sum: 7,
            ..Spread::default()
        };
        t.days[1] = Spread {
            n: 1,
            sum: 30,
            ..Spread::default()
        };
        let s = build(&t);
        assert_eq!(row(&s, "spend.lowest").total.value, Some(Figure::Whole(50)));
        assert_eq!(
            row(&s, "spend.highest").total.value,
            Some(Figure::Whole(200))
        );
        // 401 / 4 = 100.25 → 100; the mean of the quarter means would be 100.67.
        assert_eq!(
            row(&s, "spend.average").total.value,
            Some(Figure::Whole(100))
        );
        assert_eq!(row(&s, "spend.average").q3.value, Some(Figure::Whole(100)));
        assert_eq!(row(&s, "spend.average").q2.value, None, "no installations");
        assert_eq!(
            row(&s, "days_to_installation.average").q1.value,
            Some(Figure::Decimal(3.5))
        );
        // 37 / 3 = 12.33 (the mean of 3.5 and 30 would be 16.75).
        assert_eq!(
            row(&s, "days_to_installation.average").total.value,
            Some(Figure::Decimal(12.3))
        );
    }
}
