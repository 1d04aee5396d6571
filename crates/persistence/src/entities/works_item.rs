use sea_orm::entity::prelude::*;

/// A measure recommended, approved and fitted (or not) on a case.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "works_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    /// `works` (the assessed works) or `interim` (ordered at once for an urgent case).
    pub kind: String,
    pub measure_code: String,
    pub name: String,
    pub report_row: String,
    pub requires_fire_check: bool,
    pub quantity: i32,
    pub location: Option<String>,
    pub estimated_cost_pence: i64,
    pub approved: bool,
    /// `installed` or `not_installed`.
    pub outcome: Option<String>,
    pub actual_cost_pence: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
