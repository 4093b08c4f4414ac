//! `Table`: the tidy result of every measure ([`crate::analysis::Table`]).

use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;
use pyo3::types::{IntoPyDict, PyDict, PyList, PyType};

use crate::analysis::{GroupTest, Row, Table, INFERENCE_FIELDS, NUMERIC_FIELDS, ROW_FIELDS};
use crate::data::{Column, CsvDialect, DataTable, Decimal};
use crate::render::chart::ChartOptions;
use crate::Error;

use super::chart::PyChart;

use crate::render::notebook::{REPR_ROWS, ROWS as HTML_ROWS};

/// A tidy result table: one row per item × group × category with the weighted count, its base,
/// the exact percentage and the percentage as the report prints it.
///
/// ``rows`` gives the rows as dicts (keys ``question``, ``item``, ``group``, ``category``,
/// ``label_nl``, ``count``, ``base``, ``percentage``, ``printed``, ``unit``, ``in_base``, ``rank``,
/// ``tied``); :meth:`to_pandas` the same as a DataFrame; :meth:`find` one row. Immutable; compare
/// with ``==``; pickles through its JSON form.
#[pyclass(name = "Table", module = "doe_democratie", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyTable {
    pub(crate) inner: Table,
}

impl From<Table> for PyTable {
    fn from(inner: Table) -> Self {
        PyTable { inner }
    }
}

/// One row as a dict with the fields in [`ROW_FIELDS`] order.
pub(crate) fn row_dict<'py>(py: Python<'py>, r: &Row) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("question", &r.question)?;
    d.set_item("item", &r.item)?;
    d.set_item("group", &r.group)?;
    d.set_item("category", &r.category)?;
    d.set_item("label_nl", &r.label_nl)?;
    d.set_item("item_label", &r.item_label)?;
    d.set_item("category_label", &r.category_label)?;
    d.set_item("count", r.count)?;
    d.set_item("base", r.base)?;
    d.set_item("percentage", r.percentage)?;
    d.set_item("printed", r.printed)?;
    d.set_item("unit", r.unit.as_str())?;
    d.set_item("in_base", r.in_base)?;
    d.set_item("rank", r.rank)?;
    d.set_item("tied", r.tied)?;
    if let Some(e) = &r.inference {
        d.set_item("estimate", e.estimate)?;
        d.set_item("se", e.se)?;
        d.set_item("lower", e.lower)?;
        d.set_item("upper", e.upper)?;
        d.set_item("method", e.method.map(|m| m.as_str()))?;
        d.set_item("deff", e.deff)?;
        d.set_item("n_eff", e.n_eff)?;
        d.set_item("df", e.df)?;
        d.set_item("units", e.units)?;
        d.set_item("small_base", e.small_base)?;
        d.set_item("letters", &r.letters)?;
    }
    Ok(d)
}

/// One test as a dict.
fn test_dict<'py>(py: Python<'py>, t: &GroupTest) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("item", &t.item)?;
    d.set_item("method", t.method.as_str())?;
    d.set_item("statistic", t.statistic)?;
    d.set_item("df", t.df)?;
    d.set_item("ddf", t.ddf)?;
    d.set_item("p_value", t.p_value)?;
    d.set_item("p_adjusted", t.p_adjusted)?;
    d.set_item("note", &t.note)?;
    Ok(d)
}

/// The column `name` of the rows as a Python list.
fn column<'py>(py: Python<'py>, rows: &[Row], name: &str) -> PyResult<Bound<'py, PyList>> {
    macro_rules! list {
        ($f:expr) => {
            PyList::new(py, rows.iter().map($f))
        };
    }
    match name {
        "question" => list!(|r| r.question.as_str()),
        "item" => list!(|r| r.item.as_deref()),
        "group" => list!(|r| r.group.as_str()),
        "category" => list!(|r| r.category.as_str()),
        "label_nl" => list!(|r| r.label_nl.as_str()),
        "item_label" => list!(|r| r.item_label.as_deref()),
        "category_label" => list!(|r| r.category_label.as_str()),
        "count" => list!(|r| r.count),
        "base" => list!(|r| r.base),
        "percentage" => list!(|r| r.percentage),
        "printed" => list!(|r| r.printed),
        "unit" => list!(|r| r.unit.as_str()),
        "in_base" => list!(|r| r.in_base),
        "rank" => list!(|r| r.rank),
        "tied" => list!(|r| r.tied),
        "estimate" => list!(|r| r.inference.as_ref().map(|e| e.estimate)),
        "se" => list!(|r| r.inference.as_ref().map(|e| e.se)),
        "lower" => list!(|r| r.inference.as_ref().and_then(|e| e.lower)),
        "upper" => list!(|r| r.inference.as_ref().and_then(|e| e.upper)),
        "method" => list!(|r| r
            .inference
            .as_ref()
            .and_then(|e| e.method)
            .map(|m| m.as_str())),
        "deff" => list!(|r| r.inference.as_ref().and_then(|e| e.deff)),
        "n_eff" => list!(|r| r.inference.as_ref().map(|e| e.n_eff)),
        "df" => list!(|r| r.inference.as_ref().map(|e| e.df)),
        "units" => list!(|r| r.inference.as_ref().map(|e| e.units)),
        "small_base" => list!(|r| r.inference.as_ref().map(|e| e.small_base)),
        "letters" => list!(|r| r.letters.as_deref()),
        other => unreachable!("no row field {other}"),
    }
}

