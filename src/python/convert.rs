//! Python values → [`Cell`]s and [`RawTable`]s (records, dicts of columns, pandas DataFrames).
//!
//! Rules for one value: `None`, NaN, `pd.NA` and `pd.NaT` are empty; `bool` is checked before
//! `int` (it is a subclass); `int`, `float` and `str` map to their cells; numpy scalars are
//! unwrapped with `.item()`; anything else becomes `str(value)` and is validated as text.
//!
//! Numpy arrays of bool, integer and float dtype are read directly from their buffer without
//! building Python objects; other dtypes (object, string, datetime …) go through `.tolist()`.

use numpy::{PyArray1, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};

use crate::data::{Cell, ColumnData, Limits, RawTable, RecordsBuilder};

/// Whether numpy has been imported. If it has not, no value can be a numpy array, and asking
/// rust-numpy would import it (and panic if it is not installed).
/// (`sys.modules["numpy"] = None` blocks the import, so the entry's value is checked too.)
fn numpy_loaded(py: Python<'_>) -> bool {
    py.import("sys")
        .and_then(|sys| sys.getattr("modules"))
        .and_then(|m| m.call_method1("get", ("numpy",)))
        .is_ok_and(|numpy| !numpy.is_none())
}

/// One Python value as a cell.
pub(crate) fn cell(value: &Bound<'_, PyAny>) -> PyResult<Cell> {
    cell_inner(value, true)
}

fn cell_inner(value: &Bound<'_, PyAny>, unwrap_numpy: bool) -> PyResult<Cell> {
    if value.is_none() {
        return Ok(Cell::Empty);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Cell::Bool(b.is_true()));
    }
    if let Ok(i) = value.cast::<PyInt>() {
        return Ok(match i.extract::<i64>() {
            Ok(i) => Cell::Int(i),
            Err(_) => Cell::Text(i.str()?.to_string()),
        });
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        let f = f.value();
        return Ok(if f.is_nan() {
            Cell::Empty
        } else {
            Cell::Float(f)
        });
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Cell::Text(s.to_cow()?.into_owned()));
    }
    let ty = value.get_type();
    let module = ty.module()?;
    let module = module.to_cow()?;
    let name = ty.name()?;
    let name = name.to_cow()?;
    if module.starts_with("pandas") && matches!(name.as_ref(), "NAType" | "NaTType") {
        return Ok(Cell::Empty);
    }
    // `numpy.ma.masked`: a masked value is no answer, whatever data sits under the mask.
    if module.starts_with("numpy.ma") && name == "MaskedConstant" {
        return Ok(Cell::Empty);
    }
    if unwrap_numpy && module == "numpy" && value.hasattr("item")? {
        return cell_inner(&value.call_method0("item")?, false);
    }
    Ok(Cell::Text(value.str()?.to_cow()?.into_owned()))
}

/// Cells of a 1-D numpy array whose dtype can be read directly, or `None` for other dtypes.
fn array_cells(array: &Bound<'_, PyUntypedArray>) -> PyResult<Option<Vec<Cell>>> {
    macro_rules! typed {
        ($t:ty, $conv:expr) => {
            if let Ok(a) = array.cast::<PyArray1<$t>>() {
                // A concurrent mutable borrow from Rust code: fall back to `.tolist()`.
                let Ok(view) = a.try_readonly() else {
                    return Ok(None);
                };
                return Ok(Some(view.as_array().iter().map($conv).collect()));
            }
        };
    }
    let float = |f: f64| {
        if f.is_nan() {
            Cell::Empty
        } else {
            Cell::Float(f)
        }
    };
    typed!(bool, |&b| Cell::Bool(b));
    typed!(i64, |&i| Cell::Int(i));
    typed!(i32, |&i| Cell::Int(i64::from(i)));
    typed!(i16, |&i| Cell::Int(i64::from(i)));
    typed!(i8, |&i| Cell::Int(i64::from(i)));
    typed!(u8, |&i| Cell::Int(i64::from(i)));
    typed!(u16, |&i| Cell::Int(i64::from(i)));
    typed!(u32, |&i| Cell::Int(i64::from(i)));
    typed!(u64, |&i| i64::try_from(i)
        .map_or(Cell::Text(i.to_string()), Cell::Int));
    typed!(f64, |&f| float(f));
    typed!(f32, |&f| float(f64::from(f)));
    Ok(None)
}

