//! Which action moves a case from which status to which: the state machine's table.

use crate::case::CaseStatus;
use crate::policy::Action;

/// An action not possible in the case's current status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{action}` is not possible while the case is `{status}`")]
pub struct IllegalTransition {
    pub action: Action,
    pub status: CaseStatus,
}
/// Statuses from which works can still be cancelled.
fn before_works_complete(status: CaseStatus) -> bool {
    use CaseStatus::*;
    matches!(
        status,
        Accepted | Assessment | Assessed | WorksApproved | WorksOrdered | WorksInProgress
    )
}

/// Statuses in which an assessor holds the case (assigned, the case open).
fn assessor_assigned(status: CaseStatus) -> bool {
    use CaseStatus::*;
    matches!(
        status,
        Assessment
            | Assessed
            | WorksApproved
            | WorksOrdered
            | WorksInProgress
            | WorksCompleted
            | FollowUp
    )
}

/// Statuses in which a contractor holds an unfinished works order.
fn works_underway(status: CaseStatus) -> bool {
    matches!(
        status,
        CaseStatus::WorksOrdered | CaseStatus::WorksInProgress
    )
}

/// The status `action` leads to from `status` (`held_from`: where an on-hold case was).
pub fn next_status(
    status: CaseStatus,
    held_from: Option<CaseStatus>,
    action: Action,
) -> Result<CaseStatus, IllegalTransition> {
    use Action as A;
    use CaseStatus as S;
    let illegal = || IllegalTransition { action, status };
    let next = match (action, status) {
        (A::Accept, S::Received) => S::Accepted,
        (A::Decline, S::Received) => S::Declined,
        (A::AssignAssessor, S::Accepted) => S::Assessment,
        (A::RecordAssessment, S::Assessment) => S::Assessed,
        (A::ApproveWorks, S::Assessed) => S::WorksApproved,
        (A::OrderWorks, S::WorksApproved) => S::WorksOrdered,
        (A::StartWorks, S::WorksOrdered) => S::WorksInProgress,
        (A::CompleteWorks, S::WorksInProgress) => S::WorksCompleted,
        (A::RecordFollowUpVisit, S::WorksCompleted) => S::FollowUp,
        (A::Close, S::WorksCompleted | S::FollowUp) => S::Closed,
        (A::Cancel, s) if before_works_complete(s) => S::Cancelled,
        (A::Cancel, S::OnHold) if held_from.is_some_and(before_works_complete) => S::Cancelled,
        (A::Hold, s) if s.is_open() && s != S::OnHold => S::OnHold,
        (A::Resume, S::OnHold) => held_from.ok_or_else(illegal)?,
        (A::Withdraw, s) if s.is_open() => S::Withdrawn,
        // After the works: remedial works, reviews and removals of what was fitted (a
        // removal or a review also once the case has closed).
        (
            A::OrderRemedialWorks | A::CompleteRemedialWorks,
            s @ (S::WorksCompleted | S::FollowUp),
        ) => s,
        (
            A::RecordEquipmentReview | A::OrderRemoval | A::RecordRemoval,
            s @ (S::WorksCompleted | S::FollowUp | S::Closed),
        ) => s,
        // Visits: whether one is due at this stage is the domain's (`visits::due`); a
        // removal may bring a contractor back after the close.
        (A::BookVisit | A::RecordVisitOutcome, s) if s.is_open() || s == S::Closed => s,
        // An urgent case's interim measures come before (or without) an assessment.
        (A::OrderInterimMeasures, s @ (S::Received | S::Accepted)) => s,
        (A::OrderInterimMeasures, S::OnHold)
            if matches!(held_from, Some(S::Received | S::Accepted)) =>
        {
            S::OnHold
        }
        (A::RecordInterimMeasuresFitted | A::RecordEmergencyAccommodation, s) if s.is_open() => s,
        // Reassigning changes who holds the case, not where it is (held cases too).
        (A::ReassignAssessor, s) if assessor_assigned(s) => s,
        (A::ReassignAssessor, S::OnHold) if held_from.is_some_and(assessor_assigned) => S::OnHold,
        (A::ReassignContractor, s) if works_underway(s) => s,
        (A::ReassignContractor, S::OnHold) if held_from.is_some_and(works_underway) => S::OnHold,
        // Recording without moving the case. A consent can change at any time.
        (
            A::RecordContact
            | A::RecordRiskAssessment
            | A::RecordReferralMade
            | A::RecordSafeguardingDecision
            | A::RecordLandlordPermission,
            s,
        ) if s.is_open() => s,
        // The register outlives the case by the scheme's months: whether an entry
        // stands is the register's rule (`register::action_applies`), not the status's.
        (
            A::RecordConsent | A::SetLegalHold | A::ReviewRegisterEntry | A::RemoveRegisterEntry,
            s,
        ) => s,
        (A::RecordFireCheck | A::RecordFollowUpContact, s @ (S::WorksCompleted | S::FollowUp)) => s,
        // A closed case opened again goes back to acceptance (the window is the domain's).
        (A::Reopen, S::Closed) => S::Accepted,
        // The follow-up contacts the client consented to outlive the case.
        (A::RecordFollowUpContact, S::Closed) => S::Closed,
        _ => return Err(illegal()),
    };
    Ok(next)
}

