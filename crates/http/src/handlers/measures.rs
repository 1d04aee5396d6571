//! The measures catalogue.

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, put};
use sanctuary_app::AppError;
use sanctuary_app::schemes as app_schemes;
use sanctuary_domain::measures::{self, valid_code};
use sanctuary_domain::policy::Action;
use sanctuary_domain::violation::ViolationCode;
use sanctuary_persistence::measures as store;
use sanctuary_persistence::schemes::{self, Scheme};

use crate::access::Scope;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::{ContractJson, ValidQuery};
use crate::state::AppState;
use crate::wire::measure::{MeasureBody, MeasureView, MeasuresQuery};

/// The scheme `code`, if the caller's organisation belongs to it (else 404: schemes
/// are not listed to strangers).
async fn member_scheme(state: &AppState, scope: &Scope, code: &str) -> Result<Scheme, ApiError> {
    schemes::find_by_code(state.store.connection(), code)
        .await?
        .filter(|s| scope.is_member(s.id))
        .ok_or_else(ApiError::not_found)
}

/// The measures catalogue.
///
/// Every measure that can be recommended: code, name, monitoring report row, default
/// unit cost (integer pence) and whether it needs a fire safety check. With `scheme`,
/// that scheme's catalogue: its own measures and prices laid over the shipped ones.
#[utoipa::path(
    tag = "reference",
    params(MeasuresQuery),
    responses(
        (status = 200, body = Vec<MeasureView>),
        (status = 404, description = "No such scheme among yours.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/measures")]
pub async fn list_measures(
    state: Data<AppState>,
    caller: Caller,
    query: ValidQuery<MeasuresQuery>,
) -> Result<HttpResponse, ApiError> {
    let catalogue = match &query.0.scheme {
        Some(code) => {
            let scope = Scope::of(&state.store, &caller).await?;
            let scheme = member_scheme(&state, &scope, code).await?;
            store::catalogue(state.store.connection(), scheme.id).await?
        }
        None => measures::shipped(),
    };
    Ok(HttpResponse::Ok().json(
        catalogue
            .into_iter()
            .map(MeasureView::from)
            .collect::<Vec<_>>(),
    ))
}

/// Add a scheme's own measure, or set its price for a shipped one.
///
/// The scheme's coordinator. Cases already assessed keep the costs they were given.
#[utoipa::path(
    tag = "reference",
    params(
        ("scheme" = String, Path, description = "The scheme's code"),
        ("code" = String, Path, description = "The measure's code (snake_case)",
            min_length = 2, max_length = 60, pattern = r"^[a-z][a-z0-9_]{1,59}$"),
    ),
    request_body = MeasureBody,
    responses(
        (status = 200, body = MeasureView),
        (status = 403, description = "Not the scheme's coordinator.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such scheme among yours.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[put("/schemes/{scheme}/measures/{code}")]
pub async fn put_measure(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(String, String)>,
    body: ContractJson<MeasureBody>,
) -> Result<HttpResponse, ApiError> {
    let (scheme_code, code) = path.into_inner();
    let scope = Scope::of(&state.store, &caller).await?;
    let coordinating = app_schemes::authorise(
        &state.app,
        &caller,
        &scope,
        &scheme_code,
        Action::ManageMeasures,
        // Schemes are not listed to strangers: for them, as if it did not exist.
        |member| match member {
            true => {
                AppError::Forbidden("Only the scheme's coordinator manages its measures.".into())
            }
            false => AppError::NotFound,
        },
    )
    .await?;
    if !valid_code(&code) {
        return Err(ApiError::invalid_parameters(vec![(
            "code".into(),
            ViolationCode::InvalidFormat,
            "must be 2 to 60 lower-case letters, digits or underscores, starting with a letter"
                .into(),
        )]));
    }
    let measure = body.parse(|b| b.measure(code))?;
    coordinating
        .put_measure(&state.app, &caller, &measure)
        .await?;
    Ok(HttpResponse::Ok().json(MeasureView::from(measure)))
}