/// Imports pandas, or raises an ImportError that says what needs it and how to install it.
pub(crate) fn import_pandas<'py>(py: Python<'py>, what: &str) -> PyResult<Bound<'py, PyModule>> {
    py.import("pandas").map_err(|e| {
        let err = PyImportError::new_err(format!(
            "{what} needs pandas, which could not be imported ({e}); install it with \
             `pip install pandas` or `pip install 'doe-democratie[pandas]'`"
        ));
        err.set_cause(py, Some(e));
        err
    })
}

#[allow(clippy::expect_used)] // plain data (non-finite floats become null): cannot fail
fn to_json(table: &Table) -> String {
    serde_json::to_string_pretty(table).expect("tables always serialise") + "\n"
}

impl PyTable {
    /// The row fields, with the inference fields when the table has inference.
    fn fields(&self) -> Vec<&'static str> {
        ROW_FIELDS
            .iter()
            .chain(
                INFERENCE_FIELDS
                    .iter()
                    .filter(|_| self.inner.inference.is_some()),
            )
            .copied()
            .collect()
    }
}

#[pymethods]
impl PyTable {
    /// Reads a table back from :meth:`to_json`.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let inner = py
            .detach(|| serde_json::from_str::<Table>(text))
            .map_err(|e| Error::InvalidArgument {
                name: "text",
                message: format!("not a Table in JSON form: {e}"),
            })?;
        Ok(PyTable { inner })
    }

    /// The table drawn as a chart (Rust's ``Table::chart``): ``kind`` ``'auto'`` (stacked bars
    /// for frequencies, bars for mentions and nets), ``'stacked'``, ``'diverging'`` or
    /// ``'bars'``; ``width`` in px (320–2400); the instrument's ``short_labels`` where it has
    /// them; the table's ``title`` above the chart. ``RenderError`` when the kind does not fit
    /// the table.
    #[pyo3(signature = (*, kind = "auto", width = 720.0, short_labels = true, title = true))]
    fn chart(
        &self,
        py: Python<'_>,
        kind: &str,
        width: f64,
        short_labels: bool,
        title: bool,
    ) -> PyResult<PyChart> {
        let options = ChartOptions {
            kind: kind.parse()?,
            width,
            short_labels,
            title,
        };
        let inner = py.detach(|| self.inner.chart(&options))?;
        Ok(PyChart { inner })
    }

    /// Short identifier: a figure id such as ``'fig_3_3'``, or ``'<measure>:<question>'``.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    /// Title: the figure title, or the question text.
    #[getter]
    fn title(&self) -> &str {
        &self.inner.title
    }
    /// ``'frequencies'``, ``'net:<id>'`` or ``'mentions'``.
    #[getter]
    fn measure(&self) -> &str {
        &self.inner.measure
    }

    /// Answers of this question lost when the data were read (a lenient read of a file with
    /// invalid cells, skipped rows): a list of dicts with ``column`` (``None`` for skipped
    /// rows), ``reason`` (the problem kind) and ``count``. Empty after a strict read.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .warnings
            .iter()
            .map(|w| {
                let d = PyDict::new(py);
                d.set_item("column", w.column.as_deref())?;
                d.set_item("reason", w.reason.as_str())?;
                d.set_item("count", w.count)?;
                Ok(d)
            })
            .collect()
    }

    /// The warnings as one sentence in the table's language, ``None`` when nothing was dropped.
    fn warning_text(&self) -> Option<String> {
        self.inner.warning_text()
    }

    /// What the table declares about its inference (Rust's ``Table::inference``): ``design``
    /// (in words), ``kind``, ``ci``, ``level``, ``frame_note``, ``adjust``, ``letters`` (group →
    /// letter) and ``tests`` (one dict per item: ``item``, ``method``, ``statistic``, ``df``,
    /// ``ddf``, ``p_value``, ``p_adjusted``, ``note``), or None when the measure was not asked
    /// for inference.
    #[getter]
    fn inference<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(i) = &self.inner.inference else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        d.set_item("design", &i.design)?;
        d.set_item("kind", i.kind.as_str())?;
        d.set_item("ci", i.ci.map(|c| c.as_str()))?;
        d.set_item("level", i.level)?;
        d.set_item("frame_note", &i.frame_note)?;
        d.set_item("adjust", i.adjust.as_str())?;
        d.set_item("letters", &i.letters)?;
        let tests = i
            .tests
            .iter()
            .map(|t| test_dict(py, t))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("tests", tests)?;
        Ok(Some(d))
    }

    /// The rows as dicts, in table order (``pandas.DataFrame(table.rows)`` works too).
    #[getter]
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner.rows.iter().map(|r| row_dict(py, r)).collect()
    }

    /// The row of one item (None for single-choice questions), group (``'all'`` without a
    /// breakdown) and category (a category id, net id such as ``'top2'``, or ``'mentioned'``), or
    /// None.
    fn find<'py>(
        &self,
        py: Python<'py>,
        item: Option<&str>,
        group: &str,
        category: &str,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.inner
            .find(item, group, category)
            .map(|r| row_dict(py, r))
            .transpose()
    }

    /// The table as CSV text (header row, full precision). ``sep`` separates fields,
    /// ``decimal`` is the decimal separator of numbers and ``bom`` starts the text with a UTF-8
    /// byte-order mark: ``to_csv(sep=";", decimal=",", bom=True)`` is what Dutch Excel opens as
    /// numbers.
    #[pyo3(signature = (*, sep=",", decimal=".", bom=false))]
    fn to_csv(&self, sep: &str, decimal: &str, bom: bool) -> PyResult<String> {
        let dialect = CsvDialect::new(sep, decimal.parse::<Decimal>()?, bom)?;
        Ok(self.inner.to_csv_with(&dialect))
    }

    /// The table as pretty-printed JSON (id, title, measure, rows); :meth:`from_json` reads it.
    fn to_json(&self) -> String {
        to_json(&self.inner)
    }

    /// Writes the table as a one-sheet Excel workbook at ``path`` (str or os.PathLike), laid
    /// out as the report shows the figure: the categories as percentage cells holding the exact
    /// shares, the base n, counts outside the base, interval bounds when the table has them,
    /// and footnotes (docs/exports.md). The folder must exist (FileNotFoundError); a ``path``
    /// that is a symbolic link raises InvalidArgumentError, a folder IsADirectoryError.
    /// ``charts=True`` puts the table's chart under it as an image.
    #[cfg(feature = "xlsx")]
    #[pyo3(signature = (path, *, charts = false))]
    fn to_xlsx(&self, py: Python<'_>, path: std::path::PathBuf, charts: bool) -> PyResult<()> {
        let options = crate::render::XlsxOptions { charts };
        Ok(py.detach(|| self.inner.write_xlsx_with(&path, &options))?)
    }

    /// A pandas DataFrame with one column per row field, in order: question, item, group,
    /// category, label_nl (text), count, base, percentage (float; NaN where there is none),
    /// printed and rank (nullable ``Int64``), unit (text), in_base (bool), tied (nullable
    /// ``boolean``); with inference also estimate, se, lower, upper (float), method (text), deff,
    /// n_eff, df, units (float), small_base (nullable ``boolean``) and letters (text). Needs pandas (imported on
    /// first use).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pd = import_pandas(py, "Table.to_pandas()")?;
        let data = PyDict::new(py);
        let fields = self.fields();
        for &name in &fields {
            let values = column(py, &self.inner.rows, name)?;
            // Without this, a column whose values are all None becomes `object` of None.
            let values = match name {
                n if NUMERIC_FIELDS.contains(&n) => pd
                    .getattr("array")?
                    .call((values,), Some(&[("dtype", "float64")].into_py_dict(py)?))?,
                "printed" | "rank" => pd
                    .getattr("array")?
                    .call((values,), Some(&[("dtype", "Int64")].into_py_dict(py)?))?,
                "tied" | "small_base" => pd
                    .getattr("array")?
                    .call((values,), Some(&[("dtype", "boolean")].into_py_dict(py)?))?,
                _ => values.into_any(),
            };
            data.set_item(name, values)?;
        }
        let kwargs = [("columns", PyList::new(py, fields)?)].into_py_dict(py)?;
        pd.getattr("DataFrame")?.call((data,), Some(&kwargs))
    }

    /// A polars DataFrame with the columns of :meth:`to_pandas`, typed: Float64 for counts,
    /// bases, percentages and inference numbers, Int64 for printed and rank, Boolean for in_base,
    /// tied and small_base, String otherwise (nulls where a value is absent). Needs polars.
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pl = py.import("polars").map_err(|e| {
            let err = PyImportError::new_err(format!(
                "Table.to_polars() needs polars, which could not be imported ({e}); install it \
                 with `pip install polars`"
            ));
            err.set_cause(py, Some(e));
            err
        })?;
        let data = PyDict::new(py);
        let schema = PyDict::new(py);
        for &name in &self.fields() {
            data.set_item(name, column(py, &self.inner.rows, name)?)?;
            let dtype = match name {
                "printed" | "rank" => "Int64",
                "in_base" | "tied" | "small_base" => "Boolean",
                n if NUMERIC_FIELDS.contains(&n) => "Float64",
                _ => "String",
            };
            schema.set_item(name, pl.getattr(dtype)?)?;
        }
        let kwargs = [("schema", schema)].into_py_dict(py)?;
        pl.getattr("DataFrame")?.call((data,), Some(&kwargs))
    }

    fn __len__(&self) -> usize {
        self.inner.rows.len()
    }

    /// The text view (title, measure, one line per row), cut after 20 rows.
    fn __repr__(&self) -> String {
        let text = self.inner.to_string();
        let mut lines: Vec<&str> = text.lines().collect();
        let n = self.inner.rows.len();
        if n > REPR_ROWS {
            lines.truncate(REPR_ROWS + 1);
            let more = format!("  … {} more rows", n - REPR_ROWS);
            return lines.join("\n") + "\n" + &more;
        }
        lines.join("\n")
    }

    fn _repr_html_(&self) -> String {
        self.inner.to_html(HTML_ROWS)
    }

    /// Pickles through the JSON form.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("_from_state")?;
        Ok((from_json, (to_json(&slf.get().inner),)))
    }

    /// Unpickling helper (the JSON form).
    #[classmethod]
    fn _from_state(_cls: &Bound<'_, PyType>, py: Python<'_>, state: &str) -> PyResult<Self> {
        Self::from_json(py, state)
    }
}

