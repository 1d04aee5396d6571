//! Registering organisations, and changing or deactivating them.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, get, patch, post};
use sanctuary_persistence::organisations::{self, NewOrganisation, Organisation};
use uuid::Uuid;

use super::administrator;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ContractJson;
use crate::handlers::{etag, expected};
use crate::state::AppState;
use crate::wire::organisation::{NewOrganisationBody, OrganisationPatchBody, OrganisationView};

fn organisation_response(mut builder: HttpResponseBuilder, org: Organisation) -> HttpResponse {
    builder
        .insert_header((header::ETAG, etag(org.version)))
        .json(OrganisationView::from(org))
}

async fn find(state: &AppState, id: &str) -> Result<Organisation, ApiError> {
    let id = Uuid::parse_str(id).map_err(|_| ApiError::not_found())?;
    organisations::find(state.store.connection(), id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// List every organisation.
///
/// Every registered organisation, active or not, with its ETag for changes.
/// Administrators only.
#[utoipa::path(
    tag = "administration",
    responses(
        (status = 200, body = Vec<OrganisationView>),
    ),
    security(("admin_bearer" = [])),
)]
#[get("/admin/organisations")]
pub async fn list_organisations(
    state: Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    administrator(&state, &caller).await?;
    let all = organisations::list(state.store.connection()).await?;
    let views: Vec<OrganisationView> = all.into_iter().map(OrganisationView::from).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Read an organisation.
///
/// Its name, whether it is active and its ETag (send it as `If-Match` to change it).
/// Administrators only.
#[utoipa::path(
    tag = "administration",
    params(("id" = Uuid, Path, description = "The organisation's id")),
    responses(
        (status = 200, body = OrganisationView, headers(("ETag" = String, description = "The organisation version"))),
        (status = 404, description = "No such organisation.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("admin_bearer" = [])),
)]
#[get("/admin/organisations/{id}")]
pub async fn get_organisation(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    administrator(&state, &caller).await?;
    let org = find(&state, &id).await?;
    Ok(organisation_response(HttpResponse::Ok(), org))
}

/// Register an organisation.
///
/// Its tokens (with its id in the `org` claim) work once it is given roles in a scheme.
#[utoipa::path(
    tag = "administration",
    request_body = NewOrganisationBody,
    responses(
        (status = 201, description = "Created.", body = OrganisationView,
            headers(("ETag" = String, description = "The organisation version"), ("Location" = String))),
        (status = 409, description = "The name is taken (`organisation_exists`).", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("admin_bearer" = [])),
)]
#[post("/admin/organisations")]
pub async fn create_organisation(
    state: Data<AppState>,
    caller: Caller,
    body: ContractJson<NewOrganisationBody>,
) -> Result<HttpResponse, ApiError> {
    let admin = administrator(&state, &caller).await?;
    let body = body.parse(Ok)?;
    let new = NewOrganisation {
        id: None,
        name: body.name.trim(),
        kind: body.kind,
        is_administrator: body.is_administrator,
    };
    let org = admin.create_organisation(&state.app, new).await?;
    let mut builder = HttpResponse::Created();
    builder.insert_header((
        header::LOCATION,
        format!("/api/v1/admin/organisations/{}", org.id),
    ));
    Ok(organisation_response(builder, org))
}

/// Change or deactivate an organisation.
///
/// Deactivating (`active: false`) takes effect at once: every token of the
/// organisation is refused from its next request. Send `If-Match` with the
/// organisation's ETag.
#[utoipa::path(
    tag = "administration",
    params(
        ("id" = Uuid, Path, description = "The organisation's id"),
        ("If-Match" = String, Header, description = "The organisation's ETag, e.g. \"2\""),
    ),
    request_body = OrganisationPatchBody,
    responses(
        (status = 200, body = OrganisationView, headers(("ETag" = String, description = "The organisation version"))),
        (status = 404, description = "No such organisation.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken (`organisation_exists`).", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("admin_bearer" = [])),
)]
#[patch("/admin/organisations/{id}")]
pub async fn update_organisation(
    state: Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: Path<String>,
    body: ContractJson<OrganisationPatchBody>,
) -> Result<HttpResponse, ApiError> {
    let admin = administrator(&state, &caller).await?;
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::not_found())?;
    let org = admin
        .organisation(&state.app, id, expected(&request))
        .await?;
    let changes = body.parse(|b| Ok(b.changes()))?;
    let updated = admin
        .update_organisation(&state.app, &org, &changes)
        .await?;
    Ok(organisation_response(HttpResponse::Ok(), updated))
}
