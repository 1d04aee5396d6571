//! The scheme's budget: per reporting year, the funding streams it has (who funds each,
//! how much, and optionally a per-household limit of its own), and which stream works
//! are charged to when they are approved.
//!
//! Works are charged at approval, at their estimated cost: **committed** until the works
//! are completed, then **spent** at their actual cost; a stream's **remaining** amount
//! is what neither takes. Interim measures ordered for a case not yet charged charge it
//! to the year's first stream at once (committed at their estimate, then at their cost
//! once fitted), never refused for what is left: urgent safety work comes first. Approving works beyond what is left in the stream, like
//! approving beyond the household limit, needs the funder's approval reference.

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::violation::{ViolationCode, Violations};

/// The most streams a year's budget has.
pub const MAX_STREAMS: usize = 20;
/// The largest stream: £1bn.
pub const MAX_STREAM_PENCE: i64 = 100_000_000_000;
/// The largest per-household limit a stream may set: £1m (as the scheme setting).
pub const MAX_HOUSEHOLD_LIMIT_PENCE: i64 = 100_000_000;

/// One source of money for the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FundingStream {
    /// How the scheme names it (unique in the year), e.g. "Home Office DA fund 2026/27".
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, example = "Council DA fund")
    )]
    pub name: String,
    /// The organisation that funds it (a funder of the scheme reads this stream's
    /// figures); none for the council's own money.
    #[serde(default)]
    pub funder_organisation_id: Option<Uuid>,
    /// The amount for the year, in pence.
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 0, maximum = 100_000_000_000_i64, example = 5_000_000)
    )]
    pub amount_pence: i64,
    /// A per-household limit for works charged to this stream, replacing the scheme's
    /// `household_budget_limit_pence`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100_000_000_i64))]
    pub household_limit_pence: Option<i64>,
}

/// A year's budget: its streams, the first being where works go unless the coordinator
/// names another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"streams": [
    {"name": "Council DA fund", "amount_pence": 5_000_000},
    {"name": "PCC grant", "funder_organisation_id": "01a20ab8-29c6-7f4a-8b90-7a2e5c1d3f46",
     "amount_pence": 2_500_000, "household_limit_pence": 250_000}
]})))]
#[serde(deny_unknown_fields)]
pub struct Budget {
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20))]
    pub streams: Vec<FundingStream>,
}

impl Budget {
    /// Every rule the budget breaks (pointers relative to it).
    pub fn violations(&self) -> Violations {
        let mut v = Violations::new();
        if self.streams.is_empty() || self.streams.len() > MAX_STREAMS {
            v.add(
                "/streams",
                ViolationCode::OutOfRange,
                format!("list 1 to {MAX_STREAMS} funding streams"),
            );
        }
        let mut seen: Vec<String> = Vec::new();
        for (i, stream) in self.streams.iter().enumerate() {
            let name = stream.name.trim();
            if name.is_empty() || stream.name.chars().count() > 100 {
                v.add(
                    format!("/streams/{i}/name"),
                    ViolationCode::OutOfRange,
                    "must be 1 to 100 characters",
                );
            } else if seen.contains(&name.to_lowercase()) {
                v.add(
                    format!("/streams/{i}/name"),
                    ViolationCode::DuplicateItems,
                    "another stream of the year has this name",
                );
            }
            seen.push(name.to_lowercase());
            if !(0..=MAX_STREAM_PENCE).contains(&stream.amount_pence) {
                v.add(
                    format!("/streams/{i}/amount_pence"),
                    ViolationCode::OutOfRange,
                    format!("must be between 0 and {MAX_STREAM_PENCE}"),
                );
            }
            if stream
                .household_limit_pence
                .is_some_and(|l| !(0..=MAX_HOUSEHOLD_LIMIT_PENCE).contains(&l))
            {
                v.add(
                    format!("/streams/{i}/household_limit_pence"),
                    ViolationCode::OutOfRange,
                    format!("must be between 0 and {MAX_HOUSEHOLD_LIMIT_PENCE}"),
                );
            }
        }
        v
    }
}

/// What a stream has left when works are approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRoom {
    pub name: String,
    pub remaining_pence: i64,
    pub household_limit_pence: Option<i64>,
}

/// The budget of the year works would be approved in, as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Funding {
    pub year_start: Date,
    pub streams: Vec<StreamRoom>,
}

/// Why works cannot be charged as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoStream {
    /// A stream was named, but the scheme has no budget for the year.
    NoBudget,
    /// The year's budget has no stream of that name.
    Unknown,
}

/// The stream works are charged to: the one `chosen`, else the year's first; none when
/// the scheme keeps no budget for the year (and none was chosen).
pub fn stream_for<'a>(
    funding: Option<&'a Funding>,
    chosen: Option<&str>,
) -> Result<Option<&'a StreamRoom>, NoStream> {
    match (funding, chosen) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(NoStream::NoBudget),
        (Some(f), None) => Ok(f.streams.first()),
        (Some(f), Some(name)) => f
            .streams
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name.trim()))
            .map(Some)
            .ok_or(NoStream::Unknown),
    }
}

