//! The measures, weighting and answer summaries as methods of [`Survey`], so that
//! `survey.frequencies(…)` reads as the front door while the data layer knows nothing of the
//! analysis built on it.

use serde::{Deserialize, Serialize};

use indexmap::IndexMap;

use super::{Attribute, DataWarning, Options, RakeOptions, Representativeness, Table, Weights};
use crate::analysis;
use crate::data::{Frame, Problem, ProblemKind, Survey, ValidationReport};
use crate::error::Result;
use crate::instrument::{ColumnKind, NO_ANSWER};

/// Answer counts of one data column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemSummary {
    /// Column name, `<question>.<item>` or `<question>`.
    pub column: String,
    /// Question id.
    pub question: String,
    /// Item id, for grids and multi-select options.
    pub item: Option<String>,
    /// Whether the column was in the input at all (absent = not asked, every cell missing).
    pub asked: bool,
    /// Substantive answers (for a multi-select option: 0 or 1; for open text: non-empty).
    pub answered: usize,
    /// Answers with a missing code such as 'weet niet'.
    pub dont_know: usize,
    /// Empty cells (all respondents when the column was not asked).
    pub missing: usize,
    /// For multi-select options: how many respondents picked it.
    pub picked: Option<usize>,
    /// Answers dropped from this column when the data were read leniently (invalid codes,
    /// a multi-select question's picks beyond its limit, booleans out of place); they are
    /// counted in `missing`.
    #[serde(default)]
    pub dropped: usize,
}

/// A problem that cost the answer of the column it names.
fn drops_answer(kind: ProblemKind) -> bool {
    matches!(
        kind,
        ProblemKind::InvalidCode | ProblemKind::TooManyPicks | ProblemKind::WrongType
    )
}

/// A problem that skipped a respondent's row, and with it every answer on it.
fn skips_row(p: &Problem) -> bool {
    match p.kind {
        ProblemKind::DuplicateRespondent
        | ProblemKind::MissingRespondentId
        | ProblemKind::MissingMunicipality => true,
        // A ragged row (fields ≠ header) is left out; a file-level fault has no data row.
        ProblemKind::Malformed => p.row.is_some_and(|r| r > 1),
        _ => false,
    }
}

/// Whether `column` (a problem's) is `question`'s: the question itself (a single-choice
/// column, or a multi-select question's pick limit) or one of its `<question>.<item>` columns.
fn of_question(column: &str, question: &str) -> bool {
    column == question
        || column
            .strip_prefix(question)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// How many answers of `column` (of question `question`) reading the data dropped.
fn dropped_from(report: &ValidationReport, question: &str, column: &str) -> usize {
    report
        .problems
        .iter()
        .filter(|p| drops_answer(p.kind))
        .filter(|p| {
            let named = p.column.as_deref().map(|c| report.instrument_column(c));
            match p.kind {
                // A pick limit names the question; it empties each of its option columns.
                ProblemKind::TooManyPicks => named == Some(question),
                _ => named == Some(column),
            }
        })
        .count()
}

/// What reading the data dropped of `question`'s answers: per column and reason, then the rows
/// skipped per reason. Empty after a strict read.
pub(crate) fn data_warnings(survey: &Survey, question: &str) -> Vec<DataWarning> {
    let report = survey.validation_report();
    let mut counts: IndexMap<(Option<String>, ProblemKind), usize> = IndexMap::new();
    for p in &report.problems {
        let column = p.column.as_deref().map(|c| report.instrument_column(c));
        let key = match column {
            Some(c) if drops_answer(p.kind) && of_question(c, question) => {
                (Some(c.to_string()), p.kind)
            }
            _ if skips_row(p) => (None, p.kind),
            _ => continue,
        };
        *counts.entry(key).or_default() += 1;
    }
    // Dropped answers first (in file order of their first problem), skipped rows last.
    let (mut answers, rows): (Vec<_>, Vec<_>) = counts
        .into_iter()
        .map(|((column, reason), count)| DataWarning {
            column,
            reason,
            count,
        })
        .partition(|w| w.column.is_some());
    answers.extend(rows);
    answers
}

impl Survey {
    /// [`analysis::frequencies`] of a coded question.
    pub fn frequencies(&self, question: &str, options: &Options) -> Result<Table> {
        analysis::frequencies(self, question, options)
    }

    /// [`analysis::net_shares`] (e.g. the top-2 box) of a coded question.
    pub fn net_shares(&self, question: &str, net: &str, options: &Options) -> Result<Table> {
        analysis::net_shares(self, question, net, options)
    }

    /// [`analysis::mean_scores`]: the mean category code of every item of an ordinal question.
    pub fn mean_scores(&self, question: &str, options: &Options) -> Result<Table> {
        analysis::mean_scores(self, question, options)
    }

    /// [`analysis::mentions`]: the mention ranking of a multi-select question.
    pub fn mentions(&self, question: &str, options: &Options) -> Result<Table> {
        analysis::mentions(self, question, options)
    }

    /// Answered / 'weet niet' / missing counts for every data column, in questionnaire order.
    pub fn item_summary(&self) -> Vec<ItemSummary> {
        let n = self.n_respondents();
        let questions = self.instrument().questions();
        self.instrument()
            .columns()
            .iter()
            .enumerate()
            .filter_map(|(pos, col)| {
                // A validated instrument's columns always name an existing question and item.
                let (_, q) = questions.get_index(col.question)?;
                let item = col
                    .item
                    .and_then(|i| q.items().get(i))
                    .map(|i| i.id.clone());
                let asked = self.responses().is_asked(pos);
                let (mut answered, mut dont_know, mut picked) = (0, 0, None);
                match (col.kind, self.responses().codes(pos)) {
                    (ColumnKind::Text, _) => {
                        let cells = self.responses().text(pos).unwrap_or_default();
                        answered = cells.iter().filter(|c| c.is_some()).count();
                    }
                    (ColumnKind::Flag, Some(codes)) => {
                        answered = codes.iter().filter(|&&c| c != NO_ANSWER).count();
                        picked = Some(codes.iter().filter(|&&c| c == 1).count());
                    }
                    (ColumnKind::Coded, Some(codes)) => {
                        let scale = self.instrument().scale_of(q)?;
                        for &c in codes {
                            if c == NO_ANSWER {
                                continue;
                            }
                            if scale.is_substantive(c) {
                                answered += 1;
                            } else {
                                dont_know += 1;
                            }
                        }
                    }
                    (_, None) => return None,
                }
                let dropped = dropped_from(self.validation_report(), &q.id, &col.name);
                Some(ItemSummary {
                    dropped,
                    column: col.name.clone(),
                    question: q.id.clone(),
                    item,
                    asked,
                    answered,
                    dont_know,
                    missing: n - answered - dont_know,
                    picked,
                })
            })
            .collect()
    }

    /// [`analysis::post_stratify`]: municipality weights N_h / n_h over the frame's strata of
    /// `by`.
    pub fn post_stratify(&self, frame: &Frame, by: Attribute) -> Result<Weights> {
        analysis::post_stratify(self, frame, by)
    }

    /// [`analysis::rake`]: municipality weights raked to the frame's margins.
    pub fn rake(&self, frame: &Frame, options: &RakeOptions) -> Result<Weights> {
        analysis::rake(self, frame, options)
    }

    /// [`analysis::representativeness`]: the responding municipalities against the frame's
    /// margin of `by`, with a χ² goodness-of-fit test.
    pub fn representativeness(&self, frame: &Frame, by: Attribute) -> Result<Representativeness> {
        analysis::representativeness(self, frame, by)
    }
}
