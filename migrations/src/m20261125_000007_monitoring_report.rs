//! The quarterly monitoring report: working days from referral to installation, kept
//! when works complete (the scheme's calendar at that moment, so the report can average
//! it in SQL); the coordinator's note per quarter; indexes for each section's basis date.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    SchemeId,
    DecidedAt,
    EndedAt,
    WorksCompletedAt,
    DaysToInstallation,
}

#[derive(DeriveIden)]
enum Schemes {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ReportNotes {
    Table,
    SchemeId,
    YearStart,
    Quarter,
    Text,
    UpdatedAt,
    UpdatedBy,
}

const INDEXES: [(&str, Cases); 3] = [
    ("idx_cases_scheme_decided", Cases::DecidedAt),
    ("idx_cases_scheme_ended", Cases::EndedAt),
    ("idx_cases_scheme_completed", Cases::WorksCompletedAt),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(integer_null(Cases::DaysToInstallation))
                    .to_owned(),
            )
            .await?;
        for (name, column) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Cases::Table)
                        .col(Cases::SchemeId)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ReportNotes::Table)
                    .col(uuid(ReportNotes::SchemeId))
                    .col(date(ReportNotes::YearStart))
                    .col(small_integer(ReportNotes::Quarter))
                    .col(text(ReportNotes::Text))
                    .col(timestamp_with_time_zone(ReportNotes::UpdatedAt))
                    .col(uuid(ReportNotes::UpdatedBy))
                    .primary_key(
                        Index::create()
                            .col(ReportNotes::SchemeId)
                            .col(ReportNotes::YearStart)
                            .col(ReportNotes::Quarter),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReportNotes::Table, ReportNotes::SchemeId)
                            .to(Schemes::Table, Schemes::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReportNotes::Table, ReportNotes::UpdatedBy)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReportNotes::Table).to_owned())
            .await?;
        for (name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(Cases::Table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .drop_column(Cases::DaysToInstallation)
                    .to_owned(),
            )
            .await
    }
}
