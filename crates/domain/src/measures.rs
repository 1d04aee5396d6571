//! The measures catalogue: what can be fitted, which monitoring row it counts in, what
//! it costs by default (integer pence) and whether it needs a fire safety check.

use serde::{Deserialize, Serialize};

vocabulary! {
    /// The monitoring template's 18 "measures installed" rows, plus `other`.
    pub enum ReportRow {
        AdditionalDoorLockingPoints = "additional_door_locking_points",
        DoorChainAndViewer = "door_chain_and_viewer",
        WindowLocks = "window_locks",
        BirminghamLondonBar = "birmingham_london_bar",
        DoubleLockingNightLatch = "double_locking_night_latch",
        Deadlock = "deadlock",
        KeyOperatedLockingBolts = "key_operated_locking_bolts",
        PersonalSafetyAlarm = "personal_safety_alarm",
        PropertyMarkingKit = "property_marking_kit",
        TimerForInteriorLighting = "timer_for_interior_lighting",
        HingeBolts = "hinge_bolts",
        DoorPanels = "door_panels",
        WindowShockAlarms = "window_shock_alarms",
        DistractionBurglaryToolkit = "distraction_burglary_toolkit",
        FireSafetyCheck = "fire_safety_check",
        FireproofLetterbox = "fireproof_letterbox",
        RepairsToDoorFrames = "repairs_to_door_frames",
        SafeRoom = "safe_room",
        Other = "other",
    }
}

impl ReportRow {
    /// The row's label in the monitoring template.
    pub const fn label(self) -> &'static str {
        use ReportRow::*;
        match self {
            AdditionalDoorLockingPoints => "Additional door locking points",
            DoorChainAndViewer => "Door chain and viewer",
            WindowLocks => "Window locks",
            BirminghamLondonBar => "Birmingham/London bar",
            DoubleLockingNightLatch => "Double locking night latch",
            Deadlock => "Deadlock",
            KeyOperatedLockingBolts => "Key operated locking bolts",
            PersonalSafetyAlarm => "Personal safety alarm",
            PropertyMarkingKit => "Property marking kit",
            TimerForInteriorLighting => "Timer for interior lighting",
            HingeBolts => "Hinge bolts",
            DoorPanels => "Door panels",
            WindowShockAlarms => "Window shock alarms",
            DistractionBurglaryToolkit => "Distraction burglary toolkit",
            FireSafetyCheck => "Fire safety check",
            FireproofLetterbox => "Fireproof letterbox",
            RepairsToDoorFrames => "Repairs to door frames",
            SafeRoom => "Safe room",
            Other => "Other",
        }
    }
}

/// A measure that can be recommended and fitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    /// A stable snake_case code.
    pub code: String,
    pub name: String,
    pub report_row: ReportRow,
    pub unit_cost_pence: i64,
    /// Safe rooms and window grilles affect escape: the fire service must check them.
    pub requires_fire_check: bool,
    /// May be ordered as an interim measure for an urgent case, before any assessment.
    #[serde(default)]
    pub interim: bool,
}

