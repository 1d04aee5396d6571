//! The Standing Together monitoring template, row for row: each row's stable code, its
//! label as the template prints it, what it counts, and over which cases (its basis).

use serde::Serialize;

vocabulary! {
    /// Which cases a figure is counted over, and by which date.
    pub enum Basis {
        /// Each row its own (the headline rows): see the rows' sections.
        PerRow = "per_row",
        /// Referrals, by the day they were received.
        Received = "received",
        /// Decisions, by the day the referral was accepted or declined.
        Decided = "decided",
        /// Accepted cases that ended cancelled or withdrawn before works were completed,
        /// by the day they ended.
        Cancelled = "cancelled",
        /// Cases whose works were completed, by the completion day.
        Completed = "completed",
        /// Clients of cases accepted in the quarter, by the decision day.
        Accepted = "accepted",
        /// What the works achieved: each row its own (see the description).
        Outcomes = "outcomes",
        /// Follow-up contacts by the day of the contact, and closures by the day closed.
        FollowUp = "follow_up",
        /// Referring agencies' feedback, by the day it was received.
        Feedback = "feedback",
        /// The annual return's headline figures: each row its own.
        ReturnYear = "return_year",
        /// Households supported in the year (the annual return).
        Supported = "supported",
        /// Households that could not be supported, by the day that was decided.
        NotSupported = "not_supported",
        /// Households whose support ended, by the day the case was closed.
        SupportEnded = "support_ended",
    }
}

impl Basis {
    pub const fn describe(self) -> &'static str {
        match self {
            Basis::PerRow => {
                "received: by received date; accepted and not accepted: by decision date; \
                 cancelled: accepted cases cancelled or withdrawn before works were completed, \
                 by date ended; completed: by works completion date"
            }
            Basis::Received => "referrals received in the quarter (received date)",
            Basis::Decided => "referrals accepted or declined in the quarter (decision date)",
            Basis::Cancelled => {
                "accepted cases cancelled or withdrawn before works were completed (date ended)"
            }
            Basis::Completed => {
                "installations completed in the quarter (works completion date; an \
                 installation is completed works with at least one measure installed); days \
                 are UK working days of the scheme's calendar from the day the referral was \
                 received"
            }
            Basis::Accepted => "clients of referrals accepted in the quarter (decision date)",
            Basis::Outcomes => {
                "answers: follow-up contacts at 3, 6 and 12 months made in the quarter \
                 (contact date) and cases closed in the quarter (date closed), each asking \
                 whether the client feels safer, still lives at home and has had further \
                 incidents since the works; repeat referrals: referrals received in the \
                 quarter (received date) of a household (the same client or address) whose \
                 earlier case in the scheme had its works completed and was open, or closed \
                 less than 12 months before; days: as days to installation"
            }
            Basis::FollowUp => {
                "follow-up contacts at 3, 6 and 12 months made in the quarter (contact \
                 date) and cases closed in the quarter (date closed); an answer not given \
                 counts as not said or unknown"
            }
            Basis::ReturnYear => {
                "supported: households whose sanctuary works were completed with at least \
                 one measure installed, or whose interim measures were first fitted, in the \
                 year; not supported: referrals declined in the year (decision date) and \
                 accepted cases cancelled or withdrawn before works were completed (date \
                 ended), duplicate referrals excepted; support ended: cases closed in the \
                 year (date closed); units: measures installed on the works completed in \
                 the year (quantities)"
            }
            Basis::Supported => {
                "households supported in the year: the client (the adult victim/survivor \
                 referred) and the children the referral lists"
            }
            Basis::NotSupported => {
                "referrals declined in the year (decision date) and accepted cases \
                 cancelled or withdrawn before works were completed (date ended), by the \
                 return's reason"
            }
            Basis::SupportEnded => "cases closed in the year (date closed), by the return's reason",
            Basis::Feedback => {
                "feedback from referring agencies received in the quarter (date \
                 received); each question rated 1 (poor) to 5 (excellent), averaged"
            }
        }
    }
}

/// A statistic other than a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stat {
    SpendLowest,
    SpendHighest,
    SpendAverage,
    DaysAverage,
    ChildrenAverageAge,
    /// The mean rating given to a feedback question.
    FeedbackAverage(crate::feedback::Question),
}

