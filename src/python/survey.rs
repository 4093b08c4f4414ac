//! `Survey`: an instrument with validated responses ([`crate::Survey`]).

use std::path::PathBuf;

use indexmap::IndexMap;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};

use super::convert;
use super::frame::{PyFrame, PyRepresentativeness, PyWeights};
use super::instrument::{builtin, PyInstrument};
use super::options;
use super::problem::PyProblem;
use super::profile::ReadArgs;
use super::table::{PyDataTable, PyTable};
use crate::analysis::{Attribute, RakeOptions};
use crate::consolidate::{self, Disagreement, WeightedColumn};
use crate::data::{Limits, RawTable, MAX_PROBLEMS};
use crate::{Error, Instrument, Rules, Survey};

/// The inference keywords of a measure method, gathered (every measure takes the same eleven).
macro_rules! inference_args {
    ($($field:ident),* $(,)?) => {
        options::InferenceArgs { $($field),* }
    };
}

// The constructors' `max_problems=100` (a literal, so that the signature Python sees shows it).
const _: () = assert!(MAX_PROBLEMS == 100);

/// The reading keywords of a constructor, gathered.
macro_rules! read_args {
    ($strict:ident, $delimiter:ident, $encoding:ident, $columns:ident, $ignore:ident,
     $profile:ident, $max:ident) => {
        ReadArgs {
            strict: $strict,
            delimiter: $delimiter,
            encoding: $encoding,
            columns: $columns,
            ignore_columns: $ignore.as_ref(),
            profile: $profile.as_ref(),
            max_problems: $max,
        }
    };
}

use crate::render::notebook::ROWS as HTML_ROWS;

/// An instrument together with respondent data validated against it.
///
/// Build one with :meth:`from_csv`, :meth:`from_json`, :meth:`from_records`, :meth:`from_dict`
/// or :meth:`from_pandas`. Without ``instrument`` the built-in 2013 instrument is used. With
/// ``strict=True`` (the default) any problem raises :class:`ValidationError`, listing every
/// problem up to ``max_problems``; with
/// ``strict=False`` valid values are kept, invalid cells left empty, and every problem is listed
/// in :attr:`problems` (a missing required column still raises). Readers refuse input beyond
/// ``max_input_bytes`` (256 MiB), fields beyond ``max_field_bytes`` (1 MiB) and more than
/// ``max_columns`` (65,536) columns with a ``limit_exceeded`` problem; the keywords change them.
#[pyclass(name = "Survey", module = "doe_democratie", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PySurvey {
    pub(crate) inner: Survey,
}

/// Reading limits: the defaults, with any given keyword replacing its default.
fn limits(
    max_input_bytes: Option<u64>,
    max_field_bytes: Option<usize>,
    max_columns: Option<usize>,
) -> Limits {
    let d = Limits::default();
    Limits {
        max_input_bytes: max_input_bytes.unwrap_or(d.max_input_bytes),
        max_field_bytes: max_field_bytes.unwrap_or(d.max_field_bytes),
        max_columns: max_columns.unwrap_or(d.max_columns),
    }
}

fn instrument_of<'a>(instrument: &'a Option<Bound<'_, PyInstrument>>) -> &'a Instrument {
    instrument.as_ref().map_or(builtin(), |i| &i.get().inner)
}

/// Validates a table with the GIL released.
fn validate(
    py: Python<'_>,
    table: RawTable,
    instrument: Option<Bound<'_, PyInstrument>>,
    args: ReadArgs<'_, '_>,
) -> PyResult<PySurvey> {
    let instrument = instrument_of(&instrument);
    let opts = args.options(Limits::default())?;
    let inner = py.detach(|| Survey::from_table(table, instrument, &opts))?;
    Ok(PySurvey { inner })
}

/// A disagreement as a dict: municipality, column, answers (list of (respondent_id, code)).
fn disagreement_dict<'py>(py: Python<'py>, d: Disagreement) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("municipality", d.municipality)?;
    out.set_item("column", d.column)?;
    out.set_item("answers", d.answers)?;
    Ok(out)
}

/// Whether numpy can be imported (rust-numpy panics when it cannot).
fn numpy_available(py: Python<'_>) -> bool {
    py.import("numpy").is_ok()
}

