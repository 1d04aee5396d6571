//! Disclosure control for funders (NHS Digital practice): counts from 1 to threshold − 1
//! are suppressed, statistics resting on fewer cases than the threshold — or on cases
//! whose count is suppressed — are withheld, and further cells are suppressed until no
//! hidden cell can be worked back out from the published ones: not from a total it
//! belongs to (each row's Total, each section that adds up to a headline row, each
//! ethnic group heading), not by combining those sums, and not from the bounds they
//! put on it (counts are never negative). Then visible counts may be rounded.
//!
//! True zeros are always shown as 0 (the usual UK statistical practice: a zero singles
//! nobody out) and are never hidden, not even as a partner of a small number, so a
//! hidden count is known to be at least 1 and the bounds are worked out with that.

use std::collections::HashMap;

use super::{Section, SectionSpec, Source, layout::SECTIONS};

mod bounds;
mod relation;

pub use bounds::{Range, pinned, ranges};
pub use relation::{Constraint, Pos};

/// A scheme's disclosure settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    /// Counts 1..threshold are hidden.
    pub threshold: u32,
    /// Visible counts rounded to the nearest multiple of this (never below the threshold).
    pub rounding: Option<u32>,
}

/// Every additive relation between the count cells of the monitoring report.
pub fn constraints(sections: &[Section]) -> Vec<Constraint> {
    constraints_of(SECTIONS, sections)
}

/// Every additive relation between the count cells of `sections`, laid out by `specs`.
pub fn constraints_of(specs: &[SectionSpec], sections: &[Section]) -> Vec<Constraint> {
    let rows: Vec<_> = sections.iter().flat_map(|s| &s.rows).collect();
    let index: HashMap<&str, usize> = rows.iter().enumerate().map(|(i, r)| (r.code, i)).collect();
    let counts = |i: &usize| rows[*i].kind == super::RowKind::Count;
    let mut out = Vec::new();
    for (i, _) in rows.iter().enumerate().filter(|(i, _)| counts(i)) {
        out.push(Constraint {
            total: (i, 4),
            parts: (0..4).map(|c| (i, c)).collect(),
        });
    }
    for spec in specs {
        let members: Vec<usize> = spec.rows.iter().map(|r| index[r.code]).collect();
        if let Some(total) = spec.partition_of {
            let parts: Vec<usize> = spec
                .rows
                .iter()
                .filter(|r| r.group_of.is_empty())
                .map(|r| index[r.code])
                .collect();
            for c in 0..5 {
                out.push(Constraint {
                    total: (index[total], c),
                    parts: parts.iter().map(|r| (*r, c)).collect(),
                });
            }
            // With headings, the same total is also the headings plus the rows under none.
            if spec.rows.iter().any(|r| !r.group_of.is_empty()) {
                let under: Vec<&str> = spec.rows.iter().flat_map(|r| r.group_of).copied().collect();
                let coarse: Vec<usize> = spec
                    .rows
                    .iter()
                    .filter(|r| !under.contains(&r.code))
                    .map(|r| index[r.code])
                    .collect();
                for c in 0..5 {
                    out.push(Constraint {
                        total: (index[total], c),
                        parts: coarse.iter().map(|r| (*r, c)).collect(),
                    });
                }
            }
        }
        for (row, i) in spec.rows.iter().zip(&members) {
            if row.group_of.is_empty() {
                continue;
            }
            for c in 0..5 {
                out.push(Constraint {
                    total: (*i, c),
                    parts: row.group_of.iter().map(|p| (index[p], c)).collect(),
                });
            }
        }
    }
    out
}

/// Applies disclosure control to the monitoring report's `sections` in place.
pub fn apply(sections: &mut [Section], control: Control) {
    apply_to(SECTIONS, sections, control);
}

