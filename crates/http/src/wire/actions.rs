//! Request bodies of the case actions, and their domain commands.

use sanctuary_domain::consent::{ConsentMethod, ConsentPurpose, ConsentStatus};
use sanctuary_domain::dash::Dash;
use sanctuary_domain::landlord::{PermissionStep, RequestMethod};
use sanctuary_domain::referral::Marac;
use sanctuary_domain::risk::RiskLevel;
use sanctuary_domain::safeguarding::{DecisionPurpose, LawfulBasis, SharingRole};
use sanctuary_domain::violation::{ViolationCode, Violations};
use sanctuary_domain::workflow::{
    AccommodationKind, CancelReason, CloseOutcome, CloseReason, Command, ConsentChange,
    ContactMethod, ContactOutcome, DeclineReason, FeelsSafer, FireCheckOutcome, HoldReason,
    ItemApproval, ItemRef, ItemResult, LandlordPermissionChange, Recommendation, ReferralType,
    ReopenReason, RiskInput, SafeguardingDecision, YesNoUnknown,
};
use serde::Deserialize;
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

use super::referral::{DashAnswersSection, DashSection, MaracSection};

/// Accept the referral into the scheme.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"override_reason": "IDVA confirmed the perpetrator is in custody and the client wishes to stay"}))]
pub struct AcceptBody {
    /// Required when the case has eligibility warnings: why accept anyway.
    #[schema(max_length = 2000)]
    pub override_reason: Option<String>,
}

/// Decline the referral.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "refuge_more_suitable", "other": null}))]
pub struct DeclineBody {
    pub reason: DeclineReason,
    /// Required when `reason` is `other`.
    #[schema(max_length = 2000)]
    pub other: Option<String>,
}

/// Assign an assessor organisation of the scheme.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organisation_id": "01a20ab8-29c0-73a6-aa80-239f293b7768"}))]
pub struct AssignAssessorBody {
    pub organisation_id: Uuid,
}

