//! Scheme settings: the rules each scheme may change, with the product's defaults.
//! Stored as JSON with the scheme, versioned; absent keys take their defaults. A case
//! keeps the version it started under.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::clock::{
    ClockEvent, ClockRule, ClockUnit, WorkingDayEnd, default_policy, default_urgent_policy,
};
use crate::dash::MAX_SCORE;
use crate::eligibility::EligibilityRules;
use crate::landlord::LandlordSettings;
use crate::quotas::DocumentQuotas;
use crate::register::RegisterSettings;
use crate::risk::RiskBands;
use crate::spare_room::Letterhead;
use crate::violation::{ViolationCode, Violations};

/// A scheme's settings. On the wire, an absent key takes its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct SchemeSettings {
    pub risk_bands: RiskBands,
    /// Incidents in 12 months that count as potential escalation (a MARAC criterion).
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub escalation_incidents: u32,
    pub eligibility: EligibilityRules,
    /// Approved works above this total need a recorded funder approval.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100_000_000))]
    pub household_budget_limit_pence: i64,
    /// The SLA clock table.
    pub clocks: Vec<ClockRule>,
    /// The clocks an urgent referral runs instead of the table's (by kind; a kind the
    /// table lacks is added).
    pub urgent_clocks: Vec<ClockRule>,
    /// Funders' figures: counts from 1 to this minus one are suppressed.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub disclosure_threshold: u32,
    /// Funders' figures: other counts are rounded to the nearest multiple of this
    /// (`None`: not rounded).
    #[cfg_attr(feature = "openapi", schema(minimum = 2, maximum = 10))]
    pub disclosure_rounding: Option<u32>,
    /// Years after a case closes before its identifying data is destroyed.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub retention_years: u32,
    /// Months after works when the client is contacted (with consent): distinct, each
    /// 1 to 36.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub follow_up_contact_months: Vec<u32>,
    /// The end of the working day (UK time, `HH:MM`): a working-day clock started after
    /// it counts from the next working day. `null`: the whole day counts.
    pub working_day_ends_at: Option<WorkingDayEnd>,
    /// Months after closing within which a case may be reopened (after them, a new
    /// referral, linked to the old case, is the route).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 36))]
    pub reopen_within_months: u32,
    /// Days the contractor keeps its view of a case after the works are completed or
    /// its order ends with the case (a new order restores it).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 365))]
    pub contractor_access_days: u32,
    /// Contractors arrange their visits with the client themselves: their view of a
    /// case shows the client's first name and phone number. Off: the coordinator
    /// arranges visits and contractors see neither. Applied as it stands now.
    pub contractor_contacts_client: bool,
    /// Which tenures need the landlord's permission before works are ordered.
    pub landlord: LandlordSettings,
    /// The emergency-services register: when homes go on it, how often they are
    /// reviewed, how long after a case ends they stay, and the 24-hour contact shown
    /// with them. Applied as it stands now, to every case.
    pub register: RegisterSettings,
    /// How much documents may take: per case and per uploading organisation.
    pub documents: DocumentQuotas,
    /// What the scheme's letters (the spare-room evidence letter) are headed and
    /// signed with.
    pub letterhead: Letterhead,
}

impl Default for SchemeSettings {
    fn default() -> Self {
        Self {
            risk_bands: RiskBands::default(),
            escalation_incidents: 3,
            eligibility: EligibilityRules::default(),
            household_budget_limit_pence: 200_000,
            clocks: default_policy(),
            urgent_clocks: default_urgent_policy(),
            disclosure_threshold: 8,
            disclosure_rounding: Some(5),
            retention_years: 6,
            follow_up_contact_months: vec![3, 6, 12],
            working_day_ends_at: None,
            contractor_access_days: 30,
            reopen_within_months: 12,
            contractor_contacts_client: false,
            landlord: LandlordSettings::default(),
            register: RegisterSettings::default(),
            documents: DocumentQuotas::default(),
            letterhead: Letterhead::default(),
        }
    }
}

/// The largest amount a clock may have, per unit (a year, in that unit).
fn max_amount(unit: ClockUnit) -> u32 {
    match unit {
        ClockUnit::WorkingDays => 260,
        ClockUnit::CalendarDays => 366,
        ClockUnit::Hours => 24 * 366,
        ClockUnit::Months => 36,
    }
}

