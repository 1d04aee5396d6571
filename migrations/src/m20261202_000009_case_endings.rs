//! Every case that ended records when: declined referrals used to keep `ended_at`
//! empty, so retention never reached them. Backfilled from the timeline (the event that
//! moved the case into its final status), else from the case's last update.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

pub const BACKFILL: &str = "UPDATE cases SET ended_at = COALESCE(\
     (SELECT MAX(e.at) FROM case_events e \
      WHERE e.case_id = cases.id AND e.to_status = cases.status), \
     cases.updated_at) \
     WHERE ended_at IS NULL \
     AND status IN ('declined', 'cancelled', 'withdrawn', 'closed')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(BACKFILL)
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The backfilled dates are true facts; nothing to undo.
        Ok(())
    }
}