/// Give the assessment to another assessor organisation of the scheme.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organisation_id": "01a20ab8-29cc-7d5f-9a21-3b8e6f0c2d94", "reason": "The crime prevention officer is on leave for six weeks"}))]
pub struct ReassignAssessorBody {
    pub organisation_id: Uuid,
    /// Why (sealed with the case's notes; the timeline keeps both organisations).
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// Give the works order to another contractor of the scheme.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organisation_id": "01a20ab8-29ce-7e6a-8b32-4c9f7a1d3ea5", "reason": "The contractor cannot fit the door before the perpetrator's release"}))]
pub struct ReassignContractorBody {
    pub organisation_id: Uuid,
    /// Why (sealed with the case's notes; the timeline keeps both organisations).
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// Order interim measures at once (an urgent case): from the catalogue's interim
/// measures, from a contractor of the scheme.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organisation_id": "01a20ab8-29c2-7d11-b6f1-53d0c0e4b1a2", "items": [{"measure_code": "emergency_lock_change", "quantity": 1, "location": "front door"}, {"measure_code": "personal_safety_alarm", "quantity": 1}]}))]
pub struct OrderInterimMeasuresBody {
    pub organisation_id: Uuid,
    #[schema(min_items = 1, max_items = 20)]
    pub items: Vec<RecommendationBody>,
}

/// What the contractor did with each interim measure ordered: a result for every one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"results": [{"measure_code": "emergency_lock_change", "installed": true, "actual_cost_pence": 9500}, {"measure_code": "personal_safety_alarm", "installed": true, "actual_cost_pence": 2400}]}))]
pub struct InterimMeasuresFittedBody {
    #[schema(max_items = 50)]
    pub results: Vec<ItemResultBody>,
}

/// Open a closed case again.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "perpetrator_returned", "note": "Released early; seen outside the house twice"}))]
pub struct ReopenBody {
    pub reason: ReopenReason,
    /// What happened (sealed).
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// The client had to leave the home (where: a kind, never an address), or came back.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"placed": true, "kind": "refuge", "on": "2026-12-01"}))]
pub struct EmergencyAccommodationBody {
    /// `true`: the client left for `kind`; `false`: back home.
    pub placed: bool,
    pub kind: Option<AccommodationKind>,
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub on: Date,
}

/// A step in getting the landlord's permission for the works.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"step": "granted", "on": "2026-12-01", "granted_by": "Dale Housing Association lettings team", "conditions": "Locks to the association's master-key pattern"}))]
pub struct LandlordPermissionBody {
    /// `requested` (with `method`: needs the client's consent to contact the landlord, or
    /// a safeguarding decision standing in), `granted` (with `granted_by`) or `refused`
    /// (with `reason`).
    pub step: PermissionStep,
    /// When it happened (not in the future).
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    /// How the landlord was asked (a request).
    pub method: Option<RequestMethod>,
    /// Who granted it: the landlord, an agent (sealed).
    #[schema(max_length = 200)]
    pub granted_by: Option<String>,
    /// The landlord's conditions for the works (sealed).
    #[schema(max_length = 2000)]
    pub conditions: Option<String>,
    /// Why the landlord refused (sealed).
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// A measure the assessor recommends.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"measure_code": "door_chain_and_viewer", "quantity": 1, "location": "front door"}))]
pub struct RecommendationBody {
    /// A code from `GET /api/v1/measures?scheme=…`.
    #[schema(
        max_length = 60,
        pattern = r"^[a-z][a-z0-9_]{1,59}$",
        example = "door_chain_and_viewer"
    )]
    pub measure_code: String,
    #[schema(minimum = 1, maximum = 100)]
    pub quantity: u32,
    /// Where it goes, e.g. "front door".
    #[schema(max_length = 100, example = "front door")]
    pub location: Option<String>,
    /// Integer pence; defaults to the catalogue's unit cost times the quantity.
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub estimated_cost_pence: Option<i64>,
}

/// Record the assessment visit and the recommended measures.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"visit_date": "2026-11-25", "findings": "Back door frame split; ground-floor bedroom suits a safe room", "recommended_measures": [{"measure_code": "safe_room", "quantity": 1, "location": "ground-floor bedroom"}, {"measure_code": "door_chain_and_viewer", "quantity": 1, "location": "front door"}, {"measure_code": "repairs_to_door_frames", "quantity": 1, "location": "back door", "estimated_cost_pence": 18500}]}))]
pub struct RecordAssessmentBody {
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub visit_date: Date,
    #[schema(max_length = 4000)]
    pub findings: Option<String>,
    #[schema(max_items = 50)]
    pub recommended_measures: Vec<RecommendationBody>,
}

/// Approve works: all recommended measures, or the listed ones.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"items": null, "funder_approval_reference": "PCC-2026-0117"}))]
pub struct ApproveWorksBody {
    /// Ids of recommended measures to approve; all of them when absent.
    #[schema(max_items = 50)]
    pub items: Option<Vec<Uuid>>,
    /// Required when the approved total is above the per-household limit (the funding
    /// stream's, else the scheme's) or above what is left in the funding stream.
    #[schema(max_length = 100)]
    pub funder_approval_reference: Option<String>,
    /// The funding stream of the year's budget the works are charged to (its name);
    /// the first stream when absent. 422 when the scheme keeps no budget for the year.
    #[schema(max_length = 100)]
    pub funding_stream: Option<String>,
}

/// Order the approved works from a contractor organisation of the scheme.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organisation_id": "01a20ab8-29c2-7d11-b6f1-53d0c0e4b1a2"}))]
pub struct OrderWorksBody {
    pub organisation_id: Uuid,
}

/// What happened to one approved measure, named by its works item's `item_id` (the
/// case's `works.items[].id`) or, when the case has one approved item of that measure,
/// by its `measure_code`: exactly one of the two.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"measure_code": "safe_room", "installed": true, "actual_cost_pence": 118000}))]
pub struct ItemResultBody {
    pub item_id: Option<Uuid>,
    #[schema(
        min_length = 2,
        max_length = 60,
        pattern = r"^[a-z][a-z0-9_]{1,59}$",
        example = "safe_room"
    )]
    pub measure_code: Option<String>,
    pub installed: bool,
    /// Required when installed; integer pence.
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub actual_cost_pence: Option<i64>,
    /// Required when not installed.
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// Complete the works: a result for every approved measure. (The example completes the
/// works the assessment example recommended.)
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"results": [
    {"measure_code": "safe_room", "installed": true, "actual_cost_pence": 118000},
    {"measure_code": "door_chain_and_viewer", "installed": false, "reason": "Door too thin for a viewer"},
    {"measure_code": "repairs_to_door_frames", "installed": true, "actual_cost_pence": 17900}
]}))]
pub struct CompleteWorksBody {
    #[schema(max_items = 50)]
    pub results: Vec<ItemResultBody>,
}