/// A 1-D numpy array of bool, integer or float dtype as a compact column, read from its buffer
/// (integers narrowed to the smallest width holding them); `None` for other dtypes.
fn array_data(array: &Bound<'_, PyUntypedArray>) -> PyResult<Option<ColumnData>> {
    macro_rules! ints {
        ($($t:ty),*) => {$(
            if let Ok(a) = array.cast::<PyArray1<$t>>() {
                let Ok(view) = a.try_readonly() else { return Ok(None) };
                return Ok(Some(match view.as_slice() {
                    Ok(values) => ColumnData::ints(values),
                    Err(_) => ColumnData::ints_from(view.as_array().iter().map(|&v| i64::from(v))),
                }));
            }
        )*};
    }
    ints!(i64, i32, i16, i8, u8, u16, u32);
    if let Ok(a) = array.cast::<PyArray1<u64>>() {
        let Ok(view) = a.try_readonly() else {
            return Ok(None);
        };
        let values = view.as_array();
        // Past i64::MAX the cells keep their digits as text (see `array_cells`).
        if values.iter().all(|&v| i64::try_from(v).is_ok()) {
            let narrow = values.iter().map(|&v| i64::try_from(v).unwrap_or(i64::MAX));
            return Ok(Some(ColumnData::ints_from(narrow)));
        }
        return Ok(None);
    }
    if let Ok(a) = array.cast::<PyArray1<f64>>() {
        let Ok(view) = a.try_readonly() else {
            return Ok(None);
        };
        return Ok(Some(ColumnData::floats(view.as_array().to_vec())));
    }
    if let Ok(a) = array.cast::<PyArray1<f32>>() {
        let Ok(view) = a.try_readonly() else {
            return Ok(None);
        };
        let floats = view.as_array().iter().map(|&f| f64::from(f)).collect();
        return Ok(Some(ColumnData::floats(floats)));
    }
    if let Ok(a) = array.cast::<PyArray1<bool>>() {
        let Ok(view) = a.try_readonly() else {
            return Ok(None);
        };
        return Ok(Some(ColumnData::bools(view.as_array().to_vec())));
    }
    Ok(None)
}

/// A pandas categorical Series as a dictionary column: its codes from their buffer (`-1` = no
/// answer) and one cell per category.
fn categorical_data(series: &Bound<'_, PyAny>) -> PyResult<Option<ColumnData>> {
    let cat = series.getattr("cat")?;
    let categories = list_cells(&cat.getattr("categories")?.call_method0("tolist")?)?;
    let codes = cat.getattr("codes")?.call_method0("to_numpy")?;
    dictionary_data(categories, &codes)
}

/// A dictionary column from `values` and an integer numpy array of positions.
fn dictionary_data(
    values: Vec<Cell>,
    positions: &Bound<'_, PyAny>,
) -> PyResult<Option<ColumnData>> {
    let Ok(positions) = positions.cast::<PyUntypedArray>() else {
        return Ok(None);
    };
    macro_rules! positions {
        ($($t:ty),*) => {$(
            if let Ok(a) = positions.cast::<PyArray1<$t>>() {
                let Ok(view) = a.try_readonly() else { return Ok(None) };
                let codes = view.as_array();
                let data = ColumnData::dictionary_from(values, codes.iter().map(|&c| i64::from(c)))
                    .map_err(PyValueError::new_err)?;
                return Ok(Some(data));
            }
        )*};
    }
    positions!(i8, i16, i32, i64);
    Ok(None)
}

/// A pandas Series of text (a `string` dtype, or `object` holding only `str` and missing values)
/// as a dictionary column through `pandas.factorize`: one Python object per distinct value, not
/// per cell. Columns mixing other objects keep the per-cell path, so that `True`, `1` and `1.0`
/// are never merged into one value.
fn text_series_data(series: &Bound<'_, PyAny>) -> PyResult<Option<ColumnData>> {
    let py = series.py();
    let Ok(pandas) = py.import("pandas") else {
        return Ok(None);
    };
    let kind = pandas
        .getattr("api")?
        .getattr("types")?
        .call_method1("infer_dtype", (series,))?;
    let kind: String = kind.extract()?;
    if kind != "string" && kind != "empty" {
        return Ok(None);
    }
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("use_na_sentinel", true)?;
    let factorized = pandas.call_method("factorize", (series,), Some(&kwargs))?;
    let (codes, uniques): (Bound<'_, PyAny>, Bound<'_, PyAny>) = factorized.extract()?;
    let values = list_cells(&uniques.call_method0("tolist")?)?;
    dictionary_data(values, &codes)
}

