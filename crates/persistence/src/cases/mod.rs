//! Reading cases: one case in full, or a page of summaries (see [`list`]).

mod list;

pub use list::{CaseOrder, CaseQuery, ClockFilter, Visibility, list};

use crate::Store;
use crate::mapping::referral_of;
use crate::register::{RegisterEntry, RegisterReview};
use sanctuary_domain::access::{self, CaseTies};
use sanctuary_domain::case::{CaseFlag, CaseStatus, ProgressBlock};
use sanctuary_domain::clock::Clock;
use sanctuary_domain::consent::ConsentStatus;
use sanctuary_domain::consent::ConsentsInForce;
use sanctuary_domain::eligibility::EligibilityWarning;
use sanctuary_domain::landlord::LandlordPermission;
use sanctuary_domain::organisation::ReferralSource;
use sanctuary_domain::referral::Referral;
use sanctuary_domain::register::RegisterPresence;
use sanctuary_domain::risk::RiskLevel;
use sanctuary_domain::safeguarding::{Safeguarding, SharingRole};
use sanctuary_domain::scheme::Nation;
use sanctuary_domain::workflow::{
    AccommodationKind, CancelReason, CloseOutcome, CloseReason, DeclineReason, HoldReason,
    WorksItem,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QuerySelect,
    RelationTrait, Select,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;
use crate::codec::{parse, parse_opt, split};
use crate::entities::{case, organisation, scheme};
use crate::mapping::{clocks_of, works_of};

/// What every view of a case carries (and what access decisions need).
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
    pub dash_score: Option<u8>,
    pub held_from: Option<CaseStatus>,
    pub assessor_organisation_id: Option<Uuid>,
    pub contractor_organisation_id: Option<Uuid>,
    pub works_completed_at: Option<OffsetDateTime>,
    /// The referral records a risk of arson.
    pub arson_risk: bool,
    /// A recommended, approved or fitted measure needs a fire check.
    pub fire_check_measures: bool,
    /// Until when the contractor keeps its view (none: while it holds the order).
    pub contractor_access_until: Option<OffsetDateTime>,
    /// Whether the landlord must permit the works, and where that stands.
    pub landlord_permission: LandlordPermission,
    /// Where the case stands with the fire service's register, and the police's.
    pub fire_register: Option<RegisterPresence>,
    pub police_register: Option<RegisterPresence>,
    /// Whether the client (still) consents to sharing information.
    pub information_sharing: ConsentStatus,
    /// Without that consent, whether works in progress may be finished.
    pub works_may_continue: bool,
    /// The roles a safeguarding decision shares the case with, consent or not.
    pub shared_by_decision: Vec<SharingRole>,
    /// Kept from anonymisation whatever its age.
    pub legal_hold: bool,
    /// Its identifiers and free text were destroyed (retention): nobody reads it.
    pub anonymised: bool,
    /// The earlier case for the same client or home, if any (shown only to callers
    /// who can see that case).
    pub repeat_of_case_id: Option<Uuid>,
}

impl CaseSummary {
    /// Whether any of the case's register entries stands.
    pub fn on_register(&self) -> bool {
        [self.fire_register, self.police_register].contains(&Some(RegisterPresence::Active))
    }

    /// Whether the contractor's time with the case ran out by `now`.
    pub fn contractor_access_ended(&self, now: OffsetDateTime) -> bool {
        access::contractor_access_ended(
            self.contractor_access_until,
            self.works_completed_at,
            self.status,
            now,
        )
    }

    /// What decides who may read the case.
    pub fn ties(&self) -> CaseTies {
        CaseTies {
            status: self.status,
            referring_organisation_id: self.referring_organisation_id,
            assessor_organisation_id: self.assessor_organisation_id,
            contractor_organisation_id: self.contractor_organisation_id,
            held_from: self.held_from,
            arson_risk: self.arson_risk,
            fire_check_measures: self.fire_check_measures,
            fire_register: self.fire_register,
            contractor_access_ended: self.contractor_access_ended(OffsetDateTime::now_utc()),
            information_sharing: self.information_sharing,
            works_may_continue: self.works_may_continue,
            shared_by_decision: self.shared_by_decision.clone(),
            anonymised: self.anonymised,
        }
    }
}

/// A case with its referral and workflow detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub summary: CaseSummary,
    pub referral: Referral,
    pub detail: CaseDetail,
    pub clocks: Vec<Clock>,
    pub works: Vec<WorksItem>,
    /// Every entry the case has had on the emergency-services register, with reviews.
    pub register: Vec<(RegisterEntry, Vec<RegisterReview>)>,
    /// The visits booked, in the order they were.
    pub visits: Vec<sanctuary_domain::visits::Visit>,
}