/// (code, name, report row, default unit cost in pence, needs a fire check)
const SHIPPED: &[(&str, &str, ReportRow, i64, bool)] = &[
    (
        "additional_door_locking_points",
        "Additional door locking points",
        ReportRow::AdditionalDoorLockingPoints,
        6_000,
        false,
    ),
    (
        "door_chain_and_viewer",
        "Door chain and viewer",
        ReportRow::DoorChainAndViewer,
        3_500,
        false,
    ),
    (
        "window_locks",
        "Window locks",
        ReportRow::WindowLocks,
        2_500,
        false,
    ),
    (
        "birmingham_london_bar",
        "Birmingham/London bar",
        ReportRow::BirminghamLondonBar,
        9_000,
        false,
    ),
    (
        "double_locking_night_latch",
        "Double locking night latch",
        ReportRow::DoubleLockingNightLatch,
        7_500,
        false,
    ),
    ("deadlock", "Deadlock", ReportRow::Deadlock, 8_500, false),
    (
        "key_operated_locking_bolts",
        "Key operated locking bolts",
        ReportRow::KeyOperatedLockingBolts,
        4_000,
        false,
    ),
    (
        "personal_safety_alarm",
        "Personal safety alarm",
        ReportRow::PersonalSafetyAlarm,
        2_500,
        false,
    ),
    (
        "property_marking_kit",
        "Property marking kit",
        ReportRow::PropertyMarkingKit,
        1_500,
        false,
    ),
    (
        "timer_for_interior_lighting",
        "Timer for interior lighting",
        ReportRow::TimerForInteriorLighting,
        1_200,
        false,
    ),
    (
        "hinge_bolts",
        "Hinge bolts",
        ReportRow::HingeBolts,
        3_000,
        false,
    ),
    (
        "door_panels",
        "Door panels",
        ReportRow::DoorPanels,
        15_000,
        false,
    ),
    (
        "window_shock_alarms",
        "Window shock alarms",
        ReportRow::WindowShockAlarms,
        2_000,
        false,
    ),
    (
        "distraction_burglary_toolkit",
        "Distraction burglary toolkit",
        ReportRow::DistractionBurglaryToolkit,
        2_500,
        false,
    ),
    (
        "fire_safety_check",
        "Fire safety check",
        ReportRow::FireSafetyCheck,
        0,
        false,
    ),
    (
        "fireproof_letterbox",
        "Fireproof letterbox",
        ReportRow::FireproofLetterbox,
        6_500,
        false,
    ),
    (
        "repairs_to_door_frames",
        "Repairs to door frames",
        ReportRow::RepairsToDoorFrames,
        20_000,
        false,
    ),
    (
        "safe_room",
        "Safe room (sanctuary room)",
        ReportRow::SafeRoom,
        120_000,
        true,
    ),
    (
        "window_grilles",
        "Window grilles",
        ReportRow::Other,
        25_000,
        true,
    ),
    (
        "five_lever_locks",
        "Five-lever locks",
        ReportRow::Other,
        9_500,
        false,
    ),
    (
        "security_lighting",
        "External security lighting",
        ReportRow::Other,
        8_000,
        false,
    ),
    (
        "careline_intruder_alarm",
        "Careline / intruder alarm",
        ReportRow::Other,
        15_000,
        false,
    ),
    (
        "smoke_alarms",
        "Smoke alarms",
        ReportRow::Other,
        2_500,
        false,
    ),
    (
        "mobile_phone",
        "Mobile phone",
        ReportRow::Other,
        3_000,
        false,
    ),
    (
        "window_restraining_straps",
        "Window restraining straps",
        ReportRow::Other,
        1_500,
        false,
    ),
    (
        "secure_broken_windows",
        "Secure broken windows",
        ReportRow::Other,
        10_000,
        false,
    ),
    (
        "emergency_lock_change",
        "Emergency lock change",
        ReportRow::Other,
        9_000,
        false,
    ),
    (
        "temporary_boarding",
        "Temporary boarding of doors or windows",
        ReportRow::Other,
        7_500,
        false,
    ),
    (
        "cctv_video_doorbell",
        "CCTV / video doorbell",
        ReportRow::Other,
        12_000,
        false,
    ),
];

/// The shipped measures that can be ordered at once for an urgent case (seed 001:
/// "interim measures required … emergency lock changes").
const INTERIM: &[&str] = &[
    "emergency_lock_change",
    "door_chain_and_viewer",
    "temporary_boarding",
    "personal_safety_alarm",
];

/// The catalogue shipped with the product.
pub fn shipped() -> Vec<Measure> {
    SHIPPED
        .iter()
        .map(
            |&(code, name, report_row, unit_cost_pence, requires_fire_check)| Measure {
                code: code.to_owned(),
                name: name.to_owned(),
                report_row,
                unit_cost_pence,
                requires_fire_check,
                interim: INTERIM.contains(&code),
            },
        )
        .collect()
}

/// The shipped catalogue with a scheme's own measures and prices laid over it.
pub fn catalogue(scheme_measures: impl IntoIterator<Item = Measure>) -> Vec<Measure> {
    let mut all = shipped();
    for own in scheme_measures {
        match all.iter_mut().find(|m| m.code == own.code) {
            Some(existing) => *existing = own,
            None => all.push(own),
        }
    }
    all
}

/// Whether `code` is a valid measure code (snake_case, 2–60 characters).
pub fn valid_code(code: &str) -> bool {
    (2..=60).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && code.as_bytes()[0].is_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_row_has_a_shipped_measure() {
        let all = shipped();
        for row in ReportRow::ALL.iter().filter(|r| **r != ReportRow::Other) {
            assert!(all.iter().any(|m| m.report_row == *row), "{row}");
        }
        assert_eq!(ReportRow::ALL.len(), 19);
    }

    #[test]
    fn safe_rooms_and_window_grilles_need_a_fire_check() {
        let needs: Vec<_> = shipped()
            .into_iter()
            .filter(|m| m.requires_fire_check)
            .map(|m| m.code)
            .collect();
        assert_eq!(needs, ["safe_room", "window_grilles"]);
    }

    #[test]
    fn codes_are_unique_and_valid() {
        let all = shipped();
        let mut codes: Vec<_> = all.iter().map(|m| m.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        assert!(all.iter().all(|m| valid_code(&m.code)));
    }

    #[test]
    fn a_scheme_overrides_prices_and_adds_its_own_measures() {
        let own = |code: &str, cost| Measure {
            code: code.into(),
            name: code.into(),
            report_row: ReportRow::Other,
            unit_cost_pence: cost,
            requires_fire_check: false,
            interim: false,
        };
        let all = catalogue([own("deadlock", 9_900), own("gate_lock", 4_000)]);
        assert_eq!(
            all.iter()
                .find(|m| m.code == "deadlock")
                .unwrap()
                .unit_cost_pence,
            9_900
        );
        assert!(all.iter().any(|m| m.code == "gate_lock"));
        assert_eq!(all.len(), shipped().len() + 1);
    }
}
