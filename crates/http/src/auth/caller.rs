//! `Caller`: the authenticated organisation and roles behind a request.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use sanctuary_app::Acting;
use sanctuary_persistence::admin;
use sanctuary_persistence::organisations;
use tracing_actix_web::RequestId;

use super::TokenError;
use crate::errors::ApiError;
use crate::middleware::ActingOrganisation;
use crate::state::AppState;

/// Who is asking: the token's subject, acting for an active organisation with the roles
/// the token grants — the use cases' [`Acting`], read from the request.
#[derive(Debug, Clone)]
pub struct Caller(pub Acting);

impl std::ops::Deref for Caller {
    type Target = Acting;

    fn deref(&self) -> &Acting {
        &self.0
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<Data<AppState>>()
                .ok_or_else(|| ApiError::internal("application state is not configured"))?;
            // Until the token is verified, not revoked and its organisation active, the
            // request is charged to its client address, never to the organisation it
            // names: nobody spends a budget with a token they do not hold.
            let refuse = |err: ApiError| match state.address_limiter.check(&req) {
                Ok(budget) => {
                    if let Some(budget) = budget {
                        req.extensions_mut().insert(budget);
                    }
                    err
                }
                Err(refused) => {
                    tracing::info!("request refused: failed authentication, rate limited");
                    req.extensions_mut().insert(refused.budget);
                    ApiError::rate_limited_address(refused.wait)
                }
            };
            let token = bearer_token(&req).ok_or(TokenError::Missing);
            let claims = token.and_then(|t| state.verifier.verify(t)).map_err(|e| {
                tracing::info!(reason = %e, "token refused");
                refuse(match e {
                    TokenError::Missing => ApiError::unauthorized(
                        "Send an access token: Authorization: Bearer <token>.",
                        false,
                    ),
                    TokenError::Expired => {
                        ApiError::unauthorized("The access token has expired.", true)
                    }
                    _ => ApiError::unauthorized("The access token is not valid.", true),
                })
            })?;
            // A revoked token is refused from the next request on: checked every time,
            // never cached.
            if let Some(jti) = &claims.token_id
                && admin::is_revoked(state.store.connection(), jti).await?
            {
                tracing::info!("token refused: revoked");
                return Err(refuse(ApiError::unauthorized(
                    "The access token has been revoked.",
                    true,
                )));
            }
            let Some(organisation) =
                organisations::find(state.store.connection(), claims.organisation_id)
                    .await?
                    .filter(|o| o.active)
            else {
                tracing::info!("token refused: organisation unknown or inactive");
                return Err(refuse(ApiError::unauthorized(
                    "The access token's organisation is not active.",
                    true,
                )));
            };
            // What is left of the budget goes out in the `RateLimit` headers
            // (`middleware::problem` writes them), on refusals too.
            match state.limiter.check(organisation.id) {
                Ok(Some(budget)) => {
                    req.extensions_mut().insert(budget);
                }
                Ok(None) => {}
                Err(refused) => {
                    tracing::info!("request refused: rate limited");
                    req.extensions_mut().insert(refused.budget);
                    return Err(ApiError::rate_limited(refused.wait));
                }
            }
            req.extensions_mut()
                .insert(ActingOrganisation(organisation.id));
            let request_id = req.extensions().get::<RequestId>().map(ToString::to_string);
            Ok(Caller(Acting {
                subject: claims.subject,
                organisation,
                roles: claims.roles,
                request_id,
            }))
        })
    }
}

fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}