/// Every case action possible in `status`, whoever may take it.
pub fn possible_actions(status: CaseStatus, held_from: Option<CaseStatus>) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| a.is_case_action() && next_status(status, held_from, *a).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;
    use CaseStatus as S;

    /// The intended table, written out: (status, action, next).
    const MOVES: &[(S, A, S)] = &[
        (S::Closed, A::Reopen, S::Accepted),
        (S::Received, A::Accept, S::Accepted),
        (S::Received, A::Decline, S::Declined),
        (S::Accepted, A::AssignAssessor, S::Assessment),
        (S::Assessment, A::RecordAssessment, S::Assessed),
        (S::Assessed, A::ApproveWorks, S::WorksApproved),
        (S::WorksApproved, A::OrderWorks, S::WorksOrdered),
        (S::WorksOrdered, A::StartWorks, S::WorksInProgress),
        (S::WorksInProgress, A::CompleteWorks, S::WorksCompleted),
        (S::WorksCompleted, A::RecordFollowUpVisit, S::FollowUp),
        (S::WorksCompleted, A::Close, S::Closed),
        (S::FollowUp, A::Close, S::Closed),
    ];

    fn expected(status: S, held_from: Option<S>, action: A) -> Option<S> {
        if let Some(&(_, _, next)) = MOVES.iter().find(|(s, a, _)| *s == status && *a == action) {
            return Some(next);
        }
        let open = status.is_open();
        let before_complete = |s: S| {
            matches!(
                s,
                S::Accepted
                    | S::Assessment
                    | S::Assessed
                    | S::WorksApproved
                    | S::WorksOrdered
                    | S::WorksInProgress
            )
        };
        let assessed = |s: S| {
            matches!(
                s,
                S::Assessment
                    | S::Assessed
                    | S::WorksApproved
                    | S::WorksOrdered
                    | S::WorksInProgress
                    | S::WorksCompleted
                    | S::FollowUp
            )
        };
        let underway = |s: S| matches!(s, S::WorksOrdered | S::WorksInProgress);
        let held_or = |test: &dyn Fn(S) -> bool| {
            test(status) || (status == S::OnHold && held_from.is_some_and(test))
        };
        let early = |s: S| matches!(s, S::Received | S::Accepted);
        let after_works = matches!(status, S::WorksCompleted | S::FollowUp);
        match action {
            A::OrderRemedialWorks | A::CompleteRemedialWorks if after_works => Some(status),
            A::RecordEquipmentReview | A::OrderRemoval | A::RecordRemoval
                if after_works || status == S::Closed =>
            {
                Some(status)
            }
            A::BookVisit | A::RecordVisitOutcome if open || status == S::Closed => Some(status),
            A::OrderInterimMeasures if held_or(&early) => Some(status),
            A::RecordInterimMeasuresFitted | A::RecordEmergencyAccommodation if open => {
                Some(status)
            }
            A::ReassignAssessor if held_or(&assessed) => Some(status),
            A::ReassignContractor if held_or(&underway) => Some(status),
            A::Hold if open && status != S::OnHold => Some(S::OnHold),
            A::Resume if status == S::OnHold => held_from,
            A::Withdraw if open => Some(S::Withdrawn),
            A::Cancel
                if before_complete(status)
                    || (status == S::OnHold && held_from.is_some_and(before_complete)) =>
            {
                Some(S::Cancelled)
            }
            A::RecordContact
            | A::RecordRiskAssessment
            | A::RecordReferralMade
            | A::RecordSafeguardingDecision
            | A::RecordLandlordPermission
                if open =>
            {
                Some(status)
            }
            A::RecordConsent
            | A::SetLegalHold
            | A::ReviewRegisterEntry
            | A::RemoveRegisterEntry => Some(status),
            A::RecordFireCheck | A::RecordFollowUpContact
                if matches!(status, S::WorksCompleted | S::FollowUp) =>
            {
                Some(status)
            }
            A::RecordFollowUpContact if status == S::Closed => Some(status),
            _ => None,
        }
    }

    #[test]
    fn every_status_and_action_pair_behaves_as_the_table_says() {
        let mut checked = 0;
        for &status in S::ALL {
            let helds: Vec<Option<S>> = if status == S::OnHold {
                S::ALL
                    .iter()
                    .filter(|s| s.is_open() && **s != S::OnHold)
                    .map(|s| Some(*s))
                    .collect()
            } else {
                vec![None]
            };
            for held_from in helds {
                for &action in A::ALL.iter().filter(|a| a.is_case_action()) {
                    let got = next_status(status, held_from, action).ok();
                    assert_eq!(
                        got,
                        expected(status, held_from, action),
                        "{status} (held from {held_from:?}) + {action}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 200, "{checked} combinations");
    }

    #[test]
    fn a_closed_case_takes_its_follow_up_contacts() {
        assert_eq!(
            possible_actions(S::Closed, None),
            [
                A::RecordFollowUpContact,
                A::RecordEquipmentReview,
                A::OrderRemoval,
                A::RecordRemoval,
                A::Reopen,
                A::BookVisit,
                A::RecordVisitOutcome,
                A::RecordConsent,
                A::SetLegalHold,
                A::ReviewRegisterEntry,
                A::RemoveRegisterEntry
            ]
        );
    }

    #[test]
    fn terminal_cases_allow_nothing_but_recording_consent_and_the_register() {
        for status in [S::Declined, S::Cancelled, S::Withdrawn] {
            assert_eq!(
                possible_actions(status, None),
                [
                    A::RecordConsent,
                    A::SetLegalHold,
                    A::ReviewRegisterEntry,
                    A::RemoveRegisterEntry
                ],
                "{status}"
            );
        }
    }

    #[test]
    fn resume_returns_to_where_the_case_was() {
        for &from in S::ALL.iter().filter(|s| s.is_open() && **s != S::OnHold) {
            let held = next_status(from, None, A::Hold).unwrap();
            assert_eq!(held, S::OnHold);
            assert_eq!(next_status(held, Some(from), A::Resume), Ok(from));
        }
        assert!(next_status(S::OnHold, None, A::Resume).is_err());
    }

    #[test]
    fn works_can_be_cancelled_only_before_they_complete() {
        assert!(next_status(S::WorksInProgress, None, A::Cancel).is_ok());
        assert!(next_status(S::WorksCompleted, None, A::Cancel).is_err());
        assert!(
            next_status(S::Received, None, A::Cancel).is_err(),
            "a referral is declined, not cancelled"
        );
        assert!(next_status(S::OnHold, Some(S::WorksOrdered), A::Cancel).is_ok());
        assert!(next_status(S::OnHold, Some(S::FollowUp), A::Cancel).is_err());
    }

    #[test]
    fn an_illegal_move_names_the_status() {
        let err = next_status(S::Received, None, A::StartWorks).unwrap_err();
        assert_eq!(err.status, S::Received);
        assert_eq!(
            err.to_string(),
            "`start_works` is not possible while the case is `received`"
        );
    }

    #[test]
    fn the_happy_path_reaches_closed() {
        let path = [
            A::Accept,
            A::AssignAssessor,
            A::RecordAssessment,
            A::ApproveWorks,
            A::OrderWorks,
            A::StartWorks,
            A::CompleteWorks,
            A::RecordFollowUpVisit,
            A::Close,
        ];
        let end = path
            .iter()
            .try_fold(S::Received, |s, a| next_status(s, None, *a))
            .unwrap();
        assert_eq!(end, S::Closed);
    }
}
