//! How far the delivery worker has turned events into webhook deliveries: one row, the
//! last event sequence number fanned out. Deliveries are made from the outbox by the
//! worker, not inside the transaction that writes the event, so a referral pays nothing
//! for the endpoints subscribed to it. It starts at the last event already written: the
//! events before it had their deliveries made with them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookFanout {
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
                    .table(WebhookFanout::Table)
                    .col(integer(WebhookFanout::Id).primary_key())
                    .col(big_integer(WebhookFanout::Seq))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO webhook_fanout (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM outbox_events",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(WebhookFanout::Table).to_owned())
            .await
    }
}
