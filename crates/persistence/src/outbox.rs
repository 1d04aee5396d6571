//! The transactional outbox: every case change appends its event, and the organisations
//! it goes to, in the change's own transaction, so an event exists exactly when its
//! change committed. The feed and the webhook deliveries read from here.

use sanctuary_domain::access;
use sanctuary_domain::case::CaseStatus;
use sanctuary_domain::clock::{ClockKind, ClockState};
use sanctuary_domain::events::{Event, EventData, EventType};
use sanctuary_domain::organisation::Role;
use sanctuary_domain::register::EmergencyService;
use sanctuary_domain::webhooks::DeliveryStatus;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::cases::{self, CaseSummary};
use crate::codec::{parse, parse_opt};
use crate::entities::{
    organisation, outbox_event, outbox_head, outbox_recipient, scheme_membership,
};
use crate::{Store, StoreError};

/// An event as stored: what changed, never to whom it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    /// Position in the outbox (commit order): the feed's cursor.
    pub seq: i64,
    pub id: Uuid,
    pub event_type: EventType,
    pub at: OffsetDateTime,
    pub case_id: Option<Uuid>,
    pub reference: Option<String>,
    pub scheme_code: Option<String>,
    pub from_status: Option<CaseStatus>,
    pub to_status: Option<CaseStatus>,
    /// The acting organisation; none when the service itself acted (retention, clocks).
    pub organisation_id: Option<Uuid>,
    pub clock_kind: Option<ClockKind>,
    /// For webhook events, the endpoint concerned.
    pub endpoint_id: Option<Uuid>,
    /// For register events, the entry concerned and whose register.
    pub register_entry_id: Option<Uuid>,
    pub service: Option<EmergencyService>,
}

/// What a case change tells: its type, when, who acted, the status it left and reached.
pub struct CaseChange {
    pub event_type: EventType,
    pub at: OffsetDateTime,
    pub from: Option<CaseStatus>,
    pub to: CaseStatus,
    pub acting_organisation: Option<Uuid>,
    pub clock_kind: Option<ClockKind>,
}

/// The active organisations of the case's scheme that can read `case` now, by the
/// policy that decides reads.
pub async fn readers(
    db: &impl ConnectionTrait,
    case: &CaseSummary,
) -> Result<Vec<Uuid>, StoreError> {
    let members = members(db, case.scheme_id).await?;
    Ok(access::readers(&case.ties(), &members))
}

/// The active members of scheme `scheme_id`: (organisation, role), in order of first
/// membership.
async fn members(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
) -> Result<Vec<(Uuid, Role)>, StoreError> {
    let rows: Vec<(Uuid, String)> = scheme_membership::Entity::find()
        .select_only()
        .column(scheme_membership::Column::OrganisationId)
        .column(scheme_membership::Column::Role)
        .join(
            JoinType::InnerJoin,
            scheme_membership::Relation::Organisation.def(),
        )
        .filter(scheme_membership::Column::SchemeId.eq(scheme_id))
        .filter(organisation::Column::Active.eq(true))
        .order_by_asc(scheme_membership::Column::CreatedAt)
        .into_tuple()
        .all(db)
        .await
        .map_err(StoreError::db("reading who may read a case"))?;
    rows.into_iter()
        .map(|(org, role)| Ok((org, parse(&role, "scheme_memberships.role")?)))
        .collect()
}

/// Who can read case `case_id` now (in the caller's transaction): to be passed to
/// [`append_case`] as `readers_before` by a change that may end someone's access.
pub async fn readers_of(db: &impl ConnectionTrait, case_id: Uuid) -> Result<Vec<Uuid>, StoreError> {
    match cases::find_summary(db, case_id).await? {
        Some(case) => readers(db, &case).await,
        None => Ok(Vec::new()),
    }
}

/// Appends the event for a change to case `case_id`, in the caller's transaction,
/// after the change was written. It goes to whoever can read the case now and to those
/// in `readers_before` (who could until this change: they learn that their access
/// ended, and nothing else). Returns its sequence number.
pub async fn append_case(
    db: &impl ConnectionTrait,
    case_id: Uuid,
    change: CaseChange,
    readers_before: &[Uuid],
) -> Result<i64, StoreError> {
    let case = cases::find_summary(db, case_id)
        .await?
        .ok_or(StoreError::Corrupt {
            column: "outbox_events.case_id",
        })?;
    let mut recipients = readers(db, &case).await?;
    for org in readers_before {
        if !recipients.contains(org) {
            recipients.push(*org);
        }
    }
    let row = outbox_event::ActiveModel {
        case_id: Set(Some(case_id)),
        reference: Set(Some(case.reference.clone())),
        scheme_id: Set(Some(case.scheme_id)),
        scheme_code: Set(Some(case.scheme_code.clone())),
        from_status: Set(change.from.map(|s| s.as_str().to_owned())),
        to_status: Set(Some(change.to.as_str().to_owned())),
        organisation_id: Set(change.acting_organisation),
        clock_kind: Set(change.clock_kind.map(|k| k.as_str().to_owned())),
        ..blank(change.event_type, change.at)
    };
    insert(db, row, &recipients).await
}

