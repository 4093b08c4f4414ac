//! [`Survey`]: an instrument with its validated responses — the front door of the library.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::data::{
    self, CellRef, Column, DataTable, Memo, RawTable, ReadOptions, Responses, ValidationReport,
};
use crate::error::{Error, Result};
use crate::instrument::{ColumnKind, Instrument};

/// An instrument together with respondent data validated against it.
///
/// ```
/// use doe_democratie::{Instrument, Survey};
/// let inst = Instrument::doe_democratie_2013();
/// let csv = "respondent_id;municipality;forms_occurrence.social_entrepreneurship\n\
///            1;GM0001;Ja\n2;GM0001;9\n3;GM0002;2\n";
/// let survey = Survey::read_csv_str(csv, &inst, &Default::default()).unwrap();
/// assert_eq!((survey.n_respondents(), survey.n_municipalities()), (3, 2));
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "SurveySpec", into = "SurveySpec")]
pub struct Survey {
    instrument: Instrument,
    responses: Responses,
    report: ValidationReport,
    memo: Memo,
}

/// Two surveys are equal when their instrument, responses and validation problems are: the memo
/// only holds what is derived from them, and which headers were mapped or ignored says how a
/// file was read, not what the survey holds.
impl PartialEq for Survey {
    fn eq(&self, other: &Self) -> bool {
        self.instrument == other.instrument
            && self.responses == other.responses
            && self.report.problems == other.report.problems
    }
}

#[derive(Serialize, Deserialize)]
struct SurveySpec {
    instrument: Instrument,
    responses: Responses,
    report: ValidationReport,
}

impl TryFrom<SurveySpec> for Survey {
    type Error = Error;
    /// Stored data (a pickle, a saved JSON file) goes through the same validation as data read
    /// from a file: the store is written back as a table and read again strictly, and must come
    /// out unchanged. Duplicate ids, unknown size classes, inhabitants that contradict the size
    /// class, invalid codes: all are refused as they would be in a CSV file.
    fn try_from(s: SurveySpec) -> Result<Self> {
        let refuse = |message: String| Error::InvalidArgument {
            name: "survey",
            message: format!("stored responses do not fit the instrument: {message}"),
        };
        s.responses.check_against(&s.instrument).map_err(refuse)?;
        let table = s.responses.to_raw_table(&s.instrument)?;
        let (fresh, _) =
            data::validate(table, &s.instrument, &ReadOptions::default()).map_err(|e| match e {
                Error::Validation(report) => refuse(report.to_string()),
                other => other,
            })?;
        if fresh != s.responses {
            return Err(refuse(
                "the respondents, municipalities or answers differ from what validating them \
                 gives (e.g. attributes stored in another form than the instrument's ids)"
                    .into(),
            ));
        }
        Ok(Survey {
            instrument: s.instrument,
            responses: s.responses,
            report: s.report,
            memo: Memo::default(),
        })
    }
}

impl From<Survey> for SurveySpec {
    fn from(s: Survey) -> Self {
        SurveySpec {
            instrument: s.instrument,
            responses: s.responses,
            report: s.report,
        }
    }
}

impl Survey {
    /// Validates a table of raw cells against `instrument`.
    pub fn from_table(
        table: RawTable,
        instrument: &Instrument,
        options: &ReadOptions,
    ) -> Result<Survey> {
        let (responses, report) = data::validate(table, instrument, options)?;
        Ok(Survey {
            instrument: instrument.clone(),
            responses,
            report,
            memo: Memo::default(),
        })
    }

    /// Reads a CSV file strictly (see [`Survey::read_csv_path`] for options).
    pub fn from_csv_path(path: impl AsRef<Path>, instrument: &Instrument) -> Result<Survey> {
        Self::read_csv_path(path, instrument, &ReadOptions::default())
    }

    /// Reads a CSV file: one row per respondent, `respondent_id` and `municipality` required;
    /// `municipality_name`, `role`, `inhabitants`, `size_class`, `province` optional; one column per
    /// item named `<question>.<item>`. Comma or semicolon delimited, UTF-8 with or without BOM.
    pub fn read_csv_path(
        path: impl AsRef<Path>,
        instrument: &Instrument,
        options: &ReadOptions,
    ) -> Result<Survey> {
        let table = read_file(path.as_ref(), options, |text, source| {
            data::parse_csv(text, source, options.delimiter, &options.limits)
        })?;
        Self::from_table(table, instrument, options)
    }

    /// Reads CSV text (source name `<csv>` in problems).
    pub fn read_csv_str(
        text: &str,
        instrument: &Instrument,
        options: &ReadOptions,
    ) -> Result<Survey> {
        let table = data::parse_csv(text, "<csv>", options.delimiter, &options.limits)?;
        Self::from_table(table, instrument, options)
    }

    /// Reads a JSON file holding a list of records, one object per respondent with the same keys
    /// as the CSV columns.
    pub fn read_json_path(
        path: impl AsRef<Path>,
        instrument: &Instrument,
        options: &ReadOptions,
    ) -> Result<Survey> {
        let table = read_file(path.as_ref(), options, |text, source| {
            data::parse_json_records(text, source, &options.limits)
        })?;
        Self::from_table(table, instrument, options)
    }

