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
const RISKS: &[&str] = &["high", "medium", "standard", "unknown"];
const SOURCES: &[&str] = &[
    "police",
    "housing_association",
    "specialist_domestic_abuse_service",
];
const DECLINES: &[&str] = &["out_of_area", "no_consent", "other"];

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
        t.add("risk", RISKS[r % RISKS.len()], q, 1);
        t.add("children", "count", q, i64::from(children));
        t.children[q].n += i64::from(children);
        t.children[q].sum += i64::from(children) * 7;
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
        if !rounded {
            let exposed = recoverable(&shown);
            prop_assert!(exposed.is_empty(), "recoverable cells: {exposed:?}");
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
fn rounding_goes_to_the_nearest_five_but_never_below_the_threshold() {
    assert_eq!(round(12, 5, 8), 10);
    assert_eq!(round(13, 5, 8), 15);
    assert_eq!(round(8, 5, 8), 10);
    assert_eq!(round(12, 5, 12), 15, "10 would look like a small number");
    assert_eq!(round(0, 5, 8), 0);
}