/// A contact with the client. Check the case's unsafe contact times first.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"method": "phone", "outcome": "spoke_to_client", "notes": "Called at 11am as agreed; works explained"}))]
pub struct RecordContactBody {
    pub method: ContactMethod,
    /// `spoke_to_client` counts as contact and stops the initial-contact clock.
    pub outcome: ContactOutcome,
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
}

/// A decision to share without the client's consent because a person is at risk.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "purpose": "information_sharing",
    "share_with": ["assessor", "contractor"],
    "lawful_basis": "uk_gdpr_9_2_g_dpa_2018_sch_1_para_18",
    "reason": "High risk, adult with care and support needs; client too frightened to agree to sharing",
    "deciding_officer": "J. Patel, Safeguarding Lead",
    "review_on": "2027-03-01"
}))]
pub struct RecordSafeguardingDecisionBody {
    /// `information_sharing` (name `share_with`) or `landlord_contact`.
    pub purpose: DecisionPurpose,
    /// For information sharing, the roles the case is shared with (at least one).
    #[serde(default)]
    #[schema(max_items = 3)]
    pub share_with: Vec<SharingRole>,
    pub lawful_basis: LawfulBasis,
    /// Why (sealed; in the subject access export, never in the timeline or an event).
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
    /// Who decided, name and post (sealed like the reason).
    #[schema(min_length = 1, max_length = 200)]
    pub deciding_officer: String,
    /// When the decision is looked at again (after today).
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub review_on: Date,
}

/// The client was referred on.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"type": "marac", "referred_on": "2026-12-01", "details": "Darlington MARAC, ref M-2026-118"}))]
pub struct RecordReferralMadeBody {
    /// `marac` clears `high_risk_without_marac` and `repeat_marac_referral_needed`;
    /// `adult_safeguarding` clears `safeguarding_referral_needed`.
    #[serde(rename = "type")]
    pub referral_type: ReferralType,
    /// Not in the future.
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub referred_on: Date,
    /// To whom, and their reference (sealed; never in the timeline or an event).
    #[schema(max_length = 2000)]
    pub details: Option<String>,
}

/// The fire service's safety check. (The example finds the smoke alarms wanting.)
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"checked_on": "2026-12-01", "outcome": "actions_required", "notes": "Safe room fine; no working smoke alarm on the landing", "remedial_works": [{"measure_code": "smoke_alarms", "quantity": 2, "location": "hall and landing"}]}))]
pub struct RecordFireCheckBody {
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub checked_on: Date,
    pub outcome: FireCheckOutcome,
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
    /// With `actions_required`: the works the check found needed, from the scheme's
    /// catalogue. They stay outstanding (and the case cannot close) until the
    /// coordinator orders them and the contractor records them done.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub remedial_works: Vec<RecommendationBody>,
}

/// The follow-up visit after works.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"visited_on": "2026-12-02", "notes": "Client shown how to lock the safe room"}))]
pub struct RecordFollowUpVisitBody {
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub visited_on: Date,
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
}

