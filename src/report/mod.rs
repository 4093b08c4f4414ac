//! The report as code: a [`ReportSpec`] lists figures (question, measure, unit rules, breakdown,
//! title); running it over a [`Survey`] gives one [`Table`] per figure.
//!
//! [`ReportSpec::doe_democratie_2013`] is the 2013 report: figures 2.2, 2.3, 3.1–3.9, 4.1 and 4.2,
//! the numbered key findings and the size-class breakdowns its text quotes. A user's own
//! specification is the same type, written in code or as JSON ([`ReportSpec::from_json`]; the
//! format is documented in `docs/report-format.md`).
//!
//! Specifications are checked before they run or write anything: unknown keys are refused when
//! JSON is read, and figure ids must be unique plain file-name stems ([`MAX_FIGURE_ID_LEN`]
//! characters at most of ASCII letters, digits, `_`, `-`, `.`, not starting with `.`), because
//! [`Report::write_dir`] names each figure's CSV after its id.

mod file;

use serde::{Deserialize, Serialize};

pub use file::MAX_FIGURE_ID_LEN;
pub(crate) use file::{check_ids, file_in};

use crate::analysis::{self, Options, Table};
use crate::data::Survey;
use crate::error::{Error, Result};

/// What a figure computes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "measure", rename_all = "snake_case")]
pub enum Measure {
    /// [`analysis::frequencies`]: stacked distribution per item.
    Frequencies,
    /// [`analysis::net_shares`] of the named net (e.g. `top2`).
    Net {
        /// Net id of the question's scale.
        net: String,
    },
    /// [`analysis::mentions`]: ranking of a multi-select question.
    Mentions,
}

/// One figure (or key finding) of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "file::FigureFile")]
pub struct FigureSpec {
    /// Identifier, e.g. `fig_3_3` or `kf5`.
    pub id: String,
    /// Title as the report prints it.
    pub title: String,
    /// Question id.
    pub question: String,
    /// The measure.
    #[serde(flatten)]
    pub measure: Measure,
    /// Consolidation rules, breakdown and item selection.
    #[serde(default)]
    pub options: Options,
}

impl FigureSpec {
    /// Why the survey has no data for the figure's question, if it has none: the question is not
    /// in its instrument, or none of the question's columns was in the input.
    fn lacking(&self, survey: &Survey) -> Option<String> {
        let instrument = survey.instrument();
        let Some(qi) = instrument.questions().get_index_of(&self.question) else {
            return Some(format!(
                "question '{}' is not in instrument '{}'",
                file::shown(&self.question),
                instrument.id()
            ));
        };
        let asked = instrument
            .columns()
            .iter()
            .enumerate()
            .any(|(pos, c)| c.question == qi && survey.responses().is_asked(pos));
        (!asked).then(|| {
            format!(
                "question '{}' was not asked: none of its columns is in the data",
                file::shown(&self.question)
            )
        })
    }

    /// [`FigureSpec::run`] when the survey has data for the figure; else the error naming it. A
    /// question the instrument lacks is left to `run`, whose error lists the known ones.
    fn run_if_asked(&self, survey: &Survey) -> Result<Table> {
        let known = survey.instrument().questions().contains_key(&self.question);
        match self.lacking(survey) {
            Some(reason) if known => Err(Error::InvalidArgument {
                name: "survey",
                message: format!("figure '{}': {reason}", file::shown(&self.id)),
            }),
            _ => self.run(survey),
        }
    }

    /// The note for leaving this figure out after `e`, if `e` says the survey lacks what the
    /// figure needs (its question, an item or the net); `None` for any other fault.
    fn skip_for(&self, survey: &Survey, e: &Error) -> Option<SkippedFigure> {
        let reason = match e {
            Error::UnknownId { kind, .. } if matches!(*kind, "item" | "net") => e.to_string(),
            _ => self.lacking(survey)?,
        };
        Some(SkippedFigure {
            figure: self.id.clone(),
            title: self.title.clone(),
            question: self.question.clone(),
            reason,
        })
    }

    /// Computes the figure's table. Errors that come from the figure's question, net, items or
    /// options name the figure (the `figure` of [`Error::UnknownId`], or the message of
    /// [`Error::InvalidArgument`]).
    pub fn run(&self, survey: &Survey) -> Result<Table> {
        let mut table = match &self.measure {
            Measure::Frequencies => analysis::frequencies(survey, &self.question, &self.options),
            Measure::Net { net } => {
                analysis::net_shares(survey, &self.question, net, &self.options)
            }
            Measure::Mentions => analysis::mentions(survey, &self.question, &self.options),
        }
        .map_err(|e| match e {
            Error::InvalidArgument { name, message } => Error::InvalidArgument {
                name,
                message: format!("figure '{}': {message}", file::shown(&self.id)),
            },
            Error::UnknownId {
                kind,
                id,
                known,
                figure: None,
            } => Error::UnknownId {
                kind,
                id,
                known,
                figure: Some(self.id.clone()),
            },
            other => other,
        })?;
        table.id = self.id.clone();
        table.title = self.title.clone();
        Ok(table)
    }
}

/// A list of figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSpec {
    /// Identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// Figures in report order.
    pub figures: Vec<FigureSpec>,
}

