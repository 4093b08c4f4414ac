//! `Frame`, `Weights` and `Representativeness`: population frames and calibrated municipality
//! weights ([`crate::Frame`], [`crate::analysis::Weights`],
//! [`crate::analysis::Representativeness`]).

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{IntoPyDict, PyDict, PyInt, PyList, PyType};

use super::convert;
use super::instrument::{builtin, PyInstrument};
use super::table::import_pandas;
use crate::analysis::{Representativeness, Weights, COVERAGE_FIELDS};
use crate::data::{FrameStratum, Strata};
use crate::{Error, Frame, Instrument};

fn instrument_of<'a>(instrument: &'a Option<Bound<'_, PyInstrument>>) -> &'a Instrument {
    instrument.as_ref().map_or(builtin(), |i| &i.get().inner)
}

/// `strata` as given in Python: a mapping of stratum id → ``(levels, count)``, or → ``count``
/// for a stratum that is the level of the same id.
fn strata_arg(strata: &Bound<'_, PyAny>) -> PyResult<Strata> {
    let invalid = |message: String| -> PyErr {
        Error::InvalidArgument {
            name: "strata",
            message,
        }
        .into()
    };
    let shown = |v: &Bound<'_, PyAny>| v.repr().map(|r| r.to_string()).unwrap_or_default();
    let items = strata
        .call_method0("items")
        .map_err(|_| invalid("must be a dict of stratum id → (levels, count) or → count".into()))?;
    let mut out = Strata::new();
    for item in items.try_iter()? {
        let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
        let id: String = key
            .extract()
            .map_err(|_| invalid(format!("stratum ids must be str, not {}", shown(&key))))?;
        let stratum = if value.is_instance_of::<PyInt>() {
            let count = value.extract().map_err(|_| {
                invalid(format!(
                    "stratum '{id}': the count must be a whole number ≥ 0"
                ))
            })?;
            FrameStratum {
                levels: vec![id.clone()],
                count,
            }
        } else {
            let (levels, count): (Vec<String>, u64) = value.extract().map_err(|_| {
                invalid(format!(
                    "stratum '{id}' must be (list of levels, count) or a count, not {}",
                    shown(&value)
                ))
            })?;
            FrameStratum { levels, count }
        };
        if out.insert(id.clone(), stratum).is_some() {
            return Err(invalid(format!("stratum '{id}' is given twice")));
        }
    }
    Ok(out)
}

/// A population frame: the municipalities the responding ones are a sample of, as counts per
/// stratum of ``size_class`` and/or ``province`` (its *margins*).
///
/// :meth:`municipalities_2013` is the bundled frame (408 municipalities, CBS, 1 January 2013, by
/// size class; see :attr:`note`). :meth:`from_csv` / :meth:`from_pandas` read a table of
/// municipalities (columns ``code``, ``name``, ``inhabitants``, ``province``, optional
/// ``size_class``); :meth:`from_strata` takes counts. Without ``instrument`` the built-in 2013
/// instrument's levels are used. Immutable; compare with ``==``; pickles.
#[pyclass(name = "Frame", module = "doe_democratie", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyFrame {
    pub(crate) inner: Frame,
}

#[pymethods]
impl PyFrame {
    /// The 408 Dutch municipalities on 1 January 2013 (CBS) by size class: ``lt_20k`` 142,
    /// ``20k_100k`` (``20k_50k`` + ``50k_100k``) 239, ``100k_plus`` 27.
    #[staticmethod]
    fn municipalities_2013() -> Self {
        PyFrame {
            inner: Frame::municipalities_2013(),
        }
    }

    /// Reads a table of municipalities from a CSV file (``,`` or ``;``, UTF-8 with or without
    /// BOM): ``code``, ``province`` and ``inhabitants`` (Dutch ``150.000`` accepted) or
    /// ``size_class``, optional ``name``. Every problem raises at once in a
    /// :class:`ValidationError` with row, column and value.
    #[staticmethod]
    #[pyo3(signature = (path, instrument=None))]
    fn from_csv(
        py: Python<'_>,
        path: PathBuf,
        instrument: Option<Bound<'_, PyInstrument>>,
    ) -> PyResult<Self> {
        let instrument = instrument_of(&instrument);
        let inner = py.detach(|| Frame::read_csv_path(&path, instrument))?;
        Ok(PyFrame { inner })
    }