impl SchemeSettings {
    /// Every rule the settings break, as a whole (pointers relative to the settings).
    pub fn violations(&self) -> Violations {
        let mut v = Violations::new();
        let bands = self.risk_bands;
        if bands.medium_from < 1 || bands.medium_from >= bands.high_from {
            v.add(
                "/risk_bands/medium_from",
                ViolationCode::OutOfRange,
                "must be at least 1 and below high_from",
            );
        }
        if bands.high_from > MAX_SCORE {
            v.add(
                "/risk_bands/high_from",
                ViolationCode::OutOfRange,
                "must be at most 27",
            );
        }
        if self.escalation_incidents < 1 {
            v.add(
                "/escalation_incidents",
                ViolationCode::OutOfRange,
                "must be at least 1",
            );
        }
        if !(0..=100_000_000).contains(&self.household_budget_limit_pence) {
            v.add(
                "/household_budget_limit_pence",
                ViolationCode::OutOfRange,
                "must be between 0 and 100000000 pence",
            );
        }
        if let Some(allowed) = &self.eligibility.allowed_tenures {
            if allowed.is_empty() {
                v.add(
                    "/eligibility/allowed_tenures",
                    ViolationCode::TooShort,
                    "list at least one tenure, or null for any",
                );
            } else if allowed.iter().collect::<BTreeSet<_>>().len() != allowed.len() {
                v.add(
                    "/eligibility/allowed_tenures",
                    ViolationCode::DuplicateItems,
                    "list each tenure once",
                );
            }
        }
        self.clock_table("/clocks", &self.clocks, &mut v);
        self.clock_table("/urgent_clocks", &self.urgent_clocks, &mut v);
        if self.disclosure_threshold < 1 || self.disclosure_threshold > 100 {
            v.add(
                "/disclosure_threshold",
                ViolationCode::OutOfRange,
                "must be between 1 and 100",
            );
        }
        if let Some(r) = self.disclosure_rounding
            && !(2..=10).contains(&r)
        {
            v.add(
                "/disclosure_rounding",
                ViolationCode::OutOfRange,
                "must be between 2 and 10, or null",
            );
        }
        if !(1..=100).contains(&self.retention_years) {
            v.add(
                "/retention_years",
                ViolationCode::OutOfRange,
                "must be between 1 and 100",
            );
        }
        let months = &self.follow_up_contact_months;
        let unique: BTreeSet<_> = months.iter().collect();
        if months.is_empty()
            || unique.len() != months.len()
            || months.iter().any(|m| !(1..=36).contains(m))
        {
            v.add(
                "/follow_up_contact_months",
                ViolationCode::InvalidValue,
                "list distinct months between 1 and 36",
            );
        }
        if self.contractor_access_days > 365 {
            v.add(
                "/contractor_access_days",
                ViolationCode::OutOfRange,
                "must be between 0 and 365",
            );
        }
        let tenures = &self.landlord.permission_tenures;
        if tenures.iter().collect::<BTreeSet<_>>().len() != tenures.len() {
            v.add(
                "/landlord/permission_tenures",
                ViolationCode::DuplicateItems,
                "list each tenure once",
            );
        }
        if !(1..=36).contains(&self.reopen_within_months) {
            v.add(
                "/reopen_within_months",
                ViolationCode::OutOfRange,
                "must be between 1 and 36",
            );
        }
        v.absorb("/register", self.register.violations());
        v.absorb("/documents", self.documents.violations());
        v.absorb("/letterhead", self.letterhead.violations());
        v
    }

    /// Every rule a clock table (`clocks`, `urgent_clocks`) breaks, under `prefix`.
    fn clock_table(&self, prefix: &str, rules: &[ClockRule], v: &mut Violations) {
        let mut kinds = BTreeSet::new();
        for (i, rule) in rules.iter().enumerate() {
            let at = |field: &str| format!("{prefix}/{i}/{field}");
            if !kinds.insert(rule.kind) {
                v.add(
                    at("kind"),
                    ViolationCode::DuplicateItems,
                    "each clock kind may appear once",
                );
            }
            if !(1..=max_amount(rule.unit)).contains(&rule.amount) {
                v.add(
                    at("amount"),
                    ViolationCode::OutOfRange,
                    format!(
                        "must be between 1 and {} {}",
                        max_amount(rule.unit),
                        rule.unit
                    ),
                );
            }
            if !rule.kind.in_clock_table() {
                v.add(
                    at("kind"),
                    ViolationCode::InvalidValue,
                    "the register review runs on register.review_months, not in the clock table",
                );
            }
            for (field, event) in [("start", rule.start), ("stop", rule.stop)] {
                if !event.in_clock_table() {
                    v.add(
                        at(field),
                        ViolationCode::InvalidValue,
                        "register events drive the register review only",
                    );
                }
            }
            if rule.start == rule.stop {
                v.add(
                    at("stop"),
                    ViolationCode::ContradictsAnswer,
                    "a clock cannot stop on the event that starts it",
                );
            }
            if rule.stop == ClockEvent::FollowUpContactRecorded
                && (rule.unit != ClockUnit::Months
                    || !self.follow_up_contact_months.contains(&rule.amount))
            {
                v.add(
                    at("amount"),
                    ViolationCode::ContradictsAnswer,
                    "a follow-up contact clock runs in months, one of follow_up_contact_months",
                );
            }
        }
    }

