//! Cases on the wire.

use sanctuary_domain::case::{CaseFlag, CaseStatus, ProgressBlock};
use sanctuary_domain::organisation::ReferralSource;
use sanctuary_domain::risk::RiskLevel;
use sanctuary_persistence::cases::{CaseRecord, CaseSummary};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::referral::ReferralForm;

/// What lists show of a case: status and flags, no personal data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseSummaryView {
    /// UUIDv7.
    pub id: Uuid,
    /// The scheme's human reference: prefix, year received, number.
    #[schema(example = "DAR-2026-0001")]
    pub reference: String,
    #[schema(example = "darlington")]
    pub scheme: String,
    pub status: CaseStatus,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub received_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    pub urgent: bool,
    /// Derived from the referring organisation's kind.
    pub referral_source: ReferralSource,
    /// From the DASH score by the scheme's bands; null when no DASH was completed.
    pub risk_level: Option<RiskLevel>,
    pub flags: Vec<CaseFlag>,
    /// False while anything in `blocked_by` stands.
    pub can_progress: bool,
    pub blocked_by: Vec<ProgressBlock>,
}

impl From<&CaseSummary> for CaseSummaryView {
    fn from(s: &CaseSummary) -> Self {
        Self {
            id: s.id,
            reference: s.reference.clone(),
            scheme: s.scheme_code.clone(),
            status: s.status,
            received_at: s.received_at,
            updated_at: s.updated_at,
            urgent: s.urgent,
            referral_source: s.referral_source,
            risk_level: s.risk_level,
            flags: s.flags.clone(),
            can_progress: s.progress_blocks.is_empty(),
            blocked_by: s.progress_blocks.clone(),
        }
    }
}

/// An organisation, by id and name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationRef {
    pub id: Uuid,
    pub name: String,
}

/// A case with its referral.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseView {
    #[serde(flatten)]
    pub summary: CaseSummaryView,
    pub external_reference: Option<String>,
    pub referring_organisation: OrganisationRef,
    /// The RIC score; null when no DASH was completed.
    pub dash_score: Option<u8>,
    /// The referral as received (normalised: trimmed text, canonical postcode).
    pub referral: ReferralForm,
}

impl From<&CaseRecord> for CaseView {
    fn from(r: &CaseRecord) -> Self {
        Self {
            summary: (&r.summary).into(),
            external_reference: r.summary.external_reference.clone(),
            referring_organisation: OrganisationRef {
                id: r.summary.referring_organisation_id,
                name: r.summary.referring_organisation_name.clone(),
            },
            dash_score: r.summary.dash_score,
            referral: (&r.referral).into(),
        }
    }
}

/// A page of cases, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CasePage {
    pub items: Vec<CaseSummaryView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The most cases one page may hold.
pub const MAX_PAGE_SIZE: u32 = 100;
pub const DEFAULT_PAGE_SIZE: u32 = 25;

/// Filters and paging for the case list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListCasesQuery {
    pub status: Option<CaseStatus>,
    /// Received on or after this date (UTC).
    #[serde(default, with = "sanctuary_domain::iso_date::option")]
    #[param(value_type = Option<String>, format = Date)]
    pub received_from: Option<Date>,
    /// Received on or before this date (UTC).
    #[serde(default, with = "sanctuary_domain::iso_date::option")]
    #[param(value_type = Option<String>, format = Date)]
    pub received_to: Option<Date>,
    pub risk_level: Option<RiskLevel>,
    pub urgent: Option<bool>,
    /// The `next_cursor` of the previous page (opaque).
    #[param(min_length = 22, max_length = 22, pattern = r"^[A-Za-z0-9_-]{22}$")]
    pub cursor: Option<String>,
    /// Page size, 1 to 100 (default 25).
    #[validate(range(min = 1, max = 100, message = "must be between 1 and 100"))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}
