//! A risk reassessment: the level in force, the risk flags it decides, its record.

use time::OffsetDateTime;

use super::super::command::{CaseSnapshot, RiskInput};
use super::super::effects::{Effects, NoteKind, Record};
use super::super::refusal::{ActionError, invalid};
use crate::calendar::london;
use crate::case::CaseFlag;
use crate::risk::{self, RISK_FLAGS, RiskFlagFacts, risk_flags};
use crate::violation::ViolationCode;

pub(super) fn reassess(
    case: &CaseSnapshot,
    input: RiskInput,
    at: OffsetDateTime,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    let score = input.dash.score();
    let outcome = risk::level(&case.settings.risk_bands, score, input.judgement).map_err(|by_score| {
        invalid(
            "/professional_judgement",
            ViolationCode::ContradictsAnswer,
            format!("professional judgement may raise the level, never lower it below the score's ({by_score})"),
        )
    })?;
    let (marac_referred, marac_date) = match &input.marac {
        Some(m) => (m.referred, m.meeting_date.or(case.risk.marac_date)),
        None => (
            case.risk.marac_referred.unwrap_or(false),
            case.risk.marac_date,
        ),
    };
    let today = london::local_date(at);
    let mut flags: Vec<CaseFlag> = case
        .flags
        .iter()
        .copied()
        .filter(|f| !RISK_FLAGS.contains(f))
        .collect();
    let facts = RiskFlagFacts {
        level: outcome.level,
        score,
        marac_referred,
        marac_date,
        care_and_support_needs: case.risk.care_and_support_needs,
        safeguarding_referred: case.risk.safeguarding_referred,
        incidents_last_12_months: input.incidents_last_12_months,
        new_incident: input.new_incident,
    };
    flags.extend(risk_flags(
        case.settings.escalation_incidents,
        &facts,
        today,
    ));
    fx.flags = Some(flags);
    fx.changes.risk_level = Some(outcome.level);
    fx.changes.dash_score = Some(score);
    fx.changes.marac_referred = Some(marac_referred);
    fx.changes.marac_date = input.marac.as_ref().and_then(|m| m.meeting_date);
    if let Some(level) = outcome.level {
        fx.data("level", level);
    }
    if let Some(score) = score {
        fx.data("dash_score", score);
    }
    fx.records.push(Record::RiskAssessment {
        dash: input.dash,
        judgement: input.judgement,
        level: outcome.level,
        incidents_last_12_months: input.incidents_last_12_months,
        marac_referred: input.marac.as_ref().map(|m| m.referred),
        marac_date: input.marac.as_ref().and_then(|m| m.meeting_date),
        new_incident: input.new_incident,
    });
    fx.note(NoteKind::RiskAssessment, input.notes);
    Ok(())
}
