//! Administration (`/api/v1/admin/...`): schemes, settings, organisations,
//! memberships, holidays and token revocation. Only the admin role of an organisation
//! that operates the deployment; every change is written to the administration log in
//! the same transaction.

pub mod holidays;
pub mod log;
pub mod members;
pub mod organisations;
pub mod revocation;
pub mod schemes;

use sanctuary_app::admin::Admin;
use sanctuary_persistence::admin::{AdminConflict, AdminError};

use crate::auth::Caller;
use crate::errors::{ApiError, ErrorCode};
use crate::state::AppState;

/// The caller as an administrator ([`sanctuary_app::admin::administrator`]); 403
/// otherwise, the refusal audited first.
async fn administrator(state: &AppState, caller: &Caller) -> Result<Admin, ApiError> {
    Ok(sanctuary_app::admin::administrator(&state.app, caller).await?)
}

/// An administration command's refusal as the client sees it. `resource` names what
/// was being changed.
pub(crate) fn refused(err: AdminError, resource: &'static str) -> ApiError {
    match err {
        AdminError::NotFound => ApiError::not_found(),
        // The version was checked before the command; another change landed between.
        AdminError::Stale => ApiError::new(
            ErrorCode::PreconditionFailed,
            format!("The {resource} changed since you read it; fetch it again."),
        ),
        AdminError::Conflict { code, message } => ApiError::new(
            match code {
                AdminConflict::SchemeExists => ErrorCode::SchemeExists,
                AdminConflict::ReferencePrefixInUse => ErrorCode::ReferencePrefixInUse,
                AdminConflict::OrganisationExists => ErrorCode::OrganisationExists,
                AdminConflict::CoordinatorExists => ErrorCode::CoordinatorExists,
                AdminConflict::HolidayExists => ErrorCode::HolidayExists,
            },
            message,
        ),
        AdminError::Store(e) => e.into(),
    }
}
