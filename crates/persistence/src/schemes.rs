//! Schemes, their versioned settings, and the organisations' memberships of them.

use sanctuary_domain::organisation::Role;
use sanctuary_domain::scheme::{Nation, SchemeCode, YearStart};
use sanctuary_domain::settings::SchemeSettings;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;
use crate::codec::{join, parse};
use crate::entities::{scheme, scheme_membership, scheme_settings_version as settings_version};
use crate::organisations::{self, Organisation};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    pub id: Uuid,
    pub code: SchemeCode,
    pub name: String,
    pub reference_prefix: String,
    pub nation: Nation,
    pub year_start: YearStart,
    /// The settings in force (version `settings_version`).
    pub settings: SchemeSettings,
    pub settings_version: i32,
    /// Bumped by every change, settings included; the ETag.
    pub version: i64,
}

fn settings_json(settings: &SchemeSettings) -> Result<String, StoreError> {
    serde_json::to_string(settings).map_err(|_| StoreError::Corrupt {
        column: "schemes.settings",
    })
}

pub(crate) fn parse_settings(json: &str) -> Result<SchemeSettings, StoreError> {
    serde_json::from_str(json).map_err(|_| StoreError::Corrupt {
        column: "schemes.settings",
    })
}

impl TryFrom<scheme::Model> for Scheme {
    type Error = StoreError;

    fn try_from(m: scheme::Model) -> Result<Self, StoreError> {
        let year_start = u8::try_from(m.year_start_month)
            .ok()
            .zip(u8::try_from(m.year_start_day).ok())
            .and_then(|(month, day)| YearStart::new(month, day).ok())
            .ok_or(StoreError::Corrupt {
                column: "schemes.year_start",
            })?;
        Ok(Self {
            id: m.id,
            code: SchemeCode::parse(&m.code).map_err(|_| StoreError::Corrupt {
                column: "schemes.code",
            })?,
            name: m.name,
            reference_prefix: m.reference_prefix,
            nation: parse(&m.nation, "schemes.nation")?,
            year_start,
            settings: parse_settings(&m.settings)?,
            settings_version: m.settings_version,
            version: m.version,
        })
    }
}

/// Who made a change (the CLI and migrations have no organisation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedBy {
    pub subject: String,
    pub organisation_id: Option<Uuid>,
}

impl ChangedBy {
    /// A change made by the system itself (seeding, set-up from a file).
    pub fn system(subject: &str) -> Self {
        Self {
            subject: subject.to_owned(),
            organisation_id: None,
        }
    }
}

pub struct NewScheme<'a> {
    pub code: &'a SchemeCode,
    pub name: &'a str,
    pub reference_prefix: &'a str,
    pub nation: Nation,
    pub year_start: YearStart,
    pub settings: SchemeSettings,
}

/// Creates a scheme with its settings as version 1.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewScheme<'_>,
    by: &ChangedBy,
) -> Result<Scheme, StoreError> {
    let now = OffsetDateTime::now_utc();
    let json = settings_json(&new.settings)?;
    let created: Scheme = scheme::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(new.code.as_str().to_owned()),
        name: Set(new.name.to_owned()),
        reference_prefix: Set(new.reference_prefix.to_owned()),
        nation: Set(new.nation.as_str().to_owned()),
        settings: Set(json.clone()),
        created_at: Set(now),
        year_start_month: Set(i32::from(new.year_start.month)),
        year_start_day: Set(i32::from(new.year_start.day)),
        settings_version: Set(1),
        version: Set(1),
    }
    .insert(db)
    .await
    .map_err(StoreError::db("creating a scheme"))?
    .try_into()?;
    record_settings(db, created.id, 1, &json, now, by, &[]).await?;
    Ok(created)
}

async fn record_settings(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    version: i32,
    json: &str,
    at: OffsetDateTime,
    by: &ChangedBy,
    changed_keys: &[&str],
) -> Result<(), StoreError> {
    settings_version::ActiveModel {
        scheme_id: Set(scheme_id),
        version: Set(version),
        settings: Set(json.to_owned()),
        changed_at: Set(at),
        changed_by_subject: Set(by.subject.clone()),
        changed_by_organisation_id: Set(by.organisation_id),
        changed_keys: Set(join(changed_keys)),
    }
    .insert(db)
    .await
    .map_err(StoreError::db("recording scheme settings"))?;
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Scheme>, StoreError> {
    scheme::Entity::find_by_id(id)
        .one(db)
        .await
        .map_err(StoreError::db("reading a scheme"))?
        .map(Scheme::try_from)
        .transpose()
}

pub async fn find_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<Scheme>, StoreError> {
    scheme::Entity::find()
        .filter(scheme::Column::Code.eq(code))
        .one(db)
        .await
        .map_err(StoreError::db("reading a scheme"))?
        .map(Scheme::try_from)
        .transpose()
}

/// The scheme whose case references start with `prefix`.
pub async fn find_by_prefix(
    db: &impl ConnectionTrait,
    prefix: &str,
) -> Result<Option<Scheme>, StoreError> {
    scheme::Entity::find()
        .filter(scheme::Column::ReferencePrefix.eq(prefix))
        .one(db)
        .await
        .map_err(StoreError::db("reading a scheme"))?
        .map(Scheme::try_from)
        .transpose()
}

/// Every scheme, by code.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Scheme>, StoreError> {
    scheme::Entity::find()
        .order_by_asc(scheme::Column::Code)
        .all(db)
        .await
        .map_err(StoreError::db("listing schemes"))?
        .into_iter()
        .map(Scheme::try_from)
        .collect()
}