    /// A table of municipalities from a pandas DataFrame with the columns of :meth:`from_csv`;
    /// rows in problems are 1-based positions, the file is ``'<pandas>'``.
    #[staticmethod]
    #[pyo3(signature = (df, instrument=None))]
    fn from_pandas(
        py: Python<'_>,
        df: &Bound<'_, PyAny>,
        instrument: Option<Bound<'_, PyInstrument>>,
    ) -> PyResult<Self> {
        let table = convert::table_from_dataframe("<pandas>", df)?;
        let instrument = instrument_of(&instrument);
        let inner = py.detach(|| Frame::from_table(table, instrument))?;
        Ok(PyFrame { inner })
    }

    /// Counts for one attribute (``'size_class'`` or ``'province'``): ``strata`` maps a stratum
    /// id to ``(levels, count)``, or to ``count`` when the stratum is the level of the same id.
    /// Every level in exactly one stratum; counts positive.
    #[staticmethod]
    #[pyo3(signature = (attribute, strata, instrument=None))]
    fn from_strata(
        attribute: &str,
        strata: &Bound<'_, PyAny>,
        instrument: Option<Bound<'_, PyInstrument>>,
    ) -> PyResult<Self> {
        let inner = Frame::from_strata(attribute, strata_arg(strata)?, instrument_of(&instrument))?;
        Ok(PyFrame { inner })
    }

    /// A copy with a margin of counts for ``attribute`` added (or replacing the one there is),
    /// e.g. province counts beside size-class counts to rake on both. ``strata`` as for
    /// :meth:`from_strata`; they must add up to :attr:`total` and, for a table, count it.
    #[pyo3(signature = (attribute, strata, instrument=None))]
    fn with_strata(
        &self,
        attribute: &str,
        strata: &Bound<'_, PyAny>,
        instrument: Option<Bound<'_, PyInstrument>>,
    ) -> PyResult<Self> {
        let strata = strata_arg(strata)?;
        let inner =
            self.inner
                .clone()
                .with_strata(attribute, strata, instrument_of(&instrument))?;
        Ok(PyFrame { inner })
    }

    /// Number of municipalities in the frame (N).
    #[getter]
    fn total(&self) -> u64 {
        self.inner.total()
    }

    /// How to read the frame, or None.
    #[getter]
    fn note(&self) -> Option<&str> {
        self.inner.note()
    }

    /// Where the counts come from, or None.
    #[getter]
    fn source(&self) -> Option<&str> {
        self.inner.source()
    }

    /// The attributes the frame has margins on.
    #[getter]
    fn attributes(&self) -> Vec<&str> {
        self.inner.attributes()
    }

    /// The strata of one margin: stratum id → ``(levels, count)``, in frame order.
    fn margin<'py>(&self, py: Python<'py>, attribute: &str) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (id, s) in self.inner.margin(attribute)? {
            d.set_item(id, (s.levels.clone(), s.count))?;
        }
        Ok(d)
    }

    /// The position of the stratum of margin ``attribute`` that holds ``level``, or None.
    fn stratum_of(&self, attribute: &str, level: &str) -> Option<usize> {
        self.inner.stratum_of(attribute, level)
    }

    /// The municipalities of a frame read from a table, as dicts (``code``, ``name``,
    /// ``inhabitants``, ``province``, ``size_class``); None for a frame of counts.
    #[getter]
    fn municipalities<'py>(&self, py: Python<'py>) -> PyResult<Option<Vec<Bound<'py, PyDict>>>> {
        let Some(munis) = self.inner.municipalities() else {
            return Ok(None);
        };
        let rows = munis
            .iter()
            .map(|m| {
                let d = PyDict::new(py);
                d.set_item("code", &m.code)?;
                d.set_item("name", &m.name)?;
                d.set_item("inhabitants", m.inhabitants)?;
                d.set_item("province", &m.province)?;
                d.set_item("size_class", &m.size_class)?;
                Ok(d)
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(Some(rows))
    }

    fn __repr__(&self) -> String {
        self.inner.to_string()
    }

    /// Pickles through the serde JSON form.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let state = super::to_state(slf.py(), &slf.get().inner, "frame")?;
        Ok((slf.get_type().getattr("_from_state")?, (state,)))
    }

    /// Unpickling helper: checks that the margins agree with each other and with the table.
    #[classmethod]
    fn _from_state(_cls: &Bound<'_, PyType>, py: Python<'_>, state: &str) -> PyResult<Self> {
        Ok(PyFrame {
            inner: super::from_state(py, state, "Frame")?,
        })
    }
}

