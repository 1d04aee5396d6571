//! What the published cells of one report say about its hidden ones beyond exact
//! equations: every count is a whole number, and a hidden count is at least 1 (true
//! zeros are shown), so sums with visible totals bound the hidden cells in them. A
//! hidden cell whose bounds meet is as good as published.

use super::relation::{Constraint, Pos};

/// A hidden cell's known range; `hi` is `None` while unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub lo: i64,
    pub hi: Option<i64>,
}

/// The ranges every cell is known to lie in, given the visible values (`value`, for
/// cells not `hidden`) and the relations: propagated to a fixed point.
pub fn ranges(
    constraints: &[Constraint],
    hidden: &[[bool; 5]],
    value: impl Fn(Pos) -> i64,
) -> Vec<[Range; 5]> {
    let mut r: Vec<[Range; 5]> = hidden
        .iter()
        .enumerate()
        .map(|(row, cells)| {
            std::array::from_fn(|c| {
                if cells[c] {
                    Range { lo: 1, hi: None }
                } else {
                    let v = value((row, c));
                    Range { lo: v, hi: Some(v) }
                }
            })
        })
        .collect();
    // Each pass only narrows; the bound keeps an inconsistent system from spinning.
    for _ in 0..200 {
        let mut changed = false;
        for k in constraints {
            let lo_sum: i64 = k
                .parts
                .iter()
                .fold(0i64, |s, (a, b)| s.saturating_add(r[*a][*b].lo));
            let hi_sum: Option<i64> = k
                .parts
                .iter()
                .try_fold(0i64, |s, (a, b)| r[*a][*b].hi.map(|h| s.saturating_add(h)));
            let (t, tc) = k.total;
            let total = r[t][tc];
            let narrowed = Range {
                lo: total.lo.max(lo_sum),
                hi: min(total.hi, hi_sum),
            };
            if narrowed != total {
                r[t][tc] = narrowed;
                changed = true;
            }
            let total = r[t][tc];
            for (a, b) in &k.parts {
                let part = r[*a][*b];
                let others_lo = lo_sum.saturating_sub(part.lo);
                let others_hi = hi_sum.and_then(|h| part.hi.map(|p| h.saturating_sub(p)));
                let narrowed = Range {
                    lo: match (total.lo, others_hi) {
                        (lo, Some(h)) => part.lo.max(lo.saturating_sub(h)),
                        (_, None) => part.lo,
                    },
                    hi: min(part.hi, total.hi.map(|h| h.saturating_sub(others_lo))),
                };
                if narrowed != part {
                    r[*a][*b] = narrowed;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    r
}

fn min(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The hidden cells whose range is a single value.
pub fn pinned(
    constraints: &[Constraint],
    hidden: &[[bool; 5]],
    value: impl Fn(Pos) -> i64,
) -> Vec<Pos> {
    let r = ranges(constraints, hidden, value);
    let mut out = Vec::new();
    for (row, cells) in hidden.iter().enumerate() {
        for (c, h) in cells.iter().enumerate() {
            if *h && r[row][c].hi == Some(r[row][c].lo) {
                out.push((row, c));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_hidden_ones_under_a_visible_two_are_pinned_but_under_a_ten_are_not() {
        // Row 0: total (col 4) = q1 + q2 + q3 + q4.
        let k = vec![Constraint {
            total: (0, 4),
            parts: (0..4).map(|c| (0, c)).collect(),
        }];
        let hidden = vec![[true, true, false, false, false]];
        let two = |p: Pos| [1, 1, 0, 0, 2][p.1];
        assert_eq!(pinned(&k, &hidden, two), vec![(0, 0), (0, 1)]);
        let ten = |p: Pos| [3, 7, 0, 0, 10][p.1];
        assert!(pinned(&k, &hidden, ten).is_empty());
        let r = ranges(&k, &hidden, ten);
        assert_eq!(r[0][0], Range { lo: 1, hi: Some(9) });
    }
}
