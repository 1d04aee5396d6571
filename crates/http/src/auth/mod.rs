//! Authentication: bearer JWTs from the organisations' identity providers.

mod caller;
mod keys;
mod verifier;

pub use caller::Caller;
pub use keys::{TrustedKey, key_from_pem, keys_from_jwks};
pub use verifier::{Claims, MAX_LEEWAY_SECONDS, TokenError, Verifier};