/// A follow-up contact 3, 6 or 12 months after works (only with follow-up consent).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"contacted_on": "2026-12-02", "milestone_months": 3, "feels_safer": "yes", "still_living_at_home": "yes", "further_incidents": "no", "notes": null}))]
pub struct RecordFollowUpContactBody {
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub contacted_on: Date,
    /// 3, 6 or 12.
    #[schema(minimum = 3, maximum = 12)]
    pub milestone_months: u32,
    pub feels_safer: FeelsSafer,
    /// Is the client still living in the home the works protected? (default `unknown`)
    #[serde(default = "unknown")]
    #[schema(default = "unknown")]
    pub still_living_at_home: YesNoUnknown,
    /// Any further incidents since the works? (default `unknown`)
    #[serde(default = "unknown")]
    #[schema(default = "unknown")]
    pub further_incidents: YesNoUnknown,
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
}

fn unknown() -> YesNoUnknown {
    YesNoUnknown::Unknown
}

/// Close the case, with what the scheme learnt of the client's situation (each answer
/// may be left out: it counts as unknown).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "completed", "other": null, "still_living_at_home": "yes", "feels_safer": "yes", "further_incidents": "no", "onward_referrals": ["idva"]}))]
pub struct CloseBody {
    pub reason: CloseReason,
    /// Required when `reason` is `other`.
    #[schema(max_length = 2000)]
    pub other: Option<String>,
    /// Whether the client still lives at the home (default `unknown`).
    pub still_living_at_home: Option<YesNoUnknown>,
    /// Whether the client feels safer (default `not_said`).
    pub feels_safer: Option<FeelsSafer>,
    /// Further incidents since the works (default `unknown`).
    pub further_incidents: Option<YesNoUnknown>,
    /// Where the client was referred on by the time of closing (default none).
    #[serde(default)]
    #[schema(max_items = 6)]
    pub onward_referrals: Vec<ReferralType>,
}

/// Cancel the works (before they complete).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "landlord_refused", "other": null}))]
pub struct CancelBody {
    pub reason: CancelReason,
    /// Required when `reason` is `other`.
    #[schema(max_length = 2000)]
    pub other: Option<String>,
}

/// Put the case on hold; its clocks pause.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "waiting_for_client", "note": "Client in hospital; call again after 10 December"}))]
pub struct HoldBody {
    pub reason: HoldReason,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// The client withdrew consent to installation.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "Client has decided to move to family"}))]
pub struct WithdrawBody {
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// A change of one of the client's consents: given, refused or withdrawn.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"purpose": "information_sharing", "decision": "withdrawn", "method": "verbal", "on": "2026-11-24", "evidence_note": "Client phoned the IDVA", "works_may_continue": true}))]
pub struct RecordConsentBody {
    pub purpose: ConsentPurpose,
    pub decision: ConsentStatus,
    pub method: ConsentMethod,
    /// When the client said so.
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    /// How it was evidenced (free text, stored encrypted, never in the timeline).
    #[schema(max_length = 2000)]
    pub evidence_note: Option<String>,
    /// Information sharing refused or withdrawn: the client agreed that works already
    /// in progress be finished (the contractor keeps its view until then).
    pub works_may_continue: Option<bool>,
}

impl RecordConsentBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::RecordConsent(ConsentChange {
            purpose: self.purpose,
            status: self.decision,
            method: self.method,
            on: self.on,
            evidence: self.evidence_note,
            works_may_continue: self.works_may_continue.unwrap_or(false),
        }))
    }
}

/// Place or lift a legal hold.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"held": true, "reason": "Civil proceedings: solicitor's preservation request"}))]
pub struct LegalHoldBody {
    pub held: bool,
    /// Required when placing a hold.
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

impl LegalHoldBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::SetLegalHold {
            held: self.held,
            reason: self.reason,
        })
    }
}

