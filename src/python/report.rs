//! `ReportSpec` and `Report`: the report as code ([`crate::report`]).

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};

use super::survey::PySurvey;
use super::table::PyTable;
use crate::render::HtmlOptions;
use crate::report::{Report, ReportSpec, RunOptions};

/// A report specification: a list of figures, each a question, a measure (frequencies, a net
/// such as the top-2 box, or mentions) and options (consolidation rules, breakdown, items).
///
/// :meth:`doe_democratie_2013` is the 2013 report (figures 2.2–4.2, the key findings and the
/// size-class breakdowns its text quotes); :meth:`from_json` reads your own. :meth:`run` computes
/// one :class:`Table` per figure.
#[pyclass(name = "ReportSpec", module = "doe_democratie", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyReportSpec {
    pub(crate) inner: ReportSpec,
}

#[pymethods]
impl PyReportSpec {
    /// The 2013 'doe-democratie' report.
    #[staticmethod]
    fn doe_democratie_2013() -> Self {
        PyReportSpec {
            inner: ReportSpec::doe_democratie_2013(),
        }
    }

    /// Reads a specification from JSON text (the format :meth:`to_json` writes). Raises
    /// InvalidArgumentError (``name == 'spec'``), naming the figure and, for text that does not
    /// fit the format, the line and column: unknown keys, and figure ids that are not unique
    /// file-name stems (ASCII letters, digits, ``_``, ``-``, ``.``; see docs/report-format.md),
    /// are refused.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let inner = py.detach(|| ReportSpec::from_json(text))?;
        Ok(PyReportSpec { inner })
    }

    /// The specification as pretty-printed JSON.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Identifier.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    /// Title.
    #[getter]
    fn title(&self) -> &str {
        &self.inner.title
    }

    /// Figure ids in report order.
    fn figure_ids(&self) -> Vec<&str> {
        self.inner.figures.iter().map(|f| f.id.as_str()).collect()
    }

    /// Computes every figure over ``survey`` (with the GIL released). A figure whose question
    /// is not in the survey's instrument, was not asked in the data, or lacks the figure's items
    /// or net is left out and listed in :attr:`Report.skipped`; with ``strict=True`` it raises
    /// (UnknownIdError with its ``figure`` attribute set, or InvalidArgumentError naming the
    /// figure). Other faults of a figure raise in both modes.
    #[pyo3(signature = (survey, *, strict=false))]
    fn run(
        &self,
        py: Python<'_>,
        survey: &Bound<'_, PySurvey>,
        strict: bool,
    ) -> PyResult<PyReport> {
        let survey = &survey.get().inner;
        let options = RunOptions { strict };
        let inner = py.detach(|| self.inner.run_with(survey, &options))?;
        Ok(PyReport { inner })
    }

    fn __len__(&self) -> usize {
        self.inner.figures.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<ReportSpec '{}': {} figures>",
            self.inner.id,
            self.inner.figures.len()
        )
    }

    /// Pickles through the JSON form.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("_from_state")?;
        Ok((from_json, (slf.get().inner.to_json(),)))
    }

    /// Unpickling helper (the JSON form).
    #[classmethod]
    fn _from_state(_cls: &Bound<'_, PyType>, py: Python<'_>, state: &str) -> PyResult<Self> {
        Self::from_json(py, state)
    }
}

/// A computed report: the specification and one :class:`Table` per figure, in spec order.
///
/// :meth:`write_dir` writes ``<figure id>.csv`` per figure, ``report.json`` and ``index.html``;
/// :meth:`to_html` gives the page. Immutable; pickles through its JSON form.
#[pyclass(name = "Report", module = "doe_democratie", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyReport {
    inner: Report,
}

#[pymethods]
impl PyReport {
    /// The specification that was run.
    #[getter]
    fn spec(&self) -> PyReportSpec {
        PyReportSpec {
            inner: self.inner.spec.clone(),
        }
    }

