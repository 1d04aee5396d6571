//! Asking the domain policy about the acting organisation and a case.
//!
//! A [`Scope`] is the caller's organisation, token roles and scheme memberships, read
//! once per request; from it the caller's relation to any case (and so its view and its
//! permitted actions) is worked out without further queries.

use sanctuary_domain::access;
use sanctuary_domain::landlord;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::{self, Action, Relation, View};
use sanctuary_domain::register;
use sanctuary_domain::visits;
use sanctuary_domain::workflow::possible_actions;
use std::collections::HashSet;

use sanctuary_persistence::cases::{self, CaseSummary, Visibility};
use sanctuary_persistence::{Store, schemes};
use uuid::Uuid;

use crate::{Acting, AppError};

/// Whether the caller may administer the deployment: the admin role, for an
/// organisation that operates it.
pub fn may_administer(caller: &Acting) -> bool {
    let relations: &[Relation] = if caller.organisation.is_administrator {
        &[Relation::PlatformOperator]
    } else {
        &[]
    };
    policy::permits_any(&caller.roles, Action::Administer, relations)
}

pub struct Scope {
    pub organisation_id: Uuid,
    pub roles: Vec<Role>,
    memberships: Vec<(Uuid, Role)>,
    /// The organisation operates this deployment.
    operator: bool,
}

impl Scope {
    pub async fn of(store: &Store, caller: &Acting) -> Result<Self, AppError> {
        let memberships =
            schemes::memberships_of(store.connection(), caller.organisation.id).await?;
        Ok(Self {
            organisation_id: caller.organisation.id,
            roles: caller.roles.clone(),
            memberships,
            operator: caller.organisation.is_administrator,
        })
    }

    fn member_as(&self, scheme_id: Uuid, role: Role) -> bool {
        self.memberships.contains(&(scheme_id, role))
    }

    fn schemes_as(&self, role: Role) -> Vec<Uuid> {
        self.memberships
            .iter()
            .filter(|(_, r)| *r == role)
            .map(|(s, _)| *s)
            .collect()
    }

    /// How the caller's organisation stands to `case` (see [`access::relations`]).
    pub fn relations(&self, case: &CaseSummary) -> Vec<Relation> {
        access::relations(&case.ties(), self.organisation_id, |role| {
            self.member_as(case.scheme_id, role)
        })
    }

    /// The view the caller gets of `case`; `None` means it must look missing (404).
    pub fn view(&self, case: &CaseSummary) -> Option<View> {
        access::view(&case.ties(), &self.roles, &self.relations(case))
    }

    /// Which of `shown` may show their repeat-referral flag and link: those whose
    /// earlier case the caller can see itself. Anyone else is shown neither, so a
    /// partner cannot use its own referrals to learn whether another organisation
    /// referred the same person or home. One query, whatever the number of cases.
    pub async fn repeat_links_shown(
        &self,
        store: &Store,
        shown: &[&CaseSummary],
    ) -> Result<HashSet<Uuid>, AppError> {
        let earlier: Vec<Uuid> = shown.iter().filter_map(|c| c.repeat_of_case_id).collect();
        let visible: HashSet<Uuid> = cases::find_summaries(store.connection(), &earlier)
            .await?
            .into_iter()
            .filter(|c| self.view(c).is_some())
            .map(|c| c.id)
            .collect();
        Ok(shown
            .iter()
            .filter(|c| c.repeat_of_case_id.is_some_and(|e| visible.contains(&e)))
            .map(|c| c.id)
            .collect())
    }

    /// The caller's relations to `case` through which its token's roles allow `action`.
    pub fn relations_for(&self, case: &CaseSummary, action: Action) -> Vec<Relation> {
        self.relations(case)
            .into_iter()
            .filter(|r| policy::permits_any(&self.roles, action, &[*r]))
            .collect()
    }

    /// The role the caller acts in to do `action` to `case`, if it may.
    pub fn acting_role(&self, case: &CaseSummary, action: Action) -> Option<Role> {
        policy::acting_role(&self.roles, action, &self.relations(case))
    }