/// A risk reassessment.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"dash": {"completed": true, "score": 12}, "professional_judgement": "high", "incidents_last_12_months": 3, "marac": {"referred": true, "meeting_date": "2026-12-10"}, "new_incident": true, "notes": "Perpetrator released on bail"}))]
pub struct RiskAssessmentBody {
    pub dash: DashSection,
    /// Raises the level the score gives (never lowers it).
    pub professional_judgement: Option<RiskLevel>,
    #[schema(minimum = 0, maximum = 1000)]
    pub incidents_last_12_months: Option<u32>,
    pub marac: Option<MaracSection>,
    /// A new incident since the last assessment.
    pub new_incident: Option<bool>,
    #[schema(max_length = 4000)]
    pub notes: Option<String>,
}

impl AcceptBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::Accept {
            override_reason: self.override_reason,
        })
    }
}

impl DeclineBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::Decline {
            reason: self.reason,
            other: self.other,
        })
    }
}

pub(crate) fn recommendations(bodies: Vec<RecommendationBody>) -> Vec<Recommendation> {
    bodies
        .into_iter()
        .map(|r| Recommendation {
            measure_code: r.measure_code,
            quantity: r.quantity,
            location: r.location,
            estimated_cost_pence: r.estimated_cost_pence,
        })
        .collect()
}

/// The item named by id or by measure code, never both; a violation at `at` otherwise.
pub(crate) fn item_ref(
    item_id: Option<Uuid>,
    measure_code: Option<String>,
    at: &str,
    v: &mut Violations,
) -> Option<ItemRef> {
    match (item_id, measure_code) {
        (Some(id), None) => Some(ItemRef::Id(id)),
        (None, Some(code)) => Some(ItemRef::Measure(code)),
        (Some(_), Some(_)) => {
            v.add(
                format!("{at}/measure_code"),
                ViolationCode::ExclusiveChoice,
                "give item_id or measure_code, not both",
            );
            None
        }
        (None, None) => {
            v.add(
                format!("{at}/item_id"),
                ViolationCode::OneOfRequired,
                "give item_id or measure_code",
            );
            None
        }
    }
}

/// Each result names its item by id or by measure code, never both.
pub(crate) fn item_results(bodies: Vec<ItemResultBody>) -> Result<Vec<ItemResult>, Violations> {
    let mut v = Violations::new();
    let mut results = Vec::with_capacity(bodies.len());
    for (i, r) in bodies.into_iter().enumerate() {
        let Some(item) = item_ref(r.item_id, r.measure_code, &format!("/results/{i}"), &mut v)
        else {
            continue;
        };
        results.push(ItemResult {
            item,
            installed: r.installed,
            actual_cost_pence: r.actual_cost_pence,
            reason: r.reason,
        });
    }
    v.into_result(results)
}

impl RecordAssessmentBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::RecordAssessment {
            visit_date: self.visit_date,
            findings: self.findings,
            recommendations: recommendations(self.recommended_measures),
        })
    }
}

impl OrderInterimMeasuresBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::OrderInterimMeasures {
            organisation_id: self.organisation_id,
            items: recommendations(self.items),
        })
    }
}

impl InterimMeasuresFittedBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::RecordInterimMeasuresFitted {
            results: item_results(self.results)?,
        })
    }
}

impl ReopenBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::Reopen {
            reason: self.reason,
            note: self.note,
        })
    }
}

impl EmergencyAccommodationBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::RecordEmergencyAccommodation {
            placed: self.placed,
            kind: self.kind,
            on: self.on,
        })
    }
}

impl ApproveWorksBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::ApproveWorks(ItemApproval {
            items: self.items,
            funder_approval_reference: self.funder_approval_reference,
            funding_stream: self.funding_stream,
        }))
    }
}

impl CompleteWorksBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::CompleteWorks {
            results: item_results(self.results)?,
        })
    }
}

impl RecordSafeguardingDecisionBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::RecordSafeguardingDecision(SafeguardingDecision {
            purpose: self.purpose,
            share_with: self.share_with,
            lawful_basis: self.lawful_basis,
            reason: self.reason,
            deciding_officer: self.deciding_officer,
            review_on: self.review_on,
        }))
    }
}

