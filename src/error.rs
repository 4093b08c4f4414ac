//! The crate's one error type.
//!
//! Every fallible function returns [`Result`]. Bad respondent data is reported as
//! [`Error::Validation`], which carries the full [`ValidationReport`] so that callers (and the Python
//! layer) can show every problem with its file, row, column and value.

use crate::data::ValidationReport;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `doe_democratie`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An instrument (scale, question, attribute list) that breaks the ontology's rules.
    /// `at` locates the fault inside the definition, e.g. `scales[frequency_4_dk].nets[top2]`.
    #[error("invalid instrument definition at {at}: {message}")]
    InvalidInstrument {
        /// Where in the definition the fault is.
        at: String,
        /// What is wrong.
        message: String,
    },

    /// An instrument file that is not well-formed JSON or does not match the documented format.
    #[error("cannot parse instrument {source_name} (line {line}, column {column}): {message}")]
    InstrumentFormat {
        /// File name, or `<string>` for text passed directly.
        source_name: String,
        /// 1-based line of the fault.
        line: usize,
        /// 1-based column of the fault.
        column: usize,
        /// The parser's message.
        message: String,
    },

    /// A report specification that is not well-formed JSON, does not match the
    /// [`ReportSpec`](crate::report::ReportSpec) format, or breaks its rules (e.g. an unsafe or
    /// duplicate figure id). The message names the figure at fault.
    #[error("invalid report specification{}: {message}", position(.line, .column))]
    InvalidSpec {
        /// 1-based line of the fault, when the specification was read from text.
        line: Option<usize>,
        /// 1-based column of the fault, when the specification was read from text.
        column: Option<usize>,
        /// What is wrong, naming the figure.
        message: String,
    },

    /// Respondent data that does not fit the instrument. The report lists every problem found
    /// (strict mode stops at the first one).
    #[error("{0}")]
    Validation(ValidationReport),

    /// A file that could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that was being read or written.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// A lookup by id that names nothing in the instrument or data.
    #[error("{}unknown {kind} '{id}'{}", figure_prefix(.figure), known_hint(.known))]
    UnknownId {
        /// What kind of thing was looked up (`question`, `scale`, `item`, …).
        kind: &'static str,
        /// The id that was asked for.
        id: String,
        /// Valid ids, for the message (may be abbreviated).
        known: Vec<String>,
        /// The report figure whose specification made the lookup, if any.
        figure: Option<String>,
    },

    /// Weights that cannot be computed as asked: raking that does not converge, a frame category
    /// without respondents, an empty cell, a margin that names no category of the data. Never a
    /// silently returned set of weights.
    #[error("cannot weight on margin '{margin}'{}: {message}", category_hint(.category))]
    Weighting {
        /// The margin (frame attribute, e.g. `size_class`) at fault.
        margin: String,
        /// The category of that margin at fault, if one is.
        category: Option<String>,
        /// What is wrong.
        message: String,
    },

    /// Output that cannot be drawn or written in its format: a chart of a table it does not fit
    /// (an empty table, a measure the chart kind cannot show), an SVG the PNG renderer refuses,
    /// a workbook the xlsx writer refuses, a report template that does not render.
    #[error("cannot render {what}: {message}")]
    Render {
        /// What was being rendered (`chart`, `png`, `xlsx`, `html`), with the figure id if any.
        what: String,
        /// Why not.
        message: String,
    },

    /// An argument outside its allowed values (e.g. an unknown option name).
    #[error("invalid argument {name}: {message}")]
    InvalidArgument {
        /// The argument's name.
        name: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

fn position(line: &Option<usize>, column: &Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(" (line {line}, column {column})"),
        _ => String::new(),
    }
}

fn category_hint(category: &Option<String>) -> String {
    category
        .as_ref()
        .map(|c| format!(", category '{c}'"))
        .unwrap_or_default()
}

fn figure_prefix(figure: &Option<String>) -> String {
    figure
        .as_ref()
        .map(|f| format!("figure '{f}': "))
        .unwrap_or_default()
}

fn known_hint(known: &[String]) -> String {
    const SHOWN: usize = 8;
    if known.is_empty() {
        return String::new();
    }
    let mut s = String::from("; known: ");
    s.push_str(
        &known
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
    );
    if known.len() > SHOWN {
        s.push_str(&format!(", … ({} in all)", known.len()));
    }
    s
}

impl Error {
    pub(crate) fn instrument(at: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInstrument {
            at: at.into(),
            message: message.into(),
        }
    }

    pub(crate) fn unknown<'a>(
        kind: &'static str,
        id: &str,
        known: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        Error::UnknownId {
            kind,
            id: id.to_string(),
            known: known.into_iter().map(str::to_string).collect(),
            figure: None,
        }
    }
}
