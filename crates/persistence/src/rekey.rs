//! Re-sealing every encrypted value under the current key (`sanctuary keys rotate`).
//! Batches commit one at a time, and only values not yet under the current key are
//! picked up, so an interrupted run simply continues where it stopped.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{ConnectionTrait, TransactionTrait};
use uuid::Uuid;

use crate::crypto::{
    FEEDBACK_COMMENT, Keyring, NOTE_TEXT, REFERRAL_DETAILS, WEBHOOK_PREVIOUS_SECRET,
    WEBHOOK_SECRET, WORKS_LOCATION,
};
use crate::documents::cipher::DOCUMENT_KEY;
use crate::{Store, StoreError};

/// A sealed column: (table, primary key, column, the name it is sealed under).
const SEALED: [(&str, &str, &str, &str); 7] = [
    ("case_referrals", "case_id", "details", REFERRAL_DETAILS),
    ("case_notes", "id", "text", NOTE_TEXT),
    ("works_items", "id", "location", WORKS_LOCATION),
    ("scheme_feedback", "id", "comment", FEEDBACK_COMMENT),
    // A document's key, not its content: rotation re-wraps keys, not files.
    ("case_documents", "id", "data_key", DOCUMENT_KEY),
    ("webhook_endpoints", "id", "secret", WEBHOOK_SECRET),
    (
        "webhook_endpoints",
        "id",
        "previous_secret",
        WEBHOOK_PREVIOUS_SECRET,
    ),
];

const BATCH: u64 = 200;

/// Progress of one column: done so far, and how many there were to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress<'a> {
    pub column: &'a str,
    pub done: u64,
    pub total: u64,
}

/// The condition "not sealed under the current key" (also matches legacy plaintext).
fn stale(column: &str, current: &str) -> sea_orm::sea_query::SimpleExpr {
    let prefix = format!("enc1:{current}:");
    let head = Func::cust(Alias::new("SUBSTR"))
        .arg(Expr::col(Alias::new(column)))
        .arg(1)
        .arg(i32::try_from(prefix.len()).unwrap_or(i32::MAX));
    Expr::col(Alias::new(column))
        .is_not_null()
        .and(Expr::expr(head).ne(prefix))
}

/// Re-seals every value under `keys`' current key; returns how many were re-sealed.
/// `keys` must still hold every key values are sealed with.
pub async fn rotate(
    store: &Store,
    keys: &Keyring,
    mut progress: impl FnMut(Progress<'_>),
) -> Result<u64, StoreError> {
    let db = store.connection();
    let current = keys.current_key_id().to_owned();
    let mut total_done = 0;
    for (table, pk, column, sealed_as) in SEALED {
        let count = Query::select()
            .expr_as(Expr::col(Alias::new(pk)).count(), Alias::new("n"))
            .from(Alias::new(table))
            .and_where(stale(column, &current))
            .to_owned();
        let total: i64 = db
            .query_one(&count)
            .await
            .map_err(StoreError::db("counting values to re-seal"))?
            .and_then(|row| row.try_get("", "n").ok())
            .unwrap_or(0);
        let total = u64::try_from(total).unwrap_or(0);
        let mut done = 0;
        progress(Progress {
            column: sealed_as,
            done,
            total,
        });
        loop {
            let select = Query::select()
                .column(Alias::new(pk))
                .column(Alias::new(column))
                .from(Alias::new(table))
                .and_where(stale(column, &current))
                .limit(BATCH)
                .to_owned();
            let rows = db
                .query_all(&select)
                .await
                .map_err(StoreError::db("reading values to re-seal"))?;
            if rows.is_empty() {
                break;
            }
            let tx = db
                .begin()
                .await
                .map_err(StoreError::db("starting a transaction"))?;
            for row in &rows {
                let id: Uuid = row
                    .try_get("", pk)
                    .map_err(StoreError::db("reading values to re-seal"))?;
                let old: String = row
                    .try_get("", column)
                    .map_err(StoreError::db("reading values to re-seal"))?;
                let plain = match Keyring::key_id_of(&old) {
                    Some(_) => keys.open(sealed_as, id, &old)?,
                    // Written before encryption at rest: seal it now.
                    None => old.clone(),
                };
                let update = Query::update()
                    .table(Alias::new(table))
                    .value(Alias::new(column), keys.seal(sealed_as, id, &plain))
                    .and_where(Expr::col(Alias::new(pk)).eq(id))
                    .and_where(Expr::col(Alias::new(column)).eq(old))
                    .to_owned();
                tx.execute(&update)
                    .await
                    .map_err(StoreError::db("re-sealing a value"))?;
            }
            tx.commit()
                .await
                .map_err(StoreError::db("committing re-sealed values"))?;
            done += rows.len() as u64;
            progress(Progress {
                column: sealed_as,
                done: Ord::min(done, total),
                total,
            });
        }
        total_done += done;
    }
    Ok(total_done)
}
