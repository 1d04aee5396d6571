//! The encryption keyring: from the configuration, or — for the embedded database
//! only — generated once beside it.

use std::fs;
use std::sync::Arc;

use anyhow::{Context, bail};
use sanctuary_persistence::crypto::Keyring;
use secrecy::ExposeSecret;

use crate::config::Settings;
use crate::files::{create_private_dir, write_private};

pub const EMBEDDED_KEYRING: &str = "encryption-keys.json";

/// The keyring the service seals personal data with.
pub fn load(settings: &Settings) -> anyhow::Result<Arc<Keyring>> {
    let enc = &settings.encryption;
    let text = if let Some(inline) = &enc.keys {
        inline.expose_secret().to_owned()
    } else if let Some(path) = &enc.keys_file {
        fs::read_to_string(path)
            .with_context(|| format!("encryption.keys_file: cannot read {}", path.display()))?
    } else if settings.uses_embedded_database() {
        let path = settings.data_dir.join(EMBEDDED_KEYRING);
        if !path.exists() {
            create_private_dir(&settings.data_dir).with_context(|| {
                format!(
                    "cannot create the data directory {}",
                    settings.data_dir.display()
                )
            })?;
            let json = Keyring::generate_json("k1").map_err(anyhow::Error::msg)?;
            write_private(&path, json.as_bytes()).map_err(anyhow::Error::msg)?;
        }
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?
    } else {
        bail!(
            "encryption: configure keys_file or keys (a database other than the embedded one \
             must not be the only place its keys are kept); `sanctuary keys generate` makes a keyring"
        );
    };
    let keyring = Keyring::from_json(&text).map_err(|e| anyhow::anyhow!("encryption: {e}"))?;
    Ok(Arc::new(keyring))
}
