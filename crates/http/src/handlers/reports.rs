//! The quarterly monitoring report, and the coordinator's notes in it.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, put};
use sanctuary_app::AppError;
use sanctuary_app::schemes::{self as app_schemes, InScheme};
use sanctuary_domain::budget::{self, Money};
use sanctuary_domain::calendar::london;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::Action;
use sanctuary_domain::report::disclosure::{self, Control};
use sanctuary_domain::report::{self, year};
use sanctuary_domain::violation::ViolationCode;
use sanctuary_persistence::{budgets, reports};
use time::Date;

use crate::access::Scope;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::{ContractJson, ValidQuery};
use crate::handlers::budgets::cell;
use crate::handlers::now_micros;
use crate::render;
use crate::state::AppState;
use crate::wire::report::{
    DisclosureControl, MonitoringReport, QuarterNote, QuarterSpan, ReportNoteBody,
    ReportQueryParams, ReportScheme, ReportSpend, ReportSpendStream, SpendQuarter,
};

async fn scheme_for(
    state: &AppState,
    caller: &Caller,
    scope: &Scope,
    code: &str,
    action: Action,
) -> Result<InScheme, ApiError> {
    // Reports reveal no case, so a scheme's other members and outsiders get 403.
    Ok(
        app_schemes::authorise(&state.app, caller, scope, code, action, |_| {
            AppError::Forbidden(
                "The monitoring report is for the scheme's coordinator and its funders.".into(),
            )
        })
        .await?,
    )
}

/// A report as the client asked for it in `Accept`: JSON (the default), CSV as an
/// attachment named `filename`, or a printable page under the printable CSP (inline
/// styles and SVG only: nothing may load or run).
pub(crate) fn respond<T: serde::Serialize>(
    request: &HttpRequest,
    filename: &str,
    body: &T,
    csv: impl FnOnce(&T) -> String,
    html: impl FnOnce(&T) -> String,
) -> HttpResponse {
    match super::preferred(request, &["application/json", "text/csv", "text/html"]) {
        Some("text/csv") => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}.csv\""),
            ))
            .body(csv(body)),
        Some("text/html") => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                crate::middleware::PRINTABLE_CSP,
            ))
            .body(html(body)),
        _ => HttpResponse::Ok().json(body),
    }
}

/// The quarterly monitoring report.
///
/// The Standing Together template for a scheme and the four quarters from
/// `year_start`: every row in the template's order with a stable `code`, Q1–Q4 and a
/// Total computed over the year. Each section states its basis (which cases, by which
/// date). JSON by default; `Accept: text/csv` gives the template's layout (row label,
/// Q1, Q2, Q3, Q4, Total); `Accept: text/html` a printable page with charts.
///
/// For the scheme's coordinator (unsuppressed unless `disclosure_control=true`) and
/// its funders (always with disclosure control: small counts suppressed as `null` with
/// `suppressed: true`, `*` in CSV and HTML). Everyone else: 403. With disclosure
/// control `year_start` must be the first day of one of the scheme's reporting years
/// (its year-start day, e.g. 1 April); any other day is 422.
#[utoipa::path(
    tag = "reports",
    params(ReportQueryParams),
    responses(
        (status = 200, description = "The report.", content(
            (MonitoringReport = "application/json"),
            (String = "text/csv"),
            (String = "text/html"),
        )),
        (status = 403, description = "Not the scheme's coordinator or funder.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such scheme.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is not valid; with disclosure control (funders always), `year_start` that is not the first day of one of the scheme's reporting years.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/reports/monitoring")]
pub async fn monitoring_report(
    state: Data<AppState>,
    caller: Caller,
    query: ValidQuery<ReportQueryParams>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let scope = Scope::of(&state.store, &caller).await?;
    let InScheme { scheme, role, .. } =
        scheme_for(&state, &caller, &scope, &q.scheme, Action::ViewReport).await?;
    let controlled = role != Role::Coordinator || q.disclosure_control.unwrap_or(false);
    let start = q.year_start.unwrap_or_else(|| {
        year::current_start(scheme.year_start, london::local_date(now_micros()))
    });
    // docs/domain.md, Monitoring report: a disclosure-controlled report covers only
    // the scheme's own reporting years, so no two published periods overlap by a shift.
    if controlled && !year::is_reporting_year(scheme.year_start, start) {
        return Err(ApiError::invalid_parameters(vec![(
            "year_start".to_owned(),
            ViolationCode::InvalidValue,
            format!(
                "with disclosure control, must be the first day of one of the scheme's \
                 reporting years: --{:02}-{:02} of any year (YYYY-{:02}-{:02})",
                scheme.year_start.month,
                scheme.year_start.day,
                scheme.year_start.month,
                scheme.year_start.day
            ),
        )]));
    }
    let quarters = year::quarters(start);
    let db = state.store.connection();
    let tallies = reports::tallies(db, scheme.id, &quarters).await?;
    let mut sections = report::build(&tallies);
    let control = Control {
        threshold: scheme.settings.disclosure_threshold,
        rounding: scheme.settings.disclosure_rounding,
    };
    if controlled {
        disclosure::apply(&mut sections, control);
    }
    let notes = reports::notes(db, scheme.id, start).await?;
    let viewer = (role != Role::Coordinator).then_some(caller.organisation.id);
    let spend = spend(
        &state,
        scheme.id,
        start,
        viewer,
        controlled.then_some(control.threshold),
    )
    .await?;
    let body = MonitoringReport {
        scheme: ReportScheme {
            code: scheme.code.to_string(),
            name: scheme.name,
        },
        year_start: start,
        year_end: quarters[3].last_day,
        quarters: quarters
            .iter()
            .map(|q| QuarterSpan {
                quarter: q.number,
                first_day: q.first_day,
                last_day: q.last_day,
            })
            .collect(),
        disclosure_control: DisclosureControl {
            applied: controlled,
            threshold: control.threshold,
            rounding: control.rounding,
        },
        sections,
        notes: notes
            .into_iter()
            .zip(1u8..)
            .map(|(text, quarter)| QuarterNote { quarter, text })
            .collect(),
        spend,
    };
    let filename = format!("monitoring-{}-{}", body.scheme.code, body.year_start);
    Ok(respond(
        &request,
        &filename,
        &body,
        render::csv::report,
        render::html::report,
    ))
}

