//! The one mapping of [`crate::Error`] to Python exceptions.
//!
//! Every class subclasses `DoeDemocratieError` *and* the built-in exception a Python user would
//! naturally catch (`ValueError` for bad data or definitions, `KeyError` for unknown ids), so both
//! `except doe_democratie.ValidationError` and `except ValueError` work.
//!
//! PyO3's `create_exception!` takes a single base class and expands to `unsafe` code (the crate
//! forbids it), so the classes are created once per process by calling `type(name, bases, ns)`,
//! exactly what a `class` statement does, and cached in [`PyOnceLock`]s. [`register`] adds them
//! to the module; [`From<Error> for PyErr`](#impl-From<Error>-for-PyErr) raises them.
//!
//! I/O failures become the built-in `OSError` subclass for their kind (`FileNotFoundError`,
//! `PermissionError`, …) with `filename` set: that is what `open()` raises, so user code that
//! already handles file errors keeps working.

use pyo3::exceptions::{
    PyException, PyFileExistsError, PyFileNotFoundError, PyIsADirectoryError, PyKeyError,
    PyNotADirectoryError, PyOSError, PyPermissionError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

use super::problem::PyProblem;
use crate::Error;

/// Module the classes claim in `__module__` (they are re-exported there, so pickle finds them).
const MODULE: &str = "doe_democratie";

struct ExceptionClass {
    name: &'static str,
    doc: &'static str,
    cell: PyOnceLock<Py<PyType>>,
}

impl ExceptionClass {
    const fn new(name: &'static str, doc: &'static str) -> Self {
        ExceptionClass {
            name,
            doc,
            cell: PyOnceLock::new(),
        }
    }
}

static BASE: ExceptionClass = ExceptionClass::new(
    "DoeDemocratieError",
    "Base class of every exception raised by doe_democratie.",
);
static VALIDATION: ExceptionClass = ExceptionClass::new(
    "ValidationError",
    "Respondent data that does not fit the instrument.\n\n\
     Attributes: ``problems`` (list of :class:`Problem`, each with kind, file, row, column, value \
     and message) and ``report`` (the report as text, as ``str(error)`` shows it).",
);
static INSTRUMENT: ExceptionClass = ExceptionClass::new(
    "InstrumentError",
    "An instrument definition that breaks the ontology's rules, or an instrument file that cannot \
     be parsed.\n\n\
     Attributes: ``message``; ``at`` (where in the definition, for rule violations); \
     ``source_name``, ``line`` and ``column`` (for unparsable files). Absent ones are None.",
);
static UNKNOWN_ID: ExceptionClass = ExceptionClass::new(
    "UnknownIdError",
    "A lookup by id that names nothing in the instrument or data.\n\n\
     Attributes: ``kind`` (``'question'``, ``'scale'``, …), ``id``, ``known`` (valid ids) and \
     ``figure`` (the report figure whose specification made the lookup, else None).",
);
static INVALID_ARGUMENT: ExceptionClass = ExceptionClass::new(
    "InvalidArgumentError",
    "An argument outside its allowed values.\n\nAttributes: ``name`` and ``message``.",
);

static WEIGHTING: ExceptionClass = ExceptionClass::new(
    "WeightingError",
    "Weights that cannot be computed as asked (raking that does not converge, a frame category \
     without respondents, an empty cell).\n\n\
     Attributes: ``margin``, ``category`` (None when the whole margin is at fault) and \
     ``message``.",
);

static RENDER: ExceptionClass = ExceptionClass::new(
    "RenderError",
    "Output that cannot be drawn or written: a chart of a table it does not fit, an image or \
     workbook the renderer refuses, a report template that does not render.\n\n\
     Attributes: ``what`` (``'chart'``, ``'png'``, ``'xlsx'``, ``'html'``, with the figure id \
     if any) and ``message``.",
);

/// The class object, created on first use.
fn class<'py>(py: Python<'py>, which: &ExceptionClass) -> PyResult<Bound<'py, PyType>> {
    let cls = which.cell.get_or_try_init(py, || -> PyResult<_> {
        let mut bases = Vec::with_capacity(2);
        if std::ptr::eq(which, &BASE) {
            bases.push(py.get_type::<PyException>());
        } else {
            bases.push(class(py, &BASE)?);
            let builtin = if std::ptr::eq(which, &UNKNOWN_ID) {
                py.get_type::<PyKeyError>()
            } else {
                py.get_type::<PyValueError>()
            };
            bases.push(builtin);
        }
        let ns = PyDict::new(py);
        ns.set_item("__module__", MODULE)?;
        ns.set_item("__doc__", which.doc)?;
        if std::ptr::eq(which, &UNKNOWN_ID) {
            // KeyError's `__str__` shows the repr of its argument (quotes around the whole
            // message); use the plain one.
            ns.set_item("__str__", py.get_type::<PyException>().getattr("__str__")?)?;
        }
        let cls = py
            .get_type::<PyType>()
            .call1((which.name, PyTuple::new(py, bases)?, ns))?;
        Ok(cls.cast_into::<PyType>()?.unbind())
    })?;
    Ok(cls.bind(py).clone())
}

