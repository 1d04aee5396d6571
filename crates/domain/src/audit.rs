//! The audit trail's hash chain: each record's hash covers its own content and the hash
//! of the record before it, so editing, deleting or reordering any record breaks every
//! link after it. The encoding is length-prefixed, so no two different records can
//! encode the same.

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

/// What a record says, as hashed.
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

/// The hash of a record whose predecessor's hash is `prev_hash` (lower-case hex).
pub fn link_hash(prev_hash: &str, facts: &AuditFacts<'_>) -> String {
    let mut hasher = Sha256::new();
    let mut put = |part: &str| {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    };
    let uuid = |u: Option<Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
    put("sanctuary-audit-v1");
    put(prev_hash);
    put(&facts.seq.to_string());
    put(&facts.id.to_string());
    put(&facts.at_micros.to_string());
    put(facts.actor_subject);
    put(&uuid(facts.organisation_id));
    put(facts.role.unwrap_or_default());
    put(facts.action);
    put(&uuid(facts.scheme_id));
    put(&uuid(facts.case_id));
    put(facts.fields);
    put(facts.request_id.unwrap_or_default());
    put(facts.outcome);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
}