/// A computed report: the spec, one table per figure that fits the survey, and the figures left
/// out because their question is not in the survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The specification that was run.
    pub spec: ReportSpec,
    /// One table per figure, in spec order.
    pub tables: Vec<Table>,
    /// The figures left out, in spec order (a run in strict mode fails instead).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedFigure>,
}

/// A figure a report left out: the survey has no data for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkippedFigure {
    /// The figure's id.
    pub figure: String,
    /// The figure's title.
    pub title: String,
    /// The question it needs.
    pub question: String,
    /// Why it was left out, e.g. `question 'attention_change' is not in instrument 'x'`.
    pub reason: String,
}

/// How a report specification is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunOptions {
    /// Fail on the first figure whose question, items or net the survey lacks, naming the
    /// figure (`true`), or leave such figures out and list them in [`Report::skipped`]
    /// (`false`, the default). Other faults of a figure (a breakdown that does not apply, an
    /// invalid option) fail in both modes.
    pub strict: bool,
}

impl ReportSpec {
    /// The 2013 'doe-democratie' report.
    pub fn doe_democratie_2013() -> ReportSpec {
        const JSON: &str = include_str!("doe_democratie_2013.json");
        // Bundled with the crate and run by the tests; failing here is a build defect.
        #[allow(clippy::expect_used)]
        ReportSpec::from_json(JSON).expect("the bundled 2013 report spec is valid")
    }

    /// Reads a specification from JSON and [checks](ReportSpec::check) it. Text that does not
    /// fit the format (including unknown keys) is [`Error::InvalidSpec`] with its line and
    /// column and, when the fault is inside a figure, the figure's id and index.
    pub fn from_json(text: &str) -> Result<ReportSpec> {
        let spec: ReportSpec = serde_json::from_str(text).map_err(|e| format_error(text, &e))?;
        spec.check()?;
        Ok(spec)
    }

    /// Checks the rules the JSON format cannot express: every figure id is a unique, plain
    /// file-name stem (see the [module docs](self)). [`ReportSpec::from_json`] and
    /// [`ReportSpec::run`] call it; call it yourself on a specification built in code.
    pub fn check(&self) -> Result<()> {
        file::check_ids(self.figures.iter().map(|f| f.id.as_str()), "figures")
    }

    /// The specification as pretty-printed JSON.
    #[allow(clippy::expect_used)] // plain data with string keys: serialising cannot fail
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("report specs always serialise") + "\n"
    }

    /// A figure by id.
    pub fn figure(&self, id: &str) -> Result<&FigureSpec> {
        self.figures
            .iter()
            .find(|f| f.id == id)
            .ok_or_else(|| Error::unknown("figure", id, self.figures.iter().map(|f| f.id.as_str())))
    }

    /// [Checks](ReportSpec::check) the specification and runs every figure over `survey`.
    pub fn run(&self, survey: &Survey) -> Result<Report> {
        self.run_with(survey, &RunOptions::default())
    }

    /// Computes every figure over `survey`. A figure whose question is not in the survey's
    /// instrument, whose question was not asked in the data, or whose items or net the question
    /// lacks (a later wave that dropped or changed a question) is left out and listed in
    /// [`Report::skipped`]; with `options.strict` it is an error naming the figure.
    pub fn run_with(&self, survey: &Survey, options: &RunOptions) -> Result<Report> {
        self.check()?;
        let mut tables = Vec::with_capacity(self.figures.len());
        let mut skipped = Vec::new();
        for figure in &self.figures {
            match figure.run_if_asked(survey) {
                Ok(table) => tables.push(table),
                Err(e) if !options.strict => match figure.skip_for(survey, &e) {
                    Some(skip) => skipped.push(skip),
                    None => return Err(e),
                },
                Err(e) => return Err(e),
            }
        }
        Ok(Report {
            spec: self.clone(),
            tables,
            skipped,
        })
    }
}

/// The parser's error as [`Error::InvalidSpec`], naming the figure it occurred in: the figures are
/// re-read one by one from the parsed value, and the first that fails with the same message is
/// the one at fault (a fault outside the figures names none).
fn format_error(text: &str, e: &serde_json::Error) -> Error {
    let (line, column) = (e.line(), e.column());
    let full = e.to_string();
    let what = full
        .strip_suffix(&format!(" at line {line} column {column}"))
        .unwrap_or(&full);
    let figure = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|value| failing_figure(&value, what));
    Error::InvalidSpec {
        line: Some(line),
        column: Some(column),
        message: match figure {
            Some(figure) => format!("{figure}: {what}"),
            None => what.to_string(),
        },
    }
}

/// The label of the first figure of `spec` that fails to deserialise with message `what`.
fn failing_figure(spec: &serde_json::Value, what: &str) -> Option<String> {
    let figures = spec.get("figures")?.as_array()?;
    let (i, f) = figures
        .iter()
        .enumerate()
        .find(|(_, f)| FigureSpec::deserialize(*f).is_err())?;
    let message = FigureSpec::deserialize(f).err()?.to_string();
    (message == what).then(|| {
        let id = f.get("id").and_then(|id| id.as_str()).unwrap_or("");
        file::figure_label("figures", i, id)
    })
}

impl Report {
    /// The table of one figure.
    pub fn table(&self, id: &str) -> Result<&Table> {
        self.tables
            .iter()
            .find(|t| t.id == id)
            .ok_or_else(|| Error::unknown("figure", id, self.tables.iter().map(|t| t.id.as_str())))
    }
}
