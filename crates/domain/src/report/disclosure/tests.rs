use std::collections::HashMap;

use proptest::prelude::*;

use super::*;
use crate::report::{RowKind, Spread, Tallies, build};

const GENDERS: &[&str] = &[
    "female",
    "male",
    "self_describe",
    "prefer_not_to_say",
    "unknown",
];
const ETHNICITIES: &[&str] = &[
    "white_british",
    "irish",
    "roma",
    "indian",
    "pakistani",
    "caribbean",
    "african",
    "white_and_asian",
    "arab",
    "prefer_not_to_say",
];
const AGES: &[&str] = &["18_24", "25_34", "35_44", "45_54", "65_plus"];
const TENURES: &[&str] = &[
    "council_housing",
    "housing_association",
    "privately_rented",
    "refuge",
];
const ACCOMMODATION: &[&str] = &["flat", "terraced", "detached", "unknown"];
const RISKS: &[&str] = &["high", "medium", "standard", "unknown"];
const SOURCES: &[&str] = &[
    "police",
    "housing_association",
    "specialist_domestic_abuse_service",
];
const DECLINES: &[&str] = &["out_of_area", "no_consent", "other"];
const ORIENTATIONS: &[&str] = &[
    "heterosexual",
    "bisexual",
    "gay_woman_or_lesbian",
    "prefer_not_to_say",
    "unknown",
];
const ANSWERS: &[&str] = &["yes", "no", "no", "unknown"];
const FLAGS: &[&str] = &[
    "gender_identity_differs",
    "interpreter",
    "nrpf",
    "pregnant",
    "marac",
];
const MEASURES: &[&str] = &["window_locks", "deadlock", "safe_room", "door_panels"];

/// A synthetic case: its quarter and an index into each vocabulary.
type Case = (usize, [usize; 6], bool, u8);

fn tallies(cases: &[Case]) -> Tallies {
    let mut t = Tallies::default();
    for &(q, [g, e, a, te, r, s], accepted, children) in cases {
        t.add("source", SOURCES[s % SOURCES.len()], q, 1);
        if !accepted {
            t.add("decision", DECLINES[g % DECLINES.len()], q, 1);
            continue;
        }
        t.add("decision", "accepted", q, 1);
        t.add("gender", GENDERS[g % GENDERS.len()], q, 1);
        t.add("ethnicity", ETHNICITIES[e % ETHNICITIES.len()], q, 1);
        t.add("age", AGES[a % AGES.len()], q, 1);
        t.add("tenure", TENURES[te % TENURES.len()], q, 1);
        t.add(
            "accommodation",
            ACCOMMODATION[(a + te) % ACCOMMODATION.len()],
            q,
            1,
        );
        t.add("risk", RISKS[r % RISKS.len()], q, 1);
        t.add("children", "count", q, i64::from(children));
        t.add(
            "children_given",
            if r % 5 == 0 { "no" } else { "yes" },
            q,
            1,
        );
        t.add(
            "sexual_orientation",
            ORIENTATIONS[(g + e) % ORIENTATIONS.len()],
            q,
            1,
        );
        for (i, flag) in FLAGS.iter().enumerate() {
            t.add(flag, ANSWERS[(e + i * te + r) % ANSWERS.len()], q, 1);
        }
        t.children[q].n += i64::from(children);
        t.children[q].sum += i64::from(children) * 7;
        // Some accepted cases are installations, a few completed with nothing fitted.
        if s % 3 == 2 {
            t.add("completed", "nothing_installed", q, 1);
            continue;
        }
        if s % 3 == 1 {
            continue;
        }
        t.add("completed", "installed", q, 1);
        t.add("measure", MEASURES[e % MEASURES.len()], q, 1);
        t.add(
            "measure_units",
            MEASURES[e % MEASURES.len()],
            q,
            1 + (a as i64 % 3),
        );
        let days = &mut t.days[q];
        days.n += 1;
        days.sum += 5 + a as i64;
        let cost = 10_000 + 1_000 * (a as i64);
        let s = &mut t.spend[q];
        *s = Spread {
            n: s.n + 1,
            sum: s.sum + cost,
            min: Some(s.min.map_or(cost, |m| m.min(cost))),
            max: Some(s.max.map_or(cost, |m| m.max(cost))),
        };
    }
    t
}

