use sea_orm::entity::prelude::*;

/// A case on one emergency service's register, from when it was added until it was
/// removed (no personal data: the details are read from the case when shown).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "register_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub scheme_id: Uuid,
    pub service: String,
    pub basis: String,
    pub added_at: TimeDateTimeWithTimeZone,
    pub review_due: TimeDateTimeWithTimeZone,
    pub last_reviewed_at: Option<TimeDateTimeWithTimeZone>,
    pub removed_at: Option<TimeDateTimeWithTimeZone>,
    pub removal_reason: Option<String>,
    /// Bumped by every change: the `changed_since` order.
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::case::Entity",
        from = "Column::CaseId",
        to = "super::case::Column::Id"
    )]
    Case,
}

impl Related<super::case::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Case.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
