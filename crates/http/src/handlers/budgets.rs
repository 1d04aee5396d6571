//! The scheme's budget: set per reporting year by the coordinator, read with what the
//! works commit and spend against it by the coordinator and (its own streams, small
//! counts withheld) the funders.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, put};
use sanctuary_app::AppError;
use sanctuary_app::access::Scope;
use sanctuary_app::precondition::Expected;
use sanctuary_app::schemes::{self as app_schemes, InScheme};
use sanctuary_domain::budget::{self, Budget, Money};
use sanctuary_domain::calendar::london;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::Action;
use sanctuary_domain::report::year;
use sanctuary_domain::violation::ViolationCode;
use sanctuary_persistence::budgets::{BudgetTallies, StoredBudget};
use sanctuary_persistence::organisations;
use time::Date;
use uuid::Uuid;

use super::{etag, expected, now_micros};
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::{ContractJson, ValidQuery};
use crate::state::AppState;
use crate::wire::budget::{
    BudgetQuery, BudgetView, ContractorSpendView, MeasureSpendView, MoneyCell, StreamQuarter,
    StreamView,
};
use crate::wire::case::OrganisationRef;

async fn scheme_for(
    state: &AppState,
    caller: &Caller,
    code: &str,
    action: Action,
) -> Result<InScheme, ApiError> {
    let scope = Scope::of(&state.store, caller).await?;
    Ok(
        app_schemes::authorise(&state.app, caller, &scope, code, action, |_| {
            AppError::Forbidden(
                "The budget is set by the scheme's coordinator, and read by it and the scheme's funders.".into(),
            )
        })
        .await?,
    )
}

/// The first day of the scheme's reporting year starting in `year` (now's when none).
pub(crate) fn year_start(in_scheme: &InScheme, year: Option<i32>) -> Result<Date, ApiError> {
    let start = in_scheme.scheme.year_start;
    match year {
        None => Ok(year::current_start(start, london::local_date(now_micros()))),
        Some(y) => year::start_in(start, y).ok_or_else(|| {
            ApiError::invalid_parameters(vec![(
                "year".to_owned(),
                ViolationCode::InvalidValue,
                "the scheme's year start does not fall in that year".to_owned(),
            )])
        }),
    }
}

/// Set a year's budget.
///
/// The coordinator's funding streams for the reporting year starting in `year` (the
/// scheme's year start, e.g. 1 April): name, funder organisation (a funder of the
/// scheme, who then reads the stream), amount and an optional per-household limit in
/// pence. Works are charged to a stream when approved (`approve-works` names it; the
/// first by default). The first budget of a year is created without `If-Match` (or
/// with `"0"`, the version of a year without one); replacing one needs its ETag (428
/// without, 412 when it changed). Audited.
#[utoipa::path(
    tag = "reports",
    params(
        ("scheme" = String, Path, description = "The scheme's code"),
        ("year" = i32, Path, minimum = 2000, maximum = 2100, description = "The calendar year the reporting year starts in"),
        ("If-Match" = Option<String>, Header, description = "The budget's ETag when replacing one, e.g. \"1\""),
    ),
    request_body = Budget,
    responses(
        (status = 200, body = BudgetView, headers(("ETag" = String, description = "The budget's version"))),
        (status = 403, description = "Not the scheme's coordinator.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such scheme.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[put("/schemes/{scheme}/budgets/{year}")]
pub async fn put_budget(
    state: Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    path: Path<(String, String)>,
    body: ContractJson<Budget>,
) -> Result<HttpResponse, ApiError> {
    let (code, year) = path.into_inner();
    let in_scheme = scheme_for(&state, &caller, &code, Action::ManageBudget).await?;
    let year = year
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| {
            ApiError::invalid_parameters(vec![(
                "year".to_owned(),
                ViolationCode::OutOfRange,
                "must be a year from 2000 to 2100".to_owned(),
            )])
        })?;
    let start = year_start(&in_scheme, Some(year))?;
    let budget = body.parse(Ok)?;
    let seen = match expected(&request) {
        Expected::Missing => None,
        Expected::Version(v) => Some(i32::try_from(v).unwrap_or(-1)),
        Expected::Unrecognised => Some(-1),
    };
    in_scheme
        .put_budget(&state.app, &caller, start, &budget, seen, now_micros())
        .await?;
    read(&state, &caller, &in_scheme, start).await
}

/// A year's budget, and what the works commit and spend against it.
///
/// For the scheme's coordinator, every stream; for a funder, the streams it funds,
/// with households counted 1 to the scheme's `disclosure_threshold` − 1 withheld
/// (`null`, `suppressed`), and with each a partner cell so that no withheld cell can be
/// worked out from a total; contractors are shown to the coordinator only. Committed:
/// works approved (in the quarter), not completed, on open cases, at the approved
/// estimate, with interim measures ordered (a case not yet charged goes to the first
/// stream) at their estimate until fitted, then at their cost. Spent: works completed
/// (in the quarter; after the year's end, in its last), at the household's whole cost. Remaining: the amount less both. A year with no
/// budget yet reads as version 0 with no streams.
#[utoipa::path(
    tag = "reports",
    params(
        ("scheme" = String, Path, description = "The scheme's code"),
        BudgetQuery,
    ),
    responses(
        (status = 200, body = BudgetView, headers(("ETag" = String, description = "The budget's version"))),
        (status = 403, description = "Not the scheme's coordinator or funder.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such scheme.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/schemes/{scheme}/budget")]
pub async fn get_budget(
    state: Data<AppState>,
    caller: Caller,
    path: Path<String>,
    query: ValidQuery<BudgetQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let in_scheme = scheme_for(&state, &caller, &path, Action::ViewBudget).await?;
    let start = year_start(&in_scheme, q.year)?;
    read(&state, &caller, &in_scheme, start).await
}

async fn read(
    state: &AppState,
    caller: &Caller,
    in_scheme: &InScheme,
    start: Date,
) -> Result<HttpResponse, ApiError> {
    let viewer = match in_scheme.role {
        Role::Coordinator => None,
        // A funder sees the streams it funds, and no small count.
        _ => Some(caller.organisation.id),
    };
    // None kept yet: an empty budget at version 0 (which the first `PUT` may name).
    let (stored, tallies) = in_scheme
        .budget(&state.app, caller, start)
        .await?
        .unwrap_or_else(|| {
            (
                StoredBudget {
                    year_start: start,
                    budget: Budget {
                        streams: Vec::new(),
                    },
                    version: 0,
                    updated_at: now_micros(),
                },
                BudgetTallies::default(),
            )
        });
    let view = view(state, in_scheme, &stored, &tallies, viewer).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(i64::from(stored.version))))
        .json(view))
}