fn cases() -> impl Strategy<Value = Vec<Case>> {
    prop::collection::vec(
        (
            0..4usize,
            prop::array::uniform6(0..12usize),
            prop::bool::weighted(0.85),
            0..3u8,
        ),
        0..120,
    )
}

/// Rank of `m` (rows of coefficients) by Gaussian elimination.
fn rank(mut m: Vec<Vec<f64>>) -> usize {
    let cols = m.first().map_or(0, Vec::len);
    let mut rank = 0;
    for c in 0..cols {
        let Some(p) = (rank..m.len()).find(|r| m[*r][c].abs() > 1e-9) else {
            continue;
        };
        m.swap(rank, p);
        for r in 0..m.len() {
            if r != rank && m[r][c].abs() > 1e-9 {
                let f = m[r][c] / m[rank][c];
                let pivot = m[rank].clone();
                for (x, p) in m[r].iter_mut().zip(&pivot).skip(c) {
                    *x -= f * p;
                }
            }
        }
        rank += 1;
    }
    rank
}

/// The hidden count cells that the report's sums pin down exactly.
fn recoverable(sections: &[Section]) -> Vec<Pos> {
    let rows: Vec<_> = sections.iter().flat_map(|s| &s.rows).collect();
    let mut unknowns: Vec<Pos> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        if row.kind != RowKind::Count {
            continue;
        }
        for (c, cell) in row.cells().iter().enumerate() {
            if cell.suppressed {
                unknowns.push((r, c));
            }
        }
    }
    let var = |p: &Pos| unknowns.iter().position(|u| u == p);
    let equations: Vec<Vec<f64>> = constraints(sections)
        .iter()
        .map(|k| {
            let mut eq = vec![0.0; unknowns.len()];
            if let Some(i) = var(&k.total) {
                eq[i] -= 1.0;
            }
            for p in &k.parts {
                if let Some(i) = var(p) {
                    eq[i] += 1.0;
                }
            }
            eq
        })
        .filter(|eq| eq.iter().any(|v| *v != 0.0))
        .collect();
    let base = rank(equations.clone());
    unknowns
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            let mut with = equations.clone();
            let mut unit = vec![0.0; unknowns.len()];
            unit[*i] = 1.0;
            with.push(unit);
            rank(with) == base
        })
        .map(|(_, p)| *p)
        .collect()
}

