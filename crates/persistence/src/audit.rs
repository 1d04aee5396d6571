//! The audit trail: append (inside the caller's transaction, so a write and its audit
//! record commit together), query, and verify the chain — its keyed links, and against
//! signed checkpoints kept outside the database.

use sanctuary_domain::audit::{
    AuditFacts, AuditOutcome, Checkpoint, GENESIS, link_hash, link_mac, same_link,
};
use sanctuary_domain::organisation::Role;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::codec::parse;
use crate::crypto::Keyring;
use crate::entities::{audit_event, audit_head};
use crate::{Store, StoreError};

/// A record to append. `fields` are names (never values).
#[derive(Debug, Clone)]
pub struct NewAudit<'a> {
    pub actor_subject: &'a str,
    pub organisation_id: Option<Uuid>,
    pub role: Option<Role>,
    pub action: &'a str,
    pub scheme_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    pub fields: Vec<String>,
    pub request_id: Option<&'a str>,
    pub outcome: AuditOutcome,
}

/// A stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: i64,
    pub id: Uuid,
    pub at: OffsetDateTime,
    pub actor_subject: String,
    pub organisation_id: Option<Uuid>,
    pub role: Option<Role>,
    pub action: String,
    pub scheme_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    pub fields: Vec<String>,
    pub request_id: Option<String>,
    pub outcome: AuditOutcome,
}

fn micros(at: OffsetDateTime) -> i128 {
    at.unix_timestamp_nanos() / 1_000
}

fn facts(m: &audit_event::Model) -> AuditFacts<'_> {
    AuditFacts {
        seq: m.seq,
        id: m.id,
        at_micros: micros(m.at),
        actor_subject: &m.actor_subject,
        organisation_id: m.organisation_id,
        role: m.role.as_deref(),
        action: &m.action,
        scheme_id: m.scheme_id,
        case_id: m.case_id,
        fields: &m.fields,
        request_id: m.request_id.as_deref(),
        outcome: &m.outcome,
    }
}

/// Appends `new` in the caller's transaction, linked under `keys`' current audit MAC key.
pub async fn append(
    db: &impl ConnectionTrait,
    keys: &Keyring,
    new: &NewAudit<'_>,
) -> Result<(), StoreError> {
    append_all(db, keys, std::slice::from_ref(&Pending::from(new))).await
}

/// A record waiting to be appended (owned, so it can wait in the writer's queue).
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    actor_subject: String,
    organisation_id: Option<Uuid>,
    role: Option<String>,
    action: String,
    scheme_id: Option<Uuid>,
    case_id: Option<Uuid>,
    fields: String,
    request_id: Option<String>,
    outcome: String,
}

impl From<&NewAudit<'_>> for Pending {
    fn from(new: &NewAudit<'_>) -> Self {
        let mut fields = new.fields.clone();
        fields.sort();
        fields.dedup();
        Self {
            actor_subject: new.actor_subject.to_owned(),
            organisation_id: new.organisation_id,
            role: new.role.map(|r| r.as_str().to_owned()),
            action: new.action.to_owned(),
            scheme_id: new.scheme_id,
            case_id: new.case_id,
            fields: fields.join(","),
            request_id: new.request_id.map(str::to_owned),
            outcome: new.outcome.as_str().to_owned(),
        }
    }
}

/// Appends `records`, in order, in the caller's transaction. Bumping the head row first
/// (by the number of records) makes concurrent appends wait for each other, so the
/// chain has no forks or gaps; a batch costs three statements however long it is. Each
/// link is a MAC under the keyring's current audit key, whose id the record keeps.
pub(crate) async fn append_all(
    db: &impl ConnectionTrait,
    keys: &Keyring,
    records: &[Pending],
) -> Result<(), StoreError> {
    let Some(count) = i64::try_from(records.len()).ok().filter(|n| *n > 0) else {
        return Ok(());
    };
    let head = audit_head::Entity::update_many()
        .col_expr(
            audit_head::Column::Seq,
            Expr::col(audit_head::Column::Seq).add(count),
        )
        .filter(audit_head::Column::Id.eq(1))
        .exec_with_returning(db)
        .await
        .map_err(StoreError::db("advancing the audit chain"))?
        .pop()
        .ok_or(StoreError::Corrupt {
            column: "audit_head.seq",
        })?;
    let now = OffsetDateTime::now_utc();
    let at = now.replace_microsecond(now.microsecond()).unwrap_or(now);
    // The head now holds the last sequence number of this batch and, still, the hash
    // of the record before it.
    let mut prev_hash = head.hash;
    let (key_id, key) = keys.current_audit_key();
    let mut models = Vec::with_capacity(records.len());
    for (seq, r) in (head.seq - count + 1..).zip(records) {
        let mut model = audit_event::Model {
            seq,
            id: Uuid::now_v7(),
            at,
            actor_subject: r.actor_subject.clone(),
            organisation_id: r.organisation_id,
            role: r.role.clone(),
            action: r.action.clone(),
            scheme_id: r.scheme_id,
            case_id: r.case_id,
            fields: r.fields.clone(),
            request_id: r.request_id.clone(),
            outcome: r.outcome.clone(),
            prev_hash: prev_hash.clone(),
            hash: String::new(),
            mac_key_id: Some(key_id.to_owned()),
        };
        model.hash = link_mac(key, key_id, &model.prev_hash, &facts(&model));
        prev_hash = model.hash.clone();
        models.push(audit_event::ActiveModel::from(model));
    }
    audit_event::Entity::insert_many(models)
        .exec_without_returning(db)
        .await
        .map_err(StoreError::db("writing an audit record"))?;
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Hash, Expr::value(prev_hash))
        .filter(audit_head::Column::Id.eq(1))
        .exec(db)
        .await
        .map_err(StoreError::db("advancing the audit chain"))?;
    Ok(())
}

