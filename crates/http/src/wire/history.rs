//! A case's history on the wire: its timeline and its risk assessments.

use sanctuary_domain::case::CaseStatus;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::Action;
use sanctuary_domain::risk::RiskLevel;
use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use super::case::OrganisationRef;

/// Who took an action.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActorView {
    /// The identity provider's user id (pseudonymous).
    #[schema(max_length = 255)]
    pub subject: String,
    pub organisation: OrganisationRef,
    pub role: Role,
}

/// One entry of the timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineEntryView {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    /// `create_referral` for the referral itself, else the action taken.
    pub action: Action,
    pub from_status: Option<CaseStatus>,
    pub to_status: CaseStatus,
    pub actor: ActorView,
    /// Codes, dates, ids and amounts recorded with the action; never personal values.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// A risk assessment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RiskAssessmentView {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: OffsetDateTime,
    pub organisation_id: Uuid,
    /// `referral` (the one that came with the referral) or `reassessment`.
    #[schema(example = "reassessment")]
    #[schema(max_length = 20)]
    pub source: String,
    pub dash_completed: bool,
    pub dash_score: Option<u8>,
    pub professional_judgement: Option<RiskLevel>,
    /// The level this assessment gave.
    pub level: Option<RiskLevel>,
    pub incidents_last_12_months: Option<u32>,
    pub marac_referred: Option<bool>,
    #[serde(with = "sanctuary_domain::iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub marac_date: Option<Date>,
    pub new_incident: bool,
}
