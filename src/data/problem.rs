//! Validation problems found while reading respondent data.

use std::borrow::Cow;
use std::collections::BTreeMap;
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
    /// A value of the wrong type: a boolean anywhere but in a multi-select flag.
    WrongType,
    /// The input is larger than a configured limit ([`Limits`](super::Limits)): file size,
    /// field length or number of columns.
    LimitExceeded,
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
            ProblemKind::WrongType => "wrong_type",
            ProblemKind::LimitExceeded => "limit_exceeded",
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

/// Longest value or column name a problem keeps, in characters: a megabyte-long cell must not
/// become a megabyte-long message.
pub const ECHO_CHARS: usize = 200;

/// Input text as a problem echoes it: cut to [`ECHO_CHARS`] characters, with the full length
/// said after an ellipsis.
pub fn echo(text: &str) -> String {
    match text.char_indices().nth(ECHO_CHARS) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}… ({} bytes in all)", &text[..cut], text.len()),
    }
}

/// Writes `text` with control characters shown as escapes (`\x1b`, `\n`), so that a cell holding
/// terminal escape codes cannot recolour or rewrite the terminal that shows the message.
pub(crate) fn write_escaped(f: &mut impl fmt::Write, text: &str) -> fmt::Result {
    for ch in text.chars() {
        match ch {
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if c.is_control()
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
            {
                write!(f, "\\u{{{:x}}}", u32::from(c))?
            }
            c => f.write_char(c)?,
        }
    }
    Ok(())
}

impl Problem {
    /// A problem whose value and column are cut to [`ECHO_CHARS`] characters.
    pub fn new(
        kind: ProblemKind,
        file: &str,
        row: Option<usize>,
        column: Option<&str>,
        value: Option<&str>,
        message: String,
    ) -> Problem {
        Problem {
            kind,
            file: file.to_string(),
            row,
            column: column.map(echo),
            value: value.map(echo),
            message,
        }
    }
}

/// Cuts text that did not come through [`Problem::new`] (the fields are public); room is left
/// for the suffix [`echo`] adds, so a value cut once is not cut again.
fn shown(text: &str) -> Cow<'_, str> {
    if text.chars().nth(ECHO_CHARS + 40).is_some() {
        Cow::Owned(echo(text))
    } else {
        Cow::Borrowed(text)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, &self.file)?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(col) = &self.column {
            f.write_str(", column '")?;
            write_escaped(f, &shown(col))?;
            f.write_str("'")?;
        }
        if let Some(v) = &self.value {
            f.write_str(", value '")?;
            write_escaped(f, &shown(v))?;
            f.write_str("'")?;
        }
        f.write_str(": ")?;
        write_escaped(f, &self.message)?;
        write!(f, " ({})", self.kind.as_str())
    }
}

/// Every problem found in one input.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ValidationReport {
    /// The problems in the order they were found (file order).
    pub problems: Vec<Problem>,
    /// Input columns left out because they named nothing in the instrument and the read was
    /// told to ignore unknown columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_columns: Vec<String>,
    /// Input headers read as another instrument column (through `ReadOptions::columns`, or an
    /// item's label or alias): header → instrument column. Problems name the header.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mapped_columns: BTreeMap<String, String>,
    /// Strict mode stopped at its cap ([`ReadOptions::max_problems`](super::ReadOptions)):
    /// there may be more problems than listed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

impl ValidationReport {
    /// A report of `problems` (nothing ignored, nothing cut off).
    pub fn new(problems: Vec<Problem>) -> ValidationReport {
        ValidationReport {
            problems,
            ignored_columns: Vec::new(),
            mapped_columns: BTreeMap::new(),
            truncated: false,
        }
    }
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
    /// The instrument column a problem's `column` (an input header) stands for.
    pub fn instrument_column<'a>(&'a self, column: &'a str) -> &'a str {
        self.mapped_columns
            .get(column)
            .map_or(column, String::as_str)
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
        if self.truncated {
            write!(
                f,
                "\n  (reading stopped after {} problems; there may be more)",
                self.problems.len()
            )?;
        }
        Ok(())
    }
}