impl RecordReferralMadeBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::RecordReferralMade {
            referral_type: self.referral_type,
            referred_on: self.referred_on,
            details: self.details,
        })
    }
}

impl RecordContactBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::RecordContact {
            method: self.method,
            outcome: self.outcome,
            notes: self.notes,
        })
    }
}

impl RecordFireCheckBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::RecordFireCheck {
            checked_on: self.checked_on,
            outcome: self.outcome,
            notes: self.notes,
            remedial: recommendations(self.remedial_works),
        })
    }
}

impl RecordFollowUpVisitBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::RecordFollowUpVisit {
            visited_on: self.visited_on,
            notes: self.notes,
        })
    }
}

impl RecordFollowUpContactBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::RecordFollowUpContact {
            contacted_on: self.contacted_on,
            milestone_months: self.milestone_months,
            feels_safer: self.feels_safer,
            still_living_at_home: self.still_living_at_home,
            further_incidents: self.further_incidents,
            notes: self.notes,
        })
    }
}

impl CloseBody {
    pub fn command(self) -> Result<Command, Violations> {
        let mut onward = self.onward_referrals;
        onward.sort();
        onward.dedup();
        Ok(Command::Close {
            reason: self.reason,
            other: self.other,
            outcome: CloseOutcome {
                still_living_at_home: self.still_living_at_home.unwrap_or(YesNoUnknown::Unknown),
                feels_safer: self.feels_safer.unwrap_or(FeelsSafer::NotSaid),
                further_incidents: self.further_incidents.unwrap_or(YesNoUnknown::Unknown),
                onward_referrals: onward,
            },
        })
    }
}

impl CancelBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::Cancel {
            reason: self.reason,
            other: self.other,
        })
    }
}

impl HoldBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::Hold {
            reason: self.reason,
            note: self.note,
        })
    }
}

impl WithdrawBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::Withdraw { note: self.note })
    }
}

impl RiskAssessmentBody {
    pub fn command(self) -> Result<Command, Violations> {
        let mut v = Violations::new();
        let answers = self
            .dash
            .answers
            .as_ref()
            .map(DashAnswersSection::to_domain);
        let completed = self.dash.completed.unwrap_or(false);
        if self.dash.completed.is_none() {
            v.add(
                "/dash/completed",
                sanctuary_domain::violation::ViolationCode::Required,
                "is required",
            );
        }
        let dash = v.nested("/dash", Dash::new(completed, self.dash.score, answers));
        let marac = self.marac.map(|m| Marac {
            referred: m.referred.unwrap_or(false),
            meeting_date: m.meeting_date,
        });
        if let Some(m) = &marac {
            v.absorb("/marac", m.violations());
        }
        let Some(dash) = dash else {
            return Err(v);
        };
        v.into_result(Command::RecordRiskAssessment(RiskInput {
            dash,
            judgement: self.professional_judgement,
            incidents_last_12_months: self.incidents_last_12_months,
            marac,
            new_incident: self.new_incident.unwrap_or(false),
            notes: self.notes,
        }))
    }
}

impl AssignAssessorBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::AssignAssessor {
            organisation_id: self.organisation_id,
        })
    }
}

impl LandlordPermissionBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::RecordLandlordPermission(
            LandlordPermissionChange {
                step: self.step,
                on: self.on,
                method: self.method,
                granted_by: self.granted_by,
                conditions: self.conditions,
                reason: self.reason,
            },
        ))
    }
}

impl ReassignAssessorBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::ReassignAssessor {
            organisation_id: self.organisation_id,
            reason: self.reason,
        })
    }
}

impl ReassignContractorBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::ReassignContractor {
            organisation_id: self.organisation_id,
            reason: self.reason,
        })
    }
}

impl OrderWorksBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::OrderWorks {
            organisation_id: self.organisation_id,
        })
    }
}