/// What approving `total` against `stream` passes, if anything: the household limit
/// (the stream's own or the scheme's `scheme_limit`), or what is left in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beyond {
    HouseholdLimit { limit: i64 },
    StreamRemaining { remaining: i64 },
}

pub fn beyond(total: i64, stream: Option<&StreamRoom>, scheme_limit: i64) -> Option<Beyond> {
    let limit = stream
        .and_then(|s| s.household_limit_pence)
        .unwrap_or(scheme_limit);
    if total > limit {
        return Some(Beyond::HouseholdLimit { limit });
    }
    match stream {
        Some(s) if total > s.remaining_pence => Some(Beyond::StreamRemaining {
            remaining: s.remaining_pence,
        }),
        _ => None,
    }
}

/// Money and the households it is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Money {
    pub households: i64,
    pub pence: i64,
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, other: Money) {
        self.households += other.households;
        self.pence += other.pence;
    }
}

/// A stream's works by quarter: committed (approved, not yet completed, at the
/// estimated cost; by the quarter approved) and spent (completed, at the actual cost;
/// by the quarter completed, a completion after the year's end in its last quarter).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamTally {
    pub committed: [Money; 4],
    pub spent: [Money; 4],
}

impl StreamTally {
    pub fn committed_total(&self) -> Money {
        sum(&self.committed)
    }

    pub fn spent_total(&self) -> Money {
        sum(&self.spent)
    }
}

fn sum(quarters: &[Money; 4]) -> Money {
    let mut total = Money::default();
    for q in quarters {
        total += *q;
    }
    total
}

/// What is left in `stream` after what `tally` commits and spends.
pub fn remaining(stream: &FundingStream, tally: &StreamTally) -> i64 {
    stream.amount_pence - tally.committed_total().pence - tally.spent_total().pence
}

/// What each stream of `budget` has left, for approving works (streams with nothing
/// charged yet have their whole amount).
pub fn room(
    budget: &Budget,
    year_start: Date,
    tallies: &std::collections::BTreeMap<String, StreamTally>,
) -> Funding {
    Funding {
        year_start,
        streams: budget
            .streams
            .iter()
            .map(|s| StreamRoom {
                name: s.name.clone(),
                remaining_pence: remaining(s, &tallies.get(&s.name).copied().unwrap_or_default()),
                household_limit_pence: s.household_limit_pence,
            })
            .collect(),
    }
}

/// What a set of streams commit and spend together, by quarter (the monitoring
/// report's spend section).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spend {
    pub amount_pence: i64,
    pub committed: [Money; 4],
    pub spent: [Money; 4],
    pub remaining_pence: i64,
}

/// `streams` added up from their tallies (a stream without one has spent nothing).
pub fn spend<'a>(
    streams: impl IntoIterator<Item = &'a FundingStream>,
    tallies: &std::collections::BTreeMap<String, StreamTally>,
) -> Spend {
    let mut total = Spend::default();
    for stream in streams {
        let tally = tallies.get(&stream.name).copied().unwrap_or_default();
        for q in 0..4 {
            total.committed[q] += tally.committed[q];
            total.spent[q] += tally.spent[q];
        }
        total.amount_pence += stream.amount_pence;
        total.remaining_pence += remaining(stream, &tally);
    }
    total
}

