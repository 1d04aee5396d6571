//! Organisations.

use sanctuary_domain::organisation::OrganisationKind;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
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
}

impl TryFrom<organisation::Model> for Organisation {
    type Error = StoreError;

    fn try_from(m: organisation::Model) -> Result<Self, StoreError> {
        Ok(Self {
            id: m.id,
            name: m.name,
            kind: parse(&m.kind, "organisations.kind")?,
            active: m.active,
        })
    }
}

pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    kind: OrganisationKind,
) -> Result<Organisation, StoreError> {
    let model = organisation::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name.to_owned()),
        kind: Set(kind.as_str().to_owned()),
        active: Set(true),
        created_at: Set(OffsetDateTime::now_utc()),
    }
    .insert(db)
    .await
    .map_err(StoreError::db("creating an organisation"))?;
    model.try_into()
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Organisation>, StoreError> {
    organisation::Entity::find_by_id(id)
        .one(db)
        .await
        .map_err(StoreError::db("reading an organisation"))?
        .map(Organisation::try_from)
        .transpose()
}

pub async fn set_active(
    db: &impl ConnectionTrait,
    id: Uuid,
    active: bool,
) -> Result<(), StoreError> {
    organisation::ActiveModel {
        id: Set(id),
        active: Set(active),
        ..Default::default()
    }
    .update(db)
    .await
    .map_err(StoreError::db("updating an organisation"))?;
    Ok(())
}
