//! Urgent cases and interim measures: which order a works item belongs to (`works`, or
//! `interim`), whether a scheme's own measure may be ordered as an interim measure, when
//! a case's interim measures were first fitted (the report counts them by it), and
//! where a client who had to leave the home is staying (a kind, never an address).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WorksItems {
    Table,
    Kind,
}

#[derive(DeriveIden)]
enum SchemeMeasures {
    Table,
    Interim,
}

#[derive(DeriveIden, Clone, Copy)]
enum Cases {
    Table,
    SchemeId,
    InterimFittedAt,
    EmergencyAccommodation,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(WorksItems::Table)
                    .add_column(string_len(WorksItems::Kind, 20).default("works"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SchemeMeasures::Table)
                    .add_column(boolean(SchemeMeasures::Interim).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(timestamp_with_time_zone_null(Cases::InterimFittedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(string_len_null(Cases::EmergencyAccommodation, 40))
                    .to_owned(),
            )
            .await?;
        // The report counts interim measures fitted by quarter.
        manager
            .create_index(
                Index::create()
                    .name("idx_cases_scheme_interim_fitted")
                    .table(Cases::Table)
                    .col(Cases::SchemeId)
                    .col(Cases::InterimFittedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_cases_scheme_interim_fitted")
                    .table(Cases::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Cases::InterimFittedAt, Cases::EmergencyAccommodation] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cases::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(SchemeMeasures::Table)
                    .drop_column(SchemeMeasures::Interim)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(WorksItems::Table)
                    .drop_column(WorksItems::Kind)
                    .to_owned(),
            )
            .await
    }
}
