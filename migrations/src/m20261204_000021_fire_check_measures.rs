//! Whether a case's measures need a fire check (one recommended before approval, approved,
//! or fitted): with the referral's arson risk it decides whether the scheme's fire
//! service has a part in the case. Kept by every action; filled here from the works
//! already recorded.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    FireCheckMeasures,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(boolean(Cases::FireCheckMeasures).default(false))
                    .to_owned(),
            )
            .await?;
        // The rule of `workflow::needs_fire_check`, over the works rows.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE cases SET fire_check_measures = TRUE WHERE EXISTS (
                   SELECT 1 FROM works_items w
                   WHERE w.case_id = cases.id AND w.requires_fire_check
                     AND (w.outcome IS NULL OR w.outcome <> 'not_installed')
                     AND (w.approved OR NOT EXISTS (
                       SELECT 1 FROM works_items a WHERE a.case_id = cases.id AND a.approved)))",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .drop_column(Cases::FireCheckMeasures)
                    .to_owned(),
            )
            .await
    }
}