    /// Reads JSON records from text (source name `<json>` in problems).
    pub fn read_json_str(
        text: &str,
        instrument: &Instrument,
        options: &ReadOptions,
    ) -> Result<Survey> {
        let table = data::parse_json_records(text, "<json>", &options.limits)?;
        Self::from_table(table, instrument, options)
    }

    /// The instrument.
    pub fn instrument(&self) -> &Instrument {
        &self.instrument
    }
    /// The validated responses.
    pub fn responses(&self) -> &Responses {
        &self.responses
    }
    /// What later layers derived from this survey once (see [`Memo`]).
    pub fn memo(&self) -> &Memo {
        &self.memo
    }
    /// Problems found when reading leniently (empty after a strict read).
    pub fn validation_report(&self) -> &ValidationReport {
        &self.report
    }
    /// Number of respondents.
    pub fn n_respondents(&self) -> usize {
        self.responses.n_respondents()
    }
    /// Number of distinct municipalities.
    pub fn n_municipalities(&self) -> usize {
        self.responses.n_municipalities()
    }

    /// One row per respondent, in input order, as the survey would be written back: the columns
    /// a CSV file has (`respondent_id`, `municipality`, the attributes present, then one column
    /// per instrument column asked), answer codes as numbers, attributes as the instrument's ids.
    /// Reading this table with [`Survey::from_table`] (or writing it as CSV and reading that)
    /// gives an equal survey.
    pub fn respondents(&self) -> Result<DataTable> {
        let raw = self.responses.to_raw_table(&self.instrument)?;
        let mut table = DataTable::with_rows(raw.len());
        for (j, name) in raw.names().iter().enumerate() {
            let numeric = name == "inhabitants"
                || self
                    .instrument
                    .column_position(name)
                    .and_then(|p| self.instrument.columns().get(p))
                    .is_some_and(|c| c.kind != ColumnKind::Text);
            let cells = (0..raw.len()).map(|r| raw.cell(j, r));
            let column = if numeric {
                Column::Number(cells.map(number_of).collect())
            } else {
                Column::Text(
                    cells
                        .map(|c| c.as_text().map(std::borrow::Cow::into_owned))
                        .collect(),
                )
            };
            table.push(name.clone(), column)?;
        }
        Ok(table)
    }

    /// One row per municipality: `municipality`, `municipality_name`, `inhabitants`,
    /// `size_class`, `province` and `respondents` (how many of its respondents are in the data).
    pub fn municipalities(&self) -> DataTable {
        let r = self.responses();
        let m = r.municipalities();
        let mut respondents = vec![0.0; m.len()];
        for &i in r.municipality_index() {
            if let Some(n) = respondents.get_mut(i as usize) {
                *n += 1.0;
            }
        }
        let text =
            |f: fn(&data::Municipality) -> Option<String>| Column::Text(m.iter().map(f).collect());
        let columns = [
            ("municipality", text(|m| Some(m.id.clone()))),
            ("municipality_name", text(|m| m.name.clone())),
            (
                "inhabitants",
                Column::Number(m.iter().map(|m| m.inhabitants.map(f64::from)).collect()),
            ),
            ("size_class", text(|m| m.size_class.clone())),
            ("province", text(|m| m.province.clone())),
            (
                "respondents",
                Column::Number(respondents.into_iter().map(Some).collect()),
            ),
        ];
        let mut table = DataTable::with_rows(m.len());
        for (name, column) in columns {
            // Names are distinct and every column has a cell per municipality.
            let _ = table.push(name, column);
        }
        table
    }
}

/// A stored code or number of inhabitants as a float (both are whole and far below 2^53).
fn number_of(cell: CellRef<'_>) -> Option<f64> {
    match cell {
        #[allow(clippy::cast_precision_loss)]
        CellRef::Int(i) => Some(i as f64),
        CellRef::Float(f) => Some(f),
        _ => None,
    }
}

/// Reads a file in the options' encoding (problems name the path) and parses it into a table.
fn read_file(
    path: &Path,
    options: &ReadOptions,
    parse: impl FnOnce(&str, &str) -> Result<RawTable>,
) -> Result<RawTable> {
    let source = path.display().to_string();
    let bytes = data::read_bytes(path, &options.limits)?;
    parse(&options.encoding.decode(&bytes, &source)?, &source)
}

impl fmt::Display for Survey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cols = self.instrument.columns();
        let asked = (0..cols.len())
            .filter(|&p| self.responses.is_asked(p))
            .count();
        write!(
            f,
            "Survey '{}': {} respondents in {} municipalities; {} questions, {asked} of {} data columns present",
            self.instrument.id(),
            self.n_respondents(),
            self.n_municipalities(),
            self.instrument.questions().len(),
            cols.len(),
        )?;
        if !self.report.is_empty() {
            write!(f, "; {} validation problems", self.report.len())?;
        }
        Ok(())
    }
}