/// Changes to a scheme's details (`None`: unchanged). The code and the reference
/// prefix never change.
#[derive(Debug, Clone, Default)]
pub struct SchemeChanges {
    pub name: Option<String>,
    pub nation: Option<Nation>,
    pub year_start: Option<YearStart>,
}

/// Applies `changes` if the scheme is still at `expected_version` (`Ok(false)` if not).
pub async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: i64,
    changes: &SchemeChanges,
) -> Result<bool, StoreError> {
    let mut model = <scheme::ActiveModel as Default>::default();
    if let Some(name) = &changes.name {
        model.name = Set(name.clone());
    }
    if let Some(nation) = changes.nation {
        model.nation = Set(nation.as_str().to_owned());
    }
    if let Some(start) = changes.year_start {
        model.year_start_month = Set(i32::from(start.month));
        model.year_start_day = Set(i32::from(start.day));
    }
    bump(db, id, expected_version, model).await
}

async fn bump(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: i64,
    model: scheme::ActiveModel,
) -> Result<bool, StoreError> {
    let result = scheme::Entity::update_many()
        .set(model)
        .col_expr(
            scheme::Column::Version,
            Expr::col(scheme::Column::Version).add(1),
        )
        .filter(scheme::Column::Id.eq(id))
        .filter(scheme::Column::Version.eq(expected_version))
        .exec(db)
        .await
        .map_err(StoreError::db("updating a scheme"))?;
    Ok(result.rows_affected == 1)
}

/// Makes `settings` the scheme's new settings version, if the scheme is still at
/// `expected_version`. Returns the new settings version, or `None` if stale.
pub async fn set_settings(
    db: &impl ConnectionTrait,
    scheme: &Scheme,
    expected_version: i64,
    settings: &SchemeSettings,
    by: &ChangedBy,
) -> Result<Option<i32>, StoreError> {
    let next = scheme.settings_version + 1;
    let json = settings_json(settings)?;
    let model = scheme::ActiveModel {
        settings: Set(json.clone()),
        settings_version: Set(next),
        ..Default::default()
    };
    if !bump(db, scheme.id, expected_version, model).await? {
        return Ok(None);
    }
    let changed = scheme.settings.changed_keys(settings);
    record_settings(
        db,
        scheme.id,
        next,
        &json,
        OffsetDateTime::now_utc(),
        by,
        &changed,
    )
    .await?;
    Ok(Some(next))
}

/// A scheme's settings as they were at `version`.
pub async fn settings_at(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    version: i32,
) -> Result<SchemeSettings, StoreError> {
    let row = settings_version::Entity::find_by_id((scheme_id, version))
        .one(db)
        .await
        .map_err(StoreError::db("reading scheme settings"))?
        .ok_or(StoreError::Corrupt {
            column: "scheme_settings_versions.version",
        })?;
    parse_settings(&row.settings)
}

/// One change of a scheme's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsVersion {
    pub version: i32,
    pub changed_at: OffsetDateTime,
    pub changed_by_subject: String,
    pub changed_by_organisation_id: Option<Uuid>,
    pub changed_keys: Vec<String>,
}

/// Every settings version of a scheme, oldest first.
pub async fn settings_history(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
) -> Result<Vec<SettingsVersion>, StoreError> {
    Ok(settings_version::Entity::find()
        .filter(settings_version::Column::SchemeId.eq(scheme_id))
        .order_by_asc(settings_version::Column::Version)
        .all(db)
        .await
        .map_err(StoreError::db("reading scheme settings"))?
        .into_iter()
        .map(|m| SettingsVersion {
            version: m.version,
            changed_at: m.changed_at,
            changed_by_subject: m.changed_by_subject,
            changed_by_organisation_id: m.changed_by_organisation_id,
            changed_keys: m
                .changed_keys
                .split(',')
                .filter(|k| !k.is_empty())
                .map(str::to_owned)
                .collect(),
        })
        .collect())
}

