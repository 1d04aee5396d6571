//! The transactional outbox: an event per case change, written in the change's own
//! transaction, with the organisations it goes to (those that could read the case).
//! `outbox_head` holds the last sequence number; every append bumps it first, which
//! serialises appends until commit (a row lock on PostgreSQL; SQLite's writers are
//! serial anyway), so sequence order is commit order and a feed cursor never skips an
//! event that commits late.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum OutboxEvents {
    Table,
    Seq,
    Id,
    Type,
    At,
    CaseId,
    Reference,
    SchemeId,
    SchemeCode,
    FromStatus,
    ToStatus,
    OrganisationId,
    ClockKind,
    EndpointId,
}

#[derive(DeriveIden, Clone, Copy)]
enum OutboxRecipients {
    Table,
    OrganisationId,
    Seq,
}

#[derive(DeriveIden, Clone, Copy)]
enum OutboxHead {
    Table,
    Id,
    Seq,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxEvents::Table)
                    .col(big_integer(OutboxEvents::Seq).primary_key())
                    .col(uuid_uniq(OutboxEvents::Id))
                    .col(string_len(OutboxEvents::Type, 60))
                    .col(timestamp_with_time_zone(OutboxEvents::At))
                    .col(uuid_null(OutboxEvents::CaseId))
                    .col(string_len_null(OutboxEvents::Reference, 40))
                    .col(uuid_null(OutboxEvents::SchemeId))
                    .col(string_len_null(OutboxEvents::SchemeCode, 40))
                    .col(string_len_null(OutboxEvents::FromStatus, 40))
                    .col(string_len_null(OutboxEvents::ToStatus, 40))
                    .col(uuid_null(OutboxEvents::OrganisationId))
                    .col(string_len_null(OutboxEvents::ClockKind, 40))
                    // For webhook events: the endpoint concerned.
                    .col(uuid_null(OutboxEvents::EndpointId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_events_at")
                    .table(OutboxEvents::Table)
                    .col(OutboxEvents::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OutboxRecipients::Table)
                    .col(uuid(OutboxRecipients::OrganisationId))
                    .col(big_integer(OutboxRecipients::Seq))
                    .primary_key(
                        Index::create()
                            .col(OutboxRecipients::OrganisationId)
                            .col(OutboxRecipients::Seq),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OutboxRecipients::Table, OutboxRecipients::Seq)
                            .to(OutboxEvents::Table, OutboxEvents::Seq)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_recipients_seq")
                    .table(OutboxRecipients::Table)
                    .col(OutboxRecipients::Seq)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OutboxHead::Table)
                    .col(integer(OutboxHead::Id).primary_key())
                    .col(big_integer(OutboxHead::Seq))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(OutboxHead::Table)
                    .columns([OutboxHead::Id, OutboxHead::Seq])
                    .values_panic([1.into(), 0i64.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OutboxRecipients::Table.into_iden(),
            OutboxEvents::Table.into_iden(),
            OutboxHead::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