/// Decisions and outcomes recorded on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDetail {
    pub hold_reason: Option<HoldReason>,
    pub decided_at: Option<OffsetDateTime>,
    pub decline_reason: Option<DeclineReason>,
    pub cancel_reason: Option<CancelReason>,
    pub close_reason: Option<CloseReason>,
    /// What the scheme learnt at closing (none for open cases and those closed before it
    /// was asked).
    pub close_outcome: Option<CloseOutcome>,
    pub ended_at: Option<OffsetDateTime>,
    pub approved_cost_pence: Option<i64>,
    pub works_cost_pence: Option<i64>,
    pub funder_approval_reference: Option<String>,
    pub fire_check_recorded_at: Option<OffsetDateTime>,
    pub first_contact_at: Option<OffsetDateTime>,
    pub eligibility_warnings: Vec<EligibilityWarning>,
    /// The scheme's nation (for its working-day calendar).
    pub nation: Nation,
    /// The consents as they stand now (the referral's, as changed since).
    pub consents: ConsentsInForce,
    /// The safeguarding decisions standing on the case.
    pub safeguarding: Safeguarding,
    /// Where the client is staying while out of the home (none: at home).
    pub emergency_accommodation: Option<AccommodationKind>,
    /// When interim measures were first fitted.
    pub interim_fitted_at: Option<OffsetDateTime>,
    /// 1, and one more each time the case was reopened; when it last was.
    pub round: u32,
    pub reopened_at: Option<OffsetDateTime>,
    /// The scheme's contractors arrange visits with the client (its setting as it
    /// stands now): the contractor's view shows the client's first name and phone.
    pub contractor_contacts_client: bool,
    /// The landlord's permission, and when it was asked for and decided.
    pub landlord_permission: LandlordPermission,
    pub landlord_requested_on: Option<time::Date>,
    pub landlord_decided_on: Option<time::Date>,
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
    dash_score: Option<i16>,
    held_from: Option<String>,
    assessor_organisation_id: Option<Uuid>,
    contractor_organisation_id: Option<Uuid>,
    works_completed_at: Option<OffsetDateTime>,
    arson_risk: bool,
    fire_check_measures: bool,
    contractor_access_until: Option<OffsetDateTime>,
    landlord_permission: String,
    fire_register: Option<String>,
    police_register: Option<String>,
    consent_information_sharing: String,
    works_may_continue: bool,
    safeguarding_sharing_with: String,
    legal_hold: bool,
    anonymised_at: Option<OffsetDateTime>,
    repeat_of_case_id: Option<Uuid>,
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
            dash_score: r.dash_score.and_then(|s| u8::try_from(s).ok()),
            held_from: parse_opt(r.held_from.as_deref(), "cases.held_from")?,
            assessor_organisation_id: r.assessor_organisation_id,
            contractor_organisation_id: r.contractor_organisation_id,
            works_completed_at: r.works_completed_at,
            arson_risk: r.arson_risk,
            fire_check_measures: r.fire_check_measures,
            contractor_access_until: r.contractor_access_until,
            landlord_permission: parse(&r.landlord_permission, "cases.landlord_permission")?,
            fire_register: parse_opt(r.fire_register.as_deref(), "cases.fire_register")?,
            police_register: parse_opt(r.police_register.as_deref(), "cases.police_register")?,
            information_sharing: parse(
                &r.consent_information_sharing,
                "cases.consent_information_sharing",
            )?,
            works_may_continue: r.works_may_continue,
            shared_by_decision: split(
                &r.safeguarding_sharing_with,
                "cases.safeguarding_sharing_with",
            )?,
            legal_hold: r.legal_hold,
            anonymised: r.anonymised_at.is_some(),
            repeat_of_case_id: r.repeat_of_case_id,
        })
    }
}

/// The summary columns, with the scheme's code and the referring organisation's name.
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
            C::DashScore,
            C::HeldFrom,
            C::AssessorOrganisationId,
            C::ContractorOrganisationId,
            C::WorksCompletedAt,
            C::ArsonRisk,
            C::FireCheckMeasures,
            C::ContractorAccessUntil,
            C::LandlordPermission,
            C::FireRegister,
            C::PoliceRegister,
            C::ConsentInformationSharing,
            C::WorksMayContinue,
            C::SafeguardingSharingWith,
            C::LegalHold,
            C::AnonymisedAt,
            C::RepeatOfCaseId,
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
        .all(db)
        .await
        .map_err(StoreError::db("reading a case"))?
        .pop()
        .map(CaseSummary::try_from)
        .transpose()
}