    /// The clock table a case runs on: the standard one, with the urgent rules in place
    /// of (or beside) it for an urgent referral.
    pub fn clocks_for(&self, urgent: bool) -> Vec<ClockRule> {
        let mut rules = self.clocks.clone();
        if urgent {
            for rule in &self.urgent_clocks {
                match rules.iter_mut().find(|r| r.kind == rule.kind) {
                    Some(standard) => *standard = rule.clone(),
                    None => rules.push(rule.clone()),
                }
            }
        }
        rules
    }

    /// The top-level settings whose values differ between `self` and `other`.
    pub fn changed_keys(&self, other: &SchemeSettings) -> Vec<&'static str> {
        let changed: [bool; SETTINGS_KEYS.len()] = [
            self.risk_bands != other.risk_bands,
            self.escalation_incidents != other.escalation_incidents,
            self.eligibility != other.eligibility,
            self.household_budget_limit_pence != other.household_budget_limit_pence,
            self.clocks != other.clocks,
            self.urgent_clocks != other.urgent_clocks,
            self.disclosure_threshold != other.disclosure_threshold,
            self.disclosure_rounding != other.disclosure_rounding,
            self.retention_years != other.retention_years,
            self.follow_up_contact_months != other.follow_up_contact_months,
            self.working_day_ends_at != other.working_day_ends_at,
            self.contractor_access_days != other.contractor_access_days,
            self.reopen_within_months != other.reopen_within_months,
            self.contractor_contacts_client != other.contractor_contacts_client,
            self.landlord != other.landlord,
            self.register != other.register,
            self.documents != other.documents,
            self.letterhead != other.letterhead,
        ];
        SETTINGS_KEYS
            .into_iter()
            .zip(changed)
            .filter(|(_, changed)| *changed)
            .map(|(k, _)| k)
            .collect()
    }
}

/// The top-level settings, in the order `changed_keys` compares them.
pub const SETTINGS_KEYS: [&str; 18] = [
    "risk_bands",
    "escalation_incidents",
    "eligibility",
    "household_budget_limit_pence",
    "clocks",
    "urgent_clocks",
    "disclosure_threshold",
    "disclosure_rounding",
    "retention_years",
    "follow_up_contact_months",
    "working_day_ends_at",
    "contractor_access_days",
    "reopen_within_months",
    "contractor_contacts_client",
    "landlord",
    "register",
    "documents",
    "letterhead",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ClockKind;

    #[test]
    fn absent_keys_take_their_defaults() {
        let s: SchemeSettings =
            serde_json::from_str(r#"{"household_budget_limit_pence": 150000}"#).unwrap();
        assert_eq!(s.household_budget_limit_pence, 150_000);
        assert_eq!(s.escalation_incidents, 3);
        assert_eq!(s.clocks, default_policy());
        assert_eq!(s.disclosure_threshold, 8);
        let round_trip: SchemeSettings =
            serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(round_trip, s);
    }

    #[test]
    fn the_defaults_are_valid() {
        assert!(SchemeSettings::default().violations().is_empty());
    }

    #[test]
    fn every_broken_rule_is_reported_at_once() {
        let mut s = SchemeSettings {
            risk_bands: RiskBands {
                medium_from: 15,
                high_from: 14,
            },
            escalation_incidents: 0,
            ..SchemeSettings::default()
        };
        s.clocks[0].amount = 0;
        s.clocks[1].kind = ClockKind::InitialContact;
        s.disclosure_threshold = 0;
        s.disclosure_rounding = Some(1);
        s.retention_years = 0;
        s.follow_up_contact_months = vec![3, 3];
        let pointers: Vec<String> = s.violations().iter().map(|v| v.pointer.clone()).collect();
        assert_eq!(
            pointers,
            [
                "/risk_bands/medium_from",
                "/escalation_incidents",
                "/clocks/0/amount",
                "/clocks/1/kind",
                "/clocks/8/amount",
                "/clocks/9/amount",
                "/disclosure_threshold",
                "/disclosure_rounding",
                "/retention_years",
                "/follow_up_contact_months",
            ]
        );
    }

    #[test]
    fn changed_keys_name_what_differs() {
        let a = SchemeSettings::default();
        let mut b = a.clone();
        b.retention_years = 7;
        b.clocks[2].amount = 10;
        assert_eq!(a.changed_keys(&b), ["clocks", "retention_years"]);
        assert!(a.changed_keys(&a).is_empty());
    }
}
