//! Consolidation: several respondents of one municipality merged into one answer pattern per
//! municipality ("waar mogelijk één antwoordpatroon per gemeente", §1.4 of the 2013 report).
//!
//! The report does not say how conflicting answers were merged (see `inconsistencies.md`, C3), so
//! the rule is a choice, made per question by a [`Policy`] and collected in [`Rules`]. Whatever the
//! policy, the result is a [`WeightedColumn`]: a long form of `(unit, code, weight)` entries that
//! every measure consumes the same way (a weighted count per code), so downstream code does not
//! care which policy produced it.
//!
//! # Terms
//!
//! - A *substantive* answer is a category of the question's scale; its *position* is its index in
//!   the scale's category order (for the frequency scale 1 Vaak = 0, …, 4 Niet = 3).
//! - A *missing* answer is a missing code of the scale ('Weet niet' …); it *counts in the base*
//!   when its `in_base` is set (the yes/no/dk scale's 'Weet niet'), otherwise not.
//! - An empty cell is no answer at all and never produces an entry.
//! - A 0/1 flag column (a multi-select option) has two substantive "categories", 0 and 1, in that
//!   order (position = code), and no missing codes.
//! - **The missing rule**: when a policy finds no answer to pick from but some respondents gave a
//!   missing code, the municipality gets one entry with the most frequent missing code among
//!   them (tie → the lowest code), weight 1.
//!
//! # Policies
//!
//! | policy | result per municipality |
//! |---|---|
//! | [`Split`](Policy::Split) | the respondents whose answer counts in the base share weight 1 equally: one entry per distinct code, in scale order, with weight `count / k` (`k` = respondents counting in the base; should rounding make the sum differ from 1.0, the last entry takes `1 − sum of the others`, so a municipality always weighs exactly 1.0); not-in-base missing answers drop out; none counts → missing rule |
//! | [`AnyYes`](Policy::AnyYes) | the scale's first category (ja) if anyone gave it, else the second (nee), else the missing rule; flags: 1 if anyone picked it, else 0 |
//! | [`Median`](Policy::Median) | the median position of the substantive answers; an even count takes the floor of the mean of the two middle positions (1 and 3 → 2; 1 and 2 → 1, i.e. the lower middle when the middles are adjacent; on scales whose codes follow their positions this is `floor(median(answers other than weet niet))`) |
//! | [`Max`](Policy::Max) | the highest position among the substantive answers (the last in scale order) |
//! | [`Mode`](Policy::Mode) | the most frequent substantive answer; tie → the lower position |
//! | [`PreferRole`](Policy::PreferRole) | the substantive answer of the respondent whose role ranks highest in the instrument's role list; tie → first in input order |
//!
//! All but `Split` give one entry of weight 1 and fall back on the missing rule when nobody gave
//! a substantive answer ('Weet niet' is ignored as long as somebody gave a substantive answer).
//!
//! Questions whose [`Unit`] is `Respondent` are not consolidated: every
//! answering respondent gives one entry of weight 1. Open-text columns cannot be consolidated.
//!
//! ```
//! use doe_democratie::consolidate::{consolidate, Policy, Rules};
//! use doe_democratie::{Instrument, Survey};
//!
//! let inst = Instrument::doe_democratie_2013();
//! let csv = "respondent_id,municipality,strategy_use.seed_money\n\
//!            r1,GM0001,1\nr2,GM0001,3\nr3,GM0002,2\n";
//! let survey = Survey::read_csv_str(csv, &inst, &Default::default()).unwrap();
//!
//! // The default splits GM0001's weight between its two respondents.
//! let split = consolidate(&survey, "strategy_use.seed_money", &Rules::default()).unwrap();
//! assert_eq!(split.units, vec![0, 0, 1]);
//! assert_eq!(split.codes, vec![1, 3, 2]);
//! assert_eq!(split.weights, vec![0.5, 0.5, 1.0]);
//!
//! // The median of Vaak (1) and Soms (3) is Met enige regelmaat (2).
//! let rules = Rules::default().with(&inst, "strategy_use", Policy::Median).unwrap();
//! let median = consolidate(&survey, "strategy_use.seed_money", &rules).unwrap();
//! assert_eq!((median.codes, median.weights), (vec![2, 2], vec![1.0, 1.0]));
//! ```

mod groups;
mod kernel;
mod provenance;
mod wide;

use std::fmt;
use std::str::FromStr;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::instrument::{Instrument, Question, QuestionKind, Unit};

pub use groups::Groups;
pub use kernel::{
    consolidate, consolidate_all, consolidate_into_sink, consolidate_position,
    consolidate_with_groups, AnswerSink, WeightedColumn,
};
pub use provenance::{disagreements, provenance, Disagreement, Provenance};
pub use wide::consolidated_table;

/// How the answers of several respondents of one municipality become the municipality's answer.
/// See the [module documentation](self) for the exact rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Respondents whose answer counts in the base share weight 1 equally (fractional counts).
    /// The default for coded municipality questions.
    Split,
    /// Ja if any respondent says ja, else nee, else the missing code; for flags 1 if any
    /// respondent picked the option. The default for multi-select municipality questions.
    AnyYes,
    /// Median position of the substantive answers; even counts take the floor of the mean of the
    /// two middle positions (1 and 3 → 2; 1 and 2 → 1).
    Median,
    /// Highest position (last in scale order) among the substantive answers.
    Max,
    /// Most frequent substantive answer; tie → the lower position.
    Mode,
    /// The answer of the respondent with the highest-ranking role; tie → first in input order.
    PreferRole,
}

impl Policy {
    /// Every policy, in declaration order.
    pub const ALL: [Policy; 6] = [
        Policy::Split,
        Policy::AnyYes,
        Policy::Median,
        Policy::Max,
        Policy::Mode,
        Policy::PreferRole,
    ];

