//! Asking the domain policy about a particular caller and case.

use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::{self, Action, Relation};
use sanctuary_persistence::cases::{CaseSummary, Visibility};
use sanctuary_persistence::{Store, schemes};

use crate::auth::Caller;
use crate::errors::ApiError;

/// How the caller's organisation stands to a case.
pub async fn relations_to_case(
    store: &Store,
    caller: &Caller,
    case: &CaseSummary,
) -> Result<Vec<Relation>, ApiError> {
    let mut relations = Vec::new();
    if case.referring_organisation_id == caller.organisation.id {
        relations.push(Relation::ReferringOrganisation);
    }
    let roles =
        schemes::roles_in(store.connection(), caller.organisation.id, case.scheme_id).await?;
    if roles.contains(&Role::Coordinator) {
        relations.push(Relation::SchemeCoordinator);
    }
    Ok(relations)
}

/// Whether the caller may do `action` to `case`. A refusal to view must look exactly like
/// a missing case, so callers map `false` to 404.
pub async fn may(
    store: &Store,
    caller: &Caller,
    action: Action,
    case: &CaseSummary,
) -> Result<bool, ApiError> {
    let relations = relations_to_case(store, caller, case).await?;
    Ok(policy::permits_any(&caller.roles, action, &relations))
}

/// The list scope matching `may(…, ViewCase, …)`: the same rules, as SQL conditions.
pub async fn visible_cases(store: &Store, caller: &Caller) -> Result<Vec<Visibility>, ApiError> {
    let mut scopes = Vec::new();
    for relation in policy::relations_permitting(&caller.roles, Action::ViewCase) {
        scopes.push(match relation {
            Relation::ReferringOrganisation => Visibility::ReferredBy(caller.organisation.id),
            Relation::SchemeCoordinator => Visibility::InSchemes(
                schemes::where_member_as(
                    store.connection(),
                    caller.organisation.id,
                    Role::Coordinator,
                )
                .await?,
            ),
            // Not yet recorded on cases: nothing to list through them.
            Relation::SchemeReferrer
            | Relation::AssignedAssessor
            | Relation::WorksContractor
            | Relation::SchemeFireService => continue,
        });
    }
    Ok(scopes)
}
