//! Validation problems found while reading respondent data.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What kind of problem a data cell, row or file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A column the instrument does not define.
    UnknownColumn,
    /// A required column (`respondent_id`, `municipality`) is absent.
    MissingColumn,
    /// A column name appears twice.
    DuplicateColumn,
    /// A cell that is neither a code nor a label of the item's scale (or not 0/1 for a flag).
    InvalidCode,
    /// More options picked than the multi-select question allows.
    TooManyPicks,
    /// The same respondent id on two rows.
    DuplicateRespondent,
    /// An empty respondent id.
    MissingRespondentId,
    /// An empty municipality.
    MissingMunicipality,
    /// `inhabitants` is not a positive whole number.
    InvalidInhabitants,
    /// A size class that is not one of the instrument's, or contradicts `inhabitants`.
    InvalidSizeClass,
    /// A role or province the instrument does not list.
    InvalidAttribute,
    /// Rows of one municipality that disagree on a municipality attribute (inhabitants, size
    /// class, province, name).
    InconsistentMunicipality,
    /// The file is not UTF-8 text.
    Encoding,
    /// The file's structure is broken (ragged CSV row, JSON that is not a list of records …).
    Malformed,
}

impl ProblemKind {
    /// The snake_case name used in reports and in Python.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::UnknownColumn => "unknown_column",
            ProblemKind::MissingColumn => "missing_column",
            ProblemKind::DuplicateColumn => "duplicate_column",
            ProblemKind::InvalidCode => "invalid_code",
            ProblemKind::TooManyPicks => "too_many_picks",
            ProblemKind::DuplicateRespondent => "duplicate_respondent",
            ProblemKind::MissingRespondentId => "missing_respondent_id",
            ProblemKind::MissingMunicipality => "missing_municipality",
            ProblemKind::InvalidInhabitants => "invalid_inhabitants",
            ProblemKind::InvalidSizeClass => "invalid_size_class",
            ProblemKind::InvalidAttribute => "invalid_attribute",
            ProblemKind::InconsistentMunicipality => "inconsistent_municipality",
            ProblemKind::Encoding => "encoding",
            ProblemKind::Malformed => "malformed",
        }
    }
}

/// One problem, located as precisely as the input allows.
///
/// `row` is the line a spreadsheet shows for CSV input (the header is row 1, the first respondent
/// row 2) and the 1-based record number for JSON records and in-memory tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// What is wrong.
    pub kind: ProblemKind,
    /// The file (or `<json>`, `<records>`, `<pandas>` for in-memory input).
    pub file: String,
    /// Row (see above); `None` for problems of the whole file or a whole column.
    pub row: Option<usize>,
    /// Column name, if the problem sits in one column.
    pub column: Option<String>,
    /// The offending value as read.
    pub value: Option<String>,
    /// A sentence saying what is wrong and, where possible, what would be right.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(col) = &self.column {
            write!(f, ", column '{col}'")?;
        }
        if let Some(v) = &self.value {
            write!(f, ", value '{v}'")?;
        }
        write!(f, ": {} ({})", self.message, self.kind.as_str())
    }
}

/// Every problem found in one input.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ValidationReport {
    /// The problems in the order they were found (file order).
    pub problems: Vec<Problem>,
}

impl ValidationReport {
    /// No problems.
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }
    /// Number of problems.
    pub fn len(&self) -> usize {
        self.problems.len()
    }
    /// Problems of one kind.
    pub fn of_kind(&self, kind: ProblemKind) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| p.kind == kind)
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 20;
        match self.problems.len() {
            0 => return write!(f, "no validation problems"),
            1 => write!(f, "1 validation problem:")?,
            n => write!(f, "{n} validation problems:")?,
        }
        for p in self.problems.iter().take(SHOWN) {
            write!(f, "\n  {p}")?;
        }
        if self.problems.len() > SHOWN {
            write!(f, "\n  … and {} more", self.problems.len() - SHOWN)?;
        }
        Ok(())
    }
}