pub async fn add_member(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    organisation_id: Uuid,
    role: Role,
) -> Result<(), StoreError> {
    scheme_membership::ActiveModel {
        scheme_id: Set(scheme_id),
        organisation_id: Set(organisation_id),
        role: Set(role.as_str().to_owned()),
        created_at: Set(OffsetDateTime::now_utc()),
    }
    .insert(db)
    .await
    .map_err(StoreError::db("adding a scheme member"))?;
    Ok(())
}

/// Replaces an organisation's roles in a scheme (none: it leaves the scheme).
pub async fn set_roles(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    organisation_id: Uuid,
    roles: &[Role],
) -> Result<(), StoreError> {
    scheme_membership::Entity::delete_many()
        .filter(scheme_membership::Column::SchemeId.eq(scheme_id))
        .filter(scheme_membership::Column::OrganisationId.eq(organisation_id))
        .exec(db)
        .await
        .map_err(StoreError::db("changing memberships"))?;
    for role in roles {
        add_member(db, scheme_id, organisation_id, *role).await?;
    }
    Ok(())
}

/// The roles an organisation holds in a scheme.
pub async fn roles_in(
    db: &impl ConnectionTrait,
    organisation_id: Uuid,
    scheme_id: Uuid,
) -> Result<Vec<Role>, StoreError> {
    let roles: Vec<String> = scheme_membership::Entity::find()
        .select_only()
        .column(scheme_membership::Column::Role)
        .filter(scheme_membership::Column::OrganisationId.eq(organisation_id))
        .filter(scheme_membership::Column::SchemeId.eq(scheme_id))
        .order_by_asc(scheme_membership::Column::Role)
        .into_tuple()
        .all(db)
        .await
        .map_err(StoreError::db("reading memberships"))?;
    roles
        .iter()
        .map(|r| parse(r, "scheme_memberships.role"))
        .collect()
}

/// The schemes in which an organisation holds `role`.
pub async fn where_member_as(
    db: &impl ConnectionTrait,
    organisation_id: Uuid,
    role: Role,
) -> Result<Vec<Uuid>, StoreError> {
    scheme_membership::Entity::find()
        .select_only()
        .column(scheme_membership::Column::SchemeId)
        .filter(scheme_membership::Column::OrganisationId.eq(organisation_id))
        .filter(scheme_membership::Column::Role.eq(role.as_str()))
        .into_tuple()
        .all(db)
        .await
        .map_err(StoreError::db("reading memberships"))
}

/// Every (scheme, role) an organisation holds.
pub async fn memberships_of(
    db: &impl ConnectionTrait,
    organisation_id: Uuid,
) -> Result<Vec<(Uuid, Role)>, StoreError> {
    let rows: Vec<(Uuid, String)> = scheme_membership::Entity::find()
        .select_only()
        .column(scheme_membership::Column::SchemeId)
        .column(scheme_membership::Column::Role)
        .filter(scheme_membership::Column::OrganisationId.eq(organisation_id))
        .into_tuple()
        .all(db)
        .await
        .map_err(StoreError::db("reading memberships"))?;
    rows.into_iter()
        .map(|(scheme, role)| Ok((scheme, parse(&role, "scheme_memberships.role")?)))
        .collect()
}

/// Every member of a scheme with its role, oldest membership first (two queries,
/// whatever the number of members).
pub async fn members(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
) -> Result<Vec<(Organisation, Role)>, StoreError> {
    let rows = scheme_membership::Entity::find()
        .filter(scheme_membership::Column::SchemeId.eq(scheme_id))
        .order_by_asc(scheme_membership::Column::CreatedAt)
        .all(db)
        .await
        .map_err(StoreError::db("reading memberships"))?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.organisation_id).collect();
    let orgs = organisations::find_many(db, &ids).await?;
    rows.into_iter()
        .map(|row| {
            let org = orgs
                .iter()
                .find(|o| o.id == row.organisation_id)
                .cloned()
                .ok_or(StoreError::Corrupt {
                    column: "scheme_memberships.organisation_id",
                })?;
            Ok((org, parse(&row.role, "scheme_memberships.role")?))
        })
        .collect()
}

/// The organisations holding `role` in a scheme.
pub async fn holders(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    role: Role,
) -> Result<Vec<Uuid>, StoreError> {
    scheme_membership::Entity::find()
        .select_only()
        .column(scheme_membership::Column::OrganisationId)
        .filter(scheme_membership::Column::SchemeId.eq(scheme_id))
        .filter(scheme_membership::Column::Role.eq(role.as_str()))
        .into_tuple()
        .all(db)
        .await
        .map_err(StoreError::db("reading memberships"))
}