    /// The case actions the caller could take now.
    pub fn allowed_actions(&self, case: &CaseSummary) -> Vec<Action> {
        let relations = self.relations(case);
        possible_actions(case.status, case.held_from)
            .into_iter()
            .filter(|a| register::action_applies(*a, case.on_register()))
            .filter(|a| landlord::action_applies(*a, case.landlord_permission))
            .filter(|a| visits::action_applies(*a, case.status))
            .filter(|a| policy::permits_any(&self.roles, *a, &relations))
            .collect()
    }

    /// The list scope matching [`Scope::view`]: the same rules, as SQL conditions.
    pub fn visible_cases(&self) -> Vec<Visibility> {
        policy::relations_permitting(&self.roles, Action::ViewCase)
            .into_iter()
            .filter_map(|relation| match relation {
                Relation::ReferringOrganisation => Some(Visibility::ReferredBy(
                    self.organisation_id,
                    self.schemes_as(Role::Referrer),
                )),
                Relation::SchemeCoordinator => {
                    Some(Visibility::InSchemes(self.schemes_as(Role::Coordinator)))
                }
                Relation::AssignedAssessor => Some(Visibility::AssessedBy(
                    self.organisation_id,
                    self.schemes_as(Role::Assessor),
                )),
                Relation::WorksContractor => Some(Visibility::ContractedTo(
                    self.organisation_id,
                    self.schemes_as(Role::Contractor),
                )),
                Relation::SchemeFireService => Some(Visibility::FireServiceIn(
                    self.schemes_as(Role::FireService),
                )),
                Relation::SchemeReferrer
                | Relation::SchemePolice
                | Relation::SchemeMember
                | Relation::SchemeAuditor
                | Relation::SchemeFunder
                | Relation::PlatformOperator => None,
            })
            .collect()
    }

    /// How the caller's organisation stands to a scheme (not to any case in it).
    pub fn scheme_relations(&self, scheme_id: Uuid) -> Vec<Relation> {
        let mut relations = Vec::new();
        if self.is_member(scheme_id) {
            relations.push(Relation::SchemeMember);
        }
        if self.member_as(scheme_id, Role::Coordinator) {
            relations.push(Relation::SchemeCoordinator);
        }
        if self.member_as(scheme_id, Role::Referrer) {
            relations.push(Relation::SchemeReferrer);
        }
        if self.member_as(scheme_id, Role::Auditor) {
            relations.push(Relation::SchemeAuditor);
        }
        if self.member_as(scheme_id, Role::Funder) {
            relations.push(Relation::SchemeFunder);
        }
        if self.member_as(scheme_id, Role::FireService) {
            relations.push(Relation::SchemeFireService);
        }
        if self.member_as(scheme_id, Role::Police) {
            relations.push(Relation::SchemePolice);
        }
        if self.operator {
            relations.push(Relation::PlatformOperator);
        }
        relations
    }

    /// Whether the caller may do `action` to the scheme `scheme_id`.
    pub fn may_in_scheme(&self, scheme_id: Uuid, action: Action) -> bool {
        policy::permits_any(&self.roles, action, &self.scheme_relations(scheme_id))
    }

    /// The schemes in which the caller may do `action` (by scheme relation).
    pub fn schemes_permitting(&self, action: Action) -> Vec<Uuid> {
        let mut schemes: Vec<Uuid> = self.memberships.iter().map(|(s, _)| *s).collect();
        schemes.sort();
        schemes.dedup();
        schemes.retain(|s| self.may_in_scheme(*s, action));
        schemes
    }

    /// The roles the caller's organisation holds in the scheme `scheme_id`.
    pub fn roles_in(&self, scheme_id: Uuid) -> Vec<Role> {
        let mut roles: Vec<Role> = self
            .memberships
            .iter()
            .filter(|(s, _)| *s == scheme_id)
            .map(|(_, r)| *r)
            .collect();
        roles.sort();
        roles
    }

    /// Whether the caller holds `role` in the scheme `scheme_id`.
    pub fn holds(&self, scheme_id: Uuid, role: Role) -> bool {
        self.roles.contains(&role) && self.member_as(scheme_id, role)
    }

    /// Whether the caller's organisation belongs to `scheme_id` at all.
    pub fn is_member(&self, scheme_id: Uuid) -> bool {
        self.memberships.iter().any(|(s, _)| *s == scheme_id)
    }
}
