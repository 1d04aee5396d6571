//! Reading a scheme: its details for every member; its settings, their history and
//! its members for the coordinator (and administrators).

use actix_web::http::header;
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, get};
use sanctuary_domain::policy::Action;
use sanctuary_persistence::schemes::{self, Scheme};
use std::collections::BTreeMap;

use crate::access::Scope;
use crate::audit;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::handlers::etag;
use crate::state::AppState;
use crate::wire::organisation::{MemberView, OrganisationView};
use crate::wire::scheme::{SchemeView, SettingsVersionView};

/// The scheme `code` if the caller may do `action` to it. Anything else is 404, as for
/// a scheme that does not exist: schemes are not listed to strangers.
/// Both refusals are audited.
async fn visible(
    state: &AppState,
    caller: &Caller,
    scope: &Scope,
    code: &str,
    action: Action,
) -> Result<Scheme, ApiError> {
    let scheme = schemes::find_by_code(state.store.connection(), code)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !scope.may_in_scheme(scheme.id, Action::ViewScheme) {
        audit::denied(&state.app, caller, action, Some(scheme.id), None).await?;
        return Err(ApiError::not_found());
    }
    if !scope.may_in_scheme(scheme.id, action) {
        audit::denied(&state.app, caller, action, Some(scheme.id), None).await?;
        return Err(ApiError::forbidden(
            "Only the scheme's coordinator and administrators see this.",
        ));
    }
    Ok(scheme)
}

/// Read a scheme.
///
/// Every member organisation reads its details and its own roles; the coordinator and
/// administrators also its settings. The `ETag` is the one administrators send to
/// change it. Schemes the caller's organisation does not belong to answer 404.
#[utoipa::path(
    tag = "schemes",
    params(("code" = String, Path, description = "The scheme's code")),
    responses(
        (status = 200, body = SchemeView, headers(("ETag" = String, description = "The scheme version"))),
        (status = 404, description = "No such scheme among yours.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/schemes/{code}")]
pub async fn get_scheme(
    state: Data<AppState>,
    caller: Caller,
    code: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let scope = Scope::of(&state.store, &caller).await?;
    let scheme = visible(&state, &caller, &scope, &code, Action::ViewScheme).await?;
    let with_settings = scope.may_in_scheme(scheme.id, Action::ViewSchemeSettings);
    let version = scheme.version;
    let roles = scope.roles_in(scheme.id);
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(version)))
        .json(SchemeView::new(scheme, with_settings, roles)))
}

/// A scheme's settings history, oldest first.
///
/// Each version with who made it, when, and which settings changed. Cases record the
/// version they started under.
#[utoipa::path(
    tag = "schemes",
    params(("code" = String, Path, description = "The scheme's code")),
    responses(
        (status = 200, body = Vec<SettingsVersionView>),
        (status = 403, description = "Not the scheme's coordinator.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such scheme among yours.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/schemes/{code}/settings-versions")]
pub async fn settings_versions(
    state: Data<AppState>,
    caller: Caller,
    code: Path<String>,
) -> Result<Json<Vec<SettingsVersionView>>, ApiError> {
    let scope = Scope::of(&state.store, &caller).await?;
    let scheme = visible(&state, &caller, &scope, &code, Action::ViewSchemeSettings).await?;
    let history = schemes::settings_history(state.store.connection(), scheme.id).await?;
    Ok(Json(
        history.into_iter().map(SettingsVersionView::from).collect(),
    ))
}

/// A scheme's member organisations and their roles.
///
/// For the coordinator (to assign assessors and contractors) and administrators.
#[utoipa::path(
    tag = "schemes",
    params(("code" = String, Path, description = "The scheme's code")),
    responses(
        (status = 200, body = Vec<MemberView>),
        (status = 403, description = "Not the scheme's coordinator.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such scheme among yours.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/schemes/{code}/members")]
pub async fn list_members(
    state: Data<AppState>,
    caller: Caller,
    code: Path<String>,
) -> Result<Json<Vec<MemberView>>, ApiError> {
    let scope = Scope::of(&state.store, &caller).await?;
    let scheme = visible(&state, &caller, &scope, &code, Action::ViewSchemeMembers).await?;
    let mut by_org: BTreeMap<String, MemberView> = BTreeMap::new();
    for (org, role) in schemes::members(state.store.connection(), scheme.id).await? {
        by_org
            .entry(org.name.clone())
            .or_insert_with(|| MemberView {
                organisation: OrganisationView::from(org),
                roles: Vec::new(),
            })
            .roles
            .push(role);
    }
    Ok(Json(
        by_org
            .into_values()
            .map(|mut m| {
                m.roles.sort();
                m
            })
            .collect(),
    ))
}
