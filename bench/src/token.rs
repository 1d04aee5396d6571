//! `sanctuary-bench token`: a token for an organisation of the database, signed with
//! the Ed25519 key in `key_dir` (`demo-signing-key.pem`, e.g. made by `openssl genpkey
//! -algorithm ed25519`). For benchmarks on PostgreSQL, where demo mode (and its
//! tokens) is refused: the server trusts the key's public half through its config.

use std::path::Path;

use anyhow::{Context, anyhow};
use sanctuary_domain::organisation::Role;
use sanctuary_persistence::organisations;
use sanctuary_server::demo::SigningKey;

/// Prints the key id (for the server's `auth.issuers` config).
pub fn kid(key_dir: &Path) -> anyhow::Result<()> {
    let key = SigningKey::load_or_create(key_dir).map_err(anyhow::Error::msg)?;
    println!("{}", key.kid);
    Ok(())
}

/// Prints a 12-hour token for `org` (by name) acting as `role`.
pub async fn token(
    key_dir: &Path,
    database_url: &str,
    issuer: &str,
    org: &str,
    role: &str,
) -> anyhow::Result<()> {
    let role: Role = role.parse().map_err(|_| anyhow!("unknown role `{role}`"))?;
    let store = crate::connect(database_url).await?;
    let organisation = organisations::find_by_name(store.connection(), org)
        .await
        .map_err(|e| anyhow!("{e}"))?
        .with_context(|| format!("no organisation `{org}`"))?;
    let key = SigningKey::load_or_create(key_dir).map_err(anyhow::Error::msg)?;
    let audience = sanctuary_server::config::Settings::default().auth.audience;
    let token = key
        .mint(
            issuer,
            &audience,
            organisation.id,
            role,
            time::Duration::hours(12),
        )
        .map_err(anyhow::Error::msg)?;
    println!("{token}");
    Ok(())
}
