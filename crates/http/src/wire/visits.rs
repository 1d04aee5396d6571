//! Visits on the wire: booking one, recording how it went, and the case's visits.

use sanctuary_domain::violation::{ViolationCode, Violations};
use sanctuary_domain::visits::{Slot, TimeOfDay, Visit, VisitKind, VisitOutcome, VisitRef};
use sanctuary_domain::workflow::Command;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

/// When: a UK date and a window of it (UK times, `HH:MM`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"on": "2026-12-10", "from": "10:00", "to": "12:00"}))]
pub struct SlotBody {
    /// Today or later.
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    pub from: TimeOfDay,
    /// After `from`.
    pub to: TimeOfDay,
}

impl From<SlotBody> for Slot {
    fn from(b: SlotBody) -> Slot {
        Slot {
            on: b.on,
            from: b.from,
            to: b.to,
        }
    }
}

/// Book a visit to the home. (The example books the contractor's installation visit
/// on a weekday morning, clear of the example client's weekday evenings.)
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "installation", "on": "2030-01-08", "from": "09:00", "to": "12:00"}))]
pub struct BookVisitBody {
    /// The assessor books `assessment`, the contractor `installation`, the coordinator
    /// any (also `follow_up`).
    pub kind: VisitKind,
    /// Today or later.
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    pub from: TimeOfDay,
    /// After `from`.
    pub to: TimeOfDay,
}

/// How a booked visit went.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "installation", "outcome": "rebooked", "rebook": {"on": "2030-01-10", "from": "13:00", "to": "15:00"}}))]
pub struct RecordVisitOutcomeBody {
    /// A visit of the case (its `visits[].id`) with no outcome yet; or give `kind`.
    pub visit_id: Option<Uuid>,
    /// The case's one visit of this kind with no outcome yet (instead of `visit_id`).
    pub kind: Option<VisitKind>,
    /// `attended` and `no_access` once the day has come; `client_cancelled` any time;
    /// `rebooked` with `rebook`.
    pub outcome: VisitOutcome,
    /// With `rebooked`: the new booking (same kind), checked as a booking is.
    pub rebook: Option<SlotBody>,
}

impl BookVisitBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::BookVisit {
            kind: self.kind,
            slot: Slot {
                on: self.on,
                from: self.from,
                to: self.to,
            },
        })
    }
}

impl RecordVisitOutcomeBody {
    pub fn command(self) -> Result<Command, Violations> {
        let visit = match (self.visit_id, self.kind) {
            (Some(id), None) => VisitRef::Id(id),
            (None, Some(kind)) => VisitRef::Kind(kind),
            (Some(_), Some(_)) => {
                let mut v = Violations::new();
                v.add(
                    "/kind",
                    ViolationCode::ExclusiveChoice,
                    "give visit_id or kind, not both",
                );
                return Err(v);
            }
            (None, None) => {
                let mut v = Violations::new();
                v.add(
                    "/visit_id",
                    ViolationCode::OneOfRequired,
                    "give visit_id or kind",
                );
                return Err(v);
            }
        };
        Ok(Command::RecordVisitOutcome {
            visit,
            outcome: self.outcome,
            rebook: self.rebook.map(Slot::from),
        })
    }
}

/// A visit to the home booked on the case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VisitView {
    pub id: Uuid,
    pub kind: VisitKind,
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    pub from: TimeOfDay,
    pub to: TimeOfDay,
    /// The organisation that booked it.
    pub booked_by: Uuid,
    /// Null until recorded.
    pub outcome: Option<VisitOutcome>,
    /// The visit it was rebooked as.
    pub rebooked_as: Option<Uuid>,
}

impl From<&Visit> for VisitView {
    fn from(v: &Visit) -> VisitView {
        VisitView {
            id: v.id,
            kind: v.kind,
            on: v.slot.on,
            from: v.slot.from,
            to: v.slot.to,
            booked_by: v.booked_by,
            outcome: v.outcome,
            rebooked_as: v.rebooked_as,
        }
    }
}