    /// The snake_case name used in files and by Python: `split`, `any_yes`, `median`, `max`,
    /// `mode`, `prefer_role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Split => "split",
            Policy::AnyYes => "any_yes",
            Policy::Median => "median",
            Policy::Max => "max",
            Policy::Mode => "mode",
            Policy::PreferRole => "prefer_role",
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Policy {
    type Err = Error;

    /// Parses a name as [`Policy::as_str`] writes it (surrounding space ignored).
    fn from_str(s: &str) -> Result<Policy> {
        let t = s.trim();
        Policy::ALL
            .into_iter()
            .find(|p| p.as_str() == t)
            .ok_or_else(|| Error::InvalidArgument {
                name: "policy",
                message: format!(
                    "unknown policy '{s}'; expected one of {}",
                    Policy::ALL.map(Policy::as_str).join(", ")
                ),
            })
    }
}

/// Which [`Policy`] consolidates each question: a default by question kind, with per-question
/// overrides.
///
/// Defaults ([`Rules::default_policy`]): coded (single-choice and grid) municipality questions
/// [`Policy::Split`], multi-select municipality questions [`Policy::AnyYes`]; respondent-unit and
/// open-text questions none. Serialises as `{"overrides": {"<question id>": "<policy>"}}`.
///
/// ```
/// use doe_democratie::consolidate::{Policy, Rules};
/// use doe_democratie::Instrument;
/// let inst = Instrument::doe_democratie_2013();
/// let rules = Rules::default()
///     .with(&inst, "forms_occurrence", Policy::AnyYes).unwrap()
///     .with(&inst, "strategy_use", Policy::Median).unwrap();
/// assert_eq!(rules.policy_for(inst.question("strategy_use").unwrap()), Some(Policy::Median));
/// assert_eq!(rules.policy_for(inst.question("challenges").unwrap()), Some(Policy::Split));
/// assert_eq!(rules.policy_for(inst.question("support_need").unwrap()), None);
/// // 'any yes' needs a scale with exactly two categories.
/// assert!(Rules::default().with(&inst, "strategy_use", Policy::AnyYes).is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default)]
    overrides: IndexMap<String, Policy>,
}

impl Rules {
    /// The policy a question gets without an override: `Split` for coded municipality questions,
    /// `AnyYes` for multi-select municipality questions, `None` for respondent-unit and open-text
    /// questions.
    pub fn default_policy(question: &Question) -> Option<Policy> {
        if question.unit == Unit::Respondent {
            return None;
        }
        match question.kind {
            QuestionKind::SingleChoice { .. } | QuestionKind::Grid { .. } => Some(Policy::Split),
            QuestionKind::MultiSelect { .. } => Some(Policy::AnyYes),
            QuestionKind::OpenText => None,
        }
    }

    /// These rules with `policy` for `question` (replacing an earlier override of it), checked
    /// against `instrument`: an unknown question is [`Error::UnknownId`]; a respondent-unit or
    /// open-text question, or `AnyYes` on a scale without exactly two categories, is
    /// [`Error::InvalidArgument`].
    pub fn with(
        mut self,
        instrument: &Instrument,
        question: &str,
        policy: Policy,
    ) -> Result<Rules> {
        check_policy(instrument, question, policy)?;
        self.overrides.insert(question.to_string(), policy);
        Ok(self)
    }

    /// Checks every override against `instrument` as [`Rules::with`] does (for rules read from a
    /// file).
    pub fn check(&self, instrument: &Instrument) -> Result<()> {
        self.overrides
            .iter()
            .try_for_each(|(q, &p)| check_policy(instrument, q, p))
    }

    /// The overrides, question id → policy, in the order they were set.
    pub fn overrides(&self) -> &IndexMap<String, Policy> {
        &self.overrides
    }

    /// The policy that consolidates `question`: its override if any, else the default by kind;
    /// `None` for respondent-unit and open-text questions, which are never consolidated.
    pub fn policy_for(&self, question: &Question) -> Option<Policy> {
        let default = Self::default_policy(question)?;
        Some(self.overrides.get(&question.id).copied().unwrap_or(default))
    }
}

/// Whether `policy` can consolidate `question` of `instrument`.
fn check_policy(instrument: &Instrument, question: &str, policy: Policy) -> Result<()> {
    let q = instrument.question(question)?;
    let invalid = |message: String| Error::InvalidArgument {
        name: "policy",
        message,
    };
    if matches!(q.kind, QuestionKind::OpenText) {
        return Err(invalid(format!(
            "question '{question}' is open text, which is not consolidated"
        )));
    }
    if q.unit == Unit::Respondent {
        return Err(invalid(format!(
            "question '{question}' is analysed per respondent (unit 'respondent'), so no \
             consolidation policy applies"
        )));
    }
    if policy == Policy::AnyYes {
        if let Some(scale) = instrument.scale_of(q) {
            let n = scale.categories().len();
            if n != 2 {
                return Err(invalid(format!(
                    "'any_yes' needs a scale with exactly 2 categories (ja/nee); scale '{}' of \
                     question '{question}' has {n}",
                    scale.id()
                )));
            }
        }
    }
    Ok(())
}

/// `i` as a `u32`. Units, ranks and group slots are stored as `u32` (half the memory of `usize`
/// on the long form's hot paths); a count past `u32::MAX` is refused rather than wrapped.
/// `name` is the argument at fault and `what` says what was counted, for the message.
pub(crate) fn to_u32(i: usize, name: &'static str, what: &str) -> Result<u32> {
    u32::try_from(i).map_err(|_| Error::InvalidArgument {
        name,
        message: format!("{i} {what} is more than the {} supported", u32::MAX),
    })
}
