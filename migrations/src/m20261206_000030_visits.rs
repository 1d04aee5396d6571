//! Visits to the home: each booking (what for, the UK date and window of the day, who
//! booked it, when), how it went and the visit it was rebooked as. No personal data:
//! the client's unsafe times stay in the sealed referral.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CaseVisits {
    Table,
    Id,
    CaseId,
    Kind,
    VisitDate,
    WindowFrom,
    WindowTo,
    BookedBy,
    BookedAt,
    Outcome,
    OutcomeAt,
    RebookedAs,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CaseVisits as V;
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .col(uuid(V::Id).primary_key())
                    .col(uuid(V::CaseId))
                    .col(string_len(V::Kind, 20))
                    .col(date(V::VisitDate))
                    // `HH:MM`, UK time.
                    .col(string_len(V::WindowFrom, 5))
                    .col(string_len(V::WindowTo, 5))
                    .col(uuid(V::BookedBy))
                    .col(timestamp_with_time_zone(V::BookedAt))
                    .col(string_len_null(V::Outcome, 20))
                    .col(timestamp_with_time_zone_null(V::OutcomeAt))
                    .col(uuid_null(V::RebookedAs))
                    .foreign_key(
                        ForeignKey::create()
                            .from(V::Table, V::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(V::Table, V::BookedBy)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // A case's visits are read with the case, in the order they were booked.
        manager
            .create_index(
                Index::create()
                    .name("idx_case_visits_case")
                    .table(V::Table)
                    .col(V::CaseId)
                    .col(V::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CaseVisits::Table).to_owned())
            .await
    }
}
