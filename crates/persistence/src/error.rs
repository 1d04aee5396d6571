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
    /// A value was sealed with a key that is not in the keyring.
    #[error("a value in {column} is sealed with key `{key_id}`, which is not configured")]
    UnknownKey {
        column: &'static str,
        key_id: String,
    },
    /// Personal data was needed from a store opened without the encryption keys.
    #[error("no encryption keyring is configured")]
    NoKeyring,
    /// The object store holding documents failed, or is not configured for a document
    /// stored there.
    #[error(transparent)]
    Objects(#[from] crate::documents::blobs::BlobError),
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

/// A description of a database error safe to log: the kind of failure, and the
/// database's message with every quoted part that is not an identifier (a column,
/// table or constraint name) replaced, since drivers quote offending values.
fn redacted_message(err: &DbErr) -> String {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => "unique constraint violated".into(),
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => "foreign key constraint violated".into(),
        _ => match err {
            DbErr::RecordNotFound(_) => "record not found".into(),
            DbErr::RecordNotInserted => "record not inserted".into(),
            DbErr::RecordNotUpdated => "record not updated".into(),
            other => without_quoted_values(&other.to_string()),
        },
    }
}

fn without_quoted_values(message: &str) -> String {
    let identifier = |s: &str| {
        !s.is_empty()
            && s.len() <= 63
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
    };
    let mut out = String::new();
    for (i, part) in message.split(['"', '\'', '`']).enumerate() {
        if i % 2 == 1 && !identifier(part) {
            out.push_str("\"…\"");
        } else if i % 2 == 1 {
            out.push('"');
            out.push_str(part);
            out.push('"');
        } else {
            out.push_str(part);
        }
    }
    out.chars().take(400).collect()
}

pub(crate) fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_are_dropped_and_identifiers_kept() {
        let msg = r#"invalid input syntax for type uuid: "Jane Doe" in column "client_name""#;
        assert_eq!(
            without_quoted_values(msg),
            r#"invalid input syntax for type uuid: "…" in column "client_name""#
        );
        assert_eq!(
            without_quoted_values("NOT NULL constraint failed: cases.flags"),
            "NOT NULL constraint failed: cases.flags"
        );
    }
}
