//! The subject access export: everything held about the client of one case.

use sanctuary_domain::consent::{ConsentMethod, ConsentPurpose, ConsentStatus};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use super::audit::AuditRecordView;
use super::case::{CaseView, ConsentsInForceView};
use super::history::{RiskAssessmentView, TimelineEntryView};

/// One consent decision: from the referral form, or a later change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentHistoryEntry {
    pub purpose: ConsentPurpose,
    pub decision: ConsentStatus,
    pub method: ConsentMethod,
    /// When the client said so.
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    /// When it was recorded (null: on the referral form).
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub recorded_at: Option<OffsetDateTime>,
    pub recorded_by_organisation_id: Option<Uuid>,
    /// How the change was evidenced (the coordinator's reads; null otherwise and on the
    /// form).
    #[schema(max_length = 2000)]
    pub evidence_note: Option<String>,
}

/// The consents in force on a case and every decision that made them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseConsentsView {
    pub in_force: ConsentsInForceView,
    /// From the referral form on, oldest first.
    #[schema(max_items = 10000)]
    pub history: Vec<ConsentHistoryEntry>,
}

/// A free-text note on the case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoteView {
    /// The timeline entry it belongs to.
    pub event_id: Uuid,
    #[schema(example = "assessment_findings")]
    #[schema(max_length = 40)]
    pub kind: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    #[schema(max_length = 10000)]
    pub text: String,
}

/// Everything held about the client: the case and referral as given, consent history,
/// timeline, notes, documents, risk assessments, and who accessed the record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseExport {
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub exported_at: OffsetDateTime,
    pub case: CaseView,
    pub consent_history: Vec<ConsentHistoryEntry>,
    pub timeline: Vec<TimelineEntryView>,
    pub notes: Vec<NoteView>,
    /// Every document held (each downloadable at its `href`), whoever it was for.
    pub documents: Vec<crate::wire::documents::DocumentView>,
    pub risk_assessments: Vec<RiskAssessmentView>,
    /// Every read of the record, change and refused attempt, oldest first.
    pub access_log: Vec<AuditRecordView>,
}