/// Appends `new` in a transaction of its own (for tools; the service's reads and
/// refusals go through [`crate::audit_writer::AuditWriter`]). Returns once durable.
pub async fn record(store: &Store, new: &NewAudit<'_>) -> Result<(), StoreError> {
    let keys = store.keys()?;
    let tx = store.begin_write().await?;
    append(&*tx, keys, new).await?;
    tx.commit()
        .await
        .map_err(StoreError::db("committing an audit record"))
}

/// Which records to read, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only records of cases in these schemes.
    pub schemes: Vec<Uuid>,
    pub case_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub actor_subject: Option<String>,
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    /// Records before this sequence number (the cursor).
    pub before_seq: Option<i64>,
    pub limit: u64,
}

pub async fn list(
    db: &impl ConnectionTrait,
    q: &AuditQuery,
) -> Result<Vec<AuditRecord>, StoreError> {
    use audit_event::Column as C;
    let mut select = audit_event::Entity::find().filter(C::SchemeId.is_in(q.schemes.clone()));
    if let Some(case) = q.case_id {
        select = select.filter(C::CaseId.eq(case));
    }
    if let Some(org) = q.organisation_id {
        select = select.filter(C::OrganisationId.eq(org));
    }
    if let Some(actor) = &q.actor_subject {
        select = select.filter(C::ActorSubject.eq(actor.as_str()));
    }
    if let Some(from) = q.from {
        select = select.filter(C::At.gte(from));
    }
    if let Some(to) = q.to {
        select = select.filter(C::At.lt(to));
    }
    if let Some(before) = q.before_seq {
        select = select.filter(C::Seq.lt(before));
    }
    select
        .order_by_desc(C::Seq)
        .limit(q.limit)
        .all(db)
        .await
        .map_err(StoreError::db("reading the audit trail"))?
        .into_iter()
        .map(|m| {
            Ok(AuditRecord {
                seq: m.seq,
                id: m.id,
                at: m.at,
                role: m
                    .role
                    .as_deref()
                    .map(|r| parse(r, "audit_events.role"))
                    .transpose()?,
                outcome: parse(&m.outcome, "audit_events.outcome")?,
                fields: m
                    .fields
                    .split(',')
                    .filter(|f| !f.is_empty())
                    .map(str::to_owned)
                    .collect(),
                actor_subject: m.actor_subject,
                organisation_id: m.organisation_id,
                action: m.action,
                scheme_id: m.scheme_id,
                case_id: m.case_id,
                request_id: m.request_id,
            })
        })
        .collect()
}

/// What verifying the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Intact {
        records: i64,
    },
    /// The first record that does not hold, by sequence number.
    Broken {
        seq: i64,
        reason: String,
    },
}

const PAGE: u64 = 1_000;

async fn head(db: &impl ConnectionTrait) -> Result<audit_head::Model, StoreError> {
    audit_head::Entity::find_by_id(1)
        .one(db)
        .await
        .map_err(StoreError::db("reading the audit chain"))?
        .ok_or(StoreError::Corrupt {
            column: "audit_head.seq",
        })
}

/// Walks the whole chain in sequence order, a page at a time, recomputing every link:
/// keyed links with the audit key their record names, unkeyed ones (records written
/// before keyed links) by SHA-256 — but no unkeyed record may follow a keyed one.
pub async fn verify(db: &impl ConnectionTrait, keys: &Keyring) -> Result<Verdict, StoreError> {
    verify_with_checkpoints(db, keys, &[]).await
}

