//! The audit trail's chain: each record's link covers its own content and the link of
//! the record before it, so editing, deleting or reordering any record breaks every
//! link after it. The encoding is length-prefixed, so no two different records can
//! encode the same.
//!
//! Records written since the chain became keyed are linked by HMAC-SHA256 under a key
//! that is never in the database ([`link_mac`]), so whoever can write the database can
//! no longer recompute the chain after changing it. Records written before that keep
//! their unkeyed SHA-256 link ([`link_hash`]) and still verify by it; once a keyed
//! record appears, an unkeyed one after it is a break. Signed [`Checkpoint`]s of the
//! chain's head, kept outside the database, show what a MAC alone cannot: records cut
//! off the end, or a chain rebuilt from before the first keyed record.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

vocabulary! {
    /// Whether the audited attempt was allowed.
    pub enum AuditOutcome {
        Allowed = "allowed",
        Denied = "denied",
    }
}

/// The hash the first record links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The domain-separation tag of unkeyed links (records written before keyed MACs).
const TAG_V1: &str = "sanctuary-audit-v1";
/// The domain-separation tag of keyed links.
const TAG_V2: &str = "sanctuary-audit-v2-hmac-sha256";
/// The domain-separation tag of signed checkpoints.
const TAG_CHECKPOINT: &str = "sanctuary-audit-checkpoint-v1";

/// What a record says, as linked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFacts<'a> {
    pub seq: i64,
    pub id: Uuid,
    /// Microseconds since the Unix epoch (the precision both databases keep).
    pub at_micros: i128,
    pub actor_subject: &'a str,
    pub organisation_id: Option<Uuid>,
    pub role: Option<&'a str>,
    pub action: &'a str,
    pub scheme_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    /// Field names, comma-separated.
    pub fields: &'a str,
    pub request_id: Option<&'a str>,
    pub outcome: &'a str,
}

/// Length-prefixed parts, so no two different lists encode the same.
#[derive(Default)]
struct Encoding(Vec<u8>);

impl Encoding {
    fn put(&mut self, part: &str) -> &mut Self {
        self.0.extend_from_slice(&(part.len() as u64).to_be_bytes());
        self.0.extend_from_slice(part.as_bytes());
        self
    }
}

