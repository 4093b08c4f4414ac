//! `LimeSurvey`: a LimeSurvey survey structure, drafted into an instrument, and its response
//! export read into a survey ([`crate::data::LimeSurvey`]).

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};

use super::instrument::PyInstrument;
use super::profile::ReadArgs;
use super::survey::PySurvey;
use crate::data::{LimeSurvey, Limits, ResponseOptions};
use crate::{Error, Instrument, Survey};

/// A LimeSurvey survey structure: its languages, title and questions.
///
/// Read the structure export with :meth:`from_lss` (``.lss``, XML, LimeSurvey 2.x to 6) or
/// :meth:`from_tsv` (the tab-separated ``.txt``); :meth:`instrument` drafts an
/// :class:`Instrument` (save it with ``save_json`` and edit it), :meth:`not_converted` lists the
/// questions the draft leaves out, and :meth:`read_responses` reads the CSV response export
/// (answer codes, question codes as headings) into a :class:`Survey`. ``language`` picks the
/// language whose texts become the Dutch labels (default: the survey's base language).
#[pyclass(name = "LimeSurvey", module = "doe_democratie", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyLimeSurvey {
    inner: LimeSurvey,
}

fn in_language(ls: LimeSurvey, language: Option<&str>) -> Result<PyLimeSurvey, Error> {
    let inner = match language {
        Some(l) => ls.with_language(l)?,
        None => ls,
    };
    Ok(PyLimeSurvey { inner })
}

impl PyLimeSurvey {
    /// Reads a response export with `instrument`, or the draft when none is given, with the GIL
    /// released.
    fn read_with(
        &self,
        py: Python<'_>,
        instrument: Option<&Bound<'_, PyInstrument>>,
        options: &ResponseOptions,
        read: impl FnOnce(&LimeSurvey, &Instrument, &ResponseOptions) -> Result<Survey, Error> + Send,
    ) -> PyResult<PySurvey> {
        let draft;
        let instrument = match instrument {
            Some(i) => &i.get().inner,
            None => {
                draft = py.detach(|| self.inner.instrument())?;
                &draft
            }
        };
        let ls = &self.inner;
        let inner = py.detach(|| read(ls, instrument, options))?;
        Ok(PySurvey { inner })
    }
}

/// The reading options of a response export.
#[allow(clippy::too_many_arguments)] // keyword options, as in Python
fn response_options(
    municipality_column: &str,
    respondent_id_column: &str,
    strict: bool,
    delimiter: Option<&str>,
    encoding: Option<&str>,
    ignore_columns: Option<&Bound<'_, PyAny>>,
    max_problems: usize,
) -> PyResult<ResponseOptions> {
    let args = ReadArgs {
        strict,
        delimiter,
        encoding,
        columns: None,
        ignore_columns,
        profile: None,
        max_problems,
    };
    Ok(ResponseOptions {
        municipality_column: municipality_column.to_string(),
        respondent_id_column: respondent_id_column.to_string(),
        read: args.options(Limits::default())?,
    })
}

#[pymethods]
impl PyLimeSurvey {
    /// Reads a structure export file (``.lss``, ``str`` or ``os.PathLike``). Raises
    /// InstrumentError (with ``source_name``, ``line`` and ``column``) for a file that is not one.
    #[staticmethod]
    #[pyo3(signature = (path, language=None))]
    fn from_lss(py: Python<'_>, path: PathBuf, language: Option<&str>) -> PyResult<Self> {
        let ls = py.detach(|| LimeSurvey::from_lss_path(&path))?;
        Ok(in_language(ls, language)?)
    }

    /// Reads a structure export from its text; ``source_name`` names it in errors.
    #[staticmethod]
    #[pyo3(signature = (text, source_name="<string>", language=None))]
    fn from_lss_text(
        py: Python<'_>,
        text: &str,
        source_name: &str,
        language: Option<&str>,
    ) -> PyResult<Self> {
        let ls = py.detach(|| LimeSurvey::from_lss_str(text, source_name))?;
        Ok(in_language(ls, language)?)
    }

    /// Reads a tab-separated structure export file (``.txt``).
    #[staticmethod]
    #[pyo3(signature = (path, language=None))]
    fn from_tsv(py: Python<'_>, path: PathBuf, language: Option<&str>) -> PyResult<Self> {
        let ls = py.detach(|| LimeSurvey::from_tsv_path(&path))?;
        Ok(in_language(ls, language)?)
    }

    /// Reads a tab-separated structure export from its text.
    #[staticmethod]
    #[pyo3(signature = (text, source_name="<string>", language=None))]
    fn from_tsv_text(
        py: Python<'_>,
        text: &str,
        source_name: &str,
        language: Option<&str>,
    ) -> PyResult<Self> {
        let ls = py.detach(|| LimeSurvey::from_tsv_str(text, source_name))?;
        Ok(in_language(ls, language)?)
    }

