use sea_orm::{DbErr, SqlErr};

/// A persistence failure. Its `Display` never contains row values: database drivers can
/// put submitted values in error *details*, so only the message and our context are shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error while {context}: {message}")]
    Database {
        context: &'static str,
        message: String,
        #[source]
        source: Option<DbErr>,
    },
    /// A stored value no longer parses (e.g. an enum spelling was removed).
    #[error("stored data in {column} is not valid")]
    Corrupt { column: &'static str },
}

impl StoreError {
    pub(crate) fn db(context: &'static str) -> impl FnOnce(DbErr) -> StoreError {
        move |err| StoreError::Database {
            context,
            message: redacted_message(&err),
            source: None,
        }
    }

    pub(crate) fn corrupt(
        column: &'static str,
    ) -> impl FnOnce(sanctuary_domain::UnknownValue) -> StoreError {
        move |_| StoreError::Corrupt { column }
    }
}

/// A description of a database error safe to log: the kind of failure and constraint,
/// never the offending values.
fn redacted_message(err: &DbErr) -> String {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => "unique constraint violated".into(),
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => "foreign key constraint violated".into(),
        _ => match err {
            DbErr::ConnectionAcquire(e) => format!("could not acquire a connection: {e}"),
            DbErr::Conn(_) => "connection failed".into(),
            DbErr::Exec(_) => "statement failed".into(),
            DbErr::Query(_) => "query failed".into(),
            DbErr::RecordNotFound(_) => "record not found".into(),
            DbErr::RecordNotInserted => "record not inserted".into(),
            DbErr::RecordNotUpdated => "record not updated".into(),
            DbErr::Migration(m) => format!("migration failed: {m}"),
            _ => "database operation failed".into(),
        },
    }
}

pub(crate) fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}
