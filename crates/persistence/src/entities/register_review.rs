use sea_orm::entity::prelude::*;

/// A review of a register entry: who reviewed it when, the date it was due and the next.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "register_reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub entry_id: Uuid,
    pub reviewed_at: TimeDateTimeWithTimeZone,
    pub organisation_id: Uuid,
    pub was_due: TimeDateTimeWithTimeZone,
    pub next_due: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