/// The range each suppressed count is known to lie in from the published cells of the
/// report alone: every relation (row totals, sections adding up to headline rows,
/// headings), with every count whole and a suppressed one at least 1 (zeros are
/// shown), narrowed until nothing changes. Written apart from the code under test.
fn known_ranges(sections: &[Section]) -> HashMap<Pos, (i64, Option<i64>)> {
    let rows: Vec<_> = sections.iter().flat_map(|s| &s.rows).collect();
    let mut range: HashMap<Pos, (i64, Option<i64>)> = HashMap::new();
    for (r, row) in rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == RowKind::Count)
    {
        for (c, cell) in row.cells().iter().enumerate() {
            let known = match cell.whole() {
                Some(v) => (v, Some(v)),
                None => (1, None),
            };
            range.insert((r, c), known);
        }
    }
    let relations = constraints(sections);
    for _ in 0..500 {
        let before = range.clone();
        for k in &relations {
            // total − Σ parts = 0: each term lies between (what the rest can be).
            let mut terms: Vec<(Pos, i64)> = vec![(k.total, -1)];
            terms.extend(k.parts.iter().map(|p| (*p, 1)));
            for (i, (pos, sign)) in terms.iter().enumerate() {
                // sign·x = −Σ_others sign_j·x_j
                let (mut lo, mut hi) = (Some(0i64), Some(0i64));
                for (j, (other, s)) in terms.iter().enumerate() {
                    if i == j {
                        continue;
                    }
                    let (olo, ohi) = range[other];
                    let (tlo, thi) = if *s > 0 {
                        (ohi.map(|h| -h), Some(-olo))
                    } else {
                        (Some(olo), ohi)
                    };
                    lo = lo.zip(tlo).map(|(a, b)| a + b);
                    hi = hi.zip(thi).map(|(a, b)| a + b);
                }
                // x = sign·(that) since sign is ±1.
                let (xlo, xhi) = if *sign > 0 {
                    (lo, hi)
                } else {
                    (hi.map(|h| -h), lo.map(|l| -l))
                };
                let entry = range.get_mut(pos).unwrap();
                if let Some(l) = xlo {
                    entry.0 = entry.0.max(l);
                }
                if let Some(h) = xhi {
                    entry.1 = Some(entry.1.map_or(h, |e| e.min(h)));
                }
            }
        }
        if range == before {
            break;
        }
    }
    range
        .into_iter()
        .filter(|((r, c), _)| rows[*r].cells()[*c].suppressed)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn funders_never_see_a_small_number_or_a_recoverable_one(
        cases in cases(),
        threshold in 2u32..10,
        rounded in any::<bool>(),
    ) {
        let raw = build(&tallies(&cases));
        let mut shown = raw.clone();
        let control = Control { threshold, rounding: rounded.then_some(5) };
        apply(&mut shown, control);
        let t = i64::from(threshold);
        for (section, original) in shown.iter().zip(&raw) {
            for (row, before) in section.rows.iter().zip(&original.rows) {
                for (cell, raw_cell) in row.cells().iter().zip(before.cells()) {
                    if row.kind == RowKind::Count {
                        if let Some(v) = cell.whole() {
                            prop_assert!(v == 0 || v >= t, "{} shows {v} (threshold {t})", row.code);
                            if !rounded {
                                prop_assert_eq!(cell.value, raw_cell.value);
                            }
                        } else {
                            prop_assert!(cell.suppressed, "{} hides a value unmarked", row.code);
                        }
                    } else if raw_cell.basis_n > 0 && raw_cell.basis_n < t {
                        prop_assert!(cell.suppressed, "{} rests on {} cases", row.code, raw_cell.basis_n);
                    }
                }
                if row.kind != RowKind::Count {
                    let hidden = row.cells().iter().filter(|c| c.suppressed).count();
                    let visible = row.cells().iter().filter(|c| c.value.is_some()).count();
                    prop_assert!(!(hidden == 1 && visible > 0), "{}: one statistic hidden", row.code);
                }
            }
        }
        // True zeros are shown, never hidden; statistics go with their cases' counts.
        let rows: Vec<_> = shown.iter().flat_map(|s| &s.rows).collect();
        let raw_rows: Vec<_> = raw.iter().flat_map(|s| &s.rows).collect();
        for (row, before) in rows.iter().zip(&raw_rows) {
            for (cell, raw_cell) in row.cells().iter().zip(before.cells()) {
                if row.kind == RowKind::Count && raw_cell.whole() == Some(0) {
                    prop_assert_eq!(cell.whole(), Some(0), "{} hides a zero", row.code);
                }
            }
            let counted_by = match row.code {
                "spend.lowest" | "spend.highest" | "spend.average"
                | "days_to_installation.average" => Some("installations_completed"),
                "children.average_age" => Some("children.count"),
                _ => None,
            };
            if let Some(code) = counted_by {
                let count = rows.iter().find(|r| r.code == code).unwrap();
                for (stat, n) in row.cells().iter().zip(count.cells()) {
                    if n.suppressed {
                        prop_assert!(stat.value.is_none(), "{} shown over hidden {code}", row.code);
                    }
                }
            }
            if matches!(row.code, "spend.lowest" | "spend.highest") {
                for (cell, raw_cell) in row.cells().iter().zip(before.cells()) {
                    if cell.value.is_some() {
                        prop_assert!(raw_cell.basis_n >= t, "{} over {} households", row.code, raw_cell.basis_n);
                    }
                }
            }
        }
        if !rounded {
            let exposed = recoverable(&shown);
            prop_assert!(exposed.is_empty(), "recoverable cells: {exposed:?}");
            for (pos, (lo, hi)) in known_ranges(&shown) {
                prop_assert!(hi != Some(lo), "{} col {} is known to be {lo}", rows[pos.0].code, pos.1);
            }
        }
    }
}