/// [`verify`], and also: at every checkpoint's sequence number the chain has exactly
/// the checkpoint's hash, and it is at least as long as the latest checkpoint. The
/// checkpoints' signatures must have been checked already (they are only marks here).
///
/// Safe beside a running service: the head is read first, and records appended while
/// the walk runs are verified like the rest.
pub async fn verify_with_checkpoints(
    db: &impl ConnectionTrait,
    keys: &Keyring,
    checkpoints: &[Checkpoint],
) -> Result<Verdict, StoreError> {
    let mut marks: Vec<&Checkpoint> = checkpoints.iter().collect();
    marks.sort_by_key(|c| c.seq);
    let mut marks = marks.into_iter().peekable();
    let start = head(db).await?;
    let mut start_hash_seen = start.seq == 0 && same_link(&start.hash, GENESIS);
    let mut prev_seq = 0i64;
    let mut prev_hash = GENESIS.to_owned();
    let mut keyed = false;
    // Checkpoints of the empty chain.
    while let Some(c) = marks.next_if(|c| c.seq <= 0) {
        if c.seq < 0 || !same_link(&c.hash, GENESIS) {
            return Ok(Verdict::Broken {
                seq: 0,
                reason: "a checkpoint of the empty chain has another hash".into(),
            });
        }
    }
    loop {
        let page = audit_event::Entity::find()
            .filter(audit_event::Column::Seq.gt(prev_seq))
            .order_by_asc(audit_event::Column::Seq)
            .limit(PAGE)
            .all(db)
            .await
            .map_err(StoreError::db("reading the audit trail"))?;
        let done = (page.len() as u64) < PAGE;
        for m in page {
            let expected = prev_seq + 1;
            if m.seq != expected {
                return Ok(Verdict::Broken {
                    seq: expected,
                    reason: format!("record {expected} is missing (next is {})", m.seq),
                });
            }
            if m.prev_hash != prev_hash {
                return Ok(Verdict::Broken {
                    seq: m.seq,
                    reason: "it does not link to the record before it".into(),
                });
            }
            let link = match m.mac_key_id.as_deref() {
                None if keyed => {
                    return Ok(Verdict::Broken {
                        seq: m.seq,
                        reason: "it has an unkeyed link, after keyed ones".into(),
                    });
                }
                None => link_hash(&m.prev_hash, &facts(&m)),
                Some(id) => {
                    keyed = true;
                    let Some(key) = keys.audit_key(id) else {
                        return Ok(Verdict::Broken {
                            seq: m.seq,
                            reason: format!(
                                "it is linked with the MAC key of keyring key `{}`, which the \
                                 keyring does not hold (a retired key must stay in the keyring \
                                 for its records to verify)",
                                printable(id)
                            ),
                        });
                    };
                    link_mac(key, id, &m.prev_hash, &facts(&m))
                }
            };
            if !same_link(&link, &m.hash) {
                return Ok(Verdict::Broken {
                    seq: m.seq,
                    reason: "its content does not match its link".into(),
                });
            }
            while let Some(c) = marks.next_if(|c| c.seq <= m.seq) {
                if c.seq != m.seq || !same_link(&c.hash, &m.hash) {
                    return Ok(Verdict::Broken {
                        seq: m.seq,
                        reason: format!(
                            "it is not the record checkpointed at {} (the trail was rewritten \
                             before that checkpoint)",
                            c.at
                        ),
                    });
                }
            }
            if m.seq == start.seq {
                start_hash_seen = same_link(&m.hash, &start.hash);
            }
            prev_seq = m.seq;
            prev_hash = m.hash;
        }
        if done {
            break;
        }
    }
    if let Some(c) = marks.last() {
        return Ok(Verdict::Broken {
            seq: prev_seq + 1,
            reason: format!(
                "the trail ends at record {prev_seq}, but a checkpoint taken at {} covers \
                 {} records (records were removed from its end)",
                c.at, c.seq
            ),
        });
    }
    if prev_seq < start.seq {
        return Ok(Verdict::Broken {
            seq: prev_seq + 1,
            reason: format!(
                "the chain ends at record {prev_seq} but {} were written",
                start.seq
            ),
        });
    }
    if !start_hash_seen {
        return Ok(Verdict::Broken {
            seq: start.seq,
            reason: "the chain's head does not hold this record's link".into(),
        });
    }
    // Appends that committed after the walk leave the head ahead of it; a head behind
    // it, or at it with another hash, was changed by hand.
    let end = head(db).await?;
    if end.seq < prev_seq || (end.seq == prev_seq && !same_link(&end.hash, &prev_hash)) {
        return Ok(Verdict::Broken {
            seq: prev_seq,
            reason: format!(
                "the chain ends at record {prev_seq} but its head says {}",
                end.seq
            ),
        });
    }
    Ok(Verdict::Intact { records: prev_seq })
}

/// How many records have unkeyed links (those written before keyed links; after a
/// [`verify`] that found the chain intact, they are its first records).
pub async fn unkeyed_records(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    audit_event::Entity::find()
        .filter(audit_event::Column::MacKeyId.is_null())
        .count(db)
        .await
        .map_err(StoreError::db("reading the audit trail"))
}

/// The link of record `seq` (of the empty chain, for 0), if there is such a record.
pub async fn link_at(db: &impl ConnectionTrait, seq: i64) -> Result<Option<String>, StoreError> {
    if seq == 0 {
        return Ok(Some(GENESIS.to_owned()));
    }
    Ok(audit_event::Entity::find_by_id(seq)
        .one(db)
        .await
        .map_err(StoreError::db("reading the audit trail"))?
        .map(|m| m.hash))
}

/// A key id as found in the database, safe to print (it may have been tampered with).
fn printable(id: &str) -> String {
    id.chars()
        .take(32)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '?'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_migration_and_the_domain_agree_on_the_first_link() {
        assert_eq!(
            sanctuary_migrations::AUDIT_GENESIS,
            sanctuary_domain::audit::GENESIS
        );
    }
}