pub(crate) fn cell(money: Money, hidden: bool) -> MoneyCell {
    MoneyCell {
        households: (!hidden).then_some(money.households),
        pence: (!hidden).then_some(money.pence),
        suppressed: hidden,
    }
}

async fn view(
    state: &AppState,
    in_scheme: &InScheme,
    stored: &StoredBudget,
    tallies: &BudgetTallies,
    funder: Option<Uuid>,
) -> Result<BudgetView, ApiError> {
    let threshold = in_scheme.scheme.settings.disclosure_threshold;
    let controlled = funder.is_some();
    let shown = |f: Option<Uuid>| funder.is_none() || f == funder;
    let quarters = year::quarters(stored.year_start);
    let db = state.store.connection();
    let mut names = std::collections::HashMap::new();
    let mut name_of = async |id: Uuid| -> Result<OrganisationRef, ApiError> {
        if let Some(name) = names.get(&id) {
            return Ok(OrganisationRef {
                id,
                name: String::clone(name),
            });
        }
        let name = organisations::find(db, id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        names.insert(id, name.clone());
        Ok(OrganisationRef { id, name })
    };
    let mut streams = Vec::new();
    for stream in stored
        .budget
        .streams
        .iter()
        .filter(|s| shown(s.funder_organisation_id))
    {
        let tally = tallies
            .streams
            .get(&stream.name)
            .copied()
            .unwrap_or_default();
        let hide = |series: &[Money; 4]| -> Vec<bool> {
            if controlled {
                budget::withheld(series, threshold)
            } else {
                vec![false; 4]
            }
        };
        let (committed_hidden, spent_hidden) = (hide(&tally.committed), hide(&tally.spent));
        let households = tally.committed_total().households + tally.spent_total().households;
        let small = households > 0 && households < i64::from(threshold);
        streams.push(StreamView {
            name: stream.name.clone(),
            funder: match stream.funder_organisation_id {
                Some(id) => Some(name_of(id).await?),
                None => None,
            },
            amount_pence: stream.amount_pence,
            household_limit_pence: stream.household_limit_pence,
            committed_pence: tally.committed_total().pence,
            spent_pence: tally.spent_total().pence,
            remaining_pence: budget::remaining(stream, &tally),
            households: (!(controlled && small)).then_some(households),
            quarters: quarters
                .iter()
                .enumerate()
                .map(|(i, q)| StreamQuarter {
                    quarter: q.number,
                    first_day: q.first_day,
                    last_day: q.last_day,
                    committed: cell(tally.committed[i], committed_hidden[i]),
                    spent: cell(tally.spent[i], spent_hidden[i]),
                })
                .collect(),
        });
    }
    let visible: Vec<&str> = streams.iter().map(|s| s.name.as_str()).collect();
    let rows: Vec<_> = tallies
        .measures
        .iter()
        .filter(|m| visible.contains(&m.stream.as_str()))
        .collect();
    let series: Vec<Money> = rows
        .iter()
        .map(|m| Money {
            households: m.households,
            pence: m.pence,
        })
        .collect();
    let hidden = match controlled {
        true => budget::withheld(&series, threshold),
        false => vec![false; series.len()],
    };
    let measures = rows
        .iter()
        .zip(series.iter().zip(hidden))
        .map(|(m, (money, hidden))| MeasureSpendView {
            stream: m.stream.clone(),
            row: m.report_row.clone(),
            units: (!hidden).then_some(m.units),
            spent: cell(*money, hidden),
        })
        .collect();
    let mut contractors = Vec::new();
    if !controlled {
        for c in &tallies.contractors {
            contractors.push(ContractorSpendView {
                stream: c.stream.clone(),
                contractor: name_of(c.contractor_organisation_id).await?,
                committed_pence: c.committed.pence,
                spent_pence: c.spent.pence,
                households: c.committed.households + c.spent.households,
            });
        }
    }
    Ok(BudgetView {
        scheme: in_scheme.scheme.code.to_string(),
        year_start: stored.year_start,
        year_end: quarters[3].last_day,
        version: stored.version,
        disclosure_control: controlled,
        streams,
        measures,
        contractors,
    })
}
