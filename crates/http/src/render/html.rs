//! A printable page: the template's tables and simple bar charts as inline SVG. No
//! script and nothing fetched; every text is escaped.

use std::fmt::Write;

use sanctuary_domain::report::{Row, Section};

use crate::wire::report::{MonitoringReport, ReportSpend, SafeAccommodationReturn};

use super::display;

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#111}\
table{border-collapse:collapse;margin:0 0 1.5em;min-width:40em}\
th,td{border:1px solid #999;padding:.2em .5em}td.n{text-align:right}\
tr.heading td{font-weight:bold}caption{text-align:left;font-weight:bold;padding:.3em 0}\
p.basis{font-size:.85em;color:#444;margin:0 0 .3em}\
figure{display:inline-block;margin:0 2em 1em 0;vertical-align:top}\
@media print{figure,table{break-inside:avoid}}";

/// A horizontal bar chart of rows' year totals (suppressed ones labelled `*`).
fn chart(title: &str, rows: &[&Row]) -> String {
    let bar_h = 18;
    let label_w = 260;
    let bar_w = 220;
    let max = rows
        .iter()
        .filter_map(|r| r.total.value.map(|v| v.as_f64()))
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let height = rows.len() * (bar_h + 4) + 8;
    let mut svg = format!(
        "<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        escape(title),
        label_w + bar_w + 60,
        escape(title)
    );
    for (i, row) in rows.iter().enumerate() {
        let y = 4 + i * (bar_h + 4);
        let value = row.total.value.map(|v| v.as_f64()).unwrap_or(0.0);
        let width = (value / max * bar_w as f64).round();
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{width}\" height=\"{bar_h}\" fill=\"#4a6fa5\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
            y + 13,
            escape(row.label),
            label_w as f64 + width + 4.0,
            y + 13,
            escape(&display(row.kind, &row.total)),
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

/// A bar's label: whole pounds with thousands separators (`£14,617`), `*` withheld.
fn whole_pounds(cell: &crate::wire::budget::MoneyCell) -> String {
    let Some(pence) = cell.pence.filter(|_| !cell.suppressed) else {
        return "*".to_owned();
    };
    let digits = ((pence.abs() + 50) / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}£{grouped}", if pence < 0 { "-" } else { "" })
}

/// Committed against spent per quarter, as pairs of vertical bars (withheld ones `*`).
fn spend_chart(spend: &ReportSpend) -> String {
    let (bar_w, gap, chart_h, top) = (50, 30, 160, 16);
    let pence = |c: &crate::wire::budget::MoneyCell| c.pence.filter(|_| !c.suppressed);
    let max = spend
        .quarters
        .iter()
        .flat_map(|q| [pence(&q.committed), pence(&q.spent)])
        .flatten()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let width = 4 * (2 * bar_w + gap) + 40;
    let mut svg = format!(
        "<figure><figcaption>Spend against the budget: committed and spent by quarter \
         (£{} budget, £{} remaining)</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{width}\" height=\"{}\" role=\"img\" aria-label=\"Committed and spent by quarter\">",
        super::pounds(spend.amount_pence),
        super::pounds(spend.remaining_pence),
        chart_h + top + 40,
    );
    for (i, q) in spend.quarters.iter().enumerate() {
        let x0 = 20 + i * (2 * bar_w + gap);
        for (j, (cell, colour)) in [(&q.committed, "#c9a227"), (&q.spent, "#4a6fa5")]
            .into_iter()
            .enumerate()
        {
            let value = pence(cell).unwrap_or(0) as f64;
            let h = (value / max * chart_h as f64).round();
            let x = x0 + j * bar_w;
            let y = top as f64 + chart_h as f64 - h;
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{h}\" fill=\"{colour}\"/>\
                 <text x=\"{x}\" y=\"{}\" font-size=\"10\">{}</text>",
                bar_w - 4,
                y - 3.0,
                escape(&whole_pounds(cell)),
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{x0}\" y=\"{}\" font-size=\"12\">Q{}</text>",
            top + chart_h + 16,
            q.quarter
        );
    }
    let _ = write!(
        svg,
        "<rect x=\"20\" y=\"{0}\" width=\"10\" height=\"10\" fill=\"#c9a227\"/>\
         <text x=\"34\" y=\"{1}\" font-size=\"12\">Committed</text>\
         <rect x=\"120\" y=\"{0}\" width=\"10\" height=\"10\" fill=\"#4a6fa5\"/>\
         <text x=\"134\" y=\"{1}\" font-size=\"12\">Spent</text></svg></figure>",
        top + chart_h + 24,
        top + chart_h + 33,
    );
    svg
}

fn rows_of<'a>(r: &'a MonitoringReport, section: &str) -> Vec<&'a Row> {
    r.sections
        .iter()
        .filter(|s| s.code == section)
        .flat_map(|s| &s.rows)
        .collect()
}

fn table(section: &Section) -> String {
    let mut html = format!(
        "<table><caption>{}</caption><thead><tr><th></th><th>Q1</th><th>Q2</th><th>Q3</th>\
         <th>Q4</th><th>Total</th></tr></thead><tbody>",
        escape(section.title)
    );
    for row in &section.rows {
        let class = if row.heading {
            " class=\"heading\""
        } else {
            ""
        };
        let _ = write!(html, "<tr{class}><td>{}</td>", escape(row.label));
        for cell in row.cells() {
            let _ = write!(
                html,
                "<td class=\"n\">{}</td>",
                escape(&display(row.kind, cell))
            );
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

pub fn report(r: &MonitoringReport) -> String {
    let title = format!(
        "Sanctuary Scheme monitoring: {} {} to {}",
        r.scheme.name, r.year_start, r.year_end
    );
    let mut html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{0}</title><style>{STYLE}</style></head><body><h1>{0}</h1>",
        escape(&title)
    );
    let control = if r.disclosure_control.applied {
        format!(
            "Disclosure control applied: counts from 1 to {} are shown as *; means based on \
             fewer cases are withheld{}.",
            r.disclosure_control.threshold.saturating_sub(1),
            r.disclosure_control
                .rounding
                .map(|n| format!("; other counts are rounded to the nearest {n}"))
                .unwrap_or_default()
        )
    } else {
        "Disclosure control not applied: exact figures, for the coordinator only.".to_owned()
    };
    let _ = write!(html, "<p>{}</p>", escape(&control));
    let charts = [
        (
            "Referrals and installations (year)",
            "referrals_and_installations",
        ),
        ("Measures installed (year)", "measures_installed"),
        ("Gender (year)", "gender"),
        ("Age (year)", "age"),
        ("Risk level (year)", "risk"),
        ("Does the client feel safer? (year)", "felt_safer"),
    ];
    for (title, section) in charts {
        html.push_str(&chart(title, &rows_of(r, section)));
    }
    let groups: Vec<&Row> = rows_of(r, "ethnicity")
        .into_iter()
        .filter(|r| r.heading)
        .collect();
    html.push_str(&chart("Ethnic group (year)", &groups));
    if let Some(spend) = &r.spend {
        html.push_str(&spend_chart(spend));
    }
    for section in &r.sections {
        let _ = write!(
            html,
            "<section><p class=\"basis\">Basis: {}</p>{}</section>",
            escape(section.basis_description),
            table(section)
        );
    }
    html.push_str("<h2>Wider sanctuary scheme related work</h2><dl>");
    for note in &r.notes {
        let _ = write!(
            html,
            "<dt>Q{}</dt><dd>{}</dd>",
            note.quarter,
            escape(note.text.as_deref().unwrap_or("—")).replace('\n', "<br>")
        );
    }
    html.push_str("</dl></body></html>");
    html
}

/// The annual return as a printable page.
pub fn safe_accommodation(r: &SafeAccommodationReturn) -> String {
    let title = format!(
        "Domestic abuse safe accommodation return, sanctuary scheme: {} {} to {}",
        r.scheme.name, r.year_start, r.year_end
    );
    let mut html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{0}</title><style>{STYLE}</style></head><body><h1>{0}</h1>",
        escape(&title)
    );
    let c = &r.disclosure_control;
    let rounding = c
        .rounding
        .map(|n| {
            format!(
                " Counts are rounded to the nearest {n}; a count that is not 0 never shows as 0."
            )
        })
        .unwrap_or_default();
    let control = if c.applied {
        format!(
            "Disclosure control applied: counts from 1 to {} are shown as *.{rounding}",
            c.threshold.saturating_sub(1)
        )
    } else {
        format!("Disclosure control not applied: for the coordinator only.{rounding}")
    };
    let _ = write!(html, "<p>{}</p>", escape(&control));
    for section in &r.sections {
        let _ = write!(
            html,
            "<section><p class=\"basis\">Basis: {}</p><table><caption>{}</caption>\
             <thead><tr><th></th><th>Year</th></tr></thead><tbody>",
            escape(section.basis_description),
            escape(section.title)
        );
        for row in &section.rows {
            let _ = write!(
                html,
                "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
                escape(row.label),
                escape(&display(
                    sanctuary_domain::report::RowKind::Count,
                    &row.value
                ))
            );
        }
        html.push_str("</tbody></table></section>");
    }
    html.push_str("</body></html>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_labelled_in_whole_pounds() {
        let cell = |pence: Option<i64>, suppressed| crate::wire::budget::MoneyCell {
            households: Some(1),
            pence,
            suppressed,
        };
        assert_eq!(whole_pounds(&cell(Some(1_461_701), false)), "£14,617");
        assert_eq!(whole_pounds(&cell(Some(99_950), false)), "£1,000");
        assert_eq!(whole_pounds(&cell(Some(12_300), false)), "£123");
        assert_eq!(whole_pounds(&cell(Some(-12_345_600), false)), "-£123,456");
        assert_eq!(whole_pounds(&cell(None, true)), "*");
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