/// Appends `case.document_added` for a document of case `case_id` with `document`'s
/// audience, in the caller's transaction: to those who may read it, nobody else.
pub(crate) async fn append_document(
    db: &impl ConnectionTrait,
    case_id: Uuid,
    document: &sanctuary_domain::notes::NoteAccess,
    at: OffsetDateTime,
) -> Result<i64, StoreError> {
    let case = cases::find_summary(db, case_id)
        .await?
        .ok_or(StoreError::Corrupt {
            column: "outbox_events.case_id",
        })?;
    let members = members(db, case.scheme_id).await?;
    let recipients = sanctuary_domain::documents::readers(&case.ties(), &members, document);
    let row = outbox_event::ActiveModel {
        case_id: Set(Some(case_id)),
        reference: Set(Some(case.reference.clone())),
        scheme_id: Set(Some(case.scheme_id)),
        scheme_code: Set(Some(case.scheme_code.clone())),
        from_status: Set(Some(case.status.as_str().to_owned())),
        to_status: Set(Some(case.status.as_str().to_owned())),
        organisation_id: Set(Some(document.author_organisation)),
        ..blank(EventType::DocumentAdded, at)
    };
    insert(db, row, &recipients).await
}

/// A change to one register entry, to tell the register's readers.
pub struct RegisterNotice {
    pub case_id: Uuid,
    pub entry_id: Uuid,
    pub service: EmergencyService,
    pub event_type: EventType,
    pub at: OffsetDateTime,
    pub acting_organisation: Option<Uuid>,
}

/// The active organisations of `scheme_id` that read `service`'s register: its
/// coordinator and the holders of the service's role.
async fn register_readers(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    service: EmergencyService,
) -> Result<Vec<Uuid>, StoreError> {
    let roles = [Role::Coordinator.as_str(), service.role().as_str()];
    let mut readers: Vec<Uuid> = scheme_membership::Entity::find()
        .select_only()
        .column(scheme_membership::Column::OrganisationId)
        .join(
            JoinType::InnerJoin,
            scheme_membership::Relation::Organisation.def(),
        )
        .filter(scheme_membership::Column::SchemeId.eq(scheme_id))
        .filter(scheme_membership::Column::Role.is_in(roles))
        .filter(organisation::Column::Active.eq(true))
        .order_by_asc(scheme_membership::Column::CreatedAt)
        .into_tuple()
        .all(db)
        .await
        .map_err(StoreError::db("reading who reads the register"))?;
    let mut seen = std::collections::HashSet::new();
    readers.retain(|org| seen.insert(*org));
    Ok(readers)
}

/// Appends the event for a change to a register entry, in the caller's transaction, to
/// the register's readers for that service (never to the case's: a police control room
/// reads no case, and a referrer keeps no call-out system).
pub(crate) async fn append_register(
    db: &impl ConnectionTrait,
    n: RegisterNotice,
) -> Result<i64, StoreError> {
    let case = cases::find_summary(db, n.case_id)
        .await?
        .ok_or(StoreError::Corrupt {
            column: "register_entries.case_id",
        })?;
    let recipients = register_readers(db, case.scheme_id, n.service).await?;
    let row = outbox_event::ActiveModel {
        case_id: Set(Some(n.case_id)),
        reference: Set(Some(case.reference.clone())),
        scheme_id: Set(Some(case.scheme_id)),
        scheme_code: Set(Some(case.scheme_code.clone())),
        organisation_id: Set(n.acting_organisation),
        register_entry_id: Set(Some(n.entry_id)),
        service: Set(Some(n.service.as_str().to_owned())),
        ..blank(n.event_type, n.at)
    };
    insert(db, row, &recipients).await
}

/// Tells `organisation_id` that its endpoint `endpoint_id` was disabled, in the
/// caller's transaction (the one that disabled it).
pub(crate) async fn append_endpoint_disabled(
    db: &impl ConnectionTrait,
    organisation_id: Uuid,
    endpoint_id: Uuid,
    at: OffsetDateTime,
) -> Result<i64, StoreError> {
    let row = outbox_event::ActiveModel {
        endpoint_id: Set(Some(endpoint_id)),
        ..blank(EventType::WebhookEndpointDisabled, at)
    };
    insert(db, row, &[organisation_id]).await
}

