//! The Python bindings (`doe_democratie._core`), built with the `python` feature.
//!
//! All PyO3 code lives here: one wrapper per public type, each method a one-line delegate to
//! the pure Rust API, and [`errors`] as the one place that maps [`crate::Error`] to Python
//! exceptions. Conversions from Python values (records, dicts, numpy arrays, pandas) are in
//! [`convert`]; the keyword options of the measures and of consolidation are read in
//! [`options`].

mod chart;
mod convert;
mod errors;
mod frame;
mod instrument;
mod limesurvey;
mod options;
mod problem;
mod profile;
mod report;
mod survey;
mod table;

use std::sync::OnceLock;

use pyo3::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Error, Survey};

/// The pickled state of a wrapped value: its serde JSON form, written with the GIL released.
/// `__reduce__` returns `(cls._from_state, (state,))` and `_from_state` calls [`from_state`].
pub(crate) fn to_state<T: Serialize + Sync>(
    py: Python<'_>,
    value: &T,
    what: &'static str,
) -> PyResult<String> {
    py.detach(|| serde_json::to_string(value)).map_err(|e| {
        Error::InvalidArgument {
            name: what,
            message: format!("cannot serialise: {e}"),
        }
        .into()
    })
}

/// Reads a pickled state back; the type's own serde rules validate it (a `Survey` re-checks its
/// responses against its instrument).
pub(crate) fn from_state<T: DeserializeOwned + Send>(
    py: Python<'_>,
    state: &str,
    what: &'static str,
) -> PyResult<T> {
    py.detach(|| serde_json::from_str(state)).map_err(|e| {
        Error::InvalidArgument {
            name: "state",
            message: format!("not a pickled {what}: {e}"),
        }
        .into()
    })
}

/// A name as the library compares labels and aliases ([`crate::instrument::fold`]), for the
/// Python readers that must keep names apart the same way (`doe_democratie.spss`).
#[pyfunction]
fn _fold(text: &str) -> String {
    crate::instrument::fold(text)
}

/// A bundled dataset by name (``'doe_democratie_2013'``: the synthetic reconstruction of the
/// 2013 microdata). Use :func:`doe_democratie.datasets.doe_democratie_2013`.
#[pyfunction]
fn _dataset(name: &str) -> PyResult<survey::PySurvey> {
    static DOE_DEMOCRATIE_2013: OnceLock<Survey> = OnceLock::new();
    match name {
        "doe_democratie_2013" => Ok(survey::PySurvey {
            inner: DOE_DEMOCRATIE_2013
                .get_or_init(crate::datasets::doe_democratie_2013)
                .clone(),
        }),
        other => Err(Error::unknown("dataset", other, ["doe_democratie_2013"]).into()),
    }
}

/// Survey ontology and validated ingestion for Dutch municipal surveys (Rust core).
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // The reserved attribute column names, for Python code that maps other formats onto them.
    m.add(
        "ATTRIBUTE_COLUMNS",
        pyo3::types::PyTuple::new(m.py(), crate::instrument::ATTRIBUTE_COLUMNS)?,
    )?;
    m.add_class::<instrument::PyInstrument>()?;
    m.add_class::<survey::PySurvey>()?;
    m.add_class::<profile::PyImportProfile>()?;
    m.add_class::<problem::PyProblem>()?;
    m.add_class::<table::PyTable>()?;
    m.add_class::<chart::PyChart>()?;
    m.add_class::<table::PyDataTable>()?;
    m.add_class::<report::PyReportSpec>()?;
    m.add_class::<report::PyReport>()?;
    m.add_class::<frame::PyFrame>()?;
    m.add_class::<frame::PyWeights>()?;
    m.add_class::<frame::PyRepresentativeness>()?;
    m.add_class::<limesurvey::PyLimeSurvey>()?;
    // Private: set as an attribute so it stays out of `__all__` (the package re-exports all of
    // `__all__`); `doe_democratie.datasets` is its public face.
    m.setattr("_dataset", wrap_pyfunction!(_dataset, m)?)?;
    m.setattr("_fold", wrap_pyfunction!(_fold, m)?)?;
    errors::register(m)?;
    Ok(())
}
