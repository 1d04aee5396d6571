use sea_orm::entity::prelude::*;

/// An organisation's webhook endpoint; the secrets are sealed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub url: String,
    pub description: Option<String>,
    /// Comma-separated event types; empty: all.
    pub event_types: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<TimeDateTimeWithTimeZone>,
    pub enabled: bool,
    pub disabled_at: Option<TimeDateTimeWithTimeZone>,
    pub disabled_reason: Option<String>,
    /// Since when every attempt has failed; cleared by a success.
    pub failing_since: Option<TimeDateTimeWithTimeZone>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