/// An event of `event_type` at `at` about nothing yet: the fields that say what it is
/// about are set by the caller.
fn blank(event_type: EventType, at: OffsetDateTime) -> outbox_event::ActiveModel {
    outbox_event::ActiveModel {
        seq: sea_orm::NotSet,
        id: Set(Uuid::now_v7()),
        event_type: Set(event_type.as_str().to_owned()),
        at: Set(at),
        case_id: Set(None),
        reference: Set(None),
        scheme_id: Set(None),
        scheme_code: Set(None),
        from_status: Set(None),
        to_status: Set(None),
        organisation_id: Set(None),
        clock_kind: Set(None),
        endpoint_id: Set(None),
        register_entry_id: Set(None),
        service: Set(None),
    }
}

/// Numbers `row`, writes it and addresses it to `recipients`, in the caller's
/// transaction; returns its sequence number.
async fn insert(
    db: &impl ConnectionTrait,
    mut row: outbox_event::ActiveModel,
    recipients: &[Uuid],
) -> Result<i64, StoreError> {
    let seq = next_seq(db).await?;
    row.seq = Set(seq);
    outbox_event::Entity::insert(row)
        .exec_without_returning(db)
        .await
        .map_err(StoreError::db("writing an event"))?;
    if !recipients.is_empty() {
        outbox_recipient::Entity::insert_many(recipients.iter().map(|org| {
            outbox_recipient::ActiveModel {
                organisation_id: Set(*org),
                seq: Set(seq),
            }
        }))
        .exec_without_returning(db)
        .await
        .map_err(StoreError::db("addressing an event"))?;
    }
    Ok(seq)
}

/// The events with these sequence numbers (those still kept).
pub async fn by_seq(
    db: &impl ConnectionTrait,
    seqs: &[i64],
) -> Result<Vec<OutboxEvent>, StoreError> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    outbox_event::Entity::find()
        .filter(outbox_event::Column::Seq.is_in(seqs.iter().copied()))
        .all(db)
        .await
        .map_err(StoreError::db("reading events"))?
        .into_iter()
        .map(OutboxEvent::try_from)
        .collect()
}

/// Bumps the head and returns the new sequence number. The bump is the first write to
/// the head in the transaction and holds its row lock until commit, so appends are
/// serial and a later number never commits before an earlier one.
async fn next_seq(db: &impl ConnectionTrait) -> Result<i64, StoreError> {
    outbox_head::Entity::update_many()
        .col_expr(
            outbox_head::Column::Seq,
            Expr::col(outbox_head::Column::Seq).add(1),
        )
        .filter(outbox_head::Column::Id.eq(1))
        .exec_with_returning(db)
        .await
        .map_err(StoreError::db("numbering an event"))?
        .pop()
        .map(|head| head.seq)
        .ok_or(StoreError::Corrupt {
            column: "outbox_head.seq",
        })
}

/// The events for `organisation_id` after sequence number `after`, oldest first.
pub async fn for_organisation(
    db: &impl ConnectionTrait,
    organisation_id: Uuid,
    after: i64,
    limit: u64,
) -> Result<Vec<OutboxEvent>, StoreError> {
    let rows = outbox_event::Entity::find()
        .join(
            JoinType::InnerJoin,
            outbox_event::Relation::Recipients.def(),
        )
        .filter(outbox_recipient::Column::OrganisationId.eq(organisation_id))
        .filter(outbox_recipient::Column::Seq.gt(after))
        .order_by_asc(outbox_recipient::Column::Seq)
        .limit(limit)
        .all(db)
        .await
        .map_err(StoreError::db("reading events"))?;
    rows.into_iter().map(OutboxEvent::try_from).collect()
}

/// The last sequence number written (0 before the first event).
pub async fn last_seq(db: &impl ConnectionTrait) -> Result<i64, StoreError> {
    outbox_head::Entity::find_by_id(1)
        .one(db)
        .await
        .map_err(StoreError::db("reading the outbox head"))?
        .map(|h| h.seq)
        .ok_or(StoreError::Corrupt {
            column: "outbox_head.seq",
        })
}

/// Deletes events written before `before` (with their addressing); returns how many.
pub async fn purge(store: &Store, before: OffsetDateTime) -> Result<u64, StoreError> {
    let tx = store.begin_write().await?;
    // Their addressing goes with them (ON DELETE CASCADE; foreign keys are on in SQLite).
    let deleted = outbox_event::Entity::delete_many()
        .filter(outbox_event::Column::At.lt(before))
        .exec(&*tx)
        .await
        .map_err(StoreError::db("purging events"))?;
    tx.commit()
        .await
        .map_err(StoreError::db("purging events"))?;
    Ok(deleted.rows_affected)
}

