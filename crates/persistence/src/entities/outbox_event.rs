use sea_orm::entity::prelude::*;

/// An event about a case, written with the change (no personal data).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub id: Uuid,
    #[sea_orm(column_name = "type")]
    pub event_type: String,
    pub at: TimeDateTimeWithTimeZone,
    pub case_id: Option<Uuid>,
    pub reference: Option<String>,
    pub scheme_id: Option<Uuid>,
    pub scheme_code: Option<String>,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    /// The acting organisation (none for the service's own jobs).
    pub organisation_id: Option<Uuid>,
    pub clock_kind: Option<String>,
    pub endpoint_id: Option<Uuid>,
    /// For register events, the entry and whose register.
    pub register_entry_id: Option<Uuid>,
    pub service: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::outbox_recipient::Entity")]
    Recipients,
}

impl ActiveModelBehavior for ActiveModel {}
