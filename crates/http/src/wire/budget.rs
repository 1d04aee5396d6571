//! The scheme's budget as read: each funding stream with what the year's works commit
//! and spend against it, by quarter, by the template's measure rows and by contractor.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::wire::case::OrganisationRef;

/// Which year's budget.
#[derive(Debug, Clone, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BudgetQuery {
    /// The calendar year the reporting year starts in (2026: from the scheme's year
    /// start in 2026, e.g. 1 April 2026); the current reporting year when absent.
    #[param(minimum = 2000, maximum = 2100, example = 2026)]
    #[validate(range(min = 2000, max = 2100))]
    pub year: Option<i32>,
}

/// Money and the households it is for; both withheld (null, `suppressed`) from a
/// funder when they are about 1 to threshold − 1 households.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MoneyCell {
    pub households: Option<i64>,
    pub pence: Option<i64>,
    pub suppressed: bool,
}

/// One quarter of a stream.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StreamQuarter {
    #[schema(minimum = 1, maximum = 4)]
    pub quarter: u8,
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub first_day: Date,
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub last_day: Date,
    /// Approved in the quarter, not yet completed (at the approved estimate).
    pub committed: MoneyCell,
    /// Completed in the quarter (at the actual cost).
    pub spent: MoneyCell,
}

/// A funding stream and where it stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StreamView {
    #[schema(max_length = 100)]
    pub name: String,
    pub funder: Option<OrganisationRef>,
    pub amount_pence: i64,
    pub household_limit_pence: Option<i64>,
    pub committed_pence: i64,
    pub spent_pence: i64,
    /// The amount less what is committed and spent (negative when overspent with the
    /// funder's approval).
    pub remaining_pence: i64,
    /// Households with works charged to the stream (withheld from a funder when 1 to
    /// threshold − 1).
    pub households: Option<i64>,
    #[schema(max_items = 4)]
    pub quarters: Vec<StreamQuarter>,
}

/// Installed measures charged to a stream, by the template's measure row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeasureSpendView {
    #[schema(max_length = 100)]
    pub stream: String,
    /// The monitoring report's measure row code.
    #[schema(max_length = 60)]
    pub row: String,
    pub units: Option<i64>,
    pub spent: MoneyCell,
}

/// Works charged to a stream, by contractor (the coordinator's view only).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContractorSpendView {
    #[schema(max_length = 100)]
    pub stream: String,
    pub contractor: OrganisationRef,
    pub committed_pence: i64,
    pub spent_pence: i64,
    pub households: i64,
}

/// A year's budget.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BudgetView {
    #[schema(max_length = 40)]
    pub scheme: String,
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub year_start: Date,
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub year_end: Date,
    /// The budget's version (its ETag): a replacement sends it in `If-Match`.
    pub version: i32,
    /// Whether small counts are withheld (always for a funder, who sees only the
    /// streams it funds).
    pub disclosure_control: bool,
    #[schema(max_items = 20)]
    pub streams: Vec<StreamView>,
    #[schema(max_items = 2000)]
    pub measures: Vec<MeasureSpendView>,
    #[schema(max_items = 2000)]
    pub contractors: Vec<ContractorSpendView>,
}

/// The organisation ids a stream may name, with their names.
pub type Names = std::collections::HashMap<Uuid, String>;
