//! Letters the scheme gives a client to pass on.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get};
use sanctuary_app::evidence;
use uuid::Uuid;

use super::now_micros;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ValidQuery;
use crate::render;
use crate::state::AppState;
use crate::wire::letters::EvidenceLetterParams;

/// The spare-room evidence letter (SI 2021/991), printable.
///
/// For a social tenant (council or housing association) whose home has sanctuary
/// measures fitted and in place: a letter on the scheme's letterhead (the scheme
/// setting `letterhead`) stating that the home was adapted under a sanctuary scheme and
/// when, from the scheme as a person acting in an official capacity, for the client to
/// give to the Housing Benefit service or the DWP, so that the spare-room deduction is
/// not applied. It names the client and the address: the coordinator's only, audited,
/// made on request and never stored or sent by the service. HTML with print styles.
/// 409 naming why when the case shows no social tenancy or no measures in place.
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = Uuid, Path, description = "The case id"),
        EvidenceLetterParams,
    ),
    responses(
        (status = 200, description = "The letter, as a printable page.", content_type = "text/html", body = String),
        (status = 403, description = "Not the scheme's coordinator.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_social_housing`, `no_measures_fitted` or `measures_removed`: the case does not show what the letter states.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/cases/{id}/evidence-letter")]
pub async fn evidence_letter(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    query: ValidQuery<EvidenceLetterParams>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::not_found())?;
    let letter = evidence::letter(&state.app, &caller, id, query.0.purpose, now_micros()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        // Inline styles only: nothing may load or run.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            crate::middleware::PRINTABLE_CSP,
        ))
        .body(render::letter::evidence_letter(&letter)))
}