    /// The figures left out because the survey has no data for them: dicts with ``figure``,
    /// ``title``, ``question`` and ``reason``, in spec order.
    #[getter]
    fn skipped<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .skipped
            .iter()
            .map(|s| {
                let d = PyDict::new(py);
                d.set_item("figure", &s.figure)?;
                d.set_item("title", &s.title)?;
                d.set_item("question", &s.question)?;
                d.set_item("reason", &s.reason)?;
                Ok(d)
            })
            .collect()
    }

    /// One table per figure, in spec order.
    #[getter]
    fn tables(&self) -> Vec<PyTable> {
        self.inner
            .tables
            .iter()
            .cloned()
            .map(PyTable::from)
            .collect()
    }

    /// The table of one figure; UnknownIdError (a KeyError) for an unknown id.
    fn table(&self, id: &str) -> PyResult<PyTable> {
        Ok(self.inner.table(id)?.clone().into())
    }

    /// Writes ``<figure id>.csv`` per figure, ``report.json`` (everything) and ``index.html``
    /// into ``path`` (created if needed); returns the names of the files written. Every file is
    /// created directly inside ``path``: a table id that is not a safe file-name stem raises
    /// InvalidArgumentError before anything is written. ``template_dir``, ``data_source`` and
    /// ``bundled`` are
    /// those of :meth:`to_html`; a template that fails raises RenderError and writes nothing.
    #[pyo3(signature = (path, *, template_dir=None, data_source=None, bundled=None))]
    fn write_dir(
        &self,
        py: Python<'_>,
        path: PathBuf,
        template_dir: Option<PathBuf>,
        data_source: Option<String>,
        bundled: Option<bool>,
    ) -> PyResult<Vec<String>> {
        let options = HtmlOptions {
            template_dir,
            data_source,
            bundled,
        };
        Ok(py.detach(|| self.inner.write_dir_with(&path, &options))?)
    }

    /// Writes the report as an Excel workbook at ``path`` (str or os.PathLike): an index sheet
    /// linking to one sheet per figure, each laid out as :meth:`Table.to_xlsx` lays it out. The
    /// folder must exist (FileNotFoundError); a ``path`` that is a symbolic link raises
    /// InvalidArgumentError, a folder IsADirectoryError. ``charts=True`` puts each figure's
    /// chart under its table as an image.
    #[cfg(feature = "xlsx")]
    #[pyo3(signature = (path, *, charts = false))]
    fn to_xlsx(&self, py: Python<'_>, path: PathBuf, charts: bool) -> PyResult<()> {
        let options = crate::render::XlsxOptions { charts };
        Ok(py.detach(|| self.inner.write_xlsx_with(&path, &options))?)
    }

    /// The whole report as one self-contained HTML page: title page, table of contents, every
    /// figure as chart and table with Dutch labels and footnotes, and the method notes.
    /// ``template_dir``: a folder whose files (``report.html``, ``title.html``, ``figure.html``,
    /// ``methods.html``, ``inconsistencies.html``, ``style.css``) replace the built-in templates
    /// of the same name. ``data_source``: what data the report was computed from, in words.
    /// ``bundled``: whether they are the bundled synthetic reconstruction, which the page then
    /// says prominently (None: assumed for the 2013 specification without ``data_source``).
    /// Raises RenderError naming the template file and line when a template fails.
    #[pyo3(signature = (*, template_dir=None, data_source=None, bundled=None))]
    fn to_html(
        &self,
        py: Python<'_>,
        template_dir: Option<PathBuf>,
        data_source: Option<String>,
        bundled: Option<bool>,
    ) -> PyResult<String> {
        let options = HtmlOptions {
            template_dir,
            data_source,
            bundled,
        };
        Ok(py.detach(|| self.inner.to_html_with(&options))?)
    }

    fn __len__(&self) -> usize {
        self.inner.tables.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<Report '{}': {} tables>",
            self.inner.spec.id,
            self.inner.tables.len()
        )
    }

    /// The report for notebooks: its title, every figure listed, and the first three tables (30
    /// rows each); ``to_html()`` gives everything.
    fn _repr_html_(&self) -> String {
        self.inner.summary_html()
    }

    /// Pickles through the serde JSON form (spec and tables).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let state = super::to_state(slf.py(), &slf.get().inner, "report")?;
        Ok((slf.get_type().getattr("_from_state")?, (state,)))
    }

    /// Unpickling helper (the JSON form).
    #[classmethod]
    fn _from_state(_cls: &Bound<'_, PyType>, py: Python<'_>, state: &str) -> PyResult<Self> {
        Ok(PyReport {
            inner: super::from_state(py, state, "Report")?,
        })
    }
}