/// Applies disclosure control to `sections`, laid out by `specs`, in place.
pub fn apply_to(specs: &[SectionSpec], sections: &mut [Section], control: Control) {
    let threshold = i64::from(control.threshold.max(1));
    let constraints = constraints_of(specs, sections);
    let mut rows: Vec<_> = sections
        .iter_mut()
        .flat_map(|s| s.rows.iter_mut())
        .collect();
    let count_row: Vec<bool> = rows
        .iter()
        .map(|r| r.kind == super::RowKind::Count)
        .collect();
    // Raw values (counts) or the number of cases a statistic rests on.
    let weight = |rows: &Vec<&mut super::Row>, (r, c): Pos| rows[r].cells()[c].basis_n;
    let mut hidden: Vec<[bool; 5]> = rows
        .iter()
        .map(|r| r.cells().map(|cell| (1..threshold).contains(&cell.basis_n)))
        .collect();
    // Each statistic's count row: the statistic goes wherever that count is hidden.
    let specs: Vec<_> = specs.iter().flat_map(|s| s.rows).collect();
    let counted_by: Vec<Option<usize>> = specs
        .iter()
        .map(|spec| match spec.source {
            Source::Stat(stat) => specs.iter().position(|r| r.code == stat.counted_by()),
            Source::Count(..) => None,
        })
        .collect();

    loop {
        let mut changed = false;
        // Count relations: never exactly one hidden cell among a total and its parts.
        for k in &constraints {
            let group: Vec<Pos> = std::iter::once(k.total)
                .chain(k.parts.iter().copied())
                .collect();
            if group.iter().filter(|(r, c)| hidden[*r][*c]).count() != 1 {
                continue;
            }
            let open_parts: Vec<Pos> = k
                .parts
                .iter()
                .copied()
                .filter(|(r, c)| !hidden[*r][*c])
                .collect();
            let Some(pick) = smallest(&rows, &open_parts, weight)
                .or_else(|| smallest(&rows, &[k.total], weight))
            else {
                continue;
            };
            hidden[pick.0][pick.1] = true;
            changed = true;
        }
        for (r, count) in counted_by.iter().enumerate() {
            let Some(count) = count else { continue };
            let withheld = hidden[*count];
            let shown: [bool; 5] = rows[r].cells().map(|cell| cell.value.is_some());
            for (c, cell) in hidden[r].iter_mut().enumerate() {
                if withheld[c] && !*cell && shown[c] {
                    *cell = true;
                    changed = true;
                }
            }
        }
        // Statistics: a year figure with one quarter hidden would give that quarter away.
        for (r, row) in rows.iter().enumerate() {
            if count_row[r] {
                continue;
            }
            let shown: Vec<Pos> = (0..5)
                .filter(|c| !hidden[r][*c] && row.cells()[*c].value.is_some())
                .map(|c| (r, c))
                .collect();
            let withheld = (0..5).filter(|c| hidden[r][*c]).count();
            if withheld == 1 && !shown.is_empty() {
                let quarters: Vec<Pos> = shown.iter().copied().filter(|(_, c)| *c < 4).collect();
                let pick = smallest(&rows, &quarters, weight).unwrap_or((r, 4));
                hidden[pick.0][pick.1] = true;
                changed = true;
            }
        }
        if !changed {
            // The simple rules can still leave a hidden cell pinned down by several sums
            // together, or by the bounds they set: find it and hide a partner until none
            // is.
            let mut exposed = determined(&constraints, &hidden);
            if exposed.is_empty() {
                exposed = pinned(&constraints, &hidden, |p| weight(&rows, p));
            }
            if let Some(at) = exposed.first()
                && let Some((r, c)) = partner(&constraints, &hidden, *at, &rows, weight)
            {
                hidden[r][c] = true;
                continue;
            }
            break;
        }
    }

    for (r, row) in rows.iter_mut().enumerate() {
        let is_count = count_row[r];
        for (c, cell) in row.cells_mut().into_iter().enumerate() {
            if hidden[r][c] {
                cell.value = None;
                cell.suppressed = true;
            } else if let (true, Some(step), Some(v)) = (is_count, control.rounding, cell.whole()) {
                cell.value = Some(super::Figure::Whole(round(v, i64::from(step), threshold)));
            }
        }
    }
}

