//! The template's layout as CSV (RFC 4180): per section a heading line `title, Q1, Q2,
//! Q3, Q4, Total`, then one line per row. Spreadsheet-safe: a field that a spreadsheet
//! would take for a formula is prefixed with `'`.

use crate::wire::report::{MonitoringReport, SafeAccommodationReturn};

use super::display;

/// One CSV field: formula-looking text neutralised, then quoted if it needs to be.
pub fn field(text: &str) -> String {
    let safe = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

fn line(out: &mut String, fields: &[&str]) {
    let fields: Vec<String> = fields.iter().map(|f| field(f)).collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

pub fn report(r: &MonitoringReport) -> String {
    let mut out = String::new();
    line(&mut out, &["Sanctuary Scheme Monitoring Template"]);
    line(&mut out, &["Date from:", &r.year_start.to_string()]);
    line(&mut out, &["Date to:", &r.year_end.to_string()]);
    line(&mut out, &["Location:", &r.scheme.name]);
    let control = if r.disclosure_control.applied {
        format!(
            "applied: counts from 1 to {} shown as *{}",
            r.disclosure_control.threshold.saturating_sub(1),
            r.disclosure_control
                .rounding
                .map(|n| format!("; others rounded to the nearest {n}"))
                .unwrap_or_default()
        )
    } else {
        "not applied".to_owned()
    };
    line(&mut out, &["Disclosure control:", &control]);
    for section in &r.sections {
        out.push_str("\r\n");
        line(&mut out, &[section.title, "Q1", "Q2", "Q3", "Q4", "Total"]);
        line(
            &mut out,
            &[&format!("Basis: {}", section.basis_description)],
        );
        for row in &section.rows {
            let cells = row.cells().map(|c| display(row.kind, c));
            let mut fields = vec![row.label];
            fields.extend(cells.iter().map(String::as_str));
            line(&mut out, &fields);
        }
    }
    if let Some(spend) = &r.spend {
        out.push_str("\r\n");
        line(
            &mut out,
            &[
                "Spend against the budget (£)",
                "Q1",
                "Q2",
                "Q3",
                "Q4",
                "Total",
            ],
        );
        line(
            &mut out,
            &[
                "Basis: committed: works approved in the quarter and not yet completed, at \
               the approved estimate; spent: works completed in the quarter, at their cost",
            ],
        );
        for (label, total, cells) in [
            (
                "Committed",
                spend.committed_pence,
                spend
                    .quarters
                    .iter()
                    .map(|q| &q.committed)
                    .collect::<Vec<_>>(),
            ),
            (
                "Spent",
                spend.spent_pence,
                spend.quarters.iter().map(|q| &q.spent).collect(),
            ),
        ] {
            let shown: Vec<String> = cells.into_iter().map(super::money).collect();
            let mut fields = vec![label];
            fields.extend(shown.iter().map(String::as_str));
            let total = super::pounds(total);
            fields.push(&total);
            line(&mut out, &fields);
        }
        line(
            &mut out,
            &["Budget", "", "", "", "", &super::pounds(spend.amount_pence)],
        );
        line(
            &mut out,
            &[
                "Remaining",
                "",
                "",
                "",
                "",
                &super::pounds(spend.remaining_pence),
            ],
        );
    }
    out.push_str("\r\n");
    line(&mut out, &["Wider sanctuary scheme related work"]);
    for note in &r.notes {
        line(
            &mut out,
            &[
                &format!("Q{}", note.quarter),
                note.text.as_deref().unwrap_or(""),
            ],
        );
    }
    out
}

/// The annual return: per section a heading line, its basis, then `label, figure`.
pub fn safe_accommodation(r: &SafeAccommodationReturn) -> String {
    let mut out = String::new();
    line(
        &mut out,
        &["Domestic abuse safe accommodation annual return: sanctuary scheme"],
    );
    line(&mut out, &["Location:", &r.scheme.name]);
    line(&mut out, &["Date from:", &r.year_start.to_string()]);
    line(&mut out, &["Date to:", &r.year_end.to_string()]);
    line(
        &mut out,
        &["Disclosure control:", &control_text(&r.disclosure_control)],
    );
    for section in &r.sections {
        out.push_str("\r\n");
        line(&mut out, &[section.title, "Year"]);
        line(
            &mut out,
            &[&format!("Basis: {}", section.basis_description)],
        );
        for row in &section.rows {
            line(
                &mut out,
                &[
                    row.label,
                    &display(sanctuary_domain::report::RowKind::Count, &row.value),
                ],
            );
        }
    }
    out
}

fn control_text(c: &crate::wire::report::DisclosureControl) -> String {
    let rounding = c
        .rounding
        .map(|n| format!("; counts rounded to the nearest {n}"))
        .unwrap_or_default();
    if c.applied {
        format!(
            "applied: counts from 1 to {} shown as *{rounding}",
            c.threshold.saturating_sub(1)
        )
    } else {
        format!("not applied{rounding}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_fields_quoted() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("-2"), "'-2");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("12"), "12");
    }
}
