//! Repeat-referral matching asks for the newest case with a client (or address) match
//! key in a scheme. With (scheme, key) indexes the planner preferred walking the
//! scheme's cases in id order; (scheme, key, id) answers it from the index alone.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    SchemeId,
    ClientMatchKey,
    AddressMatchKey,
}

const INDEXES: [(&str, Cases); 2] = [
    ("idx_cases_client_match_newest", Cases::ClientMatchKey),
    ("idx_cases_address_match_newest", Cases::AddressMatchKey),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, key) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Cases::Table)
                        .col(Cases::SchemeId)
                        .col(key)
                        .col(Cases::Id)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(Cases::Table).to_owned())
                .await?;
        }
        Ok(())
    }
}
