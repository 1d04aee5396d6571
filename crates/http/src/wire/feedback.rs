//! Referring agencies' feedback on the wire.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::wire::case::OrganisationRef;

/// Feedback as received.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedbackReceipt {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub received_at: OffsetDateTime,
}

/// One agency's feedback, as the coordinator reads it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedbackView {
    pub id: Uuid,
    pub organisation: OrganisationRef,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub received_at: OffsetDateTime,
    #[schema(minimum = 1, maximum = 5)]
    pub speed: u8,
    #[schema(minimum = 1, maximum = 5)]
    pub communication: u8,
    #[schema(minimum = 1, maximum = 5)]
    pub outcome: u8,
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

/// A reporting year's feedback.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedbackList {
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub year_start: time::Date,
    /// Newest first.
    #[schema(max_items = 100000)]
    pub feedback: Vec<FeedbackView>,
}

/// Which reporting year.
#[derive(Debug, Clone, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedbackQuery {
    /// The calendar year the reporting year starts in; the current one when absent.
    #[param(minimum = 2000, maximum = 2100, example = 2026)]
    #[validate(range(min = 2000, max = 2100))]
    pub year: Option<i32>,
}
