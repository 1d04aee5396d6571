//! Working-day calendars: the shipped bank holidays plus administrators' additions.

use sanctuary_domain::calendar::Calendar;
use sanctuary_domain::scheme::Nation;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use time::{Date, OffsetDateTime};

use crate::StoreError;
use crate::entities::holiday;

/// The calendar of `nation`, with every holiday an administrator added.
pub async fn for_nation(db: &impl ConnectionTrait, nation: Nation) -> Result<Calendar, StoreError> {
    let extra: Vec<Date> = holiday::Entity::find()
        .select_only()
        .column(holiday::Column::Date)
        .filter(holiday::Column::Nation.eq(nation.as_str()))
        .into_tuple()
        .all(db)
        .await
        .map_err(StoreError::db("reading holidays"))?;
    Ok(Calendar::with_extra(nation, extra))
}

/// Adds a holiday (e.g. a newly announced one-off) to a nation's calendar.
pub async fn add_holiday(
    db: &impl ConnectionTrait,
    nation: Nation,
    date: Date,
    name: &str,
) -> Result<(), StoreError> {
    holiday::ActiveModel {
        nation: Set(nation.as_str().to_owned()),
        date: Set(date),
        name: Set(name.to_owned()),
        created_at: Set(OffsetDateTime::now_utc()),
    }
    .insert(db)
    .await
    .map_err(StoreError::db("adding a holiday"))?;
    Ok(())
}
