//! When each clock's "due soon" and "breached" events were written, so the scheduler
//! announces each once (the update that marks a clock is its claim: two instances never
//! both announce one). Indexed for the scheduler's two questions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CaseClocks {
    Table,
    State,
    DueAt,
    DueSoonAnnouncedAt,
    BreachAnnouncedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            CaseClocks::DueSoonAnnouncedAt,
            CaseClocks::BreachAnnouncedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CaseClocks::Table)
                        .add_column(timestamp_with_time_zone_null(column))
                        .to_owned(),
                )
                .await?;
        }
        for (name, column) in [
            ("idx_case_clocks_due_soon", CaseClocks::DueSoonAnnouncedAt),
            ("idx_case_clocks_breach", CaseClocks::BreachAnnouncedAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(CaseClocks::Table)
                        .col(CaseClocks::State)
                        .col(column)
                        .col(CaseClocks::DueAt)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["idx_case_clocks_due_soon", "idx_case_clocks_breach"] {
            manager
                .drop_index(Index::drop().name(name).table(CaseClocks::Table).to_owned())
                .await?;
        }
        for column in [
            CaseClocks::DueSoonAnnouncedAt,
            CaseClocks::BreachAnnouncedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CaseClocks::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
