//! Administration: schemes, settings, organisations, memberships, holidays and token
//! revocation. Only the admin role of an organisation that operates the deployment
//! ([`administrator`], refusals audited); every change is written to the administration
//! log in its own transaction. Reads that need no authority beyond that stay with the
//! entry points.

use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::{self, Action};
use sanctuary_domain::scheme::Nation;
use sanctuary_domain::settings::SchemeSettings;
use sanctuary_persistence::admin::{self, AdminError};
use sanctuary_persistence::organisations::{NewOrganisation, Organisation, OrganisationChanges};
use sanctuary_persistence::schemes::{ChangedBy, NewScheme, Scheme, SchemeChanges};
use time::Date;
use uuid::Uuid;

use crate::precondition::{self, Expected};
use crate::{Acting, App, AppError, access, audit};

/// Proof that the caller may administer: only [`administrator`] (for an API caller)
/// and [`system`] (for the deployment's own tools) make one.
pub struct Admin {
    by: ChangedBy,
    /// The administering organisation; `None` for the deployment's own tools.
    organisation_id: Option<Uuid>,
}

/// The deployment's own tools acting at the console (`sanctuary admin init`, the demo
/// set-up): trusted as the operator who runs them, logged as `label`.
pub fn system(label: &str) -> Admin {
    Admin {
        by: ChangedBy::system(label),
        organisation_id: None,
    }
}

/// The caller as an administrator, or `Forbidden` (audited first).
pub async fn administrator(app: &App, caller: &Acting) -> Result<Admin, AppError> {
    if !access::may_administer(caller) {
        audit::denied(app, caller, Action::Administer, None, None).await?;
        return Err(AppError::Forbidden(
            "Administration needs the admin role of an organisation that operates this deployment."
                .into(),
        ));
    }
    Ok(Admin {
        by: ChangedBy {
            subject: caller.subject.clone(),
            organisation_id: Some(caller.organisation.id),
        },
        organisation_id: Some(caller.organisation.id),
    })
}

fn refused(resource: &'static str) -> impl FnOnce(AdminError) -> AppError {
    move |error| AppError::Admin { error, resource }
}

impl Admin {
    /// The scheme `code` as the caller saw it (`expected`).
    pub async fn scheme(
        &self,
        app: &App,
        code: &str,
        expected: Expected,
    ) -> Result<Scheme, AppError> {
        let scheme = sanctuary_persistence::schemes::find_by_code(app.store().connection(), code)
            .await?
            .ok_or(AppError::NotFound)?;
        precondition::check(expected, "scheme", scheme.version)?;
        Ok(scheme)
    }

    pub async fn create_scheme(&self, app: &App, new: NewScheme<'_>) -> Result<Scheme, AppError> {
        admin::create_scheme(app.store(), new, &self.by)
            .await
            .map_err(refused("scheme"))
    }

    /// Changes the scheme `seen` (read through [`Admin::scheme`]).
    pub async fn update_scheme(
        &self,
        app: &App,
        seen: &Scheme,
        changes: &SchemeChanges,
    ) -> Result<Scheme, AppError> {
        admin::update_scheme(
            app.store(),
            seen.code.as_str(),
            seen.version,
            changes,
            &self.by,
        )
        .await
        .map_err(refused("scheme"))
    }

    /// A new settings version for the scheme `seen`; unchanged settings write nothing.
    pub async fn change_settings(
        &self,
        app: &App,
        seen: Scheme,
        settings: &SchemeSettings,
    ) -> Result<Scheme, AppError> {
        if *settings == seen.settings {
            return Ok(seen);
        }
        admin::change_settings(
            app.store(),
            seen.code.as_str(),
            seen.version,
            settings,
            &self.by,
        )
        .await
        .map_err(refused("scheme"))
    }

    /// The organisation `id` as the caller saw it (`expected`).
    pub async fn organisation(
        &self,
        app: &App,
        id: Uuid,
        expected: Expected,
    ) -> Result<Organisation, AppError> {
        let org = sanctuary_persistence::organisations::find(app.store().connection(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        precondition::check(expected, "organisation", org.version)?;
        Ok(org)
    }

    pub async fn create_organisation(
        &self,
        app: &App,
        new: NewOrganisation<'_>,
    ) -> Result<Organisation, AppError> {
        admin::create_organisation(app.store(), new, &self.by)
            .await
            .map_err(refused("organisation"))
    }

    /// Changes the organisation `seen`. An administrator never deactivates or demotes
    /// its own organisation, so at least one can always administer.
    pub async fn update_organisation(
        &self,
        app: &App,
        seen: &Organisation,
        changes: &OrganisationChanges,
    ) -> Result<Organisation, AppError> {
        if Some(seen.id) == self.organisation_id
            && (changes.active == Some(false) || changes.is_administrator == Some(false))
        {
            return Err(AppError::Forbidden(
                "An administrator cannot deactivate or demote its own organisation.".into(),
            ));
        }
        admin::update_organisation(app.store(), seen.id, seen.version, changes, &self.by)
            .await
            .map_err(refused("organisation"))
    }

    /// Replaces `organisation_id`'s roles in `scheme` (none: it leaves the scheme).
    /// Four eyes: an administrator never grants its own organisation roles.
    pub async fn set_member_roles(
        &self,
        app: &App,
        scheme: &Scheme,
        organisation_id: Uuid,
        roles: &[Role],
    ) -> Result<(), AppError> {
        let own = self.organisation_id;
        if own.is_some_and(|me| !policy::may_grant_scheme_roles(me, organisation_id, roles)) {
            tracing::warn!("refused: an administrator granting its own organisation scheme roles");
            return Err(AppError::Forbidden(
                "An organisation cannot grant itself scheme roles: an administrator of another operating organisation must do it."
                    .into(),
            ));
        }
        admin::set_member_roles(app.store(), scheme, organisation_id, roles, &self.by)
            .await
            .map_err(refused("scheme"))
    }

    pub async fn add_holiday(
        &self,
        app: &App,
        nation: Nation,
        date: Date,
        name: &str,
    ) -> Result<(), AppError> {
        admin::add_holiday(app.store(), nation, date, name, &self.by)
            .await
            .map_err(refused("calendar"))
    }

    /// Refuses the token `jti` from the next request on.
    pub async fn revoke_token(&self, app: &App, jti: &str) -> Result<(), AppError> {
        admin::revoke_token(app.store(), jti, &self.by)
            .await
            .map_err(refused("token"))
    }
}