/// Adds every exception class to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    for which in [
        &BASE,
        &VALIDATION,
        &INSTRUMENT,
        &UNKNOWN_ID,
        &INVALID_ARGUMENT,
        &WEIGHTING,
        &RENDER,
    ] {
        m.add(which.name, class(py, which)?)?;
    }
    Ok(())
}

/// Instantiates `which` with `message` and sets `attrs` on the instance.
fn raise<'py>(
    py: Python<'py>,
    which: &ExceptionClass,
    message: String,
    attrs: &[(&str, Bound<'py, PyAny>)],
) -> PyResult<PyErr> {
    let exc = class(py, which)?.call1((message,))?;
    for (name, value) in attrs {
        exc.setattr(*name, value)?;
    }
    Ok(PyErr::from_value(exc))
}

/// The built-in `OSError` (or subclass) for an I/O failure, with `errno`, `strerror` and
/// `filename` filled in.
fn os_error(py: Python<'_>, path: String, source: &std::io::Error) -> PyResult<PyErr> {
    use std::io::ErrorKind;
    let cls = match source.kind() {
        ErrorKind::NotFound => py.get_type::<PyFileNotFoundError>(),
        ErrorKind::PermissionDenied => py.get_type::<PyPermissionError>(),
        ErrorKind::AlreadyExists => py.get_type::<PyFileExistsError>(),
        ErrorKind::IsADirectory => py.get_type::<PyIsADirectoryError>(),
        ErrorKind::NotADirectory => py.get_type::<PyNotADirectoryError>(),
        _ => py.get_type::<PyOSError>(),
    };
    // On Windows `raw_os_error` is a Windows error code, not a C errno.
    let errno = if cfg!(unix) {
        source.raw_os_error()
    } else {
        None
    };
    // `Display` of an OS error ends in " (os error N)"; Python shows the number itself.
    let text = source.to_string();
    let strerror = match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_string(),
        _ => text,
    };
    let exc = cls.call1((errno, strerror, path))?;
    Ok(PyErr::from_value(exc))
}

fn to_pyerr(py: Python<'_>, err: Error) -> PyResult<PyErr> {
    let message = err.to_string();
    let none = || py.None().into_bound(py);
    match err {
        Error::Validation(report) => {
            let problems = report
                .problems
                .into_iter()
                .map(|p| Bound::new(py, PyProblem(p)))
                .collect::<PyResult<Vec<_>>>()?;
            let problems = problems.into_pyobject(py)?.into_any();
            let text = message.clone().into_pyobject(py)?.into_any();
            raise(
                py,
                &VALIDATION,
                message,
                &[("problems", problems), ("report", text)],
            )
        }
        Error::InvalidInstrument { at, message: what } => raise(
            py,
            &INSTRUMENT,
            message,
            &[
                ("message", what.into_pyobject(py)?.into_any()),
                ("at", at.into_pyobject(py)?.into_any()),
                ("source_name", none()),
                ("line", none()),
                ("column", none()),
            ],
        ),
        Error::InstrumentFormat {
            source_name,
            line,
            column,
            message: what,
        } => raise(
            py,
            &INSTRUMENT,
            message,
            &[
                ("message", what.into_pyobject(py)?.into_any()),
                ("at", none()),
                ("source_name", source_name.into_pyobject(py)?.into_any()),
                ("line", line.into_pyobject(py)?.into_any()),
                ("column", column.into_pyobject(py)?.into_any()),
            ],
        ),
        Error::InvalidSpec { .. } => raise(
            py,
            &INVALID_ARGUMENT,
            message.clone(),
            &[
                ("name", "spec".into_pyobject(py)?.into_any()),
                ("message", message.into_pyobject(py)?.into_any()),
            ],
        ),
        Error::Io { path, source } => os_error(py, path, &source),
        Error::UnknownId {
            kind,
            id,
            known,
            figure,
        } => raise(
            py,
            &UNKNOWN_ID,
            message,
            &[
                ("kind", kind.into_pyobject(py)?.into_any()),
                ("id", id.into_pyobject(py)?.into_any()),
                ("known", known.into_pyobject(py)?.into_any()),
                ("figure", figure.into_pyobject(py)?.into_any()),
            ],
        ),
        Error::Weighting {
            margin,
            category,
            message: what,
        } => raise(
            py,
            &WEIGHTING,
            message,
            &[
                ("margin", margin.into_pyobject(py)?.into_any()),
                ("category", category.into_pyobject(py)?.into_any()),
                ("message", what.into_pyobject(py)?.into_any()),
            ],
        ),
        Error::Render {
            what,
            message: detail,
        } => raise(
            py,
            &RENDER,
            message,
            &[
                ("what", what.into_pyobject(py)?.into_any()),
                ("message", detail.into_pyobject(py)?.into_any()),
            ],
        ),
        Error::InvalidArgument {
            name,
            message: what,
        } => raise(
            py,
            &INVALID_ARGUMENT,
            message,
            &[
                ("name", name.into_pyobject(py)?.into_any()),
                ("message", what.into_pyobject(py)?.into_any()),
            ],
        ),
    }
}

impl From<Error> for PyErr {
    fn from(err: Error) -> PyErr {
        // If building the exception itself fails (out of memory …), raise that failure instead.
        Python::attach(|py| to_pyerr(py, err).unwrap_or_else(|e| e))
    }
}