/// A wide table, one row per municipality: :meth:`Survey.municipalities` and
/// :meth:`Survey.consolidated`. :meth:`to_pandas` gives a DataFrame (text columns as ``object``,
/// numbers as ``float64`` with NaN for empty cells), :meth:`to_csv` CSV text, :attr:`columns`
/// the column names.
#[pyclass(name = "DataTable", module = "doe_democratie", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyDataTable {
    pub(crate) inner: DataTable,
}

impl From<DataTable> for PyDataTable {
    fn from(inner: DataTable) -> Self {
        PyDataTable { inner }
    }
}

#[pymethods]
impl PyDataTable {
    /// Column names, in order.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.inner.columns().keys().cloned().collect()
    }

    /// One column as a list (None for empty cells).
    fn column<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyList>> {
        let col = self.inner.column(name).ok_or_else(|| {
            Error::unknown(
                "column",
                name,
                self.inner.columns().keys().map(String::as_str),
            )
        })?;
        match col {
            Column::Text(v) => PyList::new(py, v),
            Column::Number(v) => PyList::new(py, v),
        }
    }

    /// The table as CSV text (header row, full precision). ``sep`` separates fields,
    /// ``decimal`` is the decimal separator of numbers and ``bom`` starts the text with a UTF-8
    /// byte-order mark: ``to_csv(sep=";", decimal=",", bom=True)`` is what Dutch Excel opens as
    /// numbers.
    #[pyo3(signature = (*, sep=",", decimal=".", bom=false))]
    fn to_csv(&self, sep: &str, decimal: &str, bom: bool) -> PyResult<String> {
        let dialect = CsvDialect::new(sep, decimal.parse::<Decimal>()?, bom)?;
        Ok(self.inner.to_csv_with(&dialect))
    }

    /// A pandas DataFrame with the columns in order. Needs pandas.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pd = import_pandas(py, "DataTable.to_pandas()")?;
        let data = PyDict::new(py);
        for (name, col) in self.inner.columns() {
            let values = match col {
                Column::Text(v) => PyList::new(py, v)?.into_any(),
                Column::Number(v) => pd.getattr("array")?.call(
                    (PyList::new(py, v)?,),
                    Some(&[("dtype", "float64")].into_py_dict(py)?),
                )?,
            };
            data.set_item(name, values)?;
        }
        let kwargs =
            [("columns", PyList::new(py, self.inner.columns().keys())?)].into_py_dict(py)?;
        pd.getattr("DataFrame")?.call((data,), Some(&kwargs))
    }

    fn __len__(&self) -> usize {
        self.inner.n_rows()
    }

    fn __repr__(&self) -> String {
        format!(
            "DataTable({} rows × {} columns: {})",
            self.inner.n_rows(),
            self.inner.columns().len(),
            crate::data::echo(
                &self
                    .inner
                    .columns()
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        )
    }
}
