//! Signed checkpoints of the audit chain.
//!
//! The keyed links stop anyone who can write the database from rewriting records, but
//! not from cutting records off the end (and fixing the head), or from replacing the
//! whole chain with unkeyed links. A checkpoint closes that: the chain's head (sequence
//! number and link) and the time, signed with an Ed25519 key kept outside the database,
//! as one line of JSON for a place the database's owner cannot rewrite — a WORM bucket,
//! the SIEM, a printed record. `sanctuary audit verify --checkpoints FILE` then checks
//! every line's signature and that the chain still has, at each line's sequence
//! number, exactly that link, and is at least as long as the latest line.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sanctuary_domain::audit::Checkpoint;
use sanctuary_persistence::Store;
use sanctuary_persistence::audit::{self, Verdict};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::config::Settings;
use crate::files::write_private;

/// The signing key's file name in the data directory, unless configured elsewhere.
pub const KEY_FILE: &str = "audit-checkpoint-key.pem";

/// The DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 key bytes follow it.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// Where the signing key is: `audit.checkpoint_key_file`, or beside the embedded
/// database in the data directory.
pub fn key_path(settings: &Settings) -> PathBuf {
    settings
        .audit
        .checkpoint_key_file
        .clone()
        .unwrap_or_else(|| settings.data_dir.join(KEY_FILE))
}

fn key_id(public: &[u8]) -> String {
    format!(
        "ckpt-{}",
        &URL_SAFE_NO_PAD.encode(Sha256::digest(public))[..16]
    )
}

/// The key checkpoints are signed with (PKCS#8 PEM, readable by its owner only).
pub struct Signer {
    key_id: String,
    pair: Ed25519KeyPair,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Loads the key at `path`, creating it (mode 0600) if there is none.
    pub fn load_or_create(path: &Path) -> Result<Self, String> {
        if !path.exists() {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            let document = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
                .map_err(|_| "cannot generate a checkpoint key")?;
            let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", document.as_ref().to_vec()));
            write_private(path, pem.as_bytes())?;
        }
        Self::load(path)
    }

    /// Loads the key at `path` (never creates one).
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let der = pem::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let pair = Ed25519KeyPair::from_pkcs8(der.contents())
            .map_err(|_| format!("{} is not an Ed25519 key", path.display()))?;
        Ok(Self {
            key_id: key_id(pair.public_key().as_ref()),
            pair,
        })
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// A checkpoint of the head (`seq`, `hash`) at `at`.
    pub fn sign(&self, seq: i64, hash: &str, at: OffsetDateTime) -> Checkpoint {
        let at = at
            .replace_nanosecond(0)
            .unwrap_or(at)
            .format(&Rfc3339)
            .expect("a UTC time formats as RFC 3339");
        let mut checkpoint = Checkpoint {
            seq,
            hash: hash.to_owned(),
            at,
            key_id: self.key_id.clone(),
            signature: String::new(),
        };
        let signature = self.pair.sign(&checkpoint.signed_message());
        checkpoint.signature = URL_SAFE_NO_PAD.encode(signature.as_ref());
        checkpoint
    }

    /// The key that verifies this key's checkpoints.
    pub fn verifier(&self) -> Verifier {
        Verifier {
            key_id: self.key_id.clone(),
            public: self.pair.public_key().as_ref().to_vec(),
        }
    }

    /// The public key as PEM (SubjectPublicKeyInfo), for whoever checks checkpoints.
    pub fn public_key_pem(&self) -> Result<String, String> {
        let der = self
            .pair
            .public_key()
            .as_der()
            .map_err(|_| "cannot encode the public key")?;
        Ok(pem::encode(&pem::Pem::new(
            "PUBLIC KEY",
            der.as_ref().to_vec(),
        )))
    }
}

/// Checks checkpoint signatures: the signing key's public half.
#[derive(Debug, Clone)]
pub struct Verifier {
    key_id: String,
    public: Vec<u8>,
}

impl Verifier {
    /// From a PEM public key (as `sanctuary audit public-key` prints it).
    pub fn from_public_pem(text: &[u8]) -> Result<Self, String> {
        let pem = pem::parse(text).map_err(|e| e.to_string())?;
        let der = pem.contents();
        let public = der
            .strip_prefix(SPKI_PREFIX.as_slice())
            .filter(|k| k.len() == 32 && pem.tag() == "PUBLIC KEY")
            .ok_or("not an Ed25519 public key")?;
        Ok(Self {
            key_id: key_id(public),
            public: public.to_vec(),
        })
    }

