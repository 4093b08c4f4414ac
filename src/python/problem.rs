//! `Problem`: one located validation problem ([`crate::data::Problem`]).

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::data::{Problem, ProblemKind};
use crate::Error;

/// One problem found while reading respondent data, located as precisely as the input allows.
///
/// ``kind`` is a snake_case name such as ``'invalid_code'``; ``row`` is the spreadsheet row for CSV
/// input (header = row 1) and the 1-based record number otherwise; ``row``, ``column`` and
/// ``value`` are None when the problem concerns the whole file or column.
#[pyclass(name = "Problem", module = "doe_democratie", frozen, eq, str)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyProblem(pub Problem);

impl std::fmt::Display for PyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

fn repr_str(py: Python<'_>, s: &str) -> PyResult<String> {
    Ok(PyString::new(py, s).repr()?.to_string())
}

fn repr_opt(py: Python<'_>, s: Option<&str>) -> PyResult<String> {
    s.map_or(Ok("None".to_string()), |s| repr_str(py, s))
}

#[pymethods]
impl PyProblem {
    #[new]
    #[pyo3(signature = (kind, file, row, column, value, message))]
    fn new(
        kind: &str,
        file: String,
        row: Option<usize>,
        column: Option<String>,
        value: Option<String>,
        message: String,
    ) -> PyResult<Self> {
        let kind: ProblemKind =
            serde_json::from_value(serde_json::Value::from(kind)).map_err(|_| {
                Error::InvalidArgument {
                    name: "kind",
                    message: format!("'{kind}' is not a problem kind"),
                }
            })?;
        Ok(PyProblem(Problem {
            kind,
            file,
            row,
            column,
            value,
            message,
        }))
    }

    /// What is wrong, e.g. ``'invalid_code'``, ``'too_many_picks'``, ``'encoding'``.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }
    /// The file name, or ``'<records>'``, ``'<dict>'``, ``'<pandas>'`` for in-memory input.
    #[getter]
    fn file(&self) -> &str {
        &self.0.file
    }
    /// Row (see the class docs), or None.
    #[getter]
    fn row(&self) -> Option<usize> {
        self.0.row
    }
    /// Column name, or None.
    #[getter]
    fn column(&self) -> Option<&str> {
        self.0.column.as_deref()
    }
    /// The offending value as read, or None.
    #[getter]
    fn value(&self) -> Option<&str> {
        self.0.value.as_deref()
    }
    /// A sentence saying what is wrong and, where possible, what would be right.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let p = &self.0;
        Ok(format!(
            "Problem(kind={}, file={}, row={}, column={}, value={}, message={})",
            repr_str(py, p.kind.as_str())?,
            repr_str(py, &p.file)?,
            p.row.map_or("None".to_string(), |r| r.to_string()),
            repr_opt(py, p.column.as_deref())?,
            repr_opt(py, p.value.as_deref())?,
            repr_str(py, &p.message)?,
        ))
    }

    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> (
        Bound<'py, pyo3::types::PyType>,
        (
            &'static str,
            String,
            Option<usize>,
            Option<String>,
            Option<String>,
            String,
        ),
    ) {
        let p = &slf.get().0;
        (
            slf.get_type(),
            (
                p.kind.as_str(),
                p.file.clone(),
                p.row,
                p.column.clone(),
                p.value.clone(),
                p.message.clone(),
            ),
        )
    }
}