    /// The survey id (``sid``), or None.
    #[getter]
    fn survey_id(&self) -> Option<&str> {
        self.inner.survey_id.as_deref()
    }

    /// The survey's base language.
    #[getter]
    fn base_language(&self) -> &str {
        &self.inner.base_language
    }

    /// Every language of the survey, the base language first.
    #[getter]
    fn languages(&self) -> Vec<String> {
        self.inner.languages.clone()
    }

    /// The language whose texts become the draft's Dutch labels.
    #[getter]
    fn language(&self) -> &str {
        &self.inner.language
    }

    /// The question codes in questionnaire order.
    fn question_codes(&self) -> Vec<&str> {
        self.inner
            .questions
            .iter()
            .map(|q| q.code.as_str())
            .collect()
    }

    /// The instrument draft: arrays become grids, lists single choice, multiple choice
    /// multi-select, free text open questions; every question with unit ``'respondent'``.
    fn instrument(&self, py: Python<'_>) -> PyResult<PyInstrument> {
        let inner = py.detach(|| self.inner.instrument())?;
        Ok(PyInstrument { inner })
    }

    /// The questions the draft leaves out: dicts with ``code``, ``question_type`` and ``reason``.
    fn not_converted<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .not_converted()
            .into_iter()
            .map(|n| {
                let d = PyDict::new(py);
                d.set_item("code", n.code)?;
                d.set_item("question_type", n.question_type)?;
                d.set_item("reason", n.reason)?;
                Ok(d)
            })
            .collect()
    }

    /// Reads the CSV response export (``str`` or ``os.PathLike``) and validates it against
    /// ``instrument`` (default: :meth:`instrument`; an edited draft must keep its ids).
    /// ``municipality_column`` names the column holding the municipality (a question code such
    /// as ``'GEM'`` or a participant attribute such as ``'attribute_1'``); the respondent id is
    /// ``respondent_id_column`` (LimeSurvey's ``id``). ``encoding``, ``ignore_columns`` and
    /// ``max_problems`` as for :meth:`Survey.from_csv`. Every problem names the export's own
    /// row, column and value.
    #[pyo3(signature = (path, instrument=None, *, municipality_column, respondent_id_column="id",
        strict=true, delimiter=None, encoding=None, ignore_columns=None, max_problems=100))]
    #[allow(clippy::too_many_arguments)] // keyword options, as in Python
    fn read_responses(
        &self,
        py: Python<'_>,
        path: PathBuf,
        instrument: Option<Bound<'_, PyInstrument>>,
        municipality_column: &str,
        respondent_id_column: &str,
        strict: bool,
        delimiter: Option<&str>,
        encoding: Option<&str>,
        ignore_columns: Option<Bound<'_, PyAny>>,
        max_problems: usize,
    ) -> PyResult<PySurvey> {
        let options = response_options(
            municipality_column,
            respondent_id_column,
            strict,
            delimiter,
            encoding,
            ignore_columns.as_ref(),
            max_problems,
        )?;
        self.read_with(py, instrument.as_ref(), &options, |ls, i, o| {
            ls.read_responses_csv_path(&path, i, o)
        })
    }

    /// :meth:`read_responses` of the export's text (problems name ``'<csv>'``).
    #[pyo3(signature = (text, instrument=None, *, municipality_column, respondent_id_column="id",
        strict=true, delimiter=None, encoding=None, ignore_columns=None, max_problems=100))]
    #[allow(clippy::too_many_arguments)] // keyword options, as in Python
    fn read_responses_text(
        &self,
        py: Python<'_>,
        text: &str,
        instrument: Option<Bound<'_, PyInstrument>>,
        municipality_column: &str,
        respondent_id_column: &str,
        strict: bool,
        delimiter: Option<&str>,
        encoding: Option<&str>,
        ignore_columns: Option<Bound<'_, PyAny>>,
        max_problems: usize,
    ) -> PyResult<PySurvey> {
        let options = response_options(
            municipality_column,
            respondent_id_column,
            strict,
            delimiter,
            encoding,
            ignore_columns.as_ref(),
            max_problems,
        )?;
        self.read_with(py, instrument.as_ref(), &options, |ls, i, o| {
            ls.read_responses_csv_str(text, i, o)
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_state = slf.get_type().getattr("_from_state")?;
        let state = super::to_state(slf.py(), &slf.get().inner, "LimeSurvey")?;
        Ok((from_state, (state,)))
    }

    /// Unpickling helper (the serde JSON form).
    #[classmethod]
    fn _from_state(_cls: &Bound<'_, PyType>, py: Python<'_>, state: &str) -> PyResult<Self> {
        Ok(PyLimeSurvey {
            inner: super::from_state(py, state, "LimeSurvey")?,
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<LimeSurvey {}: {} questions, languages {}>",
            self.inner.survey_id.as_deref().unwrap_or("(no id)"),
            self.inner.questions.len(),
            self.inner.languages.join(", ")
        )
    }
}