impl OutboxEvent {
    /// The event as receivers get it.
    pub fn to_event(&self) -> Event {
        Event {
            id: self.id,
            event_type: self.event_type,
            timestamp: self.at,
            data: EventData {
                case_id: self.case_id,
                reference: self.reference.clone(),
                scheme: self.scheme_code.clone(),
                status_before: self.from_status,
                status_after: self.to_status,
                acting_organisation_id: self.organisation_id,
                clock: self.clock_kind,
                endpoint_id: self.endpoint_id,
                register_entry_id: self.register_entry_id,
                service: self.service,
            },
        }
    }
}

impl TryFrom<outbox_event::Model> for OutboxEvent {
    type Error = StoreError;

    fn try_from(e: outbox_event::Model) -> Result<Self, StoreError> {
        Ok(Self {
            seq: e.seq,
            id: e.id,
            event_type: parse(&e.event_type, "outbox_events.type")?,
            at: e.at,
            case_id: e.case_id,
            reference: e.reference,
            scheme_code: e.scheme_code,
            from_status: parse_opt(e.from_status.as_deref(), "outbox_events.from_status")?,
            to_status: parse_opt(e.to_status.as_deref(), "outbox_events.to_status")?,
            organisation_id: e.organisation_id,
            clock_kind: parse_opt(e.clock_kind.as_deref(), "outbox_events.clock_kind")?,
            endpoint_id: e.endpoint_id,
            register_entry_id: e.register_entry_id,
            service: parse_opt(e.service.as_deref(), "outbox_events.service")?,
        })
    }
}

/// What the metrics endpoint reports about events, deliveries and clocks, read at the
/// moment of the scrape.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Backlog {
    /// Events written so far (the outbox's last sequence number).
    pub events_written: i64,
    pub pending_deliveries: u64,
    /// Seconds since the oldest pending delivery fell due, or since the oldest event not
    /// yet made into deliveries was written, whichever is longer (0 if none): the outbox
    /// lag.
    pub delivery_lag_seconds: f64,
    /// Seconds since the oldest overdue clock not yet announced fell due (0 if none):
    /// the clock scheduler's lag.
    pub clock_lag_seconds: f64,
}

pub async fn backlog(
    db: &impl ConnectionTrait,
    now: OffsetDateTime,
) -> Result<Backlog, StoreError> {
    use crate::entities::{case_clock, webhook_delivery, webhook_fanout};
    use sea_orm::PaginatorTrait;
    let pending = || {
        webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.as_str()))
    };
    let pending_deliveries = pending()
        .count(db)
        .await
        .map_err(StoreError::db("reading the delivery backlog"))?;
    let oldest_due: Option<OffsetDateTime> = pending()
        .select_only()
        .column(webhook_delivery::Column::NextAttemptAt)
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .into_tuple()
        .one(db)
        .await
        .map_err(StoreError::db("reading the delivery backlog"))?;
    let fanned_out: Option<i64> = webhook_fanout::Entity::find_by_id(1)
        .select_only()
        .column(webhook_fanout::Column::Seq)
        .into_tuple()
        .one(db)
        .await
        .map_err(StoreError::db("reading the delivery backlog"))?;
    let oldest_unfanned: Option<OffsetDateTime> = outbox_event::Entity::find()
        .select_only()
        .column(outbox_event::Column::At)
        .filter(outbox_event::Column::Seq.gt(fanned_out.unwrap_or(0)))
        .order_by_asc(outbox_event::Column::Seq)
        .into_tuple()
        .one(db)
        .await
        .map_err(StoreError::db("reading the delivery backlog"))?;
    let oldest_clock: Option<OffsetDateTime> = case_clock::Entity::find()
        .select_only()
        .column(case_clock::Column::DueAt)
        .filter(case_clock::Column::State.eq(ClockState::Running.as_str()))
        .filter(case_clock::Column::BreachAnnouncedAt.is_null())
        .filter(case_clock::Column::DueAt.lte(now))
        .order_by_asc(case_clock::Column::DueAt)
        .into_tuple()
        .one(db)
        .await
        .map_err(StoreError::db("reading the clock backlog"))?;
    let age = |t: Option<OffsetDateTime>| t.map_or(0.0, |t| (now - t).as_seconds_f64().max(0.0));
    Ok(Backlog {
        events_written: last_seq(db).await?,
        pending_deliveries,
        delivery_lag_seconds: age(oldest_due).max(age(oldest_unfanned)),
        clock_lag_seconds: age(oldest_clock),
    })
}
