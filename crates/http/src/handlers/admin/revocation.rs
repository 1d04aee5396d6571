//! Revoking a token before it expires.

use actix_web::web::Data;
use actix_web::{HttpResponse, post};

use super::administrator;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ContractJson;
use crate::state::AppState;
use crate::wire::organisation::RevokeTokenBody;

/// Revoke a token.
///
/// The token with this `jti` is refused from its next request on, whatever its expiry.
/// Revoking a token twice is harmless.
#[utoipa::path(
    tag = "administration",
    request_body = RevokeTokenBody,
    responses(
        (status = 204, description = "Revoked."),
    ),
    security(("admin_bearer" = [])),
)]
#[post("/admin/revoked-tokens")]
pub async fn revoke_token(
    state: Data<AppState>,
    caller: Caller,
    body: ContractJson<RevokeTokenBody>,
) -> Result<HttpResponse, ApiError> {
    let admin = administrator(&state, &caller).await?;
    let body = body.parse(Ok)?;
    admin.revoke_token(&state.app, &body.jti).await?;
    Ok(HttpResponse::NoContent().finish())
}
