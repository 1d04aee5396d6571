//! Webhooks: each organisation's endpoints (URL, event types, sealed signing secrets)
//! and one delivery row per (endpoint, event), written with the event in the change's
//! transaction, so every committed event is delivered at least once.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum WebhookEndpoints {
    Table,
    Id,
    OrganisationId,
    Url,
    Description,
    EventTypes,
    Secret,
    PreviousSecret,
    PreviousSecretUntil,
    Enabled,
    DisabledAt,
    DisabledReason,
    FailingSince,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum WebhookDeliveries {
    Table,
    Id,
    EndpointId,
    EventSeq,
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    LastAttemptAt,
    LastStatus,
    LastError,
    LastLatencyMs,
    DeliveredAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OutboxEvents {
    Table,
    Seq,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use WebhookEndpoints as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(uuid(E::Id).primary_key())
                    .col(uuid(E::OrganisationId))
                    .col(string_len(E::Url, 2048))
                    .col(string_len_null(E::Description, 500))
                    // Comma-separated types; empty: every type the organisation receives.
                    .col(text(E::EventTypes))
                    .col(text(E::Secret))
                    .col(text_null(E::PreviousSecret))
                    .col(timestamp_with_time_zone_null(E::PreviousSecretUntil))
                    .col(boolean(E::Enabled))
                    .col(timestamp_with_time_zone_null(E::DisabledAt))
                    .col(string_len_null(E::DisabledReason, 40))
                    .col(timestamp_with_time_zone_null(E::FailingSince))
                    .col(timestamp_with_time_zone(E::CreatedAt))
                    .col(timestamp_with_time_zone(E::UpdatedAt))
                    .col(big_integer(E::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .from(E::Table, E::OrganisationId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_endpoints_organisation")
                    .table(E::Table)
                    .col(E::OrganisationId)
                    .col(E::Id)
                    .to_owned(),
            )
            .await?;
        use WebhookDeliveries as D;
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(uuid(D::Id).primary_key())
                    .col(uuid(D::EndpointId))
                    .col(big_integer(D::EventSeq))
                    .col(string_len(D::Status, 20))
                    .col(integer(D::Attempts))
                    .col(timestamp_with_time_zone(D::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(D::ClaimedUntil))
                    .col(timestamp_with_time_zone_null(D::LastAttemptAt))
                    .col(integer_null(D::LastStatus))
                    .col(string_len_null(D::LastError, 200))
                    .col(integer_null(D::LastLatencyMs))
                    .col(timestamp_with_time_zone_null(D::DeliveredAt))
                    .col(timestamp_with_time_zone(D::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(D::Table, D::EndpointId)
                            .to(E::Table, E::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(D::Table, D::EventSeq)
                            .to(OutboxEvents::Table, OutboxEvents::Seq)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The worker's queue: an endpoint's pending deliveries in event order.
        for (name, cols) in [
            (
                "idx_webhook_deliveries_queue",
                vec![D::Status, D::EndpointId, D::EventSeq],
            ),
            (
                "idx_webhook_deliveries_endpoint",
                vec![D::EndpointId, D::Id],
            ),
            ("idx_webhook_deliveries_event", vec![D::EventSeq]),
        ] {
            let mut index = Index::create();
            index.name(name).table(D::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookDeliveries::Table.into_iden(),
            WebhookEndpoints::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
