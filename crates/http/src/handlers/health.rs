//! Liveness and readiness, for load balancers and orchestrators.

use actix_web::web::Data;
use actix_web::{HttpResponse, get};
use serde::Serialize;
use utoipa::ToSchema;

use crate::errors::ApiError;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    #[schema(max_length = 20)]
    pub status: &'static str,
}

/// The process is up.
///
/// For a liveness probe: answers 200 while the process serves HTTP, without touching
/// the database. No token.
#[utoipa::path(tag = "health", responses((status = 200, body = Health)))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// The service can reach its database.
///
/// For a readiness probe or load balancer: 200 when a query succeeds, 503 (problem)
/// when the database is unreachable. No token.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, body = Health),
        (status = 503, description = "The database is unreachable.", body = crate::errors::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
pub async fn ready(state: Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.store.ping().await.map_err(ApiError::unavailable)?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}