/// Spend against the budget of the year starting `start`, if it keeps one: the
/// streams `funder` funds (all for the coordinator), quarters withheld under
/// `threshold` households when disclosure-controlled.
async fn spend(
    state: &AppState,
    scheme_id: uuid::Uuid,
    start: Date,
    funder: Option<uuid::Uuid>,
    threshold: Option<u32>,
) -> Result<Option<ReportSpend>, ApiError> {
    let db = state.store.connection();
    let Some(stored) = budgets::find(db, scheme_id, start).await? else {
        return Ok(None);
    };
    let tallies = budgets::stream_tallies(db, scheme_id, start).await?;
    let streams: Vec<_> = stored
        .budget
        .streams
        .iter()
        .filter(|s| funder.is_none() || s.funder_organisation_id == funder)
        .collect();
    let total = budget::spend(streams.iter().copied(), &tallies);
    let hide = |series: &[Money; 4]| match threshold {
        Some(t) => budget::withheld(series, t),
        None => vec![false; 4],
    };
    let (committed_hidden, spent_hidden) = (hide(&total.committed), hide(&total.spent));
    Ok(Some(ReportSpend {
        streams: streams
            .iter()
            .map(|s| ReportSpendStream {
                name: s.name.clone(),
                amount_pence: s.amount_pence,
            })
            .collect(),
        amount_pence: total.amount_pence,
        committed_pence: total.committed.iter().map(|m| m.pence).sum(),
        spent_pence: total.spent.iter().map(|m| m.pence).sum(),
        remaining_pence: total.remaining_pence,
        quarters: (0..4)
            .map(|q| SpendQuarter {
                quarter: q as u8 + 1,
                committed: cell(total.committed[q], committed_hidden[q]),
                spent: cell(total.spent[q], spent_hidden[q]),
            })
            .collect(),
    }))
}

/// Write a quarter's note on wider scheme work.
///
/// The coordinator's free text for the report (e.g. working group updates), shown to
/// funders too: no personal data. Replaces the quarter's previous note.
#[utoipa::path(
    tag = "reports",
    params(
        ("scheme" = String, Path, description = "The scheme's code"),
        ("year_start" = String, Path, format = Date, description = "The first day of the reporting year"),
        ("quarter" = u8, Path, minimum = 1, maximum = 4, description = "1 to 4"),
    ),
    request_body = ReportNoteBody,
    responses(
        (status = 200, body = QuarterNote),
        (status = 403, description = "Not the scheme's coordinator.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such scheme.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[put("/schemes/{scheme}/report-notes/{year_start}/{quarter}")]
pub async fn put_report_note(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(String, String, String)>,
    body: ContractJson<ReportNoteBody>,
) -> Result<HttpResponse, ApiError> {
    let (code, year_start, quarter) = path.into_inner();
    let scope = Scope::of(&state.store, &caller).await?;
    let writer = scheme_for(&state, &caller, &scope, &code, Action::WriteReportNotes).await?;
    let mut bad = Vec::new();
    let start = Date::parse(
        &year_start,
        &time::format_description::well_known::Iso8601::DATE,
    )
    .map_err(|_| {
        bad.push((
            "year_start".to_owned(),
            ViolationCode::InvalidFormat,
            "must be a date, YYYY-MM-DD".to_owned(),
        ));
    })
    .ok();
    let number = quarter.parse::<u8>().ok().filter(|q| (1..=4).contains(q));
    if number.is_none() {
        bad.push((
            "quarter".to_owned(),
            ViolationCode::OutOfRange,
            "must be 1, 2, 3 or 4".to_owned(),
        ));
    }
    let (Some(start), Some(number)) = (start, number) else {
        return Err(ApiError::invalid_parameters(bad));
    };
    let note = body.parse(Ok)?;
    writer
        .put_report_note(&state.app, &caller, start, number, &note.text, now_micros())
        .await?;
    Ok(HttpResponse::Ok().json(QuarterNote {
        quarter: number,
        text: Some(note.text),
    }))
}
