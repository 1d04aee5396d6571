//! The assessment copy on the wire.

use sanctuary_domain::policy::View;
use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::wire::case::OrganisationRef;

/// The recorded assessment, as its reader may see it: whole for the coordinator, the
/// referrer and the assessor; the measures to fit and where, for the contractor holding
/// the order (no findings, no costs).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessmentView {
    pub case_id: Uuid,
    #[schema(max_length = 40)]
    pub reference: String,
    /// `full` or `contractor`.
    pub view: View,
    #[serde(with = "sanctuary_domain::iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub visit_date: Option<Date>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: OffsetDateTime,
    pub assessed_by: OrganisationRef,
    /// The assessor's findings (full view only).
    #[schema(max_length = 10000)]
    pub findings: Option<String>,
    #[schema(max_items = 200)]
    pub measures: Vec<AssessedMeasure>,
    /// The estimate of everything recommended, in pence (full view only).
    pub estimated_total_pence: Option<i64>,
    /// The estimate of what was approved, in pence (full view only).
    pub approved_total_pence: Option<i64>,
}

/// One recommended measure.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessedMeasure {
    #[schema(max_length = 60)]
    pub measure_code: String,
    #[schema(max_length = 200)]
    pub name: String,
    pub quantity: u32,
    /// Where it goes ("back door").
    #[schema(max_length = 200)]
    pub location: Option<String>,
    pub approved: bool,
    /// Full view only.
    pub estimated_cost_pence: Option<i64>,
}
