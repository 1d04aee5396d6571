//! sea-orm entities: one module per table, columns only. Vocabulary values are stored
//! as their snake_case strings and converted at the repository boundary.

pub mod admin_event;
pub mod audit_event;
pub mod audit_head;
pub mod case;
pub mod case_clock;
pub mod case_document;
pub mod case_document_chunk;
pub mod case_event;
pub mod case_note;
pub mod case_record;
pub mod case_referral;
pub mod case_visit;
pub mod holiday;
pub mod idempotency_record;
pub mod organisation;
pub mod outbox_event;
pub mod outbox_head;
pub mod outbox_recipient;
pub mod register_entry;
pub mod register_review;
pub mod report_note;
pub mod revoked_token;
pub mod risk_assessment;
pub mod scheme;
pub mod scheme_budget;
pub mod scheme_feedback;
pub mod scheme_measure;
pub mod scheme_membership;
pub mod scheme_reference_counter;
pub mod scheme_settings_version;
pub mod webhook_delivery;
pub mod webhook_endpoint;
pub mod webhook_fanout;
pub mod works_item;
