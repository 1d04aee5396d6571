//! Reading cases: one case in full, or a page of summaries.

use sanctuary_domain::case::{CaseFlag, CaseStatus, ProgressBlock};
use sanctuary_domain::organisation::ReferralSource;
use sanctuary_domain::referral::Referral;
use sanctuary_domain::risk::RiskLevel;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait, Select,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;
use crate::codec::{parse, parse_opt, split};
use crate::entities::{case, case_referral, organisation, scheme};

/// What every view of a case carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    pub id: Uuid,
    pub scheme_id: Uuid,
    pub scheme_code: String,
    pub referring_organisation_id: Uuid,
    pub referring_organisation_name: String,
    pub reference: String,
    pub status: CaseStatus,
    pub version: i64,
    pub received_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub urgent: bool,
    pub referral_source: ReferralSource,
    pub risk_level: Option<RiskLevel>,
    pub flags: Vec<CaseFlag>,
    pub progress_blocks: Vec<ProgressBlock>,
    pub external_reference: Option<String>,
    pub dash_score: Option<u8>,
}

/// A case with its referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub summary: CaseSummary,
    pub referral: Referral,
}

#[derive(Debug, FromQueryResult)]
struct SummaryRow {
    id: Uuid,
    scheme_id: Uuid,
    scheme_code: String,
    referring_organisation_id: Uuid,
    referring_organisation_name: String,
    reference: String,
    status: String,
    version: i64,
    received_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    urgent: bool,
    referral_source: String,
    risk_level: Option<String>,
    flags: String,
    progress_blocks: String,
    external_reference: Option<String>,
    dash_score: Option<i16>,
}

impl TryFrom<SummaryRow> for CaseSummary {
    type Error = StoreError;

    fn try_from(r: SummaryRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.id,
            scheme_id: r.scheme_id,
            scheme_code: r.scheme_code,
            referring_organisation_id: r.referring_organisation_id,
            referring_organisation_name: r.referring_organisation_name,
            reference: r.reference,
            status: parse(&r.status, "cases.status")?,
            version: r.version,
            received_at: r.received_at,
            updated_at: r.updated_at,
            urgent: r.urgent,
            referral_source: parse(&r.referral_source, "cases.referral_source")?,
            risk_level: parse_opt(r.risk_level.as_deref(), "cases.risk_level")?,
            flags: split(&r.flags, "cases.flags")?,
            progress_blocks: split(&r.progress_blocks, "cases.progress_blocks")?,
            external_reference: r.external_reference,
            dash_score: r.dash_score.and_then(|s| u8::try_from(s).ok()),
        })
    }
}

fn summary_select() -> Select<case::Entity> {
    use case::Column as C;
    case::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::SchemeId,
            C::ReferringOrganisationId,
            C::Reference,
            C::Status,
            C::Version,
            C::ReceivedAt,
            C::UpdatedAt,
            C::Urgent,
            C::ReferralSource,
            C::RiskLevel,
            C::Flags,
            C::ProgressBlocks,
            C::ExternalReference,
            C::DashScore,
        ])
        .column_as(scheme::Column::Code, "scheme_code")
        .column_as(organisation::Column::Name, "referring_organisation_name")
        .join(JoinType::InnerJoin, case::Relation::Scheme.def())
        .join(
            JoinType::InnerJoin,
            case::Relation::ReferringOrganisation.def(),
        )
}

/// Just the summary of one case (enough to decide who may see it).
pub async fn find_summary(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<CaseSummary>, StoreError> {
    summary_select()
        .filter(case::Column::Id.eq(id))
        .into_model::<SummaryRow>()
        .one(db)
        .await
        .map_err(StoreError::db("reading a case"))?
        .map(CaseSummary::try_from)
        .transpose()
}

/// One case with its referral.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<CaseRecord>, StoreError> {
    match find_summary(db, id).await? {
        Some(summary) => with_referral(db, summary).await.map(Some),
        None => Ok(None),
    }
}

/// Completes a summary already read (e.g. for an access check) with its referral.
pub async fn with_referral(
    db: &impl ConnectionTrait,
    summary: CaseSummary,
) -> Result<CaseRecord, StoreError> {
    let corrupt = || StoreError::Corrupt {
        column: "case_referrals.details",
    };
    let details = case_referral::Entity::find_by_id(summary.id)
        .one(db)
        .await
        .map_err(StoreError::db("reading a referral"))?
        .ok_or_else(corrupt)?;
    let referral: Referral = serde_json::from_str(&details.details).map_err(|_| corrupt())?;
    Ok(CaseRecord { summary, referral })
}

/// Which cases a caller may list: the union of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Cases the organisation referred.
    ReferredBy(Uuid),
    /// Every case in these schemes.
    InSchemes(Vec<Uuid>),
}

#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    pub visibility: Vec<Visibility>,
    pub status: Option<CaseStatus>,
    pub received_from: Option<OffsetDateTime>,
    pub received_before: Option<OffsetDateTime>,
    pub risk_level: Option<RiskLevel>,
    pub urgent: Option<bool>,
    /// Keyset cursor: only cases with a smaller id (ids are UUIDv7, so older cases).
    pub after: Option<Uuid>,
    pub limit: u64,
}

/// Newest first, `limit` at most. Filters and the visibility scope are SQL conditions
/// over indexed columns; nothing is filtered in memory.
pub async fn list(
    db: &impl ConnectionTrait,
    q: &CaseQuery,
) -> Result<Vec<CaseSummary>, StoreError> {
    let mut scope = Condition::any();
    let mut visible_somewhere = false;
    for v in &q.visibility {
        match v {
            Visibility::ReferredBy(org) => {
                scope = scope.add(case::Column::ReferringOrganisationId.eq(*org));
                visible_somewhere = true;
            }
            Visibility::InSchemes(ids) if !ids.is_empty() => {
                scope = scope.add(case::Column::SchemeId.is_in(ids.iter().copied()));
                visible_somewhere = true;
            }
            Visibility::InSchemes(_) => {}
        }
    }
    if !visible_somewhere {
        return Ok(Vec::new());
    }
    let mut select = summary_select().filter(scope);
    if let Some(status) = q.status {
        select = select.filter(case::Column::Status.eq(status.as_str()));
    }
    if let Some(from) = q.received_from {
        select = select.filter(case::Column::ReceivedAt.gte(from));
    }
    if let Some(before) = q.received_before {
        select = select.filter(case::Column::ReceivedAt.lt(before));
    }
    if let Some(level) = q.risk_level {
        select = select.filter(case::Column::RiskLevel.eq(level.as_str()));
    }
    if let Some(urgent) = q.urgent {
        select = select.filter(case::Column::Urgent.eq(urgent));
    }
    if let Some(after) = q.after {
        select = select.filter(case::Column::Id.lt(after));
    }
    select
        .order_by_desc(case::Column::Id)
        .limit(q.limit)
        .into_model::<SummaryRow>()
        .all(db)
        .await
        .map_err(StoreError::db("listing cases"))?
        .into_iter()
        .map(CaseSummary::try_from)
        .collect()
}
