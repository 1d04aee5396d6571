//! Creating and changing schemes and their settings.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, put};
use sanctuary_domain::settings::SchemeSettings;
use sanctuary_persistence::schemes::{self, NewScheme, Scheme};

use super::administrator;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ContractJson;
use crate::handlers::{etag, expected};
use crate::state::AppState;
use crate::wire::scheme::{NewSchemeBody, SchemePatchBody, SchemeView};

/// The scheme with its ETag, as an administrator sees it (settings included).
fn scheme_response(mut builder: actix_web::HttpResponseBuilder, scheme: Scheme) -> HttpResponse {
    builder
        .insert_header((header::ETAG, etag(scheme.version)))
        .json(SchemeView::new(scheme, true, Vec::new()))
}

/// List every scheme.
///
/// Each with its settings, current settings version and members, as an administrator
/// sees it. Administrators only.
#[utoipa::path(
    tag = "administration",
    responses(
        (status = 200, body = Vec<SchemeView>),
    ),
    security(("admin_bearer" = [])),
)]
#[get("/admin/schemes")]
pub async fn list_schemes(state: Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    administrator(&state, &caller).await?;
    let all = schemes::list(state.store.connection()).await?;
    let views: Vec<SchemeView> = all
        .into_iter()
        .map(|s| SchemeView::new(s, true, Vec::new()))
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Register a scheme.
///
/// The code and the case reference prefix are fixed from now on (references carry the
/// prefix, so no two schemes share one). Settings are validated as a whole; omitted
/// ones take the defaults. They become settings version 1.
#[utoipa::path(
    tag = "administration",
    request_body = NewSchemeBody,
    responses(
        (status = 201, description = "Created.", body = SchemeView,
            headers(("ETag" = String, description = "The scheme version"), ("Location" = String))),
        (status = 409, description = "The code or reference prefix is taken (`scheme_exists`, `reference_prefix_in_use`).", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("admin_bearer" = [])),
)]
#[post("/admin/schemes")]
pub async fn create_scheme(
    state: Data<AppState>,
    caller: Caller,
    body: ContractJson<NewSchemeBody>,
) -> Result<HttpResponse, ApiError> {
    let admin = administrator(&state, &caller).await?;
    let input = body.parse(NewSchemeBody::parse)?;
    let new = NewScheme {
        code: &input.code,
        name: &input.name,
        reference_prefix: &input.reference_prefix,
        nation: input.nation,
        year_start: input.year_start,
        settings: input.settings,
    };
    let scheme = admin.create_scheme(&state.app, new).await?;
    let mut builder = HttpResponse::Created();
    builder.insert_header((header::LOCATION, format!("/api/v1/schemes/{}", scheme.code)));
    Ok(scheme_response(builder, scheme))
}

/// Change a scheme's name, nation or reporting year start.
///
/// Send `If-Match` with the scheme's ETag (from `GET /api/v1/schemes/{code}`).
#[utoipa::path(
    tag = "administration",
    params(
        ("code" = String, Path, description = "The scheme's code"),
        ("If-Match" = String, Header, description = "The scheme's ETag, e.g. \"3\""),
    ),
    request_body = SchemePatchBody,
    responses(
        (status = 200, body = SchemeView, headers(("ETag" = String, description = "The scheme version"))),
        (status = 404, description = "No such scheme.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("admin_bearer" = [])),
)]
#[patch("/admin/schemes/{code}")]
pub async fn update_scheme(
    state: Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    code: Path<String>,
    body: ContractJson<SchemePatchBody>,
) -> Result<HttpResponse, ApiError> {
    let admin = administrator(&state, &caller).await?;
    let scheme = admin.scheme(&state.app, &code, expected(&request)).await?;
    let changes = body.parse(SchemePatchBody::parse)?;
    let updated = admin.update_scheme(&state.app, &scheme, &changes).await?;
    Ok(scheme_response(HttpResponse::Ok(), updated))
}

/// Replace a scheme's settings.
///
/// The whole settings document (absent keys take the defaults), validated as a whole:
/// every error at once. The change becomes a new settings version, recorded with who
/// made it and which settings changed. New cases start under it; cases already started
/// keep the version they started under, so their clocks and rules do not change.
/// Send `If-Match` with the scheme's ETag.
#[utoipa::path(
    tag = "administration",
    params(
        ("code" = String, Path, description = "The scheme's code"),
        ("If-Match" = String, Header, description = "The scheme's ETag, e.g. \"3\""),
    ),
    request_body = SchemeSettings,
    responses(
        (status = 200, body = SchemeView, headers(("ETag" = String, description = "The scheme version"))),
        (status = 404, description = "No such scheme.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("admin_bearer" = [])),
)]
#[put("/admin/schemes/{code}/settings")]
pub async fn put_settings(
    state: Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    code: Path<String>,
    body: ContractJson<SchemeSettings>,
) -> Result<HttpResponse, ApiError> {
    let admin = administrator(&state, &caller).await?;
    let scheme = admin.scheme(&state.app, &code, expected(&request)).await?;
    let settings = body.parse(|s| {
        let violations = s.violations();
        violations.into_result(s)
    })?;
    let updated = admin.change_settings(&state.app, scheme, &settings).await?;
    Ok(scheme_response(HttpResponse::Ok(), updated))
}
