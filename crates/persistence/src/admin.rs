//! Administration commands: each in one transaction with its entry in the
//! administration log (who, when, what — names of fields and settings, never personal
//! data).

use sanctuary_domain::audit::AuditOutcome;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::scheme::Nation;
use sanctuary_domain::settings::SchemeSettings;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::{Value, json};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, NewAudit};
use crate::crypto::Keyring;
use crate::entities::{admin_event, revoked_token};
use crate::error::is_unique_violation;
use crate::organisations::{self, NewOrganisation, Organisation, OrganisationChanges};
use crate::schemes::{self, ChangedBy, NewScheme, Scheme, SchemeChanges};
use crate::{Store, StoreError, calendars};

/// Why an administration command was refused.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("not found")]
    NotFound,
    /// The resource changed since the caller read it.
    #[error("stale")]
    Stale,
    #[error("{message}")]
    Conflict {
        code: AdminConflict,
        message: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminConflict {
    SchemeExists,
    ReferencePrefixInUse,
    OrganisationExists,
    CoordinatorExists,
    HolidayExists,
}

fn conflict(code: AdminConflict, message: impl Into<String>) -> AdminError {
    AdminError::Conflict {
        code,
        message: message.into(),
    }
}

async fn log(
    db: &impl ConnectionTrait,
    keys: &Keyring,
    by: &ChangedBy,
    action: &str,
    target_kind: &str,
    target: impl ToString,
    data: Value,
) -> Result<(), StoreError> {
    admin_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        at: Set(OffsetDateTime::now_utc()),
        actor_subject: Set(by.subject.clone()),
        organisation_id: Set(by.organisation_id),
        action: Set(action.to_owned()),
        target_kind: Set(target_kind.to_owned()),
        target: Set(target.to_string()),
        data: Set(data.to_string()),
    }
    .insert(db)
    .await
    .map_err(StoreError::db("recording an administration event"))?;
    // Also in the tamper-evident chain, beside the case records.
    let record = NewAudit {
        actor_subject: &by.subject,
        organisation_id: by.organisation_id,
        role: by.organisation_id.map(|_| Role::Admin),
        action,
        scheme_id: None,
        case_id: None,
        fields: vec![target_kind.to_owned()],
        request_id: None,
        outcome: AuditOutcome::Allowed,
    };
    audit::append(db, keys, &record).await
}

fn commit_error(err: sea_orm::DbErr) -> StoreError {
    StoreError::db("committing an administration change")(err)
}

