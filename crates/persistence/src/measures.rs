//! A scheme's measures catalogue: the shipped one with the scheme's own laid over it.

use sanctuary_domain::measures::{self, Measure};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, NewAudit};
use crate::codec::parse;
use crate::entities::scheme_measure;
use crate::{Store, StoreError};

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
                interim: m.interim,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(measures::catalogue(own))
}

/// What saving `measure` changes in the catalogue `before`: the names of the changed
/// fields, or `new_measure` for a code the catalogue does not have.
pub fn changed_fields(before: &[Measure], measure: &Measure) -> Vec<String> {
    let Some(was) = before.iter().find(|m| m.code == measure.code) else {
        return vec!["new_measure".into()];
    };
    [
        ("name", was.name != measure.name),
        ("report_row", was.report_row != measure.report_row),
        (
            "unit_cost_pence",
            was.unit_cost_pence != measure.unit_cost_pence,
        ),
        (
            "requires_fire_check",
            was.requires_fire_check != measure.requires_fire_check,
        ),
        ("interim", was.interim != measure.interim),
    ]
    .into_iter()
    .filter(|(_, changed)| *changed)
    .map(|(name, _)| name.to_owned())
    .collect()
}

/// Adds a scheme's own measure, or sets its price for a shipped one, with its audit
/// record in the same transaction: `audit`, its fields replaced by the names of those
/// that changed ([`changed_fields`]; `no_change` if none did).
pub async fn upsert(
    store: &Store,
    scheme_id: Uuid,
    measure: &Measure,
    audit: &NewAudit<'_>,
) -> Result<(), StoreError> {
    use scheme_measure::Column as C;
    let keys = store.keys()?;
    let tx = store.begin_write().await?;
    let before = catalogue(&*tx, scheme_id).await?;
    let mut fields = changed_fields(&before, measure);
    if fields.is_empty() {
        fields.push("no_change".into());
    }
    let record = NewAudit {
        fields,
        ..audit.clone()
    };
    let row = scheme_measure::ActiveModel {
        scheme_id: Set(scheme_id),
        code: Set(measure.code.clone()),
        name: Set(measure.name.clone()),
        report_row: Set(measure.report_row.as_str().to_owned()),
        unit_cost_pence: Set(measure.unit_cost_pence),
        requires_fire_check: Set(measure.requires_fire_check),
        interim: Set(measure.interim),
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
                    C::Interim,
                    C::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(&*tx)
        .await
        .map_err(StoreError::db("saving a measure"))?;
    audit::append(&*tx, keys, &record).await?;
    tx.commit()
        .await
        .map_err(StoreError::db("committing a measure"))
}
