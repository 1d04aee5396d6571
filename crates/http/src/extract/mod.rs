//! Request extractors: every failure becomes an `ApiError` (problem+json).

mod json;
mod query;

pub use json::{ContractJson, MAX_BODY_BYTES};
pub use query::ValidQuery;
