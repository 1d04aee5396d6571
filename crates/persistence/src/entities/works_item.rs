use sea_orm::entity::prelude::*;

/// A measure recommended, approved and fitted (or not) on a case.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "works_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    /// `works` (the assessed works), `interim` (ordered at once for an urgent case) or
    /// `remedial` (a fire check asked for them).
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
    /// How it was found at its latest review: `working`, `faulty`, `no_longer_needed`.
    pub condition: Option<String>,
    /// `ordered` (to be taken out) or `removed`.
    pub removal: Option<String>,
    pub removal_reason: Option<String>,
    pub removal_cost_pence: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
