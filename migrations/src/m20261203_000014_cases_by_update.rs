//! Cases by last update, for `GET /api/v1/cases?updated_since=`: partners synchronising
//! their own systems page through a scheme's cases oldest update first.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    SchemeId,
    UpdatedAt,
    Id,
}

const NAME: &str = "idx_cases_scheme_updated";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(Cases::Table)
                    .col(Cases::SchemeId)
                    .col(Cases::UpdatedAt)
                    .col(Cases::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NAME).table(Cases::Table).to_owned())
            .await
    }
}