/// The compact form of one column: numpy and pandas columns from their buffers where the dtype
/// allows, every other column cell by cell ([`column_cells`]).
pub(crate) fn column_data(name: &str, column: &Bound<'_, PyAny>) -> PyResult<ColumnData> {
    let py = column.py();
    if numpy_loaded(py) && !column.is_instance_of::<PyString>() {
        let is_series = column.hasattr("to_numpy")? && column.hasattr("dtype")?;
        if is_series && column.cast::<PyUntypedArray>().is_err() {
            let dtype: String = column.getattr("dtype")?.str()?.extract()?;
            if dtype == "category" {
                if let Some(data) = categorical_data(column)? {
                    return Ok(data);
                }
            } else if dtype == "object" || dtype.starts_with("string") || dtype == "str" {
                if let Some(data) = text_series_data(column)? {
                    return Ok(data);
                }
            } else if let Ok(array) = column
                .call_method0("to_numpy")?
                .cast_into::<PyUntypedArray>()
            {
                if array.ndim() == 1 {
                    if let Some(data) = array_data(&array)? {
                        return Ok(data);
                    }
                }
            }
        } else if let Ok(array) = column.cast::<PyUntypedArray>() {
            if array.ndim() == 1 && mask_of(column)?.is_none() {
                if let Some(data) = array_data(array)? {
                    return Ok(data);
                }
            }
        }
    }
    Ok(ColumnData::cells(column_cells(name, column)?))
}

/// The mask of a numpy masked array (`None` for other values or a mask that masks nothing),
/// as one bool per value.
fn mask_of(column: &Bound<'_, PyAny>) -> PyResult<Option<Vec<bool>>> {
    let ma = column.py().import("numpy.ma")?;
    if !column.is_instance(&ma.getattr("MaskedArray")?)? {
        return Ok(None);
    }
    let mask = ma.call_method1("getmaskarray", (column,))?;
    let mask: Vec<bool> = mask
        .call_method0("ravel")?
        .call_method0("tolist")?
        .extract()?;
    Ok(mask.contains(&true).then_some(mask))
}

/// The cells of a masked array: its data, with every masked position empty.
fn masked_cells(name: &str, column: &Bound<'_, PyAny>, mask: &[bool]) -> PyResult<Vec<Cell>> {
    let ndim: usize = column.getattr("ndim")?.extract()?;
    if ndim != 1 {
        return Err(PyTypeError::new_err(format!(
            "column '{name}' must be one-dimensional; got a masked array with {ndim} dimensions"
        )));
    }
    let data = column.getattr("data")?;
    let mut cells = match data.cast::<PyUntypedArray>() {
        Ok(array) => match array_cells(array)? {
            Some(cells) => cells,
            None => list_cells(&data.call_method0("tolist")?)?,
        },
        Err(_) => list_cells(&data.call_method0("tolist")?)?,
    };
    for (cell, &masked) in cells.iter_mut().zip(mask) {
        if masked {
            *cell = Cell::Empty;
        }
    }
    Ok(cells)
}

fn list_cells(list: &Bound<'_, PyAny>) -> PyResult<Vec<Cell>> {
    list.try_iter()?.map(|v| cell(&v?)).collect()
}

/// The cells of one column: a numpy array, a pandas Series (or anything with `to_numpy()`), or
/// any other iterable of values.
pub(crate) fn column_cells(name: &str, column: &Bound<'_, PyAny>) -> PyResult<Vec<Cell>> {
    if column.is_instance_of::<PyString>() || column.is_instance_of::<pyo3::types::PyBytes>() {
        return Err(PyTypeError::new_err(format!(
            "column '{name}' must be a sequence of values, not a string"
        )));
    }
    if numpy_loaded(column.py()) {
        let array = if let Ok(a) = column.cast::<PyUntypedArray>() {
            Some(a.clone())
        } else if column.hasattr("to_numpy")? {
            // pandas Series / Index / ExtensionArray
            column
                .call_method0("to_numpy")?
                .cast_into::<PyUntypedArray>()
                .ok()
        } else {
            None
        };
        if let Some(array) = array {
            if let Some(mask) = mask_of(column)? {
                return masked_cells(name, column, &mask);
            }
            if array.ndim() != 1 {
                return Err(PyTypeError::new_err(format!(
                    "column '{name}' must be one-dimensional; got an array of shape {:?}",
                    array.shape()
                )));
            }
            if let Some(cells) = array_cells(&array)? {
                return Ok(cells);
            }
            // Object, string, categorical, nullable … : Python scalars (pd.NA, Timestamp …)
            // from the original object when it can give them, else from the array.
            let source = if column.hasattr("tolist")? {
                column.clone()
            } else {
                array.into_any()
            };
            return list_cells(&source.call_method0("tolist")?);
        }
    }
    match column.try_iter() {
        Ok(it) => it.map(|v| cell(&v?)).collect(),
        Err(_) => Err(PyTypeError::new_err(format!(
            "column '{name}' must be a sequence of values; got {}",
            column.get_type().name()?
        ))),
    }
}

