//! The Python bindings (`doe_democratie._core`), built with the `python` feature.
//!
//! All PyO3 code lives here: one wrapper per public type, each method a one-line delegate to
//! the pure Rust API, and [`errors`] as the one place that maps [`crate::Error`] to Python
//! exceptions. Conversions from Python values (records, dicts, numpy arrays, pandas) are in
//! [`convert`].

mod convert;
mod errors;
mod instrument;
mod problem;
mod survey;

use pyo3::prelude::*;

/// Survey ontology and validated ingestion for Dutch municipal surveys (Rust core).
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<instrument::PyInstrument>()?;
    m.add_class::<survey::PySurvey>()?;
    m.add_class::<problem::PyProblem>()?;
    errors::register(m)?;
    Ok(())
}
