//! The emergency-services register: one row per entry (a case on one service's
//! register, from when it was added until it was removed), each review of an entry, the
//! case's standing with each service's register (kept on the case, so reads and lists
//! decide the fire service's view without a join), and the entry a register event is
//! about.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum RegisterEntries {
    Table,
    Id,
    CaseId,
    SchemeId,
    Service,
    Basis,
    AddedAt,
    ReviewDue,
    LastReviewedAt,
    RemovedAt,
    RemovalReason,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum RegisterReviews {
    Table,
    Id,
    EntryId,
    ReviewedAt,
    OrganisationId,
    WasDue,
    NextDue,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    FireRegister,
    PoliceRegister,
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
enum OutboxEvents {
    Table,
    RegisterEntryId,
    Service,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use RegisterEntries as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(uuid(E::Id).primary_key())
                    .col(uuid(E::CaseId))
                    .col(uuid(E::SchemeId))
                    .col(string_len(E::Service, 20))
                    .col(string_len(E::Basis, 40))
                    .col(timestamp_with_time_zone(E::AddedAt))
                    .col(timestamp_with_time_zone(E::ReviewDue))
                    .col(timestamp_with_time_zone_null(E::LastReviewedAt))
                    .col(timestamp_with_time_zone_null(E::RemovedAt))
                    .col(string_len_null(E::RemovalReason, 40))
                    .col(timestamp_with_time_zone(E::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(E::Table, E::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(E::Table, E::SchemeId)
                            .to(Schemes::Table, Schemes::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // A control room keeps in step by `changed_since` (updated_at, id); a case's
        // entries are read with the case.
        for (name, cols) in [
            (
                "idx_register_entries_changes",
                vec![E::SchemeId, E::UpdatedAt, E::Id],
            ),
            ("idx_register_entries_case", vec![E::CaseId, E::Service]),
            ("idx_register_entries_ending", vec![E::RemovedAt, E::CaseId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(E::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        use RegisterReviews as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(uuid(R::Id).primary_key())
                    .col(uuid(R::EntryId))
                    .col(timestamp_with_time_zone(R::ReviewedAt))
                    .col(uuid(R::OrganisationId))
                    .col(timestamp_with_time_zone(R::WasDue))
                    .col(timestamp_with_time_zone(R::NextDue))
                    .foreign_key(
                        ForeignKey::create()
                            .from(R::Table, R::EntryId)
                            .to(E::Table, E::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(R::Table, R::OrganisationId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_register_reviews_entry")
                    .table(R::Table)
                    .col(R::EntryId)
                    .col(R::Id)
                    .to_owned(),
            )
            .await?;
        for column in [Cases::FireRegister, Cases::PoliceRegister] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cases::Table)
                        .add_column(string_len_null(column, 20))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(OutboxEvents::Table)
                    .add_column(uuid_null(OutboxEvents::RegisterEntryId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(OutboxEvents::Table)
                    .add_column(string_len_null(OutboxEvents::Service, 20))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [OutboxEvents::RegisterEntryId, OutboxEvents::Service] {
            manager
                .alter_table(
                    Table::alter()
                        .table(OutboxEvents::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [Cases::FireRegister, Cases::PoliceRegister] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cases::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            RegisterReviews::Table.into_iden(),
            RegisterEntries::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
