//! A scheme's measures catalogue: the shipped one with the scheme's own laid over it.

use sanctuary_domain::measures::{self, Measure};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;
use crate::codec::parse;
use crate::entities::scheme_measure;

/// The catalogue a scheme's cases use.
pub async fn catalogue(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
) -> Result<Vec<Measure>, StoreError> {
    let own = scheme_measure::Entity::find()
        .filter(scheme_measure::Column::SchemeId.eq(scheme_id))
        .all(db)
        .await
        .map_err(StoreError::db("reading the measures catalogue"))?;
    let own = own
        .into_iter()
        .map(|m| {
            Ok(Measure {
                code: m.code,
                name: m.name,
                report_row: parse(&m.report_row, "scheme_measures.report_row")?,
                unit_cost_pence: m.unit_cost_pence,
                requires_fire_check: m.requires_fire_check,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(measures::catalogue(own))
}

/// Adds a scheme's own measure, or sets its price for a shipped one.
pub async fn upsert(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    measure: &Measure,
) -> Result<(), StoreError> {
    use scheme_measure::Column as C;
    let row = scheme_measure::ActiveModel {
        scheme_id: Set(scheme_id),
        code: Set(measure.code.clone()),
        name: Set(measure.name.clone()),
        report_row: Set(measure.report_row.as_str().to_owned()),
        unit_cost_pence: Set(measure.unit_cost_pence),
        requires_fire_check: Set(measure.requires_fire_check),
        updated_at: Set(OffsetDateTime::now_utc()),
    };
    scheme_measure::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([C::SchemeId, C::Code])
                .update_columns([
                    C::Name,
                    C::ReportRow,
                    C::UnitCostPence,
                    C::RequiresFireCheck,
                    C::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await
        .map_err(StoreError::db("saving a measure"))?;
    Ok(())
}
