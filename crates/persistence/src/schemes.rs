//! Schemes and the organisations' memberships of them.

use sanctuary_domain::organisation::Role;
use sanctuary_domain::scheme::{Nation, SchemeCode};
use sanctuary_domain::settings::SchemeSettings;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;
use crate::codec::parse;
use crate::entities::{scheme, scheme_membership};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    pub id: Uuid,
    pub code: SchemeCode,
    pub name: String,
    pub reference_prefix: String,
    pub nation: Nation,
    pub settings: SchemeSettings,
}

impl TryFrom<scheme::Model> for Scheme {
    type Error = StoreError;

    fn try_from(m: scheme::Model) -> Result<Self, StoreError> {
        Ok(Self {
            id: m.id,
            code: SchemeCode::parse(&m.code).map_err(|_| StoreError::Corrupt {
                column: "schemes.code",
            })?,
            name: m.name,
            reference_prefix: m.reference_prefix,
            nation: parse(&m.nation, "schemes.nation")?,
            settings: serde_json::from_str(&m.settings).map_err(|_| StoreError::Corrupt {
                column: "schemes.settings",
            })?,
        })
    }
}

pub struct NewScheme<'a> {
    pub code: &'a SchemeCode,
    pub name: &'a str,
    pub reference_prefix: &'a str,
    pub nation: Nation,
}

pub async fn create(db: &impl ConnectionTrait, new: NewScheme<'_>) -> Result<Scheme, StoreError> {
    scheme::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(new.code.as_str().to_owned()),
        name: Set(new.name.to_owned()),
        reference_prefix: Set(new.reference_prefix.to_owned()),
        nation: Set(new.nation.as_str().to_owned()),
        settings: Set("{}".to_owned()),
        created_at: Set(OffsetDateTime::now_utc()),
    }
    .insert(db)
    .await
    .map_err(StoreError::db("creating a scheme"))?
    .try_into()
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Scheme>, StoreError> {
    scheme::Entity::find_by_id(id)
        .one(db)
        .await
        .map_err(StoreError::db("reading a scheme"))?
        .map(Scheme::try_from)
        .transpose()
}

/// Replaces a scheme's settings.
pub async fn set_settings(
    db: &impl ConnectionTrait,
    id: Uuid,
    settings: &SchemeSettings,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(settings).map_err(|_| StoreError::Corrupt {
        column: "schemes.settings",
    })?;
    scheme::ActiveModel {
        id: Set(id),
        settings: Set(json),
        ..Default::default()
    }
    .update(db)
    .await
    .map_err(StoreError::db("updating scheme settings"))?;
    Ok(())
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

/// Every member of a scheme with its role, oldest membership first.
pub async fn members(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
) -> Result<Vec<(crate::organisations::Organisation, Role)>, StoreError> {
    use sea_orm::QueryOrder;
    let rows = scheme_membership::Entity::find()
        .filter(scheme_membership::Column::SchemeId.eq(scheme_id))
        .order_by_asc(scheme_membership::Column::CreatedAt)
        .all(db)
        .await
        .map_err(StoreError::db("reading memberships"))?;
    let mut members = Vec::with_capacity(rows.len());
    for row in rows {
        let org = crate::organisations::find(db, row.organisation_id)
            .await?
            .ok_or(StoreError::Corrupt {
                column: "scheme_memberships.organisation_id",
            })?;
        members.push((org, parse(&row.role, "scheme_memberships.role")?));
    }
    Ok(members)
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