impl Stat {
    /// The count row of the cases (or children) the statistic is computed over: when
    /// that count is suppressed, so is the statistic.
    pub const fn counted_by(self) -> &'static str {
        match self {
            Stat::SpendLowest | Stat::SpendHighest | Stat::SpendAverage | Stat::DaysAverage => {
                "installations_completed"
            }
            Stat::ChildrenAverageAge => "children.count",
            Stat::FeedbackAverage(_) => "feedback.responses",
        }
    }

    /// A least or greatest value: one household's own figure.
    pub const fn is_extreme(self) -> bool {
        matches!(self, Stat::SpendLowest | Stat::SpendHighest)
    }
}

/// What a row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The number of tallies of `dimension` with any of `values`.
    Count(&'static str, &'static [&'static str]),
    Stat(Stat),
}

vocabulary! {
    /// How to read a row's figures.
    pub enum RowKind {
        /// A number of cases (or children, or units): suppressible for funders.
        Count = "count",
        /// Money in integer pence.
        Pence = "pence",
        /// A mean, to one decimal place.
        Mean = "mean",
    }
}

#[derive(Debug, Clone, Copy)]
pub struct RowSpec {
    pub code: &'static str,
    pub label: &'static str,
    pub source: Source,
    /// A heading row of the template (ethnic groups): the sum of the rows under it.
    pub group_of: &'static [&'static str],
}

impl RowSpec {
    pub fn kind(&self) -> RowKind {
        match self.source {
            Source::Count(..) => RowKind::Count,
            Source::Stat(Stat::SpendLowest | Stat::SpendHighest | Stat::SpendAverage) => {
                RowKind::Pence
            }
            Source::Stat(_) => RowKind::Mean,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct SectionSpec {
    pub code: &'static str,
    pub title: &'static str,
    pub basis: Basis,
    #[serde(skip)]
    pub rows: &'static [RowSpec],
    /// The row (of any section) these rows add up to, heading rows aside.
    #[serde(skip)]
    pub partition_of: Option<&'static str>,
}

pub(crate) const fn count(
    code: &'static str,
    label: &'static str,
    dimension: &'static str,
    values: &'static [&'static str],
) -> RowSpec {
    RowSpec {
        code,
        label,
        source: Source::Count(dimension, values),
        group_of: &[],
    }
}

pub(crate) const fn stat(code: &'static str, label: &'static str, stat: Stat) -> RowSpec {
    RowSpec {
        code,
        label,
        source: Source::Stat(stat),
        group_of: &[],
    }
}

const fn group(
    code: &'static str,
    label: &'static str,
    values: &'static [&'static str],
    rows: &'static [&'static str],
) -> RowSpec {
    RowSpec {
        code,
        label,
        source: Source::Count("ethnicity", values),
        group_of: rows,
    }
}

const DECLINE: &[&str] = &[
    "ineligible_tenure",
    "perpetrator_lives_at_property",
    "client_wishes_to_move",
    "referral_incomplete",
    "no_consent",
    "out_of_area",
    "refuge_more_suitable",
    "duplicate_referral",
    "other",
];
const CANCEL: &[&str] = &[
    "client_withdrew",
    "client_moved",
    "perpetrator_returned",
    "landlord_refused",
    "unable_to_contact",
    "unsafe_to_proceed",
    "works_not_feasible",
    "other",
];
const SOURCES: &[&str] = &[
    "housing_association",
    "police",
    "private_rented_sector_agency",
    "social_services",
    "specialist_domestic_abuse_service",
    "self_referral",
    "other",
];

