//! Which organisations belong to a scheme, in which roles.

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, delete, put};
use sanctuary_persistence::organisations;
use sanctuary_persistence::schemes::{self, Scheme};
use uuid::Uuid;

use super::administrator;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ContractJson;
use crate::state::AppState;
use crate::wire::organisation::{MemberRolesBody, MemberView};

async fn scheme_and_org(
    state: &AppState,
    code: &str,
    org: &str,
) -> Result<(Scheme, Uuid), ApiError> {
    let db = state.store.connection();
    let scheme = schemes::find_by_code(db, code)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let id = Uuid::parse_str(org).map_err(|_| ApiError::not_found())?;
    organisations::find(db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok((scheme, id))
}

/// Set an organisation's roles in a scheme.
///
/// Replaces its roles (an empty list removes it from the scheme). A scheme has one
/// coordinator organisation: giving the role to a second one is `409
/// coordinator_exists` (take it from the first in the same way). Cases already
/// assigned to an organisation stay assigned. An administrator cannot grant its own
/// organisation roles (403): another operating organisation's administrator does it.
#[utoipa::path(
    tag = "administration",
    params(
        ("code" = String, Path, description = "The scheme's code"),
        ("organisation_id" = Uuid, Path, description = "The organisation's id"),
    ),
    request_body = MemberRolesBody,
    responses(
        (status = 200, body = MemberView),
        (status = 403, description = "Not an administrator, or granting its own organisation roles.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such scheme or organisation.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The scheme has another coordinator (`coordinator_exists`).", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("admin_bearer" = [])),
)]
#[put("/admin/schemes/{code}/members/{organisation_id}")]
pub async fn put_member(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(String, String)>,
    body: ContractJson<MemberRolesBody>,
) -> Result<HttpResponse, ApiError> {
    let admin = administrator(&state, &caller).await?;
    let (code, org) = path.into_inner();
    let (scheme, org_id) = scheme_and_org(&state, &code, &org).await?;
    let roles = body.parse(MemberRolesBody::roles)?;
    admin
        .set_member_roles(&state.app, &scheme, org_id, &roles)
        .await?;
    let organisation = organisations::find(state.store.connection(), org_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(MemberView {
        organisation: organisation.into(),
        roles,
    }))
}

/// Remove an organisation from a scheme (all its roles).
///
/// Its tokens lose the scheme's cases from their next request; cases already assigned
/// to it stay assigned.
#[utoipa::path(
    tag = "administration",
    params(
        ("code" = String, Path, description = "The scheme's code"),
        ("organisation_id" = Uuid, Path, description = "The organisation's id"),
    ),
    responses(
        (status = 204, description = "Removed (or was not a member)."),
        (status = 404, description = "No such scheme or organisation.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("admin_bearer" = [])),
)]
#[delete("/admin/schemes/{code}/members/{organisation_id}")]
pub async fn remove_member(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let admin = administrator(&state, &caller).await?;
    let (code, org) = path.into_inner();
    let (scheme, org_id) = scheme_and_org(&state, &code, &org).await?;
    admin
        .set_member_roles(&state.app, &scheme, org_id, &[])
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
