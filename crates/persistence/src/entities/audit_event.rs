use sea_orm::entity::prelude::*;

/// One audit record: who did or tried what to which case, when; field names only.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub id: Uuid,
    pub at: TimeDateTimeWithTimeZone,
    pub actor_subject: String,
    pub organisation_id: Option<Uuid>,
    pub role: Option<String>,
    pub action: String,
    pub scheme_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    pub fields: String,
    pub request_id: Option<String>,
    pub outcome: String,
    pub prev_hash: String,
    pub hash: String,
    /// The keyring key id whose MAC key made `hash`; `None`: an unkeyed SHA-256 link
    /// (a record written before keyed links).
    pub mac_key_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