fn encode(tag: &str, key_id: Option<&str>, prev_hash: &str, facts: &AuditFacts<'_>) -> Vec<u8> {
    let uuid = |u: Option<Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
    let mut e = Encoding::default();
    e.put(tag);
    if let Some(key_id) = key_id {
        e.put(key_id);
    }
    e.put(prev_hash)
        .put(&facts.seq.to_string())
        .put(&facts.id.to_string())
        .put(&facts.at_micros.to_string())
        .put(facts.actor_subject)
        .put(&uuid(facts.organisation_id))
        .put(facts.role.unwrap_or_default())
        .put(facts.action)
        .put(&uuid(facts.scheme_id))
        .put(&uuid(facts.case_id))
        .put(facts.fields)
        .put(facts.request_id.unwrap_or_default())
        .put(facts.outcome);
    e.0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The unkeyed link of a record whose predecessor's link is `prev_hash` (lower-case
/// hex): how records written before keyed MACs were linked, and still verify.
pub fn link_hash(prev_hash: &str, facts: &AuditFacts<'_>) -> String {
    hex(&Sha256::digest(encode(TAG_V1, None, prev_hash, facts)))
}

/// The keyed link (HMAC-SHA256, lower-case hex) of a record made with the MAC key
/// `key_id`, whose predecessor's link is `prev_hash`. The key id is covered too, so a
/// record cannot be moved to another key.
pub fn link_mac(key: &[u8], key_id: &str, prev_hash: &str, facts: &AuditFacts<'_>) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(&encode(TAG_V2, Some(key_id), prev_hash, facts));
    hex(&mac.finalize().into_bytes())
}

/// A constant-time comparison of two links (or any two strings).
pub fn same_link(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The chain's head at a moment, signed with a key kept outside the database: one line
/// of JSON for an append-only place outside it. A chain that verifies must, at `seq`,
/// have exactly `hash`, and must be at least `seq` records long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// The sequence number of the last record covered.
    pub seq: i64,
    /// That record's link (lower-case hex).
    pub hash: String,
    /// When the checkpoint was taken (RFC 3339, UTC).
    pub at: String,
    /// Which signing key signed it.
    pub key_id: String,
    /// The Ed25519 signature of [`Checkpoint::signed_message`], base64url without padding.
    pub signature: String,
}

impl Checkpoint {
    /// The bytes signed: everything but the signature, length-prefixed and tagged.
    pub fn signed_message(&self) -> Vec<u8> {
        let mut e = Encoding::default();
        e.put(TAG_CHECKPOINT)
            .put(&self.key_id)
            .put(&self.seq.to_string())
            .put(&self.hash)
            .put(&self.at);
        e.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> AuditFacts<'static> {
        AuditFacts {
            seq: 1,
            id: Uuid::from_u128(7),
            at_micros: 1_764_000_000_000_000,
            actor_subject: "user-1",
            organisation_id: Some(Uuid::from_u128(9)),
            role: Some("coordinator"),
            action: "view_case",
            scheme_id: None,
            case_id: Some(Uuid::from_u128(3)),
            fields: "",
            request_id: Some("r1"),
            outcome: "allowed",
        }
    }

    #[test]
    fn the_hash_covers_every_part_and_the_link() {
        let base = link_hash(GENESIS, &facts());
        assert_eq!(base.len(), 64);
        assert_eq!(base, link_hash(GENESIS, &facts()));
        let changes: Vec<AuditFacts> = vec![
            AuditFacts { seq: 2, ..facts() },
            AuditFacts {
                at_micros: 1,
                ..facts()
            },
            AuditFacts {
                actor_subject: "user-2",
                ..facts()
            },
            AuditFacts {
                organisation_id: None,
                ..facts()
            },
            AuditFacts {
                role: None,
                ..facts()
            },
            AuditFacts {
                action: "view_timeline",
                ..facts()
            },
            AuditFacts {
                scheme_id: Some(Uuid::from_u128(1)),
                ..facts()
            },
            AuditFacts {
                case_id: None,
                ..facts()
            },
            AuditFacts {
                fields: "status",
                ..facts()
            },
            AuditFacts {
                request_id: None,
                ..facts()
            },
            AuditFacts {
                outcome: "denied",
                ..facts()
            },
        ];
        for changed in changes {
            assert_ne!(link_hash(GENESIS, &changed), base, "{changed:?}");
        }
        assert_ne!(link_hash(&base, &facts()), base);
    }

    #[test]
    fn parts_cannot_be_shifted_between_fields() {
        let a = AuditFacts {
            actor_subject: "ab",
            fields: "",
            ..facts()
        };
        let b = AuditFacts {
            actor_subject: "a",
            fields: "b",
            ..facts()
        };
        assert_ne!(link_hash(GENESIS, &a), link_hash(GENESIS, &b));
    }

    #[test]
    fn keyed_links_need_the_key_and_cover_the_key_id() {
        let key = [7u8; 32];
        let base = link_mac(&key, "k1", GENESIS, &facts());
        assert_eq!(base.len(), 64);
        assert_eq!(base, link_mac(&key, "k1", GENESIS, &facts()));
        assert_ne!(base, link_mac(&[8u8; 32], "k1", GENESIS, &facts()));
        assert_ne!(base, link_mac(&key, "k2", GENESIS, &facts()));
        assert_ne!(base, link_hash(GENESIS, &facts()));
        assert_ne!(base, link_mac(&key, "k1", &base, &facts()));
        assert_ne!(
            base,
            link_mac(
                &key,
                "k1",
                GENESIS,
                &AuditFacts {
                    fields: "status",
                    ..facts()
                }
            )
        );
    }

    #[test]
    fn the_unkeyed_link_is_unchanged() {
        // Records written before keyed MACs must still verify: this is their link.
        assert_eq!(
            link_hash(GENESIS, &facts()),
            "131708f5be83eb1aad8acf7d8ad46f827e73511915841a8a8d6bec6ea29e08d6"
        );
    }

    #[test]
    fn links_compare_in_full() {
        assert!(same_link("abc", "abc"));
        assert!(!same_link("abc", "abd"));
        assert!(!same_link("abc", "ab"));
    }

    #[test]
    fn a_checkpoint_signs_everything_but_its_signature() {
        let c = Checkpoint {
            seq: 5,
            hash: "ab".into(),
            at: "2026-12-02T00:00:00Z".into(),
            key_id: "ckpt-1".into(),
            signature: "sig".into(),
        };
        let message = c.signed_message();
        assert_eq!(
            message,
            Checkpoint {
                signature: "other".into(),
                ..c.clone()
            }
            .signed_message()
        );
        for changed in [
            Checkpoint {
                seq: 6,
                ..c.clone()
            },
            Checkpoint {
                hash: "ac".into(),
                ..c.clone()
            },
            Checkpoint {
                at: "2026-12-03T00:00:00Z".into(),
                ..c.clone()
            },
            Checkpoint {
                key_id: "ckpt-2".into(),
                ..c.clone()
            },
        ] {
            assert_ne!(changed.signed_message(), message);
        }
    }
}
