//! Who is acting: a user of an active organisation, with the roles its token grants.

use sanctuary_domain::organisation::Role;
use sanctuary_persistence::organisations::Organisation;

#[derive(Debug, Clone)]
pub struct Acting {
    /// The identity provider's user id (pseudonymous; in audit records, never in logs).
    pub subject: String,
    pub organisation: Organisation,
    pub roles: Vec<Role>,
    /// The request's id, for the audit trail.
    pub request_id: Option<String>,
}

impl Acting {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}