macro_rules! measures {
    ($dimension:literal, $prefix:literal) => {
        &[
            count(
                concat!($prefix, "additional_door_locking_points"),
                "Additional door locking points",
                $dimension,
                &["additional_door_locking_points"],
            ),
            count(
                concat!($prefix, "door_chain_and_viewer"),
                "Door chain and viewer",
                $dimension,
                &["door_chain_and_viewer"],
            ),
            count(
                concat!($prefix, "window_locks"),
                "Window locks",
                $dimension,
                &["window_locks"],
            ),
            count(
                concat!($prefix, "birmingham_london_bar"),
                "Birmingham/London bar",
                $dimension,
                &["birmingham_london_bar"],
            ),
            count(
                concat!($prefix, "double_locking_night_latch"),
                "Double locking night latch",
                $dimension,
                &["double_locking_night_latch"],
            ),
            count(
                concat!($prefix, "deadlock"),
                "Deadlock",
                $dimension,
                &["deadlock"],
            ),
            count(
                concat!($prefix, "key_operated_locking_bolts"),
                "Key operated locking bolts",
                $dimension,
                &["key_operated_locking_bolts"],
            ),
            count(
                concat!($prefix, "personal_safety_alarm"),
                "Personal safety alarm",
                $dimension,
                &["personal_safety_alarm"],
            ),
            count(
                concat!($prefix, "property_marking_kit"),
                "Property marking kit",
                $dimension,
                &["property_marking_kit"],
            ),
            count(
                concat!($prefix, "timer_for_interior_lighting"),
                "Timer for interior lighting",
                $dimension,
                &["timer_for_interior_lighting"],
            ),
            count(
                concat!($prefix, "hinge_bolts"),
                "Hinge bolts",
                $dimension,
                &["hinge_bolts"],
            ),
            count(
                concat!($prefix, "door_panels"),
                "Door panels",
                $dimension,
                &["door_panels"],
            ),
            count(
                concat!($prefix, "window_shock_alarms"),
                "Window shock alarms",
                $dimension,
                &["window_shock_alarms"],
            ),
            count(
                concat!($prefix, "distraction_burglary_toolkit"),
                "Distraction burglary toolkit",
                $dimension,
                &["distraction_burglary_toolkit"],
            ),
            count(
                concat!($prefix, "fire_safety_check"),
                "Fire safety check",
                $dimension,
                &["fire_safety_check"],
            ),
            count(
                concat!($prefix, "fireproof_letterbox"),
                "Fireproof letterbox",
                $dimension,
                &["fireproof_letterbox"],
            ),
            count(
                concat!($prefix, "repairs_to_door_frames"),
                "Repairs to door frames",
                $dimension,
                &["repairs_to_door_frames"],
            ),
            count(
                concat!($prefix, "safe_room"),
                "Safe room",
                $dimension,
                &["safe_room"],
            ),
        ]
    };
}