/// A column label as text (pandas allows any hashable label).
fn label(key: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(match key.cast::<PyString>() {
        Ok(s) => s.to_cow()?.into_owned(),
        Err(_) => key.str()?.to_cow()?.into_owned(),
    })
}

/// A mapping of column name → column values.
pub(crate) fn table_from_mapping(source: &str, data: &Bound<'_, PyAny>) -> PyResult<RawTable> {
    let items = data.call_method0("items").map_err(|_| {
        PyTypeError::new_err(format!(
            "expected a mapping of column name to values; got {}",
            data.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    })?;
    let mut columns = Vec::new();
    for item in items.try_iter()? {
        let (key, values): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
        let name = label(&key)?;
        let data = column_data(&name, &values)?;
        columns.push((name, data));
    }
    Ok(RawTable::from_column_data(source, columns)?)
}

/// Anything Arrow can read as a table (a pyarrow Table or RecordBatch, or any object exporting
/// the Arrow PyCapsule stream interface: polars and pandas DataFrames), through pyarrow, column by
/// column from the Arrow buffers: integers narrowed in one copy, strings and dictionaries by
/// their codes.
pub(crate) fn table_from_arrow(source: &str, data: &Bound<'_, PyAny>) -> PyResult<RawTable> {
    let py = data.py();
    let pa = py.import("pyarrow").map_err(|_| {
        pyo3::exceptions::PyImportError::new_err(
            "reading Arrow data needs pyarrow (pip install 'doe-democratie[arrow]')",
        )
    })?;
    let table = if data.is_instance(&pa.getattr("Table")?)? {
        data.clone()
    } else {
        pa.call_method1("table", (data,)).map_err(|e| {
            PyTypeError::new_err(format!(
                "expected a pyarrow Table or an object with __arrow_c_stream__ (a polars or \
                 pandas DataFrame); got {}: {e}",
                data.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })?
    };
    let names: Vec<String> = table.getattr("column_names")?.extract()?;
    let mut columns = Vec::with_capacity(names.len());
    for (name, column) in names.into_iter().zip(table.getattr("columns")?.try_iter()?) {
        let data = arrow_column(&pa, &name, &column?)?;
        columns.push((name, data));
    }
    Ok(RawTable::from_column_data(source, columns)?)
}

/// One Arrow chunked array as a compact column.
fn arrow_column(
    pa: &Bound<'_, PyModule>,
    name: &str,
    chunked: &Bound<'_, PyAny>,
) -> PyResult<ColumnData> {
    let types = pa.getattr("types")?;
    let ty = chunked.getattr("type")?;
    let is = |check: &str| -> PyResult<bool> { types.call_method1(check, (&ty,))?.extract() };
    if is("is_dictionary")? || is("is_string")? || is("is_large_string")? || is_view(&types, &ty)? {
        return arrow_dictionary(pa, chunked, is("is_dictionary")?);
    }
    let nulls: usize = chunked.getattr("null_count")?.extract()?;
    if is("is_integer")? && nulls == 0 {
        if let Some(data) = arrow_ints(chunked)? {
            return Ok(data);
        }
    }
    if is("is_integer")? || is("is_floating")? || is("is_boolean")? {
        // With nulls pyarrow gives floats with NaN (integers) or objects (booleans).
        let array = chunked.call_method0("to_numpy")?;
        if let Ok(array) = array.cast::<PyUntypedArray>() {
            if let Some(data) = array_data(array)? {
                return Ok(data);
            }
        }
    }
    Ok(ColumnData::cells(column_cells(
        name,
        &chunked.call_method0("to_pylist")?,
    )?))
}

fn is_view(types: &Bound<'_, PyAny>, ty: &Bound<'_, PyAny>) -> PyResult<bool> {
    // pyarrow < 16 has no string views.
    match types.getattr("is_string_view") {
        Ok(check) => check.call1((ty,))?.extract(),
        Err(_) => Ok(false),
    }
}

/// An integer column without nulls, read chunk by chunk from the Arrow buffers.
fn arrow_ints(chunked: &Bound<'_, PyAny>) -> PyResult<Option<ColumnData>> {
    let arrays: Vec<Bound<'_, PyAny>> = chunked
        .getattr("chunks")?
        .try_iter()?
        .map(|c| c?.call_method0("to_numpy"))
        .collect::<PyResult<_>>()?;
    macro_rules! chunks {
        ($($t:ty),*) => {$(
            let typed: Vec<_> = arrays.iter().filter_map(|a| a.cast::<PyArray1<$t>>().ok()).collect();
            if !arrays.is_empty() && typed.len() == arrays.len() {
                let views: Vec<_> = typed.iter().filter_map(|a| a.try_readonly().ok()).collect();
                let slices: Vec<&[$t]> = views.iter().filter_map(|v| v.as_slice().ok()).collect();
                if slices.len() == arrays.len() {
                    return Ok(Some(ColumnData::ints_chunked(&slices)));
                }
            }
        )*};
    }
    chunks!(i8, i16, i32, i64, u8, u16, u32);
    Ok(None)
}

/// A string or dictionary column as a dictionary column: its values once (as cells) and the
/// codes from their buffers.
fn arrow_dictionary(
    pa: &Bound<'_, PyModule>,
    chunked: &Bound<'_, PyAny>,
    is_dictionary: bool,
) -> PyResult<ColumnData> {
    let compute = pa.py().import("pyarrow.compute")?;
    let encoded = if is_dictionary {
        chunked.clone()
    } else {
        compute.call_method1("dictionary_encode", (chunked,))?
    };
    // One dictionary for every chunk, so that the codes of all chunks mean the same.
    let unified = encoded.call_method0("unify_dictionaries")?;
    let chunks: Vec<Bound<'_, PyAny>> = unified
        .getattr("chunks")?
        .try_iter()?
        .collect::<PyResult<_>>()?;
    let values = match chunks.first() {
        Some(first) => list_cells(&first.getattr("dictionary")?.call_method0("to_pylist")?)?,
        None => Vec::new(),
    };
    let indices: Vec<Bound<'_, PyAny>> = chunks
        .iter()
        .map(|c| c.getattr("indices"))
        .collect::<PyResult<_>>()?;
    let all = pa.call_method1("chunked_array", (indices,))?;
    // Nulls become -1: no answer.
    let filled = compute.call_method1("fill_null", (all, -1))?;
    let positions = filled.call_method0("to_numpy")?;
    match dictionary_data(values, &positions)? {
        Some(data) => Ok(data),
        None => Err(PyTypeError::new_err(
            "unsupported Arrow dictionary index type",
        )),
    }
}

/// A pandas DataFrame (duck-typed: `.columns` and `.iloc`), column by column.
pub(crate) fn table_from_dataframe(source: &str, df: &Bound<'_, PyAny>) -> PyResult<RawTable> {
    if !(df.hasattr("columns")? && df.hasattr("iloc")?) {
        return Err(PyTypeError::new_err(format!(
            "expected a pandas DataFrame; got {}",
            df.get_type().name()?
        )));
    }
    let iloc = df.getattr("iloc")?;
    let mut columns = Vec::new();
    for (j, key) in df.getattr("columns")?.try_iter()?.enumerate() {
        let name = label(&key?)?;
        // By position: `df[name]` returns a DataFrame when a name appears twice.
        let slice = pyo3::types::PySlice::full(df.py());
        let series = iloc.get_item((slice, j))?;
        let data = column_data(&name, &series)?;
        columns.push((name, data));
    }
    Ok(RawTable::from_column_data(source, columns)?)
}

/// A sequence of records (mappings of column name → value). Records that are not mappings are
/// reported as malformed and left out, like non-object records in a JSON file; a key given twice
/// in one record (possible in a custom mapping) is refused like a duplicate column. Memory follows
/// the values given: a key that few records carry is stored sparsely.
pub(crate) fn table_from_records(
    source: &str,
    records: &Bound<'_, PyAny>,
    limits: Limits,
) -> PyResult<RawTable> {
    if records.is_instance_of::<PyString>() || records.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err(
            "expected a list of records (one dict per respondent)",
        ));
    }
    let records = records.try_iter().map_err(|_| {
        PyTypeError::new_err("expected a list of records (one dict per respondent)")
    })?;
    let mut builder = RecordsBuilder::new(source, limits);
    for (r, record) in records.enumerate() {
        let record = record?;
        builder.begin(r + 1);
        match record.call_method0("items") {
            Ok(items) => {
                for item in items.try_iter()? {
                    let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
                    builder.push(&label(&key)?, cell(&value)?)?;
                }
            }
            Err(_) => builder.skip(
                None,
                Some(&record.repr()?.to_cow()?),
                "a record must be a mapping (dict) of column name to value",
            ),
        }
        builder.end();
    }
    Ok(builder.finish())
}