/// Municipality weights calibrated to a frame, from :meth:`Survey.post_stratify` or
/// :meth:`Survey.rake`: one weight per responding municipality, in the survey's municipality
/// order (respondents inherit their municipality's weight). Immutable; pickles.
#[pyclass(name = "Weights", module = "doe_democratie", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyWeights {
    pub(crate) inner: Weights,
}

#[pymethods]
impl PyWeights {
    /// The weights, in the order of :attr:`municipalities`.
    #[getter]
    fn values(&self) -> Vec<f64> {
        self.inner.values.clone()
    }

    /// Municipality ids.
    #[getter]
    fn municipalities(&self) -> Vec<String> {
        self.inner.municipality_ids.clone()
    }

    /// ``'post_stratified'`` or ``'raked'``.
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.method.as_str()
    }

    /// Kish's design effect of unequal weighting, n·Σw² / (Σw)².
    #[getter]
    fn kish_deff(&self) -> f64 {
        self.inner.kish_deff()
    }

    /// Kish's effective sample size, (Σw)² / Σw².
    #[getter]
    fn effective_n(&self) -> f64 {
        self.inner.effective_n()
    }

    /// Raking cycles until convergence (0 for post-stratification).
    #[getter]
    fn iterations(&self) -> usize {
        self.inner.iterations
    }

    /// Weights held at a trimming bound.
    #[getter]
    fn trimmed(&self) -> usize {
        self.inner.trimmed
    }

    /// Number of municipalities in the frame: the weights add up to it.
    #[getter]
    fn frame_total(&self) -> u64 {
        self.inner.frame_total
    }

    /// The calibration margins: dicts with ``attribute``, ``categories``, ``of_unit`` (the
    /// category index of each municipality) and ``targets``.
    #[getter]
    fn margins<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .margins
            .iter()
            .map(|m| {
                let d = PyDict::new(py);
                d.set_item("attribute", &m.attribute)?;
                d.set_item("categories", &m.categories)?;
                d.set_item("of_unit", &m.of_unit)?;
                d.set_item("targets", &m.targets)?;
                Ok(d)
            })
            .collect()
    }

    /// A pandas DataFrame with columns ``municipality`` and ``weight``.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pd = import_pandas(py, "Weights.to_pandas()")?;
        let data = PyDict::new(py);
        data.set_item("municipality", &self.inner.municipality_ids)?;
        data.set_item("weight", &self.inner.values)?;
        pd.getattr("DataFrame")?.call1((data,))
    }

    fn __len__(&self) -> usize {
        self.inner.values.len()
    }

    fn __repr__(&self) -> String {
        self.inner.to_string()
    }

    /// Pickles through the serde JSON form.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let state = super::to_state(slf.py(), &slf.get().inner, "weights")?;
        Ok((slf.get_type().getattr("_from_state")?, (state,)))
    }

    /// Unpickling helper.
    #[classmethod]
    fn _from_state(_cls: &Bound<'_, PyType>, py: Python<'_>, state: &str) -> PyResult<Self> {
        Ok(PyWeights {
            inner: super::from_state(py, state, "Weights")?,
        })
    }
}

