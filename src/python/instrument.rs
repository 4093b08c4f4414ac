//! `Instrument`: the survey ontology ([`crate::Instrument`]).

use std::path::PathBuf;
use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};

use crate::instrument::{Item, Question, QuestionKind, Scale};
use crate::Instrument;

/// The built-in 2013 instrument, parsed once per process.
pub(crate) fn builtin() -> &'static Instrument {
    static BUILTIN: OnceLock<Instrument> = OnceLock::new();
    BUILTIN.get_or_init(Instrument::doe_democratie_2013)
}

/// A survey instrument: scales, questions with their items, groupings and respondent
/// attributes, validated when built. Immutable; compare with ``==``, save with
/// :meth:`to_json` / :meth:`save_json`, pickle freely.
#[pyclass(name = "Instrument", module = "doe_democratie", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyInstrument {
    pub(crate) inner: Instrument,
}

fn item_dict<'py>(py: Python<'py>, item: &Item) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("id", &item.id)?;
    d.set_item("label_nl", &item.label_nl)?;
    d.set_item("label_en", &item.label_en)?;
    d.set_item("short_label_nl", item.short_label_nl.as_deref())?;
    d.set_item("short_label_en", item.short_label_en.as_deref())?;
    d.set_item("tags", &item.tags)?;
    Ok(d)
}

fn question_dict<'py>(py: Python<'py>, q: &Question) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("id", &q.id)?;
    d.set_item("kind", q.kind_name())?;
    d.set_item("text_nl", &q.text_nl)?;
    d.set_item("text_en", &q.text_en)?;
    d.set_item("unit", q.unit.as_str())?;
    d.set_item("scale", q.scale_id())?;
    let items = q
        .items()
        .iter()
        .map(|i| item_dict(py, i))
        .collect::<PyResult<Vec<_>>>()?;
    d.set_item("items", items)?;
    let max_picks = match q.kind {
        QuestionKind::MultiSelect { max_picks, .. } => max_picks,
        _ => None,
    };
    d.set_item("max_picks", max_picks)?;
    d.set_item("columns", q.column_names())?;
    Ok(d)
}

fn scale_dict<'py>(py: Python<'py>, s: &Scale) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("id", s.id())?;
    d.set_item("label_en", s.label_en())?;
    let mut categories = Vec::new();
    for c in s.categories() {
        let cd = PyDict::new(py);
        cd.set_item("code", c.code)?;
        cd.set_item("id", &c.id)?;
        cd.set_item("label_nl", &c.label_nl)?;
        cd.set_item("label_en", &c.label_en)?;
        categories.push(cd);
    }
    d.set_item("categories", categories)?;
    let mut missing = Vec::new();
    for m in s.missing() {
        let md = PyDict::new(py);
        md.set_item("code", m.code)?;
        md.set_item("id", &m.id)?;
        md.set_item("label_nl", &m.label_nl)?;
        md.set_item("label_en", &m.label_en)?;
        let kind = match m.kind {
            crate::instrument::MissingKind::DontKnow => "dont_know",
            crate::instrument::MissingKind::Refused => "refused",
            crate::instrument::MissingKind::NotApplicable => "not_applicable",
        };
        md.set_item("kind", kind)?;
        md.set_item("in_base", m.in_base)?;
        missing.push(md);
    }
    d.set_item("missing", missing)?;
    let mut nets = Vec::new();
    for n in s.nets() {
        let nd = PyDict::new(py);
        nd.set_item("id", &n.id)?;
        nd.set_item("label_nl", &n.label_nl)?;
        nd.set_item("label_en", &n.label_en)?;
        nd.set_item("codes", &n.codes)?;
        nets.push(nd);
    }
    d.set_item("nets", nets)?;
    Ok(d)
}

#[pymethods]
impl PyInstrument {
    /// The 2013 BZK 'doe-democratie' instrument, built into the library.
    #[staticmethod]
    fn doe_democratie_2013() -> Self {
        PyInstrument {
            inner: builtin().clone(),
        }
    }

    /// Reads an instrument from JSON text in the documented format.
    /// Raises InstrumentError if the text is malformed or breaks a rule of the ontology.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let inner = py.detach(|| Instrument::from_json(text))?;
        Ok(PyInstrument { inner })
    }

    /// Reads an instrument file (``str`` or ``os.PathLike``).
    #[staticmethod]
    fn from_json_path(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let inner = py.detach(|| Instrument::from_json_path(&path))?;
        Ok(PyInstrument { inner })
    }

    /// The instrument as pretty-printed JSON; :meth:`from_json` reads it back to an equal
    /// instrument.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Writes :meth:`to_json` to a file.
    fn save_json(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        Ok(py.detach(|| self.inner.save_json(&path))?)
    }

    /// The instrument's id.
    #[getter]
    fn id(&self) -> &str {
        self.inner.id()
    }
    /// Dutch title.
    #[getter]
    fn title_nl(&self) -> &str {
        self.inner.title_nl()
    }
    /// English title.
    #[getter]
    fn title_en(&self) -> &str {
        self.inner.title_en()
    }

    /// Question ids in questionnaire order.
    fn question_ids(&self) -> Vec<&str> {
        self.inner.questions().keys().map(String::as_str).collect()
    }

    /// Every data column name (``<question>`` or ``<question>.<item>``) in questionnaire order.
    fn columns(&self) -> Vec<&str> {
        self.inner
            .columns()
            .iter()
            .map(|c| c.name.as_str())
            .collect()
    }

    /// Scale ids in definition order.
    fn scale_ids(&self) -> Vec<&str> {
        self.inner.scales().keys().map(String::as_str).collect()
    }

    /// A question as a dict: id, kind (``'single_choice'``, ``'grid'``, ``'multi_select'``,
    /// ``'open_text'``), text_nl, text_en, unit, scale (id or None), items (dicts with id,
    /// label_nl, label_en, short_label_nl and short_label_en (None when the instrument has none),
    /// tags), max_picks (or None) and columns.
    /// Raises UnknownIdError (a KeyError) for an unknown id.
    fn question<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyDict>> {
        question_dict(py, self.inner.question(id)?)
    }

    /// A scale as a dict: id, label_en, categories (code, id, label_nl, label_en), missing
    /// (code, id, label_nl, label_en, kind, in_base) and nets (id, label_nl, label_en, codes).
    /// Raises UnknownIdError (a KeyError) for an unknown id.
    fn scale<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyDict>> {
        scale_dict(py, self.inner.scale(id)?)
    }

    fn __repr__(&self) -> String {
        format!(
            "<Instrument '{}': {} questions, {} data columns>",
            self.inner.id(),
            self.inner.questions().len(),
            self.inner.columns().len()
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