    /// Whether `checkpoint` was signed by this key, unchanged.
    pub fn verify(&self, checkpoint: &Checkpoint) -> bool {
        let Ok(signature) = URL_SAFE_NO_PAD.decode(&checkpoint.signature) else {
            return false;
        };
        checkpoint.key_id == self.key_id
            && UnparsedPublicKey::new(&ED25519, &self.public)
                .verify(&checkpoint.signed_message(), &signature)
                .is_ok()
    }
}

/// The verifier configured: `audit.checkpoint_public_key_file`, else the public half
/// of the signing key (which must exist: verifying never creates one).
pub fn load_verifier(settings: &Settings) -> anyhow::Result<Verifier> {
    if let Some(path) = &settings.audit.checkpoint_public_key_file {
        let text = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        return Verifier::from_public_pem(&text).map_err(|e| anyhow!("{}: {e}", path.display()));
    }
    Ok(Signer::load(&key_path(settings))
        .map_err(anyhow::Error::msg)?
        .verifier())
}

/// The checkpoints in `text` (one JSON object a line; blank lines skipped), each
/// signature checked. Any line that does not parse or verify is an error naming it.
pub fn parse(text: &str, verifier: &Verifier) -> anyhow::Result<Vec<Checkpoint>> {
    let mut checkpoints = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let checkpoint: Checkpoint = serde_json::from_str(line)
            .map_err(|_| anyhow!("checkpoint line {}: not a checkpoint", n + 1))?;
        if !verifier.verify(&checkpoint) {
            bail!(
                "checkpoint line {}: the signature does not verify with key `{}`",
                n + 1,
                verifier.key_id
            );
        }
        checkpoints.push(checkpoint);
    }
    Ok(checkpoints)
}

/// Verifies the chain (keyed links and `checkpoints`).
pub async fn verify(store: &Store, checkpoints: &[Checkpoint]) -> anyhow::Result<Verdict> {
    Ok(audit::verify_with_checkpoints(store.connection(), store.keys()?, checkpoints).await?)
}

/// Verifies the chain (against `earlier` checkpoints too), then signs the head it
/// verified. A broken chain is refused: a checkpoint must never vouch for one.
pub async fn take(
    store: &Store,
    signer: &Signer,
    earlier: &[Checkpoint],
) -> anyhow::Result<Checkpoint> {
    let records = match verify(store, earlier).await? {
        Verdict::Intact { records } => records,
        Verdict::Broken { seq, reason } => {
            bail!("no checkpoint taken: the audit trail is broken at record {seq}: {reason}")
        }
    };
    let hash = audit::link_at(store.connection(), records)
        .await?
        .context("the verified record is gone")?;
    Ok(signer.sign(records, &hash, OffsetDateTime::now_utc()))
}

/// Appends `checkpoint` as a line to `path` (created if need be), durably.
pub fn append(path: &Path, checkpoint: &Checkpoint) -> anyhow::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.create(true).append(true);
    // Like every file the service creates: its owner's only.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let line = serde_json::to_string(checkpoint)? + "\n";
    file.write_all(line.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_verify_only_unchanged_and_with_their_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join(KEY_FILE);
        let signer = Signer::load_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Loaded again: the same key.
        assert_eq!(Signer::load(&path).unwrap().key_id(), signer.key_id());
        let c = signer.sign(3, "ab", OffsetDateTime::UNIX_EPOCH);
        assert_eq!(c.at, "1970-01-01T00:00:00Z");
        let verifier = signer.verifier();
        assert!(verifier.verify(&c));
        let from_pem =
            Verifier::from_public_pem(signer.public_key_pem().unwrap().as_bytes()).unwrap();
        assert!(from_pem.verify(&c));
        for forged in [
            Checkpoint {
                seq: 2,
                ..c.clone()
            },
            Checkpoint {
                hash: "ac".into(),
                ..c.clone()
            },
            Checkpoint {
                at: "1970-01-01T00:00:01Z".into(),
                ..c.clone()
            },
            Checkpoint {
                signature: "AAAA".into(),
                ..c.clone()
            },
        ] {
            assert!(!verifier.verify(&forged), "{forged:?}");
        }
        let other = Signer::load_or_create(&dir.path().join("other.pem")).unwrap();
        assert!(!other.verifier().verify(&c));
        assert!(!other.verifier().verify(&Checkpoint {
            key_id: other.key_id().to_owned(),
            ..c.clone()
        }));

        let text = format!("{}\n\n{}\n", serde_json::to_string(&c).unwrap(), "{}");
        let error = parse(&text, &verifier).unwrap_err().to_string();
        assert!(error.contains("line 3"), "{error}");
        let one = parse(&text.replace("{}", ""), &verifier).unwrap();
        assert_eq!(one, [c]);
    }
}
