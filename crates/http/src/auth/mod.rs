//! Authentication: bearer JWTs from the organisations' identity providers.

mod caller;
mod keys;
mod verifier;

pub use caller::Caller;
pub use keys::{TrustedKey, key_from_pem, keys_from_jwks};
pub use verifier::{
    Claims, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, MAX_LEEWAY_SECONDS, TokenError, TokenRules,
    Verifier,
};
