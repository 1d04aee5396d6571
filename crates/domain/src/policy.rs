//! Who may do what: one table of (role, action, relation) rules.
//!
//! A caller acts for an organisation with the roles its token grants. Its organisation's
//! *relation* to a case (or scheme) decides which rules apply. Handlers ask [`permits`];
//! list queries ask [`relations_permitting`] and turn the answer into SQL, so a case is
//! listed exactly when it could be fetched.

use crate::organisation::Role;

vocabulary! {
    /// How the caller's organisation stands to a case or scheme.
    pub enum Relation {
        /// The organisation referred the case.
        ReferringOrganisation = "referring_organisation",
        /// The organisation coordinates the case's scheme.
        SchemeCoordinator = "scheme_coordinator",
        /// The organisation is a referrer member of the scheme.
        SchemeReferrer = "scheme_referrer",
    }
}

vocabulary! {
    /// Something a caller asks to do.
    pub enum Action {
        CreateReferral = "create_referral",
        ViewCase = "view_case",
    }
}

use Action::*;
use Relation::*;

/// Every permission in the product. Anything not listed is refused.
const RULES: &[(Role, Action, Relation)] = &[
    (Role::Referrer, CreateReferral, SchemeReferrer),
    (Role::Referrer, ViewCase, ReferringOrganisation),
    (Role::Coordinator, ViewCase, SchemeCoordinator),
];

/// Whether a caller holding `role`, whose organisation has `relation`, may do `action`.
pub fn permits(role: Role, action: Action, relation: Relation) -> bool {
    RULES.contains(&(role, action, relation))
}

/// Whether any of `roles` may do `action` through any of `relations`.
pub fn permits_any(roles: &[Role], action: Action, relations: &[Relation]) -> bool {
    roles.iter().any(|role| {
        relations
            .iter()
            .any(|relation| permits(*role, action, *relation))
    })
}

/// The relations through which any of `roles` may do `action` (for list queries).
pub fn relations_permitting(roles: &[Role], action: Action) -> Vec<Relation> {
    let mut relations: Vec<Relation> = RULES
        .iter()
        .filter(|(role, a, _)| *a == action && roles.contains(role))
        .map(|(_, _, relation)| *relation)
        .collect();
    relations.sort();
    relations.dedup();
    relations
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referrers_see_only_what_they_referred() {
        assert!(permits(Role::Referrer, ViewCase, ReferringOrganisation));
        assert!(!permits(Role::Referrer, ViewCase, SchemeCoordinator));
        assert_eq!(
            relations_permitting(&[Role::Referrer], ViewCase),
            [ReferringOrganisation]
        );
    }

    #[test]
    fn a_token_without_the_role_gets_nothing_through_its_organisation() {
        // An organisation that coordinates the scheme, acting with a funder token.
        assert!(!permits_any(
            &[Role::Funder],
            ViewCase,
            &[SchemeCoordinator, ReferringOrganisation]
        ));
        assert!(relations_permitting(&[Role::Funder, Role::Auditor], ViewCase).is_empty());
    }

    #[test]
    fn coordinators_see_their_schemes_cases() {
        assert!(permits_any(
            &[Role::Funder, Role::Coordinator],
            ViewCase,
            &[SchemeCoordinator]
        ));
        assert_eq!(
            relations_permitting(&[Role::Coordinator, Role::Referrer], ViewCase),
            [ReferringOrganisation, SchemeCoordinator]
        );
    }

    #[test]
    fn only_referrers_create_referrals() {
        for role in Role::ALL {
            assert_eq!(
                permits(*role, CreateReferral, SchemeReferrer),
                *role == Role::Referrer
            );
        }
    }
}