pub async fn create_scheme(
    store: &Store,
    new: NewScheme<'_>,
    by: &ChangedBy,
) -> Result<Scheme, AdminError> {
    let tx = store.begin_write().await?;
    if schemes::find_by_code(&*tx, new.code.as_str())
        .await?
        .is_some()
    {
        return Err(conflict(
            AdminConflict::SchemeExists,
            format!("a scheme with code `{}` exists", new.code),
        ));
    }
    if schemes::find_by_prefix(&*tx, new.reference_prefix)
        .await?
        .is_some()
    {
        return Err(conflict(
            AdminConflict::ReferencePrefixInUse,
            format!(
                "another scheme's case references start `{}`",
                new.reference_prefix
            ),
        ));
    }
    let scheme = match schemes::create(&*tx, new, by).await {
        Ok(scheme) => scheme,
        // A concurrent create won the race (the unique indexes caught it).
        Err(StoreError::Database { message, .. }) if message == "unique constraint violated" => {
            return Err(conflict(
                AdminConflict::SchemeExists,
                "a scheme with that code or reference prefix exists",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let data = json!({"name": scheme.name, "nation": scheme.nation, "reference_prefix": scheme.reference_prefix});
    log(
        &*tx,
        store.keys()?,
        by,
        "create_scheme",
        "scheme",
        &scheme.code,
        data,
    )
    .await?;
    tx.commit().await.map_err(commit_error)?;
    Ok(scheme)
}

pub async fn update_scheme(
    store: &Store,
    code: &str,
    expected_version: i64,
    changes: &SchemeChanges,
    by: &ChangedBy,
) -> Result<Scheme, AdminError> {
    let tx = store.begin_write().await?;
    let scheme = schemes::find_by_code(&*tx, code)
        .await?
        .ok_or(AdminError::NotFound)?;
    if !schemes::update(&*tx, scheme.id, expected_version, changes).await? {
        return Err(AdminError::Stale);
    }
    let mut changed = Vec::new();
    for (field, set) in [
        ("name", changes.name.is_some()),
        ("nation", changes.nation.is_some()),
        ("year_start", changes.year_start.is_some()),
    ] {
        if set {
            changed.push(field);
        }
    }
    log(
        &*tx,
        store.keys()?,
        by,
        "update_scheme",
        "scheme",
        code,
        json!({"fields": changed}),
    )
    .await?;
    let updated = schemes::find(&*tx, scheme.id)
        .await?
        .ok_or(AdminError::NotFound)?;
    tx.commit().await.map_err(commit_error)?;
    Ok(updated)
}

/// Makes `settings` the scheme's new settings version (validate them first).
pub async fn change_settings(
    store: &Store,
    code: &str,
    expected_version: i64,
    settings: &SchemeSettings,
    by: &ChangedBy,
) -> Result<Scheme, AdminError> {
    let tx = store.begin_write().await?;
    let scheme = schemes::find_by_code(&*tx, code)
        .await?
        .ok_or(AdminError::NotFound)?;
    let changed = scheme.settings.changed_keys(settings);
    let version = schemes::set_settings(&*tx, &scheme, expected_version, settings, by)
        .await?
        .ok_or(AdminError::Stale)?;
    log(
        &*tx,
        store.keys()?,
        by,
        "change_settings",
        "scheme",
        code,
        json!({"settings_version": version, "changed": changed}),
    )
    .await?;
    let updated = schemes::find(&*tx, scheme.id)
        .await?
        .ok_or(AdminError::NotFound)?;
    tx.commit().await.map_err(commit_error)?;
    Ok(updated)
}

pub async fn create_organisation(
    store: &Store,
    new: NewOrganisation<'_>,
    by: &ChangedBy,
) -> Result<Organisation, AdminError> {
    let tx = store.begin_write().await?;
    let created = match organisations::create_with(&*tx, new).await {
        Ok(org) => org,
        Err(StoreError::Database { message, .. }) if message == "unique constraint violated" => {
            return Err(conflict(
                AdminConflict::OrganisationExists,
                "an organisation with that name exists",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let data = json!({"kind": created.kind, "is_administrator": created.is_administrator});
    log(
        &*tx,
        store.keys()?,
        by,
        "create_organisation",
        "organisation",
        created.id,
        data,
    )
    .await?;
    tx.commit().await.map_err(commit_error)?;
    Ok(created)
}

pub async fn update_organisation(
    store: &Store,
    id: Uuid,
    expected_version: i64,
    changes: &OrganisationChanges,
    by: &ChangedBy,
) -> Result<Organisation, AdminError> {
    let tx = store.begin_write().await?;
    organisations::find(&*tx, id)
        .await?
        .ok_or(AdminError::NotFound)?;
    match organisations::update(&*tx, id, expected_version, changes).await {
        Ok(true) => {}
        Ok(false) => return Err(AdminError::Stale),
        Err(StoreError::Database { message, .. }) if message == "unique constraint violated" => {
            return Err(conflict(
                AdminConflict::OrganisationExists,
                "an organisation with that name exists",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    let mut data = json!({"fields": []});
    for (field, set) in [
        ("name", changes.name.is_some()),
        ("kind", changes.kind.is_some()),
        ("active", changes.active.is_some()),
        ("is_administrator", changes.is_administrator.is_some()),
    ] {
        if set {
            data["fields"]
                .as_array_mut()
                .expect("an array")
                .push(json!(field));
        }
    }
    if let Some(active) = changes.active {
        data["active"] = json!(active);
    }
    log(
        &*tx,
        store.keys()?,
        by,
        "update_organisation",
        "organisation",
        id,
        data,
    )
    .await?;
    let updated = organisations::find(&*tx, id)
        .await?
        .ok_or(AdminError::NotFound)?;
    tx.commit().await.map_err(commit_error)?;
    Ok(updated)
}

/// Replaces an organisation's roles in a scheme. A scheme has at most one coordinator
/// organisation.
pub async fn set_member_roles(
    store: &Store,
    scheme: &Scheme,
    organisation_id: Uuid,
    roles: &[Role],
    by: &ChangedBy,
) -> Result<(), AdminError> {
    let tx = store.begin_write().await?;
    // Touching the scheme row first serialises membership changes to one scheme (a row
    // lock on PostgreSQL; SQLite's write transactions are serial anyway).
    let current = schemes::find(&*tx, scheme.id)
        .await?
        .ok_or(AdminError::NotFound)?;
    if !schemes::update(&*tx, scheme.id, current.version, &SchemeChanges::default()).await? {
        return Err(AdminError::Stale);
    }
    organisations::find(&*tx, organisation_id)
        .await?
        .ok_or(AdminError::NotFound)?;
    if roles.contains(&Role::Coordinator) {
        let others: Vec<Uuid> = schemes::holders(&*tx, scheme.id, Role::Coordinator)
            .await?
            .into_iter()
            .filter(|o| *o != organisation_id)
            .collect();
        if !others.is_empty() {
            return Err(conflict(
                AdminConflict::CoordinatorExists,
                "the scheme already has a coordinator organisation; remove its role first",
            ));
        }
    }
    schemes::set_roles(&*tx, scheme.id, organisation_id, roles).await?;
    let data = json!({"organisation_id": organisation_id, "roles": roles});
    log(
        &*tx,
        store.keys()?,
        by,
        "set_member_roles",
        "scheme",
        &scheme.code,
        data,
    )
    .await?;
    tx.commit().await.map_err(commit_error)?;
    Ok(())
}

pub async fn add_holiday(
    store: &Store,
    nation: Nation,
    date: Date,
    name: &str,
    by: &ChangedBy,
) -> Result<(), AdminError> {
    let tx = store.begin_write().await?;
    let calendar = calendars::for_nation(&*tx, nation).await?;
    if calendar.is_holiday(date) {
        return Err(conflict(
            AdminConflict::HolidayExists,
            format!("{date} is already a holiday in {nation}"),
        ));
    }
    calendars::add_holiday(&*tx, nation, date, name).await?;
    log(
        &*tx,
        store.keys()?,
        by,
        "add_holiday",
        "calendar",
        nation,
        json!({"date": date.to_string()}),
    )
    .await?;
    tx.commit().await.map_err(commit_error)?;
    Ok(())
}

/// Refuses the token with this `jti` from its next request on. Revoking twice is fine.
pub async fn revoke_token(store: &Store, jti: &str, by: &ChangedBy) -> Result<(), AdminError> {
    let tx = store.begin_write().await?;
    let inserted = revoked_token::ActiveModel {
        jti: Set(jti.to_owned()),
        revoked_at: Set(OffsetDateTime::now_utc()),
        revoked_by_subject: Set(by.subject.clone()),
        revoked_by_organisation_id: Set(by.organisation_id),
    }
    .insert(&*tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(()),
        Err(e) => return Err(StoreError::db("revoking a token")(e).into()),
    }
    log(
        &*tx,
        store.keys()?,
        by,
        "revoke_token",
        "token",
        "jti",
        json!({}),
    )
    .await?;
    tx.commit().await.map_err(commit_error)?;
    Ok(())
}

/// Whether a token id was revoked.
pub async fn is_revoked(db: &impl ConnectionTrait, jti: &str) -> Result<bool, StoreError> {
    Ok(!revoked_token::Entity::find_by_id(jti.to_owned())
        .all(db)
        .await
        .map_err(StoreError::db("checking a token"))?
        .is_empty())
}

/// An entry of the administration log.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminEventRecord {
    pub id: Uuid,
    pub at: OffsetDateTime,
    pub actor_subject: String,
    pub organisation_id: Option<Uuid>,
    pub action: String,
    pub target_kind: String,
    pub target: String,
    pub data: Value,
}

/// The most recent `limit` entries, newest first.
pub async fn events(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<AdminEventRecord>, StoreError> {
    admin_event::Entity::find()
        .order_by_desc(admin_event::Column::Id)
        .limit(limit)
        .all(db)
        .await
        .map_err(StoreError::db("reading the administration log"))?
        .into_iter()
        .map(|m| {
            Ok(AdminEventRecord {
                id: m.id,
                at: m.at,
                actor_subject: m.actor_subject,
                organisation_id: m.organisation_id,
                action: m.action,
                target_kind: m.target_kind,
                target: m.target,
                data: serde_json::from_str(&m.data).map_err(|_| StoreError::Corrupt {
                    column: "admin_events.data",
                })?,
            })
        })
        .collect()
}

/// Every holiday an administrator added for `nation`, by date.
pub async fn added_holidays(
    db: &impl ConnectionTrait,
    nation: Nation,
) -> Result<Vec<(Date, String)>, StoreError> {
    use crate::entities::holiday;
    Ok(holiday::Entity::find()
        .filter(holiday::Column::Nation.eq(nation.as_str()))
        .order_by_asc(holiday::Column::Date)
        .all(db)
        .await
        .map_err(StoreError::db("reading holidays"))?
        .into_iter()
        .map(|h| (h.date, h.name))
        .collect())
}
