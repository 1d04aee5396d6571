//! The annual safe-accommodation return: the sanctuary-scheme figures the local
//! authority reports to the Ministry, per reporting year.

use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, get};
use sanctuary_app::AppError;
use sanctuary_app::access::Scope;
use sanctuary_app::schemes::{self as app_schemes, InScheme};
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::Action;
use sanctuary_domain::report::disclosure::{self, Control};
use sanctuary_domain::report::{build_from, statutory, year};
use sanctuary_persistence::statutory as counts;

use super::budgets::year_start;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ValidQuery;
use crate::render;
use crate::state::AppState;
use crate::wire::report::{
    DisclosureControl, ReportScheme, ReturnQueryParams, ReturnRow, ReturnSection,
    SafeAccommodationReturn,
};

/// The annual safe-accommodation return.
///
/// The sanctuary-scheme part of the local authority's annual return on support
/// provided in domestic abuse safe accommodation, for the scheme's reporting year
/// starting in `year`: households supported, adults by gender and children, the
/// characteristics the return counts, households that could not be supported and
/// households whose support ended (each by the return's reasons, mapped from the
/// scheme's own — see the README), and sanctuary units installed. JSON by default;
/// `Accept: text/csv` or `text/html` (printable).
///
/// For the scheme's coordinator (exact unless `disclosure_control=true`) and its
/// funders (always disclosure-controlled, as the monitoring report). `rounding=10`
/// rounds every count to the nearest 10, as published figures are.
#[utoipa::path(
    tag = "reports",
    params(ReturnQueryParams),
    responses(
        (status = 200, description = "The return.", content(
            (SafeAccommodationReturn = "application/json"),
            (String = "text/csv"),
            (String = "text/html"),
        )),
        (status = 403, description = "Not the scheme's coordinator or funder.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such scheme.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/reports/safe-accommodation")]
pub async fn safe_accommodation_return(
    state: Data<AppState>,
    caller: Caller,
    query: ValidQuery<ReturnQueryParams>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let scope = Scope::of(&state.store, &caller).await?;
    let in_scheme = app_schemes::authorise(
        &state.app,
        &caller,
        &scope,
        &q.scheme,
        Action::ViewReport,
        |_| {
            AppError::Forbidden(
                "The safe-accommodation return is for the scheme's coordinator and its funders."
                    .into(),
            )
        },
    )
    .await?;
    let start = year_start(&in_scheme, q.year)?;
    let InScheme { scheme, role, .. } = in_scheme;
    let quarters = year::quarters(start);
    let tallies = counts::tallies(
        state.store.connection(),
        scheme.id,
        quarters[0].starts(),
        quarters[3].ends(),
    )
    .await?;
    let mut sections = build_from(statutory::SECTIONS, &tallies);
    let controlled = role != Role::Coordinator || q.disclosure_control.unwrap_or(false);
    let control = if controlled {
        Control {
            threshold: scheme.settings.disclosure_threshold,
            rounding: q.rounding.or(scheme.settings.disclosure_rounding),
        }
    } else {
        // Exact, unless asked to round: nothing is suppressed below a threshold of 1.
        Control {
            threshold: 1,
            rounding: q.rounding,
        }
    };
    if controlled || q.rounding.is_some() {
        disclosure::apply_to(statutory::SECTIONS, &mut sections, control);
    }
    let body = SafeAccommodationReturn {
        scheme: ReportScheme {
            code: scheme.code.to_string(),
            name: scheme.name,
        },
        year_start: start,
        year_end: quarters[3].last_day,
        disclosure_control: DisclosureControl {
            applied: controlled,
            threshold: control.threshold,
            rounding: control.rounding,
        },
        sections: sections
            .into_iter()
            .map(|s| ReturnSection {
                code: s.code,
                title: s.title,
                basis: s.basis,
                basis_description: s.basis_description,
                rows: s
                    .rows
                    .into_iter()
                    .map(|r| ReturnRow {
                        code: r.code,
                        label: r.label,
                        value: r.total,
                    })
                    .collect(),
            })
            .collect(),
    };
    let filename = format!(
        "safe-accommodation-{}-{}",
        body.scheme.code, body.year_start
    );
    Ok(super::reports::respond(
        &request,
        &filename,
        &body,
        render::csv::safe_accommodation,
        render::html::safe_accommodation,
    ))
}
