//! What every handler can reach.

use sanctuary_persistence::Store;

use crate::auth::Verifier;

pub struct AppState {
    pub store: Store,
    pub verifier: Verifier,
}