/// The hidden cells the constraints determine exactly: with the visible cells known,
/// each constraint is a linear equation in the hidden ones; a hidden cell is determined
/// when it is a pivot of the reduced row echelon form with no free variable beside it.
pub fn determined(constraints: &[Constraint], hidden: &[[bool; 5]]) -> Vec<Pos> {
    let mut unknowns: Vec<Pos> = Vec::new();
    let mut column: HashMap<Pos, usize> = HashMap::new();
    for (r, cells) in hidden.iter().enumerate() {
        for (c, h) in cells.iter().enumerate() {
            if *h {
                column.insert((r, c), unknowns.len());
                unknowns.push((r, c));
            }
        }
    }
    let n = unknowns.len();
    let mut m: Vec<Vec<i64>> = constraints
        .iter()
        .map(|k| {
            let mut eq = vec![0i64; n];
            if let Some(i) = column.get(&k.total) {
                eq[*i] -= 1;
            }
            for p in &k.parts {
                if let Some(i) = column.get(p) {
                    eq[*i] += 1;
                }
            }
            eq
        })
        .filter(|eq| eq.iter().any(|v| *v != 0))
        .collect();
    // Fraction-free elimination in integers: exact, and the values stay small here.
    let mut pivots: Vec<(usize, usize)> = Vec::new();
    let mut row = 0;
    for col in 0..n {
        let Some(p) = (row..m.len()).find(|r| m[*r][col] != 0) else {
            continue;
        };
        m.swap(row, p);
        for r in 0..m.len() {
            if r != row && m[r][col] != 0 {
                let (a, b) = (m[row][col], m[r][col]);
                let pivot_row = m[row].clone();
                for (x, p) in m[r].iter_mut().zip(&pivot_row) {
                    *x = *x * a - p * b;
                }
                let g = m[r].iter().fold(0i64, |g, v| gcd(g, v.abs()));
                if g > 1 {
                    m[r].iter_mut().for_each(|v| *v /= g);
                }
            }
        }
        pivots.push((row, col));
        row += 1;
    }
    pivots
        .into_iter()
        .filter(|(r, col)| (0..n).all(|k| k == *col || m[*r][k] == 0))
        .map(|(_, col)| unknowns[col])
        .collect()
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// A cell to hide so that `pinned` is no longer determined: the smallest open cell of
/// the constraints nearest to it (those holding it, then those sharing a hidden cell
/// with them, and so on).
fn partner(
    constraints: &[Constraint],
    hidden: &[[bool; 5]],
    pinned: Pos,
    rows: &Vec<&mut super::Row>,
    weight: impl Fn(&Vec<&mut super::Row>, Pos) -> i64 + Copy,
) -> Option<Pos> {
    let is_hidden = |(r, c): Pos| hidden[r][c];
    let mut reached: Vec<Pos> = vec![pinned];
    let mut used = vec![false; constraints.len()];
    loop {
        let layer: Vec<usize> = (0..constraints.len())
            .filter(|i| !used[*i])
            .filter(|i| {
                let k = &constraints[*i];
                reached.contains(&k.total) || k.parts.iter().any(|p| reached.contains(p))
            })
            .collect();
        if layer.is_empty() {
            return None;
        }
        let mut open: Vec<Pos> = Vec::new();
        for i in &layer {
            used[*i] = true;
            let k = &constraints[*i];
            for p in std::iter::once(k.total).chain(k.parts.iter().copied()) {
                if is_hidden(p) {
                    reached.push(p);
                } else {
                    open.push(p);
                }
            }
        }
        // Parts before totals: a headline figure is the last thing to hide.
        let totals: Vec<Pos> = layer.iter().map(|i| constraints[*i].total).collect();
        let parts: Vec<Pos> = open
            .iter()
            .copied()
            .filter(|p| !totals.contains(p))
            .collect();
        if let Some(p) = smallest(rows, &parts, weight).or_else(|| smallest(rows, &open, weight)) {
            return Some(p);
        }
    }
}

/// The open cell with the least weight, never a zero (zeros are always shown).
fn smallest(
    rows: &Vec<&mut super::Row>,
    cells: &[Pos],
    weight: impl Fn(&Vec<&mut super::Row>, Pos) -> i64 + Copy,
) -> Option<Pos> {
    cells
        .iter()
        .copied()
        .filter(|p| weight(rows, *p) > 0)
        .min_by_key(|p| (weight(rows, *p), *p))
}

/// `v` to the nearest multiple of `step` (halves up), never below `threshold` unless 0.
fn round(v: i64, step: i64, threshold: i64) -> i64 {
    if v == 0 || step <= 1 {
        return v;
    }
    let nearest = (v + step / 2) / step * step;
    if nearest >= threshold {
        nearest
    } else {
        // Up to the first multiple at or above the threshold.
        (threshold + step - 1) / step * step
    }
}

#[cfg(test)]
mod tests;
