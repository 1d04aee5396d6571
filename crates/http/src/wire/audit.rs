//! The audit trail on the wire.

use sanctuary_domain::audit::AuditOutcome;
use sanctuary_domain::organisation::Role;
use sanctuary_persistence::audit::AuditRecord;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// Who did (or tried) what to which case, when. Field names only, never values.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditRecordView {
    /// Position in the tamper-evident chain.
    pub seq: i64,
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    /// The token's subject (the identity provider's user id).
    #[schema(max_length = 255)]
    pub actor: String,
    pub organisation_id: Option<Uuid>,
    pub role: Option<Role>,
    #[schema(example = "view_case")]
    #[schema(max_length = 40)]
    pub action: String,
    pub case_id: Option<Uuid>,
    /// The names of the fields written, or the parts read (`view:full`, `timeline`).
    pub fields: Vec<String>,
    #[schema(max_length = 36)]
    pub request_id: Option<String>,
    pub outcome: AuditOutcome,
}

impl From<AuditRecord> for AuditRecordView {
    fn from(r: AuditRecord) -> Self {
        Self {
            seq: r.seq,
            id: r.id,
            at: r.at,
            actor: r.actor_subject,
            organisation_id: r.organisation_id,
            role: r.role,
            action: r.action,
            case_id: r.case_id,
            fields: r.fields,
            request_id: r.request_id,
            outcome: r.outcome,
        }
    }
}

/// A page of audit records, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditRecordView>,
    /// Pass as `cursor` for the next (older) page; null on the last page.
    #[schema(max_length = 18)]
    pub next_cursor: Option<String>,
}

pub const DEFAULT_AUDIT_PAGE: u64 = 100;
/// The largest page of audit records.
pub const MAX_PAGE_SIZE: u64 = 500;

/// Which records to read.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQueryParams {
    /// Only this case.
    pub case_id: Option<Uuid>,
    /// Only this acting organisation.
    pub organisation_id: Option<Uuid>,
    /// Only this token subject.
    #[param(max_length = 255)]
    #[validate(length(max = 255))]
    pub actor: Option<String>,
    /// At or after this time (RFC 3339).
    #[serde(default, with = "crate::wire::instant::option")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<OffsetDateTime>,
    /// Before this time (RFC 3339).
    #[serde(default, with = "crate::wire::instant::option")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<OffsetDateTime>,
    /// The `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 18, pattern = "^[0-9]{1,18}$")]
    pub cursor: Option<String>,
    /// Records per page (default 100, at most 500).
    #[param(minimum = 1, maximum = 500)]
    #[validate(range(min = 1, max = MAX_PAGE_SIZE))]
    pub limit: Option<u64>,
}