#[test]
fn a_lone_small_cell_takes_a_partner_in_its_row_and_its_section() {
    // 3 female clients in Q1 only; 20 male clients each quarter.
    let mut cases: Vec<Case> = (0..3).map(|_| (0, [0, 0, 1, 0, 0, 0], true, 0)).collect();
    for q in 0..4 {
        cases.extend((0..20).map(|_| (q, [1, 0, 1, 0, 0, 0], true, 0)));
    }
    let mut shown = build(&tallies(&cases));
    apply(
        &mut shown,
        Control {
            threshold: 8,
            rounding: None,
        },
    );
    let row = |code: &str| {
        shown
            .iter()
            .flat_map(|s| &s.rows)
            .find(|r| r.code == code)
            .unwrap()
            .clone()
    };
    let female = row("gender.female");
    assert!(female.q1.suppressed, "3 is small");
    // Its row: Q2–Q4 are 0 and cannot hide it, so the Total goes too.
    assert!(female.total.suppressed);
    // Its column: male Q1 (the smallest non-zero partner) goes with it.
    assert!(row("gender.male").q1.suppressed);
    assert_eq!(row("gender.male").q2.whole(), Some(20));
    assert!(recoverable(&shown).is_empty());
}

#[test]
fn a_zero_heading_never_sits_over_hidden_categories() {
    // Q1: 3 Indian clients and 20 white British; no other Asian client all year, so
    // the Asian heading is 3 in Q1 and 0 elsewhere.
    let mut cases: Vec<Case> = (0..3).map(|_| (0, [1, 3, 1, 0, 0, 0], true, 0)).collect();
    for q in 0..4 {
        cases.extend((0..20).map(|_| (q, [1, 0, 1, 0, 0, 0], true, 0)));
    }
    let mut shown = build(&tallies(&cases));
    apply(
        &mut shown,
        Control {
            threshold: 8,
            rounding: None,
        },
    );
    let rows: Vec<_> = shown.iter().flat_map(|s| &s.rows).collect();
    let pakistani = rows
        .iter()
        .find(|r| r.code == "ethnicity.pakistani")
        .unwrap();
    for cell in pakistani.cells() {
        assert_eq!(cell.whole(), Some(0), "true zeros are shown");
    }
    let asian = rows
        .iter()
        .find(|r| r.code == "ethnicity.group.asian")
        .unwrap();
    assert!(asian.q1.suppressed && asian.total.suppressed);
    assert_eq!(asian.q2.whole(), Some(0));
    assert!(
        known_ranges(&shown)
            .values()
            .all(|(lo, hi)| *hi != Some(*lo))
    );
}

#[test]
fn statistics_go_with_the_count_of_their_cases() {
    // 3 installations in Q1: the count is small, so spend and days are withheld.
    let mut cases: Vec<Case> = (0..3).map(|_| (0, [0, 0, 1, 0, 0, 0], true, 0)).collect();
    for q in 0..4 {
        cases.extend((0..30).map(|_| (q, [1, 0, 2, 0, 1, 0], true, 0)));
    }
    let mut shown = build(&tallies(&cases));
    apply(
        &mut shown,
        Control {
            threshold: 8,
            rounding: None,
        },
    );
    let rows: Vec<_> = shown.iter().flat_map(|s| &s.rows).collect();
    let row = |code: &str| *rows.iter().find(|r| r.code == code).unwrap();
    let completed = row("installations_completed");
    for (i, cell) in completed.cells().iter().enumerate() {
        for stat in [
            "spend.lowest",
            "spend.highest",
            "spend.average",
            "days_to_installation.average",
        ] {
            if cell.suppressed {
                assert!(row(stat).cells()[i].value.is_none(), "{stat} {i}");
            }
        }
    }
}

#[test]
fn rounding_goes_to_the_nearest_five_but_never_below_the_threshold() {
    assert_eq!(round(12, 5, 8), 10);
    assert_eq!(round(13, 5, 8), 15);
    assert_eq!(round(8, 5, 8), 10);
    assert_eq!(round(12, 5, 12), 15, "10 would look like a small number");
    assert_eq!(round(0, 5, 8), 0);
}
