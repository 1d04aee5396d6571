//! Organisations, memberships, token revocation and the administration log on the wire.

use sanctuary_domain::organisation::{OrganisationKind, Role};
use sanctuary_domain::violation::{ViolationCode, Violations};
use sanctuary_persistence::admin::AdminEventRecord;
use sanctuary_persistence::organisations::{Organisation, OrganisationChanges};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// An organisation that takes part in one or more schemes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationView {
    pub id: Uuid,
    #[schema(max_length = 200)]
    pub name: String,
    /// Drives the monitoring report's referral source.
    pub kind: OrganisationKind,
    /// An inactive organisation's tokens are refused.
    pub active: bool,
    /// Operates this deployment: its admin tokens administer every scheme.
    pub is_administrator: bool,
}

impl From<Organisation> for OrganisationView {
    fn from(o: Organisation) -> Self {
        Self {
            id: o.id,
            name: o.name,
            kind: o.kind,
            active: o.active,
            is_administrator: o.is_administrator,
        }
    }
}

/// A new organisation (active).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Darlington Womens Aid", "kind": "specialist_domestic_abuse_service"}))]
pub struct NewOrganisationBody {
    /// Unique.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    pub kind: OrganisationKind,
    /// Default false.
    #[serde(default)]
    pub is_administrator: bool,
}

/// Changes to an organisation; omitted fields keep their values. `active: false` takes
/// effect at once: the organisation's tokens are refused from the next request.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active": false}))]
pub struct OrganisationPatchBody {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: Option<String>,
    pub kind: Option<OrganisationKind>,
    pub active: Option<bool>,
    pub is_administrator: Option<bool>,
}

impl OrganisationPatchBody {
    pub fn changes(self) -> OrganisationChanges {
        OrganisationChanges {
            name: self.name.map(|n| n.trim().to_owned()),
            kind: self.kind,
            active: self.active,
            is_administrator: self.is_administrator,
        }
    }
}

/// An organisation's roles in a scheme.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    pub organisation: OrganisationView,
    pub roles: Vec<Role>,
}

/// The roles an organisation is to hold in a scheme (empty: it leaves the scheme).
/// A scheme has one coordinator organisation.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"roles": ["referrer"]}))]
pub struct MemberRolesBody {
    #[schema(max_items = 8, value_type = Vec<SchemeRole>)]
    pub roles: Vec<Role>,
}

/// A role an organisation can hold in a scheme: every role but `admin`, which belongs
/// to the organisations operating the deployment. (The spec's name for the roles
/// [`MemberRolesBody::roles`] accepts; they parse as [`Role`].)
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SchemeRole {
    Referrer,
    Coordinator,
    Assessor,
    Contractor,
    FireService,
    /// A police control room or safeguarding hub: reads the emergency-services register.
    Police,
    Funder,
    Auditor,
}

impl MemberRolesBody {
    pub fn roles(self) -> Result<Vec<Role>, Violations> {
        let mut v = Violations::new();
        for (i, role) in self.roles.iter().enumerate() {
            if *role == Role::Admin {
                v.add(
                    format!("/roles/{i}"),
                    ViolationCode::InvalidValue,
                    "`admin` is not a scheme role: make the organisation an administrator",
                );
            }
        }
        let mut roles = self.roles;
        roles.sort();
        roles.dedup();
        v.into_result(roles)
    }
}

/// A token to refuse from now on.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"jti": "0193a5c2-7e41-7cc0-9a51-3f1e2d4b6a70"}))]
pub struct RevokeTokenBody {
    /// The token's `jti` claim.
    #[schema(min_length = 1, max_length = 255, pattern = r"^\S+$")]
    pub jti: String,
}

/// An entry of the administration log: who changed what (field and setting names,
/// never personal data).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdminEventView {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    #[schema(max_length = 255)]
    pub actor: String,
    pub organisation_id: Option<Uuid>,
    #[schema(example = "change_settings")]
    #[schema(max_length = 40)]
    pub action: String,
    #[schema(example = "scheme")]
    #[schema(max_length = 40)]
    pub target_kind: String,
    #[schema(example = "darlington")]
    #[schema(max_length = 255)]
    pub target: String,
    #[schema(value_type = Object)]
    pub data: Value,
}

impl From<AdminEventRecord> for AdminEventView {
    fn from(e: AdminEventRecord) -> Self {
        Self {
            id: e.id,
            at: e.at,
            actor: e.actor_subject,
            organisation_id: e.organisation_id,
            action: e.action,
            target_kind: e.target_kind,
            target: e.target,
            data: e.data,
        }
    }
}

/// How much of the log to read.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AdminEventsQuery {
    /// The newest `limit` entries (default 100, at most 500).
    #[param(minimum = 1, maximum = 500)]
    #[validate(range(min = 1, max = 500))]
    pub limit: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_roles_are_every_role_but_admin() {
        let scheme_roles = [
            SchemeRole::Referrer,
            SchemeRole::Coordinator,
            SchemeRole::Assessor,
            SchemeRole::Contractor,
            SchemeRole::FireService,
            SchemeRole::Police,
            SchemeRole::Funder,
            SchemeRole::Auditor,
        ]
        .map(|r| serde_json::to_value(r).unwrap());
        let roles: Vec<_> = Role::ALL
            .iter()
            .filter(|r| **r != Role::Admin)
            .map(|r| serde_json::to_value(r).unwrap())
            .collect();
        assert_eq!(scheme_roles.to_vec(), roles);
    }
}
