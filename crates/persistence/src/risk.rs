//! A case's risk assessments: the referral's, then every reassessment.

use sanctuary_domain::risk::RiskLevel;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::StoreError;
use crate::codec::parse_opt;
use crate::entities::risk_assessment;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskAssessmentRecord {
    pub id: Uuid,
    pub recorded_at: OffsetDateTime,
    pub organisation_id: Uuid,
    /// `referral` or `reassessment`.
    pub source: String,
    pub dash_completed: bool,
    pub dash_score: Option<u8>,
    pub judgement: Option<RiskLevel>,
    pub level: Option<RiskLevel>,
    pub incidents_last_12_months: Option<u32>,
    pub marac_referred: Option<bool>,
    pub marac_date: Option<Date>,
    pub new_incident: bool,
}

/// Oldest first.
pub async fn history(
    db: &impl ConnectionTrait,
    case_id: Uuid,
) -> Result<Vec<RiskAssessmentRecord>, StoreError> {
    risk_assessment::Entity::find()
        .filter(risk_assessment::Column::CaseId.eq(case_id))
        .order_by_asc(risk_assessment::Column::Id)
        .all(db)
        .await
        .map_err(StoreError::db("reading risk assessments"))?
        .into_iter()
        .map(|m| {
            Ok(RiskAssessmentRecord {
                id: m.id,
                recorded_at: m.recorded_at,
                organisation_id: m.organisation_id,
                source: m.source,
                dash_completed: m.dash_completed,
                dash_score: m.dash_score.and_then(|s| u8::try_from(s).ok()),
                judgement: parse_opt(m.judgement.as_deref(), "risk_assessments.judgement")?,
                level: parse_opt(m.level.as_deref(), "risk_assessments.level")?,
                incidents_last_12_months: m
                    .incidents_last_12_months
                    .and_then(|n| u32::try_from(n).ok()),
                marac_referred: m.marac_referred,
                marac_date: m.marac_date,
                new_incident: m.new_incident,
            })
        })
        .collect()
}