/// The summaries of these cases (those that exist), in one query.
pub async fn find_summaries(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<CaseSummary>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    summary_select()
        .filter(case::Column::Id.is_in(ids.iter().copied()))
        .into_model::<SummaryRow>()
        .all(db)
        .await
        .map_err(StoreError::db("reading cases"))?
        .into_iter()
        .map(CaseSummary::try_from)
        .collect()
}

/// One case in full.
pub async fn find(store: &Store, id: Uuid) -> Result<Option<CaseRecord>, StoreError> {
    match find_summary(store.connection(), id).await? {
        Some(summary) => with_referral(store, summary).await.map(Some),
        None => Ok(None),
    }
}

/// The outcome recorded at closing, from the case's columns.
fn close_outcome(row: &case::Model) -> Result<Option<CloseOutcome>, StoreError> {
    let (Some(home), Some(safer), Some(incidents)) = (
        row.close_still_at_home.as_deref(),
        row.close_feels_safer.as_deref(),
        row.close_further_incidents.as_deref(),
    ) else {
        return Ok(None);
    };
    Ok(Some(CloseOutcome {
        still_living_at_home: parse(home, "cases.close_still_at_home")?,
        feels_safer: parse(safer, "cases.close_feels_safer")?,
        further_incidents: parse(incidents, "cases.close_further_incidents")?,
        onward_referrals: split(
            row.close_onward_referrals.as_deref().unwrap_or_default(),
            "cases.close_onward_referrals",
        )?,
    }))
}

/// Completes a summary already read (e.g. for an access check) with its referral,
/// decisions, clocks and works.
pub async fn with_referral(store: &Store, summary: CaseSummary) -> Result<CaseRecord, StoreError> {
    let (db, keys) = (store.connection(), store.keys()?);
    let corrupt = |column| StoreError::Corrupt { column };
    let referral = referral_of(db, keys, summary.id).await?;
    let (row, scheme) = case::Entity::find_by_id(summary.id)
        .find_also_related(scheme::Entity)
        .all(db)
        .await
        .map_err(StoreError::db("reading a case"))?
        .pop()
        .ok_or(corrupt("cases.id"))?;
    let scheme = scheme.ok_or(corrupt("cases.scheme_id"))?;
    let round = row.round;
    let (consents, safeguarding) = (
        crate::snapshot::consents_in_force(&row)?,
        crate::snapshot::safeguarding_of(&row)?,
    );
    let detail = CaseDetail {
        hold_reason: parse_opt(row.hold_reason.as_deref(), "cases.hold_reason")?,
        decided_at: row.decided_at,
        decline_reason: parse_opt(row.decline_reason.as_deref(), "cases.decline_reason")?,
        cancel_reason: parse_opt(row.cancel_reason.as_deref(), "cases.cancel_reason")?,
        close_reason: parse_opt(row.close_reason.as_deref(), "cases.close_reason")?,
        close_outcome: close_outcome(&row)?,
        ended_at: row.ended_at,
        approved_cost_pence: row.approved_cost_pence,
        works_cost_pence: row.works_cost_pence,
        funder_approval_reference: row.funder_approval_reference,
        fire_check_recorded_at: row.fire_check_recorded_at,
        first_contact_at: row.first_contact_at,
        eligibility_warnings: split(&row.eligibility_warnings, "cases.eligibility_warnings")?,
        nation: parse(&scheme.nation, "schemes.nation")?,
        consents,
        safeguarding,
        emergency_accommodation: parse_opt(
            row.emergency_accommodation.as_deref(),
            "cases.emergency_accommodation",
        )?,
        interim_fitted_at: row.interim_fitted_at,
        round: u32::try_from(row.round).unwrap_or(1),
        reopened_at: row.reopened_at,
        landlord_permission: parse(&row.landlord_permission, "cases.landlord_permission")?,
        landlord_requested_on: row.landlord_permission_requested_on,
        landlord_decided_on: row.landlord_permission_decided_on,
        contractor_contacts_client: crate::schemes::parse_settings(&scheme.settings)?
            .contractor_contacts_client,
    };
    let clocks = clocks_of(db, summary.id, round).await?;
    let works = works_of(db, keys, summary.id).await?;
    let register = crate::register::history_of(db, summary.id).await?;
    let visits = crate::visits::of_case(db, summary.id).await?;
    Ok(CaseRecord {
        summary,
        referral,
        detail,
        clocks,
        works,
        register,
        visits,
    })
}
