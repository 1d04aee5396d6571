use sea_orm::entity::prelude::*;

/// An SLA clock on a case.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_clocks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub scheme_id: Uuid,
    /// The case's round the clock belongs to (a reopened case starts a new one).
    pub round: i32,
    pub kind: String,
    pub stop_event: String,
    pub unit: String,
    pub amount: i32,
    pub started_at: TimeDateTimeWithTimeZone,
    /// Day 0 of a day-counting clock (null on clocks from before it was kept: their UK
    /// start day).
    pub counts_from: Option<TimeDate>,
    pub held: i64,
    pub paused_at: Option<TimeDateTimeWithTimeZone>,
    pub due_at: TimeDateTimeWithTimeZone,
    pub stopped_at: Option<TimeDateTimeWithTimeZone>,
    pub state: String,
    /// When its `case.clock_due_soon` event was written.
    pub due_soon_announced_at: Option<TimeDateTimeWithTimeZone>,
    /// When its `case.clock_breached` event was written.
    pub breach_announced_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
