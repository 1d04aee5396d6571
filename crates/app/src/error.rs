//! Why a use case did not happen, in the entry points' common terms (HTTP maps each to
//! a status and problem code; the CLI prints it).

use std::borrow::Cow;

use sanctuary_domain::policy::Action;
use sanctuary_domain::violation::Violations;
use sanctuary_domain::workflow::ActionError;
use sanctuary_persistence::StoreError;
use sanctuary_persistence::admin::AdminError;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such thing, or not the caller's to see (the same answer for both).
    #[error("not found")]
    NotFound,
    /// The caller may see it, but not do this.
    #[error("{0}")]
    Forbidden(Cow<'static, str>),
    /// The write did not say which version it saw.
    #[error("the {resource}'s version is required")]
    PreconditionRequired { resource: &'static str },
    /// The write saw an older version than `current`.
    #[error("the {resource} changed")]
    Stale {
        resource: &'static str,
        current: i64,
    },
    /// The domain refused the action on `case`; `allowed` are the caller's actions now.
    #[error("the action was refused")]
    Refused {
        error: ActionError,
        case: Uuid,
        allowed: Vec<Action>,
    },
    /// Input breaks a rule (JSON pointers relative to the request body).
    #[error("invalid input")]
    Invalid(Violations),
    /// An administration command refused (`resource`: what was being changed).
    #[error("the {resource} change was refused")]
    Admin {
        error: AdminError,
        resource: &'static str,
    },
    /// An upload is larger than the deployment takes (`max` bytes).
    #[error("the upload is too large")]
    TooLarge { max: u64 },
    /// An upload is not a type the service takes, or an image that cannot be read
    /// (`detail` says which).
    #[error("the upload's type is not taken")]
    UnsupportedDocument(&'static str),
    /// The scheme's document quota (which one) leaves no room for this upload.
    #[error("a document quota is reached")]
    QuotaReached(sanctuary_domain::quotas::QuotaReached),
    /// The case does not show what the spare-room evidence letter states.
    #[error("no evidence letter for this case")]
    NoLetter(sanctuary_domain::spare_room::NoLetter),
    /// The upload stopped before its end.
    #[error("the upload was interrupted")]
    Interrupted,
    #[error(transparent)]
    Store(#[from] StoreError),
}