/// A cell of the budget's breakdowns as a funder may see it: withheld when it is about
/// 1 to `threshold` − 1 households, and, so that no withheld cell can be worked out from
/// a total, the next smallest too when only one of a series would be withheld.
pub fn withheld(series: &[Money], threshold: u32) -> Vec<bool> {
    let small = |m: &Money| m.households > 0 && m.households < i64::from(threshold);
    let mut hidden: Vec<bool> = series.iter().map(small).collect();
    if hidden.iter().filter(|h| **h).count() == 1 {
        let next = series
            .iter()
            .enumerate()
            .filter(|(i, m)| !hidden[*i] && m.households > 0)
            .min_by_key(|(_, m)| (m.households, m.pence))
            .map(|(i, _)| i);
        if let Some(i) = next {
            hidden[i] = true;
        }
    }
    hidden
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn stream(name: &str, amount: i64) -> FundingStream {
        FundingStream {
            name: name.into(),
            funder_organisation_id: None,
            amount_pence: amount,
            household_limit_pence: None,
        }
    }

    #[test]
    fn a_budget_names_each_stream_once_within_bounds() {
        let good = Budget {
            streams: vec![stream("Council", 1_000_000), stream("PCC grant", 0)],
        };
        assert!(good.violations().is_empty());
        let bad = Budget {
            streams: vec![
                stream("Council", -1),
                stream(" council ", 5),
                FundingStream {
                    household_limit_pence: Some(MAX_HOUSEHOLD_LIMIT_PENCE + 1),
                    ..stream("", 5)
                },
            ],
        };
        let pointers: Vec<String> = bad.violations().iter().map(|v| v.pointer.clone()).collect();
        assert_eq!(
            pointers,
            [
                "/streams/0/amount_pence",
                "/streams/1/name",
                "/streams/2/name",
                "/streams/2/household_limit_pence"
            ]
        );
        assert!(!Budget { streams: vec![] }.violations().is_empty());
    }

    fn funding() -> Funding {
        Funding {
            year_start: date!(2026 - 04 - 01),
            streams: vec![
                StreamRoom {
                    name: "Council".into(),
                    remaining_pence: 150_000,
                    household_limit_pence: None,
                },
                StreamRoom {
                    name: "PCC grant".into(),
                    remaining_pence: 1_000_000,
                    household_limit_pence: Some(300_000),
                },
            ],
        }
    }

    #[test]
    fn small_cells_are_withheld_with_a_partner_so_totals_do_not_give_them_away() {
        let m = |households, pence| Money { households, pence };
        // Nothing small: all shown.
        assert_eq!(withheld(&[m(9, 1), m(0, 0), m(12, 5)], 8), [false; 3]);
        // One small: it and the next smallest.
        assert_eq!(
            withheld(&[m(2, 400), m(9, 900), m(0, 0), m(20, 50)], 8),
            [true, true, false, false]
        );
        // Two small: enough already.
        assert_eq!(
            withheld(&[m(1, 1), m(3, 1), m(30, 1)], 8),
            [true, true, false]
        );
        // One small and nothing else to hide with it: the total must be withheld by
        // the caller (it is the cell).
        assert_eq!(withheld(&[m(1, 1), m(0, 0)], 8), [true, false]);
    }

    #[test]
    fn what_is_left_is_the_amount_less_committed_and_spent() {
        let budget = Budget {
            streams: vec![stream("Council", 1_000_000), stream("PCC grant", 500_000)],
        };
        let mut tally = StreamTally::default();
        tally.committed[0] = Money {
            households: 2,
            pence: 300_000,
        };
        tally.spent[1] = Money {
            households: 1,
            pence: 150_000,
        };
        let tallies = [("Council".to_owned(), tally)].into_iter().collect();
        let room = room(&budget, date!(2026 - 04 - 01), &tallies);
        assert_eq!(room.streams[0].remaining_pence, 550_000);
        assert_eq!(room.streams[1].remaining_pence, 500_000);
    }

    #[test]
    fn works_go_to_the_stream_chosen_or_the_first() {
        let f = funding();
        assert_eq!(stream_for(Some(&f), None).unwrap().unwrap().name, "Council");
        assert_eq!(
            stream_for(Some(&f), Some("pcc GRANT"))
                .unwrap()
                .unwrap()
                .name,
            "PCC grant"
        );
        assert_eq!(
            stream_for(Some(&f), Some("Lottery")),
            Err(NoStream::Unknown)
        );
        assert_eq!(stream_for(None, None), Ok(None));
        assert_eq!(stream_for(None, Some("Council")), Err(NoStream::NoBudget));
    }

    #[test]
    fn approval_beyond_the_limit_or_what_is_left_is_named() {
        let f = funding();
        let council = &f.streams[0];
        let pcc = &f.streams[1];
        assert_eq!(beyond(150_000, Some(council), 200_000), None);
        assert_eq!(
            beyond(150_001, Some(council), 200_000),
            Some(Beyond::StreamRemaining { remaining: 150_000 })
        );
        assert_eq!(
            beyond(200_001, Some(council), 200_000),
            Some(Beyond::HouseholdLimit { limit: 200_000 })
        );
        // The stream's own limit replaces the scheme's.
        assert_eq!(beyond(250_000, Some(pcc), 200_000), None);
        assert_eq!(
            beyond(300_001, Some(pcc), 200_000),
            Some(Beyond::HouseholdLimit { limit: 300_000 })
        );
        // No budget kept: only the scheme's limit.
        assert_eq!(beyond(200_000, None, 200_000), None);
    }

    #[test]
    fn spend_adds_up_the_streams_it_is_given() {
        let (a, b) = (stream("Council", 1_000), stream("Grant", 500));
        let mut tallies = std::collections::BTreeMap::new();
        let mut t = StreamTally::default();
        t.committed[0] = Money {
            households: 1,
            pence: 100,
        };
        t.spent[2] = Money {
            households: 2,
            pence: 300,
        };
        tallies.insert("Council".to_owned(), t);
        let both = spend([&a, &b], &tallies);
        assert_eq!(both.amount_pence, 1_500);
        assert_eq!(both.committed[0].pence, 100);
        assert_eq!(both.spent[2].households, 2);
        assert_eq!(both.remaining_pence, 1_500 - 100 - 300);
        let grant = spend([&b], &tallies);
        assert_eq!((grant.amount_pence, grant.remaining_pence), (500, 500));
        assert_eq!(grant.spent, [Money::default(); 4]);
    }
}
