//! A relation between the count cells of a report.

/// A cell: (row index over all sections in order, column 0–4 where 4 is Total).
pub type Pos = (usize, usize);

/// `total` equals the sum of `parts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    pub total: Pos,
    pub parts: Vec<Pos>,
}
