//! The monitoring report as CSV and as a printable HTML page.

pub mod csv;
pub mod html;
pub mod letter;

use sanctuary_domain::report::{Cell, Figure, RowKind};

/// A cell as people read it: `*` when suppressed, blank when there is nothing to show,
/// pounds and pence for money.
pub fn display(kind: RowKind, cell: &Cell) -> String {
    if cell.suppressed {
        return "*".to_owned();
    }
    match (kind, cell.value) {
        (_, None) => String::new(),
        (RowKind::Pence, Some(Figure::Whole(pence))) => pounds(pence),
        (_, Some(figure)) => figure.to_string(),
    }
}

/// Pence as pounds and pence: `1190.05`.
pub fn pounds(pence: i64) -> String {
    format!("{}.{:02}", pence.div_euclid(100), pence.rem_euclid(100))
}

/// A money cell of the spend section: `*` when withheld.
pub fn money(cell: &crate::wire::budget::MoneyCell) -> String {
    match (cell.suppressed, cell.pence) {
        (true, _) | (false, None) => "*".to_owned(),
        (false, Some(pence)) => pounds(pence),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(value: Option<Figure>, suppressed: bool) -> Cell {
        Cell {
            value,
            suppressed,
            basis_n: 0,
        }
    }

    #[test]
    fn cells_read_as_people_expect() {
        assert_eq!(display(RowKind::Count, &cell(None, true)), "*");
        assert_eq!(display(RowKind::Count, &cell(None, false)), "");
        assert_eq!(
            display(RowKind::Count, &cell(Some(Figure::Whole(12)), false)),
            "12"
        );
        assert_eq!(
            display(RowKind::Pence, &cell(Some(Figure::Whole(119_005)), false)),
            "1190.05"
        );
        assert_eq!(
            display(RowKind::Mean, &cell(Some(Figure::Decimal(3.0)), false)),
            "3.0"
        );
    }
}
