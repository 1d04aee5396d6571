//! Referring agencies' feedback on the scheme: given by its referrers, read in full by
//! its coordinator, added up in the monitoring report.

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, post};
use sanctuary_app::AppError;
use sanctuary_app::access::Scope;
use sanctuary_app::schemes::{self as app_schemes, InScheme};
use sanctuary_domain::feedback::Feedback;
use sanctuary_domain::policy::Action;
use sanctuary_domain::report::year;

use super::budgets::year_start;
use super::now_micros;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::{ContractJson, ValidQuery};
use crate::state::AppState;
use crate::wire::case::OrganisationRef;
use crate::wire::feedback::{FeedbackList, FeedbackQuery, FeedbackReceipt, FeedbackView};

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
                "Feedback is given by the scheme's referring agencies and read by its coordinator."
                    .into(),
            )
        })
        .await?,
    )
}

/// Give feedback on the scheme.
///
/// A referring agency of the scheme rates it from 1 (poor) to 5 (excellent) on each
/// question — speed, communication, outcome — with an optional comment for the
/// coordinator (sealed at rest; about the service, never a household). The monitoring
/// report adds the ratings up by quarter; only the coordinator reads comments.
#[utoipa::path(
    tag = "reports",
    params(("scheme" = String, Path, description = "The scheme's code")),
    request_body = Feedback,
    responses(
        (status = 201, body = FeedbackReceipt),
        (status = 403, description = "Not a referring agency of the scheme.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such scheme.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[post("/schemes/{scheme}/feedback")]
pub async fn give_feedback(
    state: Data<AppState>,
    caller: Caller,
    path: Path<String>,
    body: ContractJson<Feedback>,
) -> Result<HttpResponse, ApiError> {
    let in_scheme = scheme_for(&state, &caller, &path, Action::GiveFeedback).await?;
    let feedback = body.parse(Ok)?;
    let at = now_micros();
    let id = in_scheme
        .give_feedback(&state.app, &caller, &feedback, at)
        .await?;
    Ok(HttpResponse::Created().json(FeedbackReceipt {
        id,
        received_at: at,
    }))
}

/// Referring agencies' feedback.
///
/// The coordinator's: every response received in the reporting year starting in
/// `year` (the current one by default), newest first, with the agency and its
/// comment. An audited read.
#[utoipa::path(
    tag = "reports",
    params(
        ("scheme" = String, Path, description = "The scheme's code"),
        FeedbackQuery,
    ),
    responses(
        (status = 200, body = FeedbackList),
        (status = 403, description = "Not the scheme's coordinator.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such scheme.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/schemes/{scheme}/feedback")]
pub async fn list_feedback(
    state: Data<AppState>,
    caller: Caller,
    path: Path<String>,
    query: ValidQuery<FeedbackQuery>,
) -> Result<HttpResponse, ApiError> {
    let in_scheme = scheme_for(&state, &caller, &path, Action::ReadFeedback).await?;
    let start = year_start(&in_scheme, query.0.year)?;
    let quarters = year::quarters(start);
    let rows = in_scheme
        .feedback(
            &state.app,
            &caller,
            quarters[0].starts(),
            quarters[3].ends(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(FeedbackList {
        year_start: start,
        feedback: rows
            .into_iter()
            .map(|row| FeedbackView {
                id: row.id,
                organisation: OrganisationRef {
                    id: row.organisation_id,
                    name: row.organisation_name,
                },
                received_at: row.received_at,
                speed: row.feedback.speed,
                communication: row.feedback.communication,
                outcome: row.feedback.outcome,
                comment: row.feedback.comment,
            })
            .collect(),
    }))
}