/// `units`, `codes` and `weights` as numpy arrays that take over the vectors (no copy), or as
/// lists when numpy is not installed.
fn weighted_column_dict(py: Python<'_>, col: WeightedColumn) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("column", col.column)?;
    d.set_item("unit", col.unit.as_str())?;
    if numpy_available(py) {
        d.set_item("units", numpy::PyArray1::from_vec(py, col.units))?;
        d.set_item("codes", numpy::PyArray1::from_vec(py, col.codes))?;
        d.set_item("weights", numpy::PyArray1::from_vec(py, col.weights))?;
    } else {
        d.set_item("units", col.units)?;
        d.set_item("codes", col.codes)?;
        d.set_item("weights", col.weights)?;
    }
    d.set_item("n_units", col.n_units)?;
    Ok(d)
}

#[pymethods]
impl PySurvey {
    /// Reads a CSV file: one row per respondent; ``respondent_id`` and ``municipality`` required;
    /// ``municipality_name``, ``role``, ``inhabitants``, ``size_class``, ``province`` optional; one
    /// column per item named ``<question>.<item>``. Comma or semicolon delimited (``delimiter=None``
    /// picks from the header), UTF-8 with or without BOM unless ``encoding`` says otherwise
    /// (``'windows-1252'``, ``'latin-1'``, ``'utf-16'``). ``columns`` maps input headers to
    /// instrument columns or attributes, ``ignore_columns`` lists headers to leave out (or is
    /// ``'unknown'``), ``profile`` gives all of these at once (an :class:`ImportProfile` or its
    /// file). Strict mode lists up to ``max_problems`` problems in the error.
    #[staticmethod]
    #[pyo3(signature = (path, instrument=None, *, strict=true, delimiter=None, encoding=None,
        columns=None, ignore_columns=None, profile=None, max_problems=100,
        max_input_bytes=None, max_field_bytes=None, max_columns=None))]
    #[allow(clippy::too_many_arguments)] // keyword options, as in Python
    fn from_csv(
        py: Python<'_>,
        path: PathBuf,
        instrument: Option<Bound<'_, PyInstrument>>,
        strict: bool,
        delimiter: Option<&str>,
        encoding: Option<&str>,
        columns: Option<IndexMap<String, String>>,
        ignore_columns: Option<Bound<'_, PyAny>>,
        profile: Option<Bound<'_, PyAny>>,
        max_problems: usize,
        max_input_bytes: Option<u64>,
        max_field_bytes: Option<usize>,
        max_columns: Option<usize>,
    ) -> PyResult<Self> {
        let instrument = instrument_of(&instrument);
        let args = read_args!(
            strict,
            delimiter,
            encoding,
            columns,
            ignore_columns,
            profile,
            max_problems
        );
        let opts = args.options(limits(max_input_bytes, max_field_bytes, max_columns))?;
        let inner = py.detach(|| Survey::read_csv_path(&path, instrument, &opts))?;
        Ok(PySurvey { inner })
    }

    /// Reads a JSON file holding a list of records, one object per respondent with the same keys
    /// as the CSV columns. The reading keywords are those of :meth:`from_csv`.
    #[staticmethod]
    #[pyo3(signature = (path, instrument=None, *, strict=true, encoding=None, columns=None,
        ignore_columns=None, profile=None, max_problems=100,
        max_input_bytes=None, max_field_bytes=None, max_columns=None))]
    #[allow(clippy::too_many_arguments)] // keyword options, as in Python
    fn from_json(
        py: Python<'_>,
        path: PathBuf,
        instrument: Option<Bound<'_, PyInstrument>>,
        strict: bool,
        encoding: Option<&str>,
        columns: Option<IndexMap<String, String>>,
        ignore_columns: Option<Bound<'_, PyAny>>,
        profile: Option<Bound<'_, PyAny>>,
        max_problems: usize,
        max_input_bytes: Option<u64>,
        max_field_bytes: Option<usize>,
        max_columns: Option<usize>,
    ) -> PyResult<Self> {
        let instrument = instrument_of(&instrument);
        let delimiter = None;
        let args = read_args!(
            strict,
            delimiter,
            encoding,
            columns,
            ignore_columns,
            profile,
            max_problems
        );
        let opts = args.options(limits(max_input_bytes, max_field_bytes, max_columns))?;
        let inner = py.detach(|| Survey::read_json_path(&path, instrument, &opts))?;
        Ok(PySurvey { inner })
    }

    /// Validates a list of records (dicts mapping column name to value), one per respondent.
    /// Rows in problems are 1-based record numbers; the file is ``source`` (``'<records>'``).
    /// ``columns``, ``ignore_columns``, ``profile`` and ``max_problems`` as for :meth:`from_csv`.
    #[staticmethod]
    #[pyo3(signature = (records, instrument=None, *, strict=true, columns=None,
        ignore_columns=None, profile=None, max_problems=100, source=None,
        max_field_bytes=None, max_columns=None))]
    #[allow(clippy::too_many_arguments)] // keyword options, as in Python
    fn from_records(
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        instrument: Option<Bound<'_, PyInstrument>>,
        strict: bool,
        columns: Option<IndexMap<String, String>>,
        ignore_columns: Option<Bound<'_, PyAny>>,
        profile: Option<Bound<'_, PyAny>>,
        max_problems: usize,
        source: Option<&str>,
        max_field_bytes: Option<usize>,
        max_columns: Option<usize>,
    ) -> PyResult<Self> {
        let limits = limits(None, max_field_bytes, max_columns);
        let table = convert::table_from_records(source.unwrap_or("<records>"), records, limits)?;
        let (delimiter, encoding) = (None, None);
        let args = read_args!(
            strict,
            delimiter,
            encoding,
            columns,
            ignore_columns,
            profile,
            max_problems
        );
        validate(py, table, instrument, args)
    }

    /// Validates a dict of columns: column name → list, numpy array or pandas Series, all of one
    /// length. Numeric and bool numpy arrays are read without conversion; NaN is an empty cell.
    /// Rows in problems are 1-based positions; the file is ``source`` (``'<dict>'``). The other
    /// keywords as for :meth:`from_records`.
    #[staticmethod]
    #[pyo3(signature = (data, instrument=None, *, strict=true, columns=None,
        ignore_columns=None, profile=None, max_problems=100, source=None))]
    #[allow(clippy::too_many_arguments)] // keyword options, as in Python
    fn from_dict(
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        instrument: Option<Bound<'_, PyInstrument>>,
        strict: bool,
        columns: Option<IndexMap<String, String>>,
        ignore_columns: Option<Bound<'_, PyAny>>,
        profile: Option<Bound<'_, PyAny>>,
        max_problems: usize,
        source: Option<&str>,
    ) -> PyResult<Self> {
        let table = convert::table_from_mapping(source.unwrap_or("<dict>"), data)?;
        let (delimiter, encoding) = (None, None);
        let args = read_args!(
            strict,
            delimiter,
            encoding,
            columns,
            ignore_columns,
            profile,
            max_problems
        );
        validate(py, table, instrument, args)
    }

    /// Validates a pandas DataFrame with one row per respondent (the index is ignored). ``None``,
    /// NaN, ``pd.NA`` and ``NaT`` are empty cells. Rows in problems are 1-based positions; the
    /// file is ``source`` (``'<pandas>'``). The other keywords as for :meth:`from_records`.
    #[staticmethod]
    #[pyo3(signature = (df, instrument=None, *, strict=true, columns=None,
        ignore_columns=None, profile=None, max_problems=100, source=None))]
    #[allow(clippy::too_many_arguments)] // keyword options, as in Python
    fn from_pandas(
        py: Python<'_>,
        df: &Bound<'_, PyAny>,
        instrument: Option<Bound<'_, PyInstrument>>,
        strict: bool,
        columns: Option<IndexMap<String, String>>,
        ignore_columns: Option<Bound<'_, PyAny>>,
        profile: Option<Bound<'_, PyAny>>,
        max_problems: usize,
        source: Option<&str>,
    ) -> PyResult<Self> {
        let table = convert::table_from_dataframe(source.unwrap_or("<pandas>"), df)?;
        let (delimiter, encoding) = (None, None);
        let args = read_args!(
            strict,
            delimiter,
            encoding,
            columns,
            ignore_columns,
            profile,
            max_problems
        );
        validate(py, table, instrument, args)
    }

    /// Validates Arrow data, one row per respondent: a pyarrow Table, or anything exporting the
    /// Arrow PyCapsule stream interface (``__arrow_c_stream__``: polars and pandas DataFrames).
    /// Columns are read from the Arrow buffers (strings and dictionaries by their codes). Needs
    /// pyarrow. Rows in problems are 1-based positions; the file is ``source`` (``'<arrow>'``).
    /// The other keywords as for :meth:`from_records`.
    #[staticmethod]
    #[pyo3(signature = (data, instrument=None, *, strict=true, columns=None,
        ignore_columns=None, profile=None, max_problems=100, source=None))]
    #[allow(clippy::too_many_arguments)] // keyword options, as in Python
    fn from_arrow(
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        instrument: Option<Bound<'_, PyInstrument>>,
        strict: bool,
        columns: Option<IndexMap<String, String>>,
        ignore_columns: Option<Bound<'_, PyAny>>,
        profile: Option<Bound<'_, PyAny>>,
        max_problems: usize,
        source: Option<&str>,
    ) -> PyResult<Self> {
        let table = convert::table_from_arrow(source.unwrap_or("<arrow>"), data)?;
        let (delimiter, encoding) = (None, None);
        let args = read_args!(
            strict,
            delimiter,
            encoding,
            columns,
            ignore_columns,
            profile,
            max_problems
        );
        validate(py, table, instrument, args)
    }

    /// Reads a Parquet file with pyarrow and validates it as :meth:`from_arrow` does; problems
    /// name the file.
    #[staticmethod]
    #[pyo3(signature = (path, instrument=None, *, strict=true, columns=None,
        ignore_columns=None, profile=None, max_problems=100))]
    #[allow(clippy::too_many_arguments)] // keyword options, as in Python
    fn from_parquet(
        py: Python<'_>,
        path: PathBuf,
        instrument: Option<Bound<'_, PyInstrument>>,
        strict: bool,
        columns: Option<IndexMap<String, String>>,
        ignore_columns: Option<Bound<'_, PyAny>>,
        profile: Option<Bound<'_, PyAny>>,
        max_problems: usize,
    ) -> PyResult<Self> {
        let parquet = py.import("pyarrow.parquet").map_err(|_| {
            pyo3::exceptions::PyImportError::new_err(
                "reading Parquet needs pyarrow (pip install 'doe-democratie[arrow]')",
            )
        })?;
        let data = parquet.call_method1("read_table", (&path,))?;
        let table = convert::table_from_arrow(&path.display().to_string(), &data)?;
        let (delimiter, encoding) = (None, None);
        let args = read_args!(
            strict,
            delimiter,
            encoding,
            columns,
            ignore_columns,
            profile,
            max_problems
        );
        validate(py, table, instrument, args)
    }

    /// Number of respondents.
    #[getter]
    fn n_respondents(&self) -> usize {
        self.inner.n_respondents()
    }

    /// Number of distinct municipalities.
    #[getter]
    fn n_municipalities(&self) -> usize {
        self.inner.n_municipalities()
    }

    /// The instrument the data was validated against.
    #[getter]
    fn instrument(&self) -> PyInstrument {
        PyInstrument {
            inner: self.inner.instrument().clone(),
        }
    }

    /// Problems found when reading with ``strict=False`` (empty after a strict read).
    #[getter]
    fn problems(&self) -> Vec<PyProblem> {
        self.inner
            .validation_report()
            .problems
            .iter()
            .cloned()
            .map(PyProblem)
            .collect()
    }

    /// Input columns left out because they named nothing in the instrument and the read had
    /// ``ignore_columns='unknown'``.
    #[getter]
    fn ignored_columns(&self) -> Vec<String> {
        self.inner.validation_report().ignored_columns.clone()
    }

    /// Counts per data column, in questionnaire order: a list of dicts with keys ``column``,
    /// ``question``, ``item`` (None for single-column questions), ``asked`` (was the column in
    /// the input), ``answered``, ``dont_know``, ``missing``, ``picked`` (multi-select options
    /// only, else None) and ``dropped`` (answers left out by a lenient read: invalid codes, too
    /// many picks). ``pandas.DataFrame(survey.item_summary())`` gives a table.
    fn item_summary<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .item_summary()
            .into_iter()
            .map(|s| {
                let d = PyDict::new(py);
                d.set_item("column", s.column)?;
                d.set_item("question", s.question)?;
                d.set_item("item", s.item)?;
                d.set_item("asked", s.asked)?;
                d.set_item("answered", s.answered)?;
                d.set_item("dont_know", s.dont_know)?;
                d.set_item("missing", s.missing)?;
                d.set_item("picked", s.picked)?;
                d.set_item("dropped", s.dropped)?;
                Ok(d)
            })
            .collect()
    }

    /// Frequency distribution of every item of a coded question (single choice or grid), each
    /// item on its own base, one answer pattern per municipality for municipality questions.
    ///
    /// Options (keyword-only): ``by`` — ``'size_class'``, ``'province'``, ``'role'`` or
    /// ``{'attribute': 'size_class', 'groups': {'lt_50k': ['lt_20k', '20k_50k'], ...}}``;
    /// ``rules`` — ``{question_id: policy}`` with policy ``'split'``, ``'any_yes'``,
    /// ``'median'``, ``'max'``, ``'mode'`` or ``'prefer_role'``; ``items`` — item ids;
    /// ``tag`` — ``(grouping, level)``, e.g. ``('rung', 'facilitating')``; ``base`` —
    /// ``'scale'`` (the scale decides whether 'weet niet' counts) or ``'substantive'``;
    /// ``lang`` — ``'nl'`` or ``'en'``, the language of the ``item_label`` and ``category_label``
    /// columns (``label_nl`` stays the report's Dutch label).
    ///
    /// Inference (keyword-only, see ``docs/inference.md``): ``frame`` — a :class:`Frame`
    /// (municipalities are a sample from it: weights and finite-population correction);
    /// ``design`` — ``'srs'``, ``'stratified'`` or ``'post_stratified'`` (strata from the
    /// frame's ``strata`` attribute); ``weights`` — :class:`Weights` from :meth:`post_stratify`
    /// or :meth:`rake`; ``fpc``; ``ci`` — ``'wald'``, ``'wilson'``, ``'clopper_pearson'``,
    /// ``'logit'`` or ``'korn_graubard'``; ``level``; ``test`` — ``'pearson'``,
    /// ``'rao_scott'``, ``'rao_scott_first_order'``, ``'fisher'``, ``'permutation'`` or
    /// ``'trend'`` between the groups of ``by``; ``adjust`` — ``'none'``, ``'holm'`` or
    /// ``'bh'``; ``n_perm`` and ``seed`` for permutation and Monte Carlo draws. Any of
    /// ``frame``, ``weights``, ``ci``, ``test`` or a ``design`` other than ``'srs'`` adds the
    /// columns estimate, se, lower, upper, method, deff, n_eff, df, units, small_base and
    /// letters to the table, and :attr:`Table.inference`.
    #[pyo3(signature = (question, *, by=None, rules=None, items=None, tag=None, base="scale", lang="nl", frame=None, design="srs", strata="size_class", weights=None, fpc=true, ci=None, level=0.95, test=None, adjust="none", n_perm=9999, seed=20130101))]
    #[allow(clippy::too_many_arguments)]
    fn frequencies(
        &self,
        py: Python<'_>,
        question: &str,
        by: Option<&Bound<'_, PyAny>>,
        rules: Option<&Bound<'_, PyAny>>,
        items: Option<&Bound<'_, PyAny>>,
        tag: Option<&Bound<'_, PyAny>>,
        base: &str,
        lang: &str,
        frame: Option<&Bound<'_, PyAny>>,
        design: &str,
        strata: &str,
        weights: Option<&Bound<'_, PyAny>>,
        fpc: bool,
        ci: Option<&str>,
        level: f64,
        test: Option<&str>,
        adjust: &str,
        n_perm: u64,
        seed: u64,
    ) -> PyResult<PyTable> {
        let inf = inference_args!(
            frame, design, strata, weights, fpc, ci, level, test, adjust, n_perm, seed
        );
        let opts = options::measure_options(
            self.inner.instrument(),
            by,
            rules,
            items,
            tag,
            base,
            lang,
            &inf,
        )?;
        Ok(py
            .detach(|| self.inner.frequencies(question, &opts))?
            .into())
    }

    /// Net shares (``net='top2'``: "vaak of regelmatig") of every item of a coded question, on
    /// the same base as :meth:`frequencies`, printed half up. Options as for
    /// :meth:`frequencies`; a test runs on groups × (in the net, not in it).
    #[pyo3(signature = (question, net="top2", *, by=None, rules=None, items=None, tag=None, base="scale", lang="nl", frame=None, design="srs", strata="size_class", weights=None, fpc=true, ci=None, level=0.95, test=None, adjust="none", n_perm=9999, seed=20130101))]
    #[allow(clippy::too_many_arguments)]
    fn net_shares(
        &self,
        py: Python<'_>,
        question: &str,
        net: &str,
        by: Option<&Bound<'_, PyAny>>,
        rules: Option<&Bound<'_, PyAny>>,
        items: Option<&Bound<'_, PyAny>>,
        tag: Option<&Bound<'_, PyAny>>,
        base: &str,
        lang: &str,
        frame: Option<&Bound<'_, PyAny>>,
        design: &str,
        strata: &str,
        weights: Option<&Bound<'_, PyAny>>,
        fpc: bool,
        ci: Option<&str>,
        level: f64,
        test: Option<&str>,
        adjust: &str,
        n_perm: u64,
        seed: u64,
    ) -> PyResult<PyTable> {
        let inf = inference_args!(
            frame, design, strata, weights, fpc, ci, level, test, adjust, n_perm, seed
        );
        let opts = options::measure_options(
            self.inner.instrument(),
            by,
            rules,
            items,
            tag,
            base,
            lang,
            &inf,
        )?;
        Ok(py
            .detach(|| self.inner.net_shares(question, net, &opts))?
            .into())
    }

    /// Mean score of every item of an ordinal question: the mean category code over the
    /// substantive answers ('weet niet' left out), with its standard error; a row's
    /// ``estimate`` is the mean. Options as for :meth:`frequencies` (intervals are Wald; the one
    /// test is ``'trend'``).
    #[pyo3(signature = (question, *, by=None, rules=None, items=None, tag=None, lang="nl", frame=None, design="srs", strata="size_class", weights=None, fpc=true, ci=None, level=0.95, test=None, adjust="none", n_perm=9999, seed=20130101))]
    #[allow(clippy::too_many_arguments)]
    fn mean_scores(
        &self,
        py: Python<'_>,
        question: &str,
        by: Option<&Bound<'_, PyAny>>,
        rules: Option<&Bound<'_, PyAny>>,
        items: Option<&Bound<'_, PyAny>>,
        tag: Option<&Bound<'_, PyAny>>,
        lang: &str,
        frame: Option<&Bound<'_, PyAny>>,
        design: &str,
        strata: &str,
        weights: Option<&Bound<'_, PyAny>>,
        fpc: bool,
        ci: Option<&str>,
        level: f64,
        test: Option<&str>,
        adjust: &str,
        n_perm: u64,
        seed: u64,
    ) -> PyResult<PyTable> {
        let inf = inference_args!(
            frame, design, strata, weights, fpc, ci, level, test, adjust, n_perm, seed
        );
        let opts = options::measure_options(
            self.inner.instrument(),
            by,
            rules,
            items,
            tag,
            "scale",
            lang,
            &inf,
        )?;
        Ok(py
            .detach(|| self.inner.mean_scores(question, &opts))?
            .into())
    }

    /// Mention ranking of a multi-select question: per option the units that picked it, their
    /// share of all units in the group, rank and ties. Options as for :meth:`frequencies`.
    #[pyo3(signature = (question, *, by=None, rules=None, items=None, lang="nl", frame=None, design="srs", strata="size_class", weights=None, fpc=true, ci=None, level=0.95, test=None, adjust="none", n_perm=9999, seed=20130101))]
    #[allow(clippy::too_many_arguments)]
    fn mentions(
        &self,
        py: Python<'_>,
        question: &str,
        by: Option<&Bound<'_, PyAny>>,
        rules: Option<&Bound<'_, PyAny>>,
        items: Option<&Bound<'_, PyAny>>,
        lang: &str,
        frame: Option<&Bound<'_, PyAny>>,
        design: &str,
        strata: &str,
        weights: Option<&Bound<'_, PyAny>>,
        fpc: bool,
        ci: Option<&str>,
        level: f64,
        test: Option<&str>,
        adjust: &str,
        n_perm: u64,
        seed: u64,
    ) -> PyResult<PyTable> {
        let inf = inference_args!(
            frame, design, strata, weights, fpc, ci, level, test, adjust, n_perm, seed
        );
        let opts = options::measure_options(
            self.inner.instrument(),
            by,
            rules,
            items,
            None,
            "scale",
            lang,
            &inf,
        )?;
        Ok(py.detach(|| self.inner.mentions(question, &opts))?.into())
    }

    /// One row per respondent, in input order, as a :class:`DataTable`: ``respondent_id``,
    /// ``municipality``, the attributes present (as the instrument's ids) and one column per
    /// instrument column asked, answer codes as numbers. Reading it back
    /// (``Survey.from_pandas(survey.respondents().to_pandas())``) gives an equal survey.
    fn respondents(&self) -> PyResult<PyDataTable> {
        Ok(self.inner.respondents()?.into())
    }

    /// One row per municipality: ``municipality``, ``municipality_name``, ``inhabitants``,
    /// ``size_class``, ``province`` and ``respondents``, as a :class:`DataTable`.
    fn municipalities(&self) -> PyDataTable {
        self.inner.municipalities().into()
    }

    /// One row per municipality: its attributes and its consolidated answers under ``rules``
    /// (``{question_id: policy}``, defaults as for the measures). A whole-number policy gives a
    /// column ``<question>.<item>`` with the code; ``'split'`` a column
    /// ``<question>.<item>:<category>`` per category with the municipality's share.
    /// Respondent-level questions are left out.
    #[pyo3(signature = (*, rules=None))]
    fn consolidated(
        &self,
        py: Python<'_>,
        rules: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyDataTable> {
        let rules = options::rules(self.inner.instrument(), rules)?;
        Ok(py.detach(|| self.inner.consolidated(&rules))?.into())
    }

    /// One data column at its question's unit of analysis, in long form: a dict with
    /// ``column``, ``unit`` (``'municipality'`` or ``'respondent'``), ``units``, ``codes`` and
    /// ``weights`` (numpy arrays of uint32, uint16 and float64 — lists if numpy is not
    /// installed; entry ``i`` says unit ``units[i]`` answered ``codes[i]`` with weight
    /// ``weights[i]``) and ``n_units`` (units with at least one entry).
    ///
    /// Municipality units index the municipalities in the order of
    /// ``survey.provenance()['respondents']``; respondent units index the respondents in input
    /// order. ``policy=None`` applies the question's default rule (``'split'`` for coded,
    /// ``'any_yes'`` for multi-select municipality questions; respondent questions are not
    /// consolidated).
    #[pyo3(signature = (column, *, policy=None))]
    fn consolidate<'py>(
        &self,
        py: Python<'py>,
        column: &str,
        policy: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let instrument = self.inner.instrument();
        let rules = match policy {
            None => Rules::default(),
            Some(name) => {
                let policy = options::policy(name)?;
                let position = instrument.column_position(column).ok_or_else(|| {
                    Error::unknown(
                        "column",
                        column,
                        instrument.columns().iter().map(|c| c.name.as_str()),
                    )
                })?;
                let question = &instrument.questions()[instrument.columns()[position].question];
                Rules::default().with(instrument, &question.id, policy)?
            }
        };
        let col = py.detach(|| consolidate::consolidate(&self.inner, column, &rules))?;
        weighted_column_dict(py, col)
    }

    /// What consolidation works with: a dict with ``respondents`` (municipality id → number of
    /// respondents, in data order) and ``disagreements`` (as :meth:`disagreements`).
    fn provenance<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let p = py.detach(|| consolidate::provenance(&self.inner))?;
        let respondents = PyDict::new(py);
        for (municipality, n) in p.respondents {
            respondents.set_item(municipality, n)?;
        }
        let disagreements = p
            .disagreements
            .into_iter()
            .map(|d| disagreement_dict(py, d))
            .collect::<PyResult<Vec<_>>>()?;
        let d = PyDict::new(py);
        d.set_item("respondents", respondents)?;
        d.set_item("disagreements", disagreements)?;
        Ok(d)
    }

    /// Every municipality × column where the municipality's respondents gave different answers
    /// (municipality-unit questions only), as dicts with ``municipality``, ``column`` and
    /// ``answers`` (list of ``(respondent_id, code)`` in input order); ordered by municipality,
    /// then column. ``pandas.DataFrame(survey.disagreements())`` gives a table.
    fn disagreements<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        py.detach(|| consolidate::disagreements(&self.inner))?
            .into_iter()
            .map(|d| disagreement_dict(py, d))
            .collect()
    }

    fn __len__(&self) -> usize {
        self.inner.n_respondents()
    }

    fn __repr__(&self) -> String {
        self.inner.to_string()
    }

    fn _repr_html_(&self) -> String {
        self.inner.to_html(HTML_ROWS)
    }

    /// Pickles through the serde JSON form (instrument, responses and problems).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let state = super::to_state(slf.py(), &slf.get().inner, "survey")?;
        Ok((slf.get_type().getattr("_from_state")?, (state,)))
    }

    /// Unpickling helper: checks the stored responses against the stored instrument.
    #[classmethod]
    fn _from_state(_cls: &Bound<'_, PyType>, py: Python<'_>, state: &str) -> PyResult<Self> {
        Ok(PySurvey {
            inner: super::from_state(py, state, "Survey")?,
        })
    }

    /// Municipality weights N_h / n_h over the strata of the frame's ``by`` margin
    /// (``'size_class'`` or ``'province'``). A stratum without responding municipalities, or a
    /// municipality in no stratum, raises :class:`WeightingError` naming margin and category.
    #[pyo3(signature = (frame, by="size_class"))]
    fn post_stratify(
        &self,
        py: Python<'_>,
        frame: &Bound<'_, PyFrame>,
        by: &str,
    ) -> PyResult<PyWeights> {
        let by: Attribute = by.parse()?;
        let frame = &frame.get().inner;
        let inner = py.detach(|| self.inner.post_stratify(frame, by))?;
        Ok(PyWeights { inner })
    }

    /// Municipality weights raked (iterative proportional fitting, as R's ``survey::rake``) to
    /// the frame's ``margins`` in order, until every margin total is within ``tolerance``
    /// (relative) of its target; ``epsilon`` stops by R's rule instead (no cell of the margins'
    /// cross-table changes by ``epsilon`` between cycles; R's default is 1).
    /// ``trim=(lower, upper)`` bounds the weights to multiples of the mean weight N/n. Unreachable targets, bounds that cannot be met and no convergence within
    /// ``max_iterations`` raise :class:`WeightingError` naming margin and category.
    #[pyo3(
        signature = (frame, margins=vec!["size_class".to_owned(), "province".to_owned()], *,
            max_iterations=100, tolerance=1e-10, epsilon=None, trim=None),
        text_signature = "($self, frame, margins=('size_class', 'province'), *, \
            max_iterations=100, tolerance=1e-10, epsilon=None, trim=None)"
    )]
    #[allow(clippy::too_many_arguments)] // keyword options, as in Python
    fn rake(
        &self,
        py: Python<'_>,
        frame: &Bound<'_, PyFrame>,
        margins: Vec<String>,
        max_iterations: usize,
        tolerance: f64,
        epsilon: Option<f64>,
        trim: Option<(f64, f64)>,
    ) -> PyResult<PyWeights> {
        let options = RakeOptions {
            margins: margins
                .iter()
                .map(|m| m.parse())
                .collect::<crate::Result<Vec<Attribute>>>()?,
            max_iterations,
            tolerance,
            epsilon,
            trim,
        };
        let frame = &frame.get().inner;
        let inner = py.detach(|| self.inner.rake(frame, &options))?;
        Ok(PyWeights { inner })
    }

    /// The responding municipalities against the frame's ``by`` margin: per stratum the sample
    /// and frame counts, response rate and shares, and Pearson's χ² goodness-of-fit test.
    #[pyo3(signature = (frame, by="size_class"))]
    fn representativeness(
        &self,
        py: Python<'_>,
        frame: &Bound<'_, PyFrame>,
        by: &str,
    ) -> PyResult<PyRepresentativeness> {
        let by: Attribute = by.parse()?;
        let frame = &frame.get().inner;
        let inner = py.detach(|| self.inner.representativeness(frame, by))?;
        Ok(PyRepresentativeness { inner })
    }
}