/// The template, in its order.
pub const SECTIONS: &[SectionSpec] = &[
    SectionSpec {
        code: "referrals_and_installations",
        title: "Referrals and installations",
        basis: Basis::PerRow,
        rows: &[
            count(
                "referrals_received",
                "Number of referrals received",
                "source",
                SOURCES,
            ),
            count(
                "referrals_accepted",
                "Number of referrals accepted",
                "decision",
                &["accepted"],
            ),
            // Not a template row: seed 004's safeguarding basis, counted so the scheme
            // can show how often it shared without consent.
            count(
                "referrals_accepted_under_safeguarding_decision",
                "Of which progressed under a safeguarding decision (without consent to share)",
                "safeguarding_basis",
                &["progressed"],
            ),
            count(
                "referrals_not_accepted",
                "Number of referrals not accepted",
                "decision",
                DECLINE,
            ),
            count(
                "installations_cancelled",
                "Number of installations cancelled",
                "cancellation",
                CANCEL,
            ),
            count(
                "installations_completed",
                "Number of installations completed",
                "completed",
                &["installed"],
            ),
            count(
                "works_completed_nothing_installed",
                "Works completed with nothing installed",
                "completed",
                &["nothing_installed"],
            ),
            // Not a template row: urgent cases' interim measures, counted when first
            // fitted (their measures and costs count with the installation's).
            count(
                "interim_measures_fitted",
                "Cases with interim measures fitted",
                "interim",
                &["fitted"],
            ),
            // Not a template row: closed cases opened again (a reopened case's
            // referral, acceptance and installation are counted once, at their first).
            count(
                "cases_reopened",
                "Closed cases reopened",
                "reopened",
                &["reopened"],
            ),
        ],
        partition_of: None,
    },
    SectionSpec {
        code: "not_accepted_reasons",
        title: "Reasons referrals were not accepted",
        basis: Basis::Decided,
        rows: &[
            count(
                "not_accepted.ineligible_tenure",
                "Tenure not eligible",
                "decision",
                &["ineligible_tenure"],
            ),
            count(
                "not_accepted.perpetrator_lives_at_property",
                "Perpetrator lives at the property",
                "decision",
                &["perpetrator_lives_at_property"],
            ),
            count(
                "not_accepted.client_wishes_to_move",
                "Client wishes to move",
                "decision",
                &["client_wishes_to_move"],
            ),
            count(
                "not_accepted.referral_incomplete",
                "Referral incomplete",
                "decision",
                &["referral_incomplete"],
            ),
            count(
                "not_accepted.no_consent",
                "No consent",
                "decision",
                &["no_consent"],
            ),
            count(
                "not_accepted.out_of_area",
                "Out of area",
                "decision",
                &["out_of_area"],
            ),
            count(
                "not_accepted.refuge_more_suitable",
                "Refuge more suitable",
                "decision",
                &["refuge_more_suitable"],
            ),
            count(
                "not_accepted.duplicate_referral",
                "Duplicate referral",
                "decision",
                &["duplicate_referral"],
            ),
            count("not_accepted.other", "Other", "decision", &["other"]),
        ],
        partition_of: Some("referrals_not_accepted"),
    },
    SectionSpec {
        code: "cancellation_reasons",
        title: "Reasons installations were cancelled",
        basis: Basis::Cancelled,
        rows: &[
            count(
                "cancelled.client_withdrew",
                "Client withdrew",
                "cancellation",
                &["client_withdrew"],
            ),
            count(
                "cancelled.client_moved",
                "Client moved",
                "cancellation",
                &["client_moved"],
            ),
            count(
                "cancelled.perpetrator_returned",
                "Perpetrator returned",
                "cancellation",
                &["perpetrator_returned"],
            ),
            count(
                "cancelled.landlord_refused",
                "Landlord refused",
                "cancellation",
                &["landlord_refused"],
            ),
            count(
                "cancelled.unable_to_contact",
                "Unable to contact",
                "cancellation",
                &["unable_to_contact"],
            ),
            count(
                "cancelled.unsafe_to_proceed",
                "Unsafe to proceed",
                "cancellation",
                &["unsafe_to_proceed"],
            ),
            count(
                "cancelled.works_not_feasible",
                "Works not feasible",
                "cancellation",
                &["works_not_feasible"],
            ),
            count("cancelled.other", "Other", "cancellation", &["other"]),
        ],
        partition_of: Some("installations_cancelled"),
    },
    SectionSpec {
        code: "referral_sources",
        title: "Referral sources",
        basis: Basis::Received,
        rows: &[
            count(
                "source.housing_association",
                "Housing association",
                "source",
                &["housing_association"],
            ),
            count("source.police", "Police", "source", &["police"]),
            count(
                "source.private_rented_sector_agency",
                "Private rented sector agency",
                "source",
                &["private_rented_sector_agency"],
            ),
            count(
                "source.social_services",
                "Social services",
                "source",
                &["social_services"],
            ),
            count(
                "source.specialist_domestic_abuse_service",
                "Specialist domestic abuse service",
                "source",
                &["specialist_domestic_abuse_service"],
            ),
            count(
                "source.self_referral",
                "Self-referral",
                "source",
                &["self_referral"],
            ),
            count("source.other", "Other", "source", &["other"]),
        ],
        partition_of: Some("referrals_received"),
    },
    SectionSpec {
        code: "measures_installed",
        title: "Measures installed (installations including the measure)",
        basis: Basis::Completed,
        rows: measures!("measure", "measure."),
        partition_of: None,
    },
    SectionSpec {
        code: "measure_units",
        title: "Measures installed (number of units)",
        basis: Basis::Completed,
        rows: measures!("measure_units", "units."),
        partition_of: None,
    },
    SectionSpec {
        code: "spend",
        title: "Spend per household",
        basis: Basis::Completed,
        rows: &[
            stat("spend.lowest", "Lowest spend", Stat::SpendLowest),
            stat("spend.highest", "Highest spend", Stat::SpendHighest),
            stat(
                "spend.average",
                "Average spend per household",
                Stat::SpendAverage,
            ),
        ],
        partition_of: None,
    },
    SectionSpec {
        code: "days_to_installation",
        title: "Days between referral and installation",
        basis: Basis::Completed,
        rows: &[stat(
            "days_to_installation.average",
            "Average number of days between referral and installation",
            Stat::DaysAverage,
        )],
        partition_of: None,
    },
    SectionSpec {
        code: "gender",
        title: "Gender",
        basis: Basis::Accepted,
        rows: &[
            count("gender.female", "Female", "gender", &["female"]),
            count("gender.male", "Male", "gender", &["male"]),
            count("gender.other", "Other", "gender", &["self_describe"]),
            count(
                "gender.unknown",
                "Unknown",
                "gender",
                &["prefer_not_to_say", "unknown"],
            ),
        ],
        partition_of: Some("referrals_accepted"),
    },
    SectionSpec {
        code: "gender_identity",
        title: "Gender identity",
        basis: Basis::Accepted,
        rows: &[
            count(
                "gender_identity.differs",
                "Client's gender identity differs to the sex they were assigned at birth",
                "gender_identity_differs",
                &["yes"],
            ),
            count(
                "gender_identity.unknown",
                "Unknown",
                "gender_identity_differs",
                &["unknown"],
            ),
        ],
        partition_of: None,
    },
    SectionSpec {
        code: "sexual_orientation",
        title: "Sexual orientation",
        basis: Basis::Accepted,
        rows: &[
            count(
                "sexual_orientation.bisexual",
                "Bisexual",
                "sexual_orientation",
                &["bisexual"],
            ),
            count(
                "sexual_orientation.gay_man",
                "Gay man",
                "sexual_orientation",
                &["gay_man"],
            ),
            count(
                "sexual_orientation.gay_woman_or_lesbian",
                "Gay woman / lesbian",
                "sexual_orientation",
                &["gay_woman_or_lesbian"],
            ),
            count(
                "sexual_orientation.heterosexual",
                "Heterosexual / straight",
                "sexual_orientation",
                &["heterosexual"],
            ),
            count(
                "sexual_orientation.other",
                "Other",
                "sexual_orientation",
                &["self_describe"],
            ),
            count(
                "sexual_orientation.unknown",
                "Unknown",
                "sexual_orientation",
                &["prefer_not_to_say", "unknown"],
            ),
        ],
        partition_of: Some("referrals_accepted"),
    },
    SectionSpec {
        code: "disability",
        title: "Disability",
        basis: Basis::Accepted,
        rows: &[
            count(
                "disability.physical",
                "Physical",
                "disability",
                &["physical"],
            ),
            count(
                "disability.learning_disability",
                "Learning disability",
                "disability",
                &["learning_disability"],
            ),
            count(
                "disability.mental_illness",
                "Mental illness",
                "disability",
                &["mental_illness"],
            ),
            count(
                "disability.mental_impairment",
                "Mental impairment",
                "disability",
                &["mental_impairment"],
            ),
            count("disability.unknown", "Unknown", "disability", &["unknown"]),
        ],
        partition_of: None,
    },
    SectionSpec {
        code: "ethnicity",
        title: "Ethnicity",
        basis: Basis::Accepted,
        rows: &[
            group(
                "ethnicity.group.asian",
                "Asian or Asian British",
                &[
                    "indian",
                    "pakistani",
                    "bangladeshi",
                    "chinese",
                    "other_asian",
                ],
                &[
                    "ethnicity.indian",
                    "ethnicity.pakistani",
                    "ethnicity.bangladeshi",
                    "ethnicity.chinese",
                    "ethnicity.other_asian",
                ],
            ),
            count("ethnicity.indian", "Indian", "ethnicity", &["indian"]),
            count(
                "ethnicity.pakistani",
                "Pakistani",
                "ethnicity",
                &["pakistani"],
            ),
            count(
                "ethnicity.bangladeshi",
                "Bangladeshi",
                "ethnicity",
                &["bangladeshi"],
            ),
            count("ethnicity.chinese", "Chinese", "ethnicity", &["chinese"]),
            count(
                "ethnicity.other_asian",
                "Other Asian background",
                "ethnicity",
                &["other_asian"],
            ),
            group(
                "ethnicity.group.black",
                "Black, Black British, Caribbean or African",
                &["caribbean", "african", "other_black"],
                &[
                    "ethnicity.caribbean",
                    "ethnicity.african",
                    "ethnicity.other_black",
                ],
            ),
            count(
                "ethnicity.caribbean",
                "Caribbean",
                "ethnicity",
                &["caribbean"],
            ),
            count("ethnicity.african", "African", "ethnicity", &["african"]),
            count(
                "ethnicity.other_black",
                "Other Black, Black British, or Caribbean background",
                "ethnicity",
                &["other_black"],
            ),
            group(
                "ethnicity.group.mixed",
                "Mixed or multiple ethnic groups",
                &[
                    "white_and_black_caribbean",
                    "white_and_black_african",
                    "white_and_asian",
                    "other_mixed",
                ],
                &[
                    "ethnicity.white_and_black_caribbean",
                    "ethnicity.white_and_black_african",
                    "ethnicity.white_and_asian",
                    "ethnicity.other_mixed",
                ],
            ),
            count(
                "ethnicity.white_and_black_caribbean",
                "White and Black Caribbean",
                "ethnicity",
                &["white_and_black_caribbean"],
            ),
            count(
                "ethnicity.white_and_black_african",
                "White and Black African",
                "ethnicity",
                &["white_and_black_african"],
            ),
            count(
                "ethnicity.white_and_asian",
                "White and Asian",
                "ethnicity",
                &["white_and_asian"],
            ),
            count(
                "ethnicity.other_mixed",
                "Other Mixed or multiple ethnic background",
                "ethnicity",
                &["other_mixed"],
            ),
            group(
                "ethnicity.group.white",
                "White",
                &[
                    "white_british",
                    "irish",
                    "gypsy_or_irish_traveller",
                    "roma",
                    "other_white",
                ],
                &[
                    "ethnicity.white_british",
                    "ethnicity.irish",
                    "ethnicity.gypsy_or_irish_traveller",
                    "ethnicity.roma",
                    "ethnicity.other_white",
                ],
            ),
            count(
                "ethnicity.white_british",
                "English, Welsh, Scottish, Northern Irish or British",
                "ethnicity",
                &["white_british"],
            ),
            count("ethnicity.irish", "Irish", "ethnicity", &["irish"]),
            count(
                "ethnicity.gypsy_or_irish_traveller",
                "Gypsy or Irish Traveller",
                "ethnicity",
                &["gypsy_or_irish_traveller"],
            ),
            count("ethnicity.roma", "Roma", "ethnicity", &["roma"]),
            count(
                "ethnicity.other_white",
                "Other White background",
                "ethnicity",
                &["other_white"],
            ),
            group(
                "ethnicity.group.other",
                "Other ethnic group",
                &["arab", "other_ethnic_group", "self_describe"],
                &["ethnicity.other"],
            ),
            count(
                "ethnicity.other",
                "Other",
                "ethnicity",
                &["arab", "other_ethnic_group", "self_describe"],
            ),
            count(
                "ethnicity.unknown",
                "Unknown",
                "ethnicity",
                &["prefer_not_to_say", "unknown"],
            ),
        ],
        partition_of: Some("referrals_accepted"),
    },
    SectionSpec {
        code: "interpreter",
        title: "Interpreter",
        basis: Basis::Accepted,
        rows: &[
            count(
                "interpreter.needed",
                "Interpreter needed",
                "interpreter",
                &["yes"],
            ),
            count(
                "interpreter.unknown",
                "Unknown",
                "interpreter",
                &["unknown"],
            ),
        ],
        partition_of: None,
    },
    SectionSpec {
        code: "age",
        title: "Age",
        basis: Basis::Accepted,
        rows: &[
            count("age.under_18", "Under 18", "age", &["under_18"]),
            count("age.18_24", "18-24", "age", &["18_24"]),
            count("age.25_34", "25-34", "age", &["25_34"]),
            count("age.35_44", "35-44", "age", &["35_44"]),
            count("age.45_54", "45-54", "age", &["45_54"]),
            count("age.55_64", "55-64", "age", &["55_64"]),
            count("age.65_plus", "65 or older", "age", &["65_plus"]),
            count("age.unknown", "Unknown", "age", &["unknown"]),
        ],
        partition_of: Some("referrals_accepted"),
    },
    SectionSpec {
        code: "additional_support",
        title: "Additional support",
        basis: Basis::Accepted,
        rows: &[
            count(
                "support.nrpf",
                "No Recourse to Public Funds (NRPF)",
                "nrpf",
                &["yes"],
            ),
            count("support.nrpf_unknown", "NRPF unknown", "nrpf", &["unknown"]),
            count("support.pregnant", "Pregnant", "pregnant", &["yes"]),
            count(
                "support.pregnant_unknown",
                "Pregnancy unknown",
                "pregnant",
                &["unknown"],
            ),
            count("support.other", "Other", "other_support", &["yes"]),
        ],
        partition_of: None,
    },
    SectionSpec {
        code: "accommodation_type",
        title: "Accommodation type",
        basis: Basis::Accepted,
        rows: &[
            count(
                "accommodation.bungalow",
                "Bungalow",
                "accommodation",
                &["bungalow"],
            ),
            count("accommodation.flat", "Flat", "accommodation", &["flat"]),
            count(
                "accommodation.maisonette",
                "Maisonette",
                "accommodation",
                &["maisonette"],
            ),
            count(
                "accommodation.semi_detached",
                "Semi-detached",
                "accommodation",
                &["semi_detached"],
            ),
            count(
                "accommodation.terraced",
                "Terraced",
                "accommodation",
                &["terraced"],
            ),
            count(
                "accommodation.other",
                "Other",
                "accommodation",
                &["detached", "other"],
            ),
            count(
                "accommodation.unknown",
                "Unknown",
                "accommodation",
                &["unknown"],
            ),
        ],
        partition_of: Some("referrals_accepted"),
    },
    SectionSpec {
        code: "tenure_type",
        title: "Tenure type",
        basis: Basis::Accepted,
        rows: &[
            count(
                "tenure.social_housing",
                "Social housing",
                "tenure",
                &["council_housing", "housing_association"],
            ),
            count(
                "tenure.privately_rented",
                "Privately rented accommodation",
                "tenure",
                &["privately_rented"],
            ),
            count(
                "tenure.privately_owned",
                "Privately owned accommodation",
                "tenure",
                &["privately_owned"],
            ),
            count(
                "tenure.living_with_friend_or_family",
                "Living with a friend/family member",
                "tenure",
                &["living_with_friend_or_family"],
            ),
            count(
                "tenure.refuge",
                "Refuge accommodation",
                "tenure",
                &["refuge"],
            ),
            count(
                "tenure.sheltered_or_supported",
                "Sheltered/supported accommodation",
                "tenure",
                &["sheltered_or_supported"],
            ),
            count("tenure.other", "Other", "tenure", &["other"]),
        ],
        partition_of: Some("referrals_accepted"),
    },
    SectionSpec {
        code: "children",
        title: "Dependent children",
        basis: Basis::Accepted,
        rows: &[
            count(
                "children.count",
                "Number of dependent children",
                "children",
                &["count"],
            ),
            count(
                "children.unknown",
                "Unknown (number of children not given)",
                "children_given",
                &["no"],
            ),
            stat(
                "children.average_age",
                "Average age of children",
                Stat::ChildrenAverageAge,
            ),
        ],
        partition_of: None,
    },
    SectionSpec {
        code: "risk",
        title: "Client safety: risk level (DASH)",
        basis: Basis::Accepted,
        rows: &[
            count("risk.high", "High risk", "risk", &["high"]),
            count("risk.medium", "Medium risk", "risk", &["medium"]),
            count("risk.low", "Low risk", "risk", &["standard"]),
            count("risk.unknown", "Unknown", "risk", &["unknown"]),
        ],
        partition_of: Some("referrals_accepted"),
    },
    SectionSpec {
        code: "marac",
        title: "MARAC referrals",
        basis: Basis::Accepted,
        rows: &[
            count(
                "marac.referred",
                "Number of clients with MARAC referral",
                "marac",
                &["yes"],
            ),
            count("marac.unknown", "Unknown", "marac", &["unknown"]),
        ],
        partition_of: None,
    },
    SectionSpec {
        code: "arson",
        title: "Arson concerns",
        basis: Basis::Accepted,
        rows: &[count(
            "arson.concerns",
            "Number of clients with arson concerns",
            "arson",
            &["yes"],
        )],
        partition_of: None,
    },
    SectionSpec {
        code: "outcomes",
        title: "What the works achieved",
        basis: Basis::Outcomes,
        rows: &[
            count(
                "outcomes.answers",
                "Follow-up contacts (3, 6 and 12 months) and closures",
                "answered",
                &["3", "6", "12", "closing"],
            ),
            count(
                "outcomes.repeat_referrals",
                "Repeat referrals within 12 months of works",
                "repeat",
                &["within_12_months"],
            ),
            stat(
                "outcomes.days_to_installation.average",
                "Average working days from referral to installation",
                Stat::DaysAverage,
            ),
        ],
        partition_of: None,
    },
    SectionSpec {
        code: "felt_safer",
        title: "Does the client feel safer?",
        basis: Basis::FollowUp,
        rows: &[
            count("felt_safer.yes", "Yes", "felt_safer", &["yes"]),
            count("felt_safer.no", "No", "felt_safer", &["no"]),
            count(
                "felt_safer.not_said",
                "Not said",
                "felt_safer",
                &["not_said"],
            ),
        ],
        partition_of: Some("outcomes.answers"),
    },
    SectionSpec {
        code: "still_at_home",
        title: "Is the client still living at home?",
        basis: Basis::FollowUp,
        rows: &[
            count(
                "still_at_home.3_months.yes",
                "At 3 months: yes",
                "at_home_3",
                &["yes"],
            ),
            count(
                "still_at_home.3_months.no",
                "At 3 months: no",
                "at_home_3",
                &["no"],
            ),
            count(
                "still_at_home.3_months.unknown",
                "At 3 months: unknown",
                "at_home_3",
                &["unknown"],
            ),
            count(
                "still_at_home.6_months.yes",
                "At 6 months: yes",
                "at_home_6",
                &["yes"],
            ),
            count(
                "still_at_home.6_months.no",
                "At 6 months: no",
                "at_home_6",
                &["no"],
            ),
            count(
                "still_at_home.6_months.unknown",
                "At 6 months: unknown",
                "at_home_6",
                &["unknown"],
            ),
            count(
                "still_at_home.12_months.yes",
                "At 12 months: yes",
                "at_home_12",
                &["yes"],
            ),
            count(
                "still_at_home.12_months.no",
                "At 12 months: no",
                "at_home_12",
                &["no"],
            ),
            count(
                "still_at_home.12_months.unknown",
                "At 12 months: unknown",
                "at_home_12",
                &["unknown"],
            ),
            count(
                "still_at_home.at_closing.yes",
                "At closing: yes",
                "at_home_closing",
                &["yes"],
            ),
            count(
                "still_at_home.at_closing.no",
                "At closing: no",
                "at_home_closing",
                &["no"],
            ),
            count(
                "still_at_home.at_closing.unknown",
                "At closing: unknown",
                "at_home_closing",
                &["unknown"],
            ),
        ],
        partition_of: Some("outcomes.answers"),
    },
    SectionSpec {
        code: "further_incidents",
        title: "Further incidents since the works",
        basis: Basis::FollowUp,
        rows: &[
            count(
                "further_incidents.yes",
                "Yes",
                "further_incidents",
                &["yes"],
            ),
            count("further_incidents.no", "No", "further_incidents", &["no"]),
            count(
                "further_incidents.unknown",
                "Unknown",
                "further_incidents",
                &["unknown"],
            ),
        ],
        partition_of: Some("outcomes.answers"),
    },
    SectionSpec {
        code: "referrer_feedback",
        title: "Feedback from referring agencies",
        basis: Basis::Feedback,
        rows: &[
            count(
                "feedback.responses",
                "Feedback received",
                "feedback",
                &["response"],
            ),
            stat(
                "feedback.speed.average",
                "Speed: average rating (1 to 5)",
                Stat::FeedbackAverage(crate::feedback::Question::Speed),
            ),
            stat(
                "feedback.communication.average",
                "Communication: average rating (1 to 5)",
                Stat::FeedbackAverage(crate::feedback::Question::Communication),
            ),
            stat(
                "feedback.outcome.average",
                "Outcome: average rating (1 to 5)",
                Stat::FeedbackAverage(crate::feedback::Question::Outcome),
            ),
        ],
        partition_of: None,
    },
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::measures::ReportRow;
    use crate::organisation::ReferralSource;
    use crate::workflow::{CancelReason, DeclineReason};

    fn codes_of_counts() -> Vec<&'static str> {
        SECTIONS
            .iter()
            .flat_map(|s| s.rows)
            .filter(|r| r.kind() == RowKind::Count)
            .map(|r| r.code)
            .collect()
    }

    #[test]
    fn row_codes_are_unique_and_partitions_name_real_rows() {
        let mut codes = HashSet::new();
        for section in SECTIONS {
            for row in section.rows {
                assert!(codes.insert(row.code), "{} twice", row.code);
            }
        }
        for section in SECTIONS {
            if let Some(total) = section.partition_of {
                assert!(codes.contains(total), "{total}");
            }
            for row in section.rows {
                for part in row.group_of {
                    assert!(codes.contains(part), "{part}");
                }
            }
        }
    }

    #[test]
    fn every_vocabulary_value_has_its_row() {
        let values = |dimension: &str| -> HashSet<&str> {
            SECTIONS
                .iter()
                .flat_map(|s| s.rows)
                .filter_map(|r| match r.source {
                    Source::Count(d, v) if d == dimension => Some(v),
                    _ => None,
                })
                .flatten()
                .copied()
                .collect()
        };
        let decisions = values("decision");
        assert!(
            DeclineReason::ALL
                .iter()
                .all(|r| decisions.contains(r.as_str()))
        );
        let cancellations = values("cancellation");
        assert!(
            CancelReason::ALL
                .iter()
                .all(|r| cancellations.contains(r.as_str()))
        );
        let sources = values("source");
        assert!(
            ReferralSource::ALL
                .iter()
                .all(|r| sources.contains(r.as_str()))
        );
        let measures = values("measure");
        let listed: Vec<_> = ReportRow::ALL
            .iter()
            .filter(|r| **r != ReportRow::Other)
            .collect();
        assert_eq!(listed.len(), 18, "the template's 18 measures");
        assert!(listed.iter().all(|r| measures.contains(r.as_str())));
        let orientations = values("sexual_orientation");
        assert!(
            crate::referral::SexualOrientation::ALL
                .iter()
                .all(|o| orientations.contains(o.as_str()))
        );
        for stat in SECTIONS
            .iter()
            .flat_map(|s| s.rows)
            .filter_map(|r| match r.source {
                Source::Stat(stat) => Some(stat),
                Source::Count(..) => None,
            })
        {
            assert!(codes_of_counts().contains(&stat.counted_by()));
        }
        let ethnicities = values("ethnicity");
        assert!(
            crate::referral::Ethnicity::ALL
                .iter()
                .all(|e| ethnicities.contains(e.as_str()))
        );
    }
}