/// The responding municipalities against a frame margin, from
/// :meth:`Survey.representativeness`: per stratum the sample and frame counts, response rate
/// and shares (:meth:`to_pandas`), and Pearson's χ² goodness-of-fit test (:attr:`statistic`,
/// :attr:`df`, :attr:`p_value`). Immutable; pickles.
#[pyclass(name = "Representativeness", module = "doe_democratie", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyRepresentativeness {
    pub(crate) inner: Representativeness,
}

#[pymethods]
impl PyRepresentativeness {
    /// The frame attribute compared on.
    #[getter]
    fn attribute(&self) -> &str {
        &self.inner.attribute
    }

    /// Pearson's X² = Σ (n_h − e_h)² / e_h with e_h = n·N_h / N.
    #[getter]
    fn statistic(&self) -> f64 {
        self.inner.statistic
    }

    /// Degrees of freedom: strata − 1.
    #[getter]
    fn df(&self) -> usize {
        self.inner.df
    }

    /// P(χ²_df ≥ X²).
    #[getter]
    fn p_value(&self) -> f64 {
        self.inner.p_value
    }

    /// The smallest expected count (below 5 the χ² approximation is rough).
    #[getter]
    fn min_expected(&self) -> f64 {
        self.inner.min_expected
    }

    /// Number of responding municipalities (n).
    #[getter]
    fn n_sample(&self) -> usize {
        self.inner.n_sample
    }

    /// Number of frame municipalities (N).
    #[getter]
    fn frame_total(&self) -> u64 {
        self.inner.frame_total
    }

    /// Responding municipalities whose code the frame's table lacks.
    #[getter]
    fn not_in_frame(&self) -> Vec<String> {
        self.inner.not_in_frame.clone()
    }

    /// The table as CSV text (one row per stratum, levels joined by ``+``).
    fn to_csv(&self) -> String {
        self.inner.to_csv()
    }

    /// A pandas DataFrame, one row per stratum: stratum, levels (list), sample, frame,
    /// response_rate, sample_share, frame_share, expected.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pd = import_pandas(py, "Representativeness.to_pandas()")?;
        let strata = &self.inner.strata;
        let data = PyDict::new(py);
        data.set_item(
            "stratum",
            strata.iter().map(|s| &s.stratum).collect::<Vec<_>>(),
        )?;
        data.set_item(
            "levels",
            strata.iter().map(|s| &s.levels).collect::<Vec<_>>(),
        )?;
        data.set_item(
            "sample",
            strata.iter().map(|s| s.sample).collect::<Vec<_>>(),
        )?;
        data.set_item("frame", strata.iter().map(|s| s.frame).collect::<Vec<_>>())?;
        let floats = |f: fn(&crate::analysis::StratumCoverage) -> f64| {
            strata.iter().map(f).collect::<Vec<_>>()
        };
        data.set_item("response_rate", floats(|s| s.response_rate))?;
        data.set_item("sample_share", floats(|s| s.sample_share))?;
        data.set_item("frame_share", floats(|s| s.frame_share))?;
        data.set_item("expected", floats(|s| s.expected))?;
        let columns = PyList::new(py, COVERAGE_FIELDS)?;
        pd.getattr("DataFrame")?
            .call((data,), Some(&[("columns", columns)].into_py_dict(py)?))
    }

    fn __repr__(&self) -> String {
        self.inner.to_string()
    }

    /// Pickles through the serde JSON form.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let state = super::to_state(slf.py(), &slf.get().inner, "representativeness")?;
        Ok((slf.get_type().getattr("_from_state")?, (state,)))
    }

    /// Unpickling helper.
    #[classmethod]
    fn _from_state(_cls: &Bound<'_, PyType>, py: Python<'_>, state: &str) -> PyResult<Self> {
        Ok(PyRepresentativeness {
            inner: super::from_state(py, state, "Representativeness")?,
        })
    }
}
