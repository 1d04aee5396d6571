//! DASH answers on the wire: one optional property per checklist code.

use sanctuary_domain::dash::{DashAnswer, DashAnswers, DashQuestion};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! dash_answers {
    ($($field:ident => $question:ident),+ $(,)?) => {
        /// Answers keyed by checklist code, in police order (q1 injury … q27 criminal
        /// history; see `GET /api/v1/dash-questions` for the short titles).
        #[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct DashAnswersSection {
            $(pub $field: Option<DashAnswer>,)+
        }

        impl DashAnswersSection {
            pub fn to_domain(&self) -> DashAnswers {
                let mut answers = DashAnswers::new();
                $(if let Some(a) = self.$field { answers.insert(DashQuestion::$question, a); })+
                answers
            }

            pub fn from_domain(answers: &DashAnswers) -> Self {
                Self { $($field: answers.get(&DashQuestion::$question).copied(),)+ }
            }
        }
    };
}

dash_answers! {
    q1 => Q1, q2 => Q2, q3 => Q3, q4 => Q4, q5 => Q5, q6 => Q6, q7 => Q7, q8 => Q8, q9 => Q9,
    q10 => Q10, q11 => Q11, q12 => Q12, q13 => Q13, q14 => Q14, q15 => Q15, q16 => Q16,
    q17 => Q17, q18 => Q18, q19 => Q19, q20 => Q20, q21 => Q21, q22 => Q22, q23 => Q23,
    q24 => Q24, q25 => Q25, q26 => Q26, q27 => Q27,
}
