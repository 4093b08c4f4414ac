//! `ImportProfile` ([`crate::data::ImportProfile`]) and the reading keywords every `Survey`
//! constructor shares (`encoding`, `columns`, `ignore_columns`, `profile`, `max_problems`).

use std::path::PathBuf;

use indexmap::IndexMap;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyType};

use crate::data::{delimiter_byte, Encoding, IgnoreColumns, ImportProfile, Limits, ReadOptions};
use crate::Error;

/// How one kind of export is read, saved as JSON and reused: ``encoding``, ``delimiter``,
/// ``columns`` (input header → instrument column or attribute), ``ignore_columns`` (a list of
/// headers, or ``'unknown'``). Pass it as ``profile=`` to any ``Survey`` constructor.
#[pyclass(name = "ImportProfile", module = "doe_democratie", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyImportProfile {
    pub(crate) inner: ImportProfile,
}

fn invalid(name: &'static str, message: String) -> PyErr {
    Error::InvalidArgument { name, message }.into()
}

pub(crate) fn encoding(name: Option<&str>) -> PyResult<Encoding> {
    Ok(name.map(str::parse).transpose()?.unwrap_or_default())
}

pub(crate) fn delimiter(d: Option<&str>) -> PyResult<Option<u8>> {
    d.map(|d| delimiter_byte(d).map_err(|m| invalid("delimiter", m)))
        .transpose()
}

pub(crate) fn columns(
    columns: Option<IndexMap<String, String>>,
) -> PyResult<IndexMap<String, String>> {
    let columns = columns.unwrap_or_default();
    crate::data::check_columns(&columns).map_err(|m| invalid("columns", m))?;
    Ok(columns)
}

/// `None`, a list of headers or the word `'unknown'`.
pub(crate) fn ignore_columns(value: Option<&Bound<'_, PyAny>>) -> PyResult<IgnoreColumns> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(IgnoreColumns::None);
    };
    if let Ok(word) = value.cast::<PyString>() {
        return match word.to_cow()?.as_ref() {
            "unknown" => Ok(IgnoreColumns::Unknown),
            other => Err(invalid(
                "ignore_columns",
                format!("a list of column names or 'unknown', not {other:?}"),
            )),
        };
    }
    let names: Vec<String> = value.extract().map_err(|_| {
        invalid(
            "ignore_columns",
            "a list of column names or 'unknown'".to_string(),
        )
    })?;
    Ok(if names.is_empty() {
        IgnoreColumns::None
    } else {
        IgnoreColumns::Listed(names)
    })
}

#[pymethods]
impl PyImportProfile {
    #[new]
    #[pyo3(signature = (*, encoding=None, delimiter=None, columns=None, ignore_columns=None,
        description=None))]
    fn new(
        encoding: Option<&str>,
        delimiter: Option<&str>,
        columns: Option<IndexMap<String, String>>,
        ignore_columns: Option<&Bound<'_, PyAny>>,
        description: Option<String>,
    ) -> PyResult<Self> {
        Ok(PyImportProfile {
            inner: ImportProfile {
                description,
                encoding: self::encoding(encoding)?,
                delimiter: self::delimiter(delimiter)?,
                columns: self::columns(columns)?,
                ignore_columns: self::ignore_columns(ignore_columns)?,
            },
        })
    }

    /// Reads a profile from JSON text.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Ok(PyImportProfile {
            inner: ImportProfile::from_json(text)?,
        })
    }

    /// Reads a profile file.
    #[staticmethod]
    fn from_json_path(path: PathBuf) -> PyResult<Self> {
        Ok(PyImportProfile {
            inner: ImportProfile::from_json_path(path)?,
        })
    }

    /// The profile as JSON text.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Writes the profile to ``path``.
    fn save_json(&self, path: PathBuf) -> PyResult<()> {
        Ok(self.inner.save_json(path)?)
    }

    /// The encoding's name (``'utf-8'``, ``'windows-1252'``, ``'latin-1'``, ``'utf-16'``).
    #[getter]
    fn encoding(&self) -> &'static str {
        self.inner.encoding.name()
    }

    /// The delimiter, ``None`` to pick from the header.
    #[getter]
    fn delimiter(&self) -> Option<String> {
        self.inner.delimiter.map(|b| char::from(b).to_string())
    }

    /// Input header → instrument column or attribute.
    #[getter]
    fn columns(&self) -> IndexMap<String, String> {
        self.inner.columns.clone()
    }

    /// The headers left out, ``'unknown'``, or ``[]``.
    #[getter]
    fn ignore_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(match &self.inner.ignore_columns {
            IgnoreColumns::Unknown => "unknown".into_pyobject(py)?.into_any(),
            IgnoreColumns::Listed(names) => names.clone().into_pyobject(py)?.into_any(),
            IgnoreColumns::None => Vec::<String>::new().into_pyobject(py)?.into_any(),
        })
    }

    /// What the profile is for.
    #[getter]
    fn description(&self) -> Option<String> {
        self.inner.description.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "ImportProfile(encoding={:?}, delimiter={:?}, {} column mappings)",
            self.inner.encoding.name(),
            self.inner.delimiter.map(char::from),
            self.inner.columns.len()
        )
    }

    #[classmethod]
    fn _from_state(_cls: &Bound<'_, PyType>, state: &str) -> PyResult<Self> {
        Self::from_json(state)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_state = slf.get_type().getattr("_from_state")?;
        Ok((from_state, (slf.get().inner.to_json(),)))
    }
}

/// The reading keywords of a `Survey` constructor, gathered.
pub(crate) struct ReadArgs<'a, 'py> {
    pub(crate) strict: bool,
    pub(crate) delimiter: Option<&'a str>,
    pub(crate) encoding: Option<&'a str>,
    pub(crate) columns: Option<IndexMap<String, String>>,
    pub(crate) ignore_columns: Option<&'a Bound<'py, PyAny>>,
    pub(crate) profile: Option<&'a Bound<'py, PyAny>>,
    pub(crate) max_problems: usize,
}

impl ReadArgs<'_, '_> {
    /// The options: the profile's (an `ImportProfile` or the path of its file), or the
    /// keywords'. Giving both is refused: which would win is not obvious.
    pub(crate) fn options(self, limits: Limits) -> PyResult<ReadOptions> {
        let base = ReadOptions {
            strict: self.strict,
            limits,
            max_problems: self.max_problems,
            ..ReadOptions::default()
        };
        let Some(profile) = self.profile.filter(|p| !p.is_none()) else {
            return Ok(ReadOptions {
                delimiter: delimiter(self.delimiter)?,
                encoding: encoding(self.encoding)?,
                columns: columns(self.columns)?,
                ignore_columns: ignore_columns(self.ignore_columns)?,
                ..base
            });
        };
        let given = self.delimiter.is_some()
            || self.encoding.is_some()
            || self.columns.is_some()
            || self.ignore_columns.is_some_and(|i| !i.is_none());
        if given {
            return Err(invalid(
                "profile",
                "give either profile= or delimiter=/encoding=/columns=/ignore_columns=, not \
                 both"
                    .into(),
            ));
        }
        let profile = match profile.cast::<PyImportProfile>() {
            Ok(p) => p.get().inner.clone(),
            Err(_) => {
                ImportProfile::from_json_path(profile.extract::<PathBuf>().map_err(|_| {
                    invalid(
                        "profile",
                        "an ImportProfile or the path of a profile file".into(),
                    )
                })?)?
            }
        };
        Ok(base.with_profile(&profile))
    }
}
