//! The evidence letter's parameters.

use sanctuary_domain::spare_room::BenefitPurpose;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

/// Which benefit authority the letter is for.
#[derive(Debug, Clone, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EvidenceLetterParams {
    /// `housing_benefit` (the council's Housing Benefit service) or `universal_credit`
    /// (the DWP).
    #[param(inline, example = "housing_benefit")]
    pub purpose: BenefitPurpose,
}
