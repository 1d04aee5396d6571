//! Organisations.

use sanctuary_domain::organisation::OrganisationKind;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;
use crate::codec::parse;
use crate::entities::organisation;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
    pub kind: OrganisationKind,
    pub active: bool,
    /// Operates this deployment: its admin tokens administer every scheme.
    pub is_administrator: bool,
    pub version: i64,
}

impl TryFrom<organisation::Model> for Organisation {
    type Error = StoreError;

    fn try_from(m: organisation::Model) -> Result<Self, StoreError> {
        Ok(Self {
            id: m.id,
            name: m.name,
            kind: parse(&m.kind, "organisations.kind")?,
            active: m.active,
            is_administrator: m.is_administrator,
            version: m.version,
        })
    }
}

/// A new organisation (active).
pub struct NewOrganisation<'a> {
    /// A fixed id (the demo's, so the contract's examples name real organisations);
    /// `None`: a new UUIDv7.
    pub id: Option<Uuid>,
    pub name: &'a str,
    pub kind: OrganisationKind,
    pub is_administrator: bool,
}

pub async fn create_with(
    db: &impl ConnectionTrait,
    new: NewOrganisation<'_>,
) -> Result<Organisation, StoreError> {
    organisation::ActiveModel {
        id: Set(new.id.unwrap_or_else(Uuid::now_v7)),
        name: Set(new.name.to_owned()),
        kind: Set(new.kind.as_str().to_owned()),
        active: Set(true),
        created_at: Set(OffsetDateTime::now_utc()),
        is_administrator: Set(new.is_administrator),
        version: Set(1),
    }
    .insert(db)
    .await
    .map_err(StoreError::db("creating an organisation"))?
    .try_into()
}

/// A new, active, ordinary organisation.
pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    kind: OrganisationKind,
) -> Result<Organisation, StoreError> {
    create_with(
        db,
        NewOrganisation {
            id: None,
            name,
            kind,
            is_administrator: false,
        },
    )
    .await
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Organisation>, StoreError> {
    organisation::Entity::find_by_id(id)
        .all(db)
        .await
        .map_err(StoreError::db("reading an organisation"))?
        .pop()
        .map(Organisation::try_from)
        .transpose()
}

pub async fn find_by_name(
    db: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<Organisation>, StoreError> {
    organisation::Entity::find()
        .filter(organisation::Column::Name.eq(name))
        .one(db)
        .await
        .map_err(StoreError::db("reading an organisation"))?
        .map(Organisation::try_from)
        .transpose()
}

/// The organisations with these ids (in no particular order).
pub async fn find_many(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<Organisation>, StoreError> {
    organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
        .map_err(StoreError::db("reading organisations"))?
        .into_iter()
        .map(Organisation::try_from)
        .collect()
}

/// Every organisation, by name.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Organisation>, StoreError> {
    organisation::Entity::find()
        .order_by_asc(organisation::Column::Name)
        .all(db)
        .await
        .map_err(StoreError::db("listing organisations"))?
        .into_iter()
        .map(Organisation::try_from)
        .collect()
}

/// Changes to an organisation (`None`: unchanged).
#[derive(Debug, Clone, Default)]
pub struct OrganisationChanges {
    pub name: Option<String>,
    pub kind: Option<OrganisationKind>,
    pub active: Option<bool>,
    pub is_administrator: Option<bool>,
}

/// Applies `changes` if the organisation is still at `expected_version`; `Ok(false)` if
/// it is not (someone changed it first).
pub async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: i64,
    changes: &OrganisationChanges,
) -> Result<bool, StoreError> {
    let mut model = <organisation::ActiveModel as Default>::default();
    if let Some(name) = &changes.name {
        model.name = Set(name.clone());
    }
    if let Some(kind) = changes.kind {
        model.kind = Set(kind.as_str().to_owned());
    }
    if let Some(active) = changes.active {
        model.active = Set(active);
    }
    if let Some(admin) = changes.is_administrator {
        model.is_administrator = Set(admin);
    }
    let result = organisation::Entity::update_many()
        .set(model)
        .col_expr(
            organisation::Column::Version,
            Expr::col(organisation::Column::Version).add(1),
        )
        .filter(organisation::Column::Id.eq(id))
        .filter(organisation::Column::Version.eq(expected_version))
        .exec(db)
        .await
        .map_err(StoreError::db("updating an organisation"))?;
    Ok(result.rows_affected == 1)
}

/// Activates or deactivates an organisation, whatever its version.
pub async fn set_active(
    db: &impl ConnectionTrait,
    id: Uuid,
    active: bool,
) -> Result<(), StoreError> {
    let current = find(db, id).await?.ok_or(StoreError::Corrupt {
        column: "organisations.id",
    })?;
    let changes = OrganisationChanges {
        active: Some(active),
        ..Default::default()
    };
    update(db, id, current.version, &changes).await?;
    Ok(())
}
