//! How much storage a scheme's documents may take (a scheme setting), and how much room
//! one more upload has.

use serde::{Deserialize, Serialize};

use crate::violation::{ViolationCode, Violations};

/// How much of a scheme's storage documents may take: per case (how many, how many
/// bytes) and per uploading organisation (bytes, across the scheme's cases). Deleted
/// documents do not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct DocumentQuotas {
    /// Documents on one case.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10_000))]
    pub per_case: u32,
    /// Bytes on one case.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10_737_418_240_u64))]
    pub bytes_per_case: u64,
    /// Bytes one organisation has uploaded to the scheme's cases.
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 1, maximum = 1_099_511_627_776_u64)
    )]
    pub bytes_per_organisation: u64,
}

impl Default for DocumentQuotas {
    fn default() -> Self {
        Self {
            per_case: 200,
            bytes_per_case: 500 * 1024 * 1024,
            bytes_per_organisation: 10 * 1024 * 1024 * 1024,
        }
    }
}

/// What the documents already stored take.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub case_documents: u64,
    pub case_bytes: u64,
    pub organisation_bytes: u64,
}

vocabulary! {
    /// Which quota an upload would pass.
    pub enum QuotaReached {
        PerCase = "per_case",
        BytesPerCase = "bytes_per_case",
        BytesPerOrganisation = "bytes_per_organisation",
    }
}

impl DocumentQuotas {
    /// Every rule the quotas break (pointers relative to them).
    pub fn violations(&self) -> Violations {
        let mut v = Violations::new();
        for (field, value, max) in [
            ("/per_case", u64::from(self.per_case), 10_000),
            (
                "/bytes_per_case",
                self.bytes_per_case,
                10 * 1024 * 1024 * 1024,
            ),
            (
                "/bytes_per_organisation",
                self.bytes_per_organisation,
                1024 * 1024 * 1024 * 1024,
            ),
        ] {
            if !(1..=max).contains(&value) {
                v.add(
                    field,
                    ViolationCode::OutOfRange,
                    format!("must be between 1 and {max}"),
                );
            }
        }
        v
    }

    /// The bytes one more document may take given `used`, and the quota that sets that
    /// room; or the quota already reached.
    pub fn room(&self, used: Usage) -> Result<(u64, QuotaReached), QuotaReached> {
        if used.case_documents >= u64::from(self.per_case) {
            return Err(QuotaReached::PerCase);
        }
        let case = self.bytes_per_case.saturating_sub(used.case_bytes);
        let organisation = self
            .bytes_per_organisation
            .saturating_sub(used.organisation_bytes);
        match (case, organisation) {
            (0, _) => Err(QuotaReached::BytesPerCase),
            (_, 0) => Err(QuotaReached::BytesPerOrganisation),
            (c, o) if c <= o => Ok((c, QuotaReached::BytesPerCase)),
            (_, o) => Ok((o, QuotaReached::BytesPerOrganisation)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_leave_the_smaller_room_and_say_which_is_reached() {
        let q = DocumentQuotas {
            per_case: 2,
            bytes_per_case: 100,
            bytes_per_organisation: 1_000,
        };
        let used = |docs, case, org| Usage {
            case_documents: docs,
            case_bytes: case,
            organisation_bytes: org,
        };
        assert_eq!(q.room(used(0, 0, 0)), Ok((100, QuotaReached::BytesPerCase)));
        assert_eq!(
            q.room(used(1, 30, 950)),
            Ok((50, QuotaReached::BytesPerOrganisation))
        );
        assert_eq!(q.room(used(2, 0, 0)), Err(QuotaReached::PerCase));
        assert_eq!(q.room(used(1, 100, 0)), Err(QuotaReached::BytesPerCase));
        assert_eq!(
            q.room(used(1, 10, 1_000)),
            Err(QuotaReached::BytesPerOrganisation)
        );
        assert!(DocumentQuotas::default().violations().is_empty());
        let none = DocumentQuotas { per_case: 0, ..q };
        assert_eq!(none.violations().len(), 1);
    }
}
