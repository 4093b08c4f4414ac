//! How a [`RawTable`](super::RawTable) keeps its cells: compactly, so that reading a million
//! respondents does not allocate a hundred million strings. A CSV column of answer codes becomes
//! a dictionary of its few distinct fields with one small index per record; a numpy integer
//! column keeps its numbers at the narrowest width that holds them.

use super::raw::{Cell, CellRef};
use super::validate::FastMap;

/// The cell every absent (sparse) position reads as.
static EMPTY: Cell = Cell::Empty;

/// Positions into a dictionary, as narrow as the dictionary's size allows.
#[derive(Debug, Clone)]
pub(crate) enum Index {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

impl Index {
    fn get(&self, r: usize) -> Option<usize> {
        match self {
            Index::U8(v) => v.get(r).map(|&i| usize::from(i)),
            Index::U16(v) => v.get(r).map(|&i| usize::from(i)),
            Index::U32(v) => v.get(r).and_then(|&i| usize::try_from(i).ok()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Index::U8(v) => v.len(),
            Index::U16(v) => v.len(),
            Index::U32(v) => v.len(),
        }
    }

    /// Appends `p`, widening the index first when `p` does not fit.
    fn push(&mut self, p: u32) {
        match self {
            Index::U8(v) => match u8::try_from(p) {
                Ok(p) => v.push(p),
                Err(_) => {
                    *self = match u16::try_from(p) {
                        Ok(_) => Index::U16(v.iter().map(|&x| u16::from(x)).collect()),
                        Err(_) => Index::U32(v.iter().map(|&x| u32::from(x)).collect()),
                    };
                    self.push(p);
                }
            },
            Index::U16(v) => match u16::try_from(p) {
                Ok(p) => v.push(p),
                Err(_) => {
                    *self = Index::U32(v.iter().map(|&x| u32::from(x)).collect());
                    self.push(p);
                }
            },
            Index::U32(v) => v.push(p),
        }
    }

    /// Appends `other`'s positions, each mapped through `remap` (copied as they are when `remap`
    /// is the identity, as it is when both chunks met their fields in the same order).
    fn extend_remapped(&mut self, other: &Index, remap: &[u32]) {
        let identity = remap
            .iter()
            .enumerate()
            .all(|(i, &p)| usize::try_from(p).is_ok_and(|p| p == i));
        match (self, other) {
            (Index::U8(mine), Index::U8(theirs)) if identity => mine.extend_from_slice(theirs),
            (Index::U16(mine), Index::U16(theirs)) if identity => mine.extend_from_slice(theirs),
            (Index::U32(mine), Index::U32(theirs)) if identity => mine.extend_from_slice(theirs),
            (Index::U8(mine), Index::U8(theirs)) if remap.iter().all(|&p| p < 256) => {
                let lut: Vec<u8> = remap
                    .iter()
                    .map(|&p| u8::try_from(p).unwrap_or(0))
                    .collect();
                mine.extend(
                    theirs
                        .iter()
                        .map(|&p| lut.get(usize::from(p)).copied().unwrap_or(0)),
                );
            }
            (mine, other) => {
                for p in other.positions() {
                    let p = usize::try_from(p).ok().and_then(|p| remap.get(p));
                    mine.push(p.copied().unwrap_or(u32::MAX));
                }
            }
        }
    }

    /// The positions in order.
    fn positions(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len()).map(|k| {
            self.get(k)
                .and_then(|p| u32::try_from(p).ok())
                .unwrap_or(u32::MAX)
        })
    }

    /// Narrows `positions` (each below `n_values`) to the smallest type that holds them.
    fn narrow(positions: impl ExactSizeIterator<Item = u32>, n_values: usize) -> Index {
        if n_values <= 1 << 8 {
            Index::U8(positions.map(|p| u8::try_from(p).unwrap_or(0)).collect())
        } else if n_values <= 1 << 16 {
            Index::U16(positions.map(|p| u16::try_from(p).unwrap_or(0)).collect())
        } else {
            Index::U32(positions.collect())
        }
    }
}

/// Whole numbers at the narrowest width that holds every value of the column.
#[derive(Debug, Clone)]
pub(crate) enum Ints {
    I8(Vec<i8>),
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
}

impl Ints {
    fn get(&self, r: usize) -> Option<i64> {
        match self {
            Ints::I8(v) => v.get(r).map(|&i| i64::from(i)),
            Ints::I16(v) => v.get(r).map(|&i| i64::from(i)),
            Ints::I32(v) => v.get(r).map(|&i| i64::from(i)),
            Ints::I64(v) => v.get(r).copied(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Ints::I8(v) => v.len(),
            Ints::I16(v) => v.len(),
            Ints::I32(v) => v.len(),
            Ints::I64(v) => v.len(),
        }
    }
}

/// The cells of one column.
#[derive(Debug, Clone)]
pub(crate) enum Column {
    /// One owned cell per record (JSON, Python objects).
    Dense(Vec<Cell>),
    /// Record index → cell, for keys only a few records carry.
    Sparse(Vec<(usize, Cell)>),
    /// Each distinct value once, and per record its position among them.
    Dict { values: Vec<Cell>, index: Index },
    /// Text of every record concatenated; record `r` ends at `ends[r]`.
    Strings { text: String, ends: Vec<usize> },
    /// Whole numbers (numpy integer columns).
    Int(Ints),
    /// Floats, NaN for no answer (numpy float columns).
    Float(Vec<f64>),
    /// Booleans (numpy bool columns).
    Bool(Vec<bool>),
}

/// A float cell: NaN is no answer.
fn float_cell(f: f64) -> CellRef<'static> {
    if f.is_nan() {
        CellRef::Empty
    } else {
        CellRef::Float(f)
    }
}

impl Column {
    /// The cell of record `r` ([`CellRef::Empty`] past the end).
    pub(crate) fn get(&self, r: usize) -> CellRef<'_> {
        match self {
            Column::Dense(cells) => cells.get(r).unwrap_or(&EMPTY).as_ref(),
            Column::Sparse(entries) => entries
                .binary_search_by_key(&r, |(i, _)| *i)
                .ok()
                .and_then(|i| entries.get(i))
                .map_or(CellRef::Empty, |(_, c)| c.as_ref()),
            Column::Dict { values, index } => index
                .get(r)
                .and_then(|i| values.get(i))
                .map_or(CellRef::Empty, Cell::as_ref),
            Column::Strings { text, ends } => {
                let start = r.checked_sub(1).and_then(|p| ends.get(p)).copied();
                let field = ends
                    .get(r)
                    .and_then(|&end| text.get(start.unwrap_or(0)..end))
                    .unwrap_or("");
                if field.trim().is_empty() {
                    CellRef::Empty
                } else {
                    CellRef::Text(field)
                }
            }
            Column::Int(ints) => ints.get(r).map_or(CellRef::Empty, CellRef::Int),
            Column::Float(v) => v.get(r).map_or(CellRef::Empty, |&f| float_cell(f)),
            Column::Bool(v) => v.get(r).map_or(CellRef::Empty, |&b| CellRef::Bool(b)),
        }
    }

    /// Number of records, for the columns that know it (`None` for sparse columns).
    pub(crate) fn len(&self) -> Option<usize> {
        match self {
            Column::Dense(cells) => Some(cells.len()),
            Column::Sparse(_) => None,
            Column::Dict { index, .. } => Some(index.len()),
            Column::Strings { ends, .. } => Some(ends.len()),
            Column::Int(ints) => Some(ints.len()),
            Column::Float(v) => Some(v.len()),
            Column::Bool(v) => Some(v.len()),
        }
    }

    /// `f` of the cell of each record in `records`, in that order. A dictionary column calls `f`
    /// once per distinct value and a column of small integers once per distinct number, so
    /// resolving labels and codes costs a lookup per record, not a parse.
    pub(crate) fn map_records<S: Copy>(
        &self,
        records: impl Iterator<Item = usize>,
        f: impl Fn(CellRef<'_>) -> S,
    ) -> Vec<S> {
        let mut out = Vec::with_capacity(records.size_hint().0);
        self.each_record(records, f, |_, s| out.push(s));
        out
    }

    /// [`Column::map_records`] handing each result to `each` (with its position in `records`)
    /// instead of collecting them.
    pub(crate) fn each_record<S: Copy>(
        &self,
        records: impl Iterator<Item = usize>,
        f: impl Fn(CellRef<'_>) -> S,
        mut each: impl FnMut(usize, S),
    ) {
        let empty = f(CellRef::Empty);
        match self {
            Column::Dict { values, index } => {
                let resolved: Vec<S> = values.iter().map(|v| f(v.as_ref())).collect();
                for (k, r) in records.enumerate() {
                    let s = index.get(r).and_then(|i| resolved.get(i)).copied();
                    each(k, s.unwrap_or(empty));
                }
            }
            Column::Int(Ints::I8(v)) => {
                let mut memo: [Option<S>; 256] = [None; 256];
                for (k, r) in records.enumerate() {
                    let Some(&x) = v.get(r) else {
                        each(k, empty);
                        continue;
                    };
                    let s = match memo.get_mut(usize::from(x.cast_unsigned())) {
                        Some(Some(s)) => *s,
                        Some(slot) => *slot.insert(f(CellRef::Int(i64::from(x)))),
                        None => f(CellRef::Int(i64::from(x))),
                    };
                    each(k, s);
                }
            }
            other => {
                for (k, r) in records.enumerate() {
                    each(k, f(other.get(r)));
                }
            }
        }
    }

    /// Dense when at least four records in five have a value (where a dense cell costs less
    /// than a sparse entry with its record index), else sparse.
    pub(crate) fn from_entries(entries: Vec<(usize, Cell)>, len: usize) -> Column {
        if entries.len().saturating_mul(5) < len.saturating_mul(4) {
            let mut entries = entries;
            entries.shrink_to_fit();
            return Column::Sparse(entries);
        }
        let mut cells = vec![Cell::Empty; len];
        for (r, cell) in entries {
            if let Some(slot) = cells.get_mut(r) {
                *slot = cell;
            }
        }
        Column::Dense(cells)
    }
}

/// One column of in-memory input (a numpy array, a pandas categorical, a list of values), kept
/// in the compact form [`RawTable::from_column_data`](super::RawTable::from_column_data) stores.
///
/// ```
/// use doe_democratie::data::{Cell, ColumnData};
/// let codes = ColumnData::ints(&[1i64, 2, 9]);
/// let labels = ColumnData::dictionary(
///     vec![Cell::Text("Ja".into()), Cell::Text("Nee".into())],
///     &[0i8, -1, 1],
/// ).unwrap();
/// assert_eq!((codes.len(), labels.len()), (3, 3));
/// ```
#[derive(Debug, Clone)]
pub struct ColumnData(pub(crate) Column);

impl ColumnData {
    /// One cell per record.
    pub fn cells(cells: Vec<Cell>) -> Self {
        ColumnData(Column::Dense(cells))
    }

    /// Whole numbers, stored at the narrowest width that holds them (`1..9` takes one byte
    /// per record). The values are read twice (range, then copy) and copied once.
    pub fn ints<T: Copy + Into<i64>>(values: &[T]) -> Self {
        ColumnData::ints_from(values.iter().map(|&v| v.into()))
    }

    /// [`ColumnData::ints`] from any re-iterable sequence (a strided numpy view).
    pub fn ints_from<I: ExactSizeIterator<Item = i64> + Clone>(values: I) -> Self {
        let (lo, hi) = values
            .clone()
            .fold((0i64, 0i64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let fits = |min: i64, max: i64| lo >= min && hi <= max;
        let ints = if fits(i8::MIN.into(), i8::MAX.into()) {
            Ints::I8(values.map(|v| i8::try_from(v).unwrap_or(0)).collect())
        } else if fits(i16::MIN.into(), i16::MAX.into()) {
            Ints::I16(values.map(|v| i16::try_from(v).unwrap_or(0)).collect())
        } else if fits(i32::MIN.into(), i32::MAX.into()) {
            Ints::I32(values.map(|v| i32::try_from(v).unwrap_or(0)).collect())
        } else {
            Ints::I64(values.collect())
        };
        ColumnData(Column::Int(ints))
    }

    /// [`ColumnData::ints`] of a column that arrives in chunks (an Arrow chunked array): one
    /// copy into the narrowest width that holds every chunk.
    pub fn ints_chunked<T: Copy + Into<i64>>(chunks: &[&[T]]) -> Self {
        let len = chunks.iter().map(|c| c.len()).sum();
        ColumnData::ints_from(Chunked {
            chunks,
            chunk: 0,
            at: 0,
            left: len,
        })
    }

    /// Floats; NaN is no answer.
    pub fn floats(values: Vec<f64>) -> Self {
        ColumnData(Column::Float(values))
    }

    /// Booleans.
    pub fn bools(values: Vec<bool>) -> Self {
        ColumnData(Column::Bool(values))
    }

    /// A dictionary-encoded column (a pandas categorical, `pandas.factorize`): the distinct
    /// `values` once and per record a position among them; a negative position is no answer.
    /// Fails (naming the position) when a position is past the last value.
    pub fn dictionary<T: Copy + Into<i64>>(
        values: Vec<Cell>,
        positions: &[T],
    ) -> Result<Self, String> {
        ColumnData::dictionary_from(values, positions.iter().map(|&p| p.into()))
    }

    /// [`ColumnData::dictionary`] from any re-iterable sequence of positions.
    pub fn dictionary_from<I: ExactSizeIterator<Item = i64> + Clone>(
        mut values: Vec<Cell>,
        positions: I,
    ) -> Result<Self, String> {
        let n = values.len();
        if let Some(bad) = positions
            .clone()
            .find(|&p| usize::try_from(p).is_ok_and(|p| p >= n))
        {
            return Err(format!(
                "dictionary position {bad} is past the last of its {n} values"
            ));
        }
        // No answer is one more value, so that every record has a position.
        let empty = u32::try_from(n).map_err(|_| "more than 2^32 dictionary values".to_string())?;
        values.push(Cell::Empty);
        let index = Index::narrow(
            positions.map(|p| u32::try_from(p).unwrap_or(empty)),
            values.len(),
        );
        Ok(ColumnData(Column::Dict { values, index }))
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.0.len().unwrap_or(0)
    }

    /// Whether the column has no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The values of several slices in order, as one re-iterable sequence of known length.
#[derive(Clone)]
struct Chunked<'c, T> {
    chunks: &'c [&'c [T]],
    chunk: usize,
    at: usize,
    left: usize,
}

impl<T: Copy + Into<i64>> Iterator for Chunked<'_, T> {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        loop {
            let chunk = self.chunks.get(self.chunk)?;
            if let Some(&v) = chunk.get(self.at) {
                self.at += 1;
                self.left -= 1;
                return Some(v.into());
            }
            self.chunk += 1;
            self.at = 0;
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<T: Copy + Into<i64>> ExactSizeIterator for Chunked<'_, T> {}

/// Builds a text column from CSV fields one record at a time: as a dictionary while the
/// column repeats a few distinct fields (answer codes, size classes), as concatenated text once
/// it holds mostly distinct ones (respondent ids).
#[derive(Debug)]
pub(crate) struct TextColumnBuilder {
    state: Building,
}

#[derive(Debug)]
enum Building {
    Dict {
        values: Vec<String>,
        lookup: FastMap<String, u32>,
        /// Fields of at most one byte (`""`, `"1"`, `"9"`) by that byte (256 = empty), without
        /// hashing: the commonest fields of coded data.
        short: Box<[u32; 257]>,
        index: Index,
    },
    Strings {
        text: String,
        ends: Vec<usize>,
    },
}

/// Past this many records, a dictionary holding more distinct values than half the records is
/// turned into concatenated text.
const DICT_TRIAL: usize = 1024;

impl TextColumnBuilder {
    pub(crate) fn new() -> Self {
        Self::with_capacity(0)
    }

    /// A builder with room for `records` fields of one byte each.
    pub(crate) fn with_capacity(records: usize) -> Self {
        TextColumnBuilder {
            state: Building::Dict {
                values: Vec::new(),
                lookup: FastMap::default(),
                short: Box::new([u32::MAX; 257]),
                index: Index::U8(Vec::with_capacity(records)),
            },
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, field: &str) {
        // The common case first: a known field of at most one byte into a one-byte index.
        if let Building::Dict {
            short,
            index: Index::U8(v),
            ..
        } = &mut self.state
        {
            let slot = match field.as_bytes() {
                [] => 256,
                [b] => usize::from(*b),
                _ => usize::MAX,
            };
            if let Some(p) = short.get(slot).and_then(|&p| u8::try_from(p).ok()) {
                v.push(p);
                if v.len() == DICT_TRIAL {
                    self.concatenate_if_distinct();
                }
                return;
            }
        }
        self.push_any(field);
    }

    fn push_any(&mut self, field: &str) {
        if let Building::Strings { text, ends } = &mut self.state {
            text.push_str(field);
            ends.push(text.len());
            return;
        }
        let position = self.intern(field);
        if let Building::Dict { index, .. } = &mut self.state {
            index.push(position);
        }
        self.concatenate_if_distinct();
    }

    /// Turns the dictionary into concatenated text once it holds mostly distinct fields.
    fn concatenate_if_distinct(&mut self) {
        if let Building::Dict { values, index, .. } = &self.state {
            let mostly_distinct = index.len() >= DICT_TRIAL && values.len() * 2 > index.len();
            if mostly_distinct || values.len() >= 1 << 16 {
                self.state = self.concatenated();
            }
        }
    }

    /// The dictionary position of `field`, added when new (`u32::MAX` for concatenated text).
    fn intern(&mut self, field: &str) -> u32 {
        let Building::Dict {
            values,
            lookup,
            short,
            ..
        } = &mut self.state
        else {
            return u32::MAX;
        };
        let slot = match field.as_bytes() {
            [] => short.get_mut(256),
            [b] => short.get_mut(usize::from(*b)),
            _ => None,
        };
        let next = u32::try_from(values.len()).unwrap_or(u32::MAX);
        match slot {
            Some(p) if *p != u32::MAX => *p,
            Some(p) => {
                *p = next;
                values.push(field.to_string());
                next
            }
            None => match lookup.get(field) {
                Some(&p) => p,
                None => {
                    values.push(field.to_string());
                    lookup.insert(field.to_string(), next);
                    next
                }
            },
        }
    }

    /// The dictionary so far rewritten as concatenated text.
    fn concatenated(&self) -> Building {
        let Building::Dict { values, index, .. } = &self.state else {
            return Building::Strings {
                text: String::new(),
                ends: Vec::new(),
            };
        };
        let mut text = String::new();
        let mut ends = Vec::with_capacity(index.len());
        for p in index.positions() {
            let field = usize::try_from(p)
                .ok()
                .and_then(|p| values.get(p))
                .map_or("", String::as_str);
            text.push_str(field);
            ends.push(text.len());
        }
        Building::Strings { text, ends }
    }

    /// Appends the fields `other` holds (the next chunk of the same column).
    pub(crate) fn append(&mut self, other: TextColumnBuilder) {
        match other.state {
            Building::Strings { text, ends } => {
                if let Building::Dict { .. } = self.state {
                    self.state = self.concatenated();
                }
                if let Building::Strings {
                    text: mine,
                    ends: my_ends,
                } = &mut self.state
                {
                    let offset = mine.len();
                    mine.push_str(&text);
                    my_ends.extend(ends.iter().map(|e| e + offset));
                }
            }
            Building::Dict { values, index, .. } => {
                if let Building::Strings { .. } = self.state {
                    for p in index.positions() {
                        let field = usize::try_from(p).ok().and_then(|p| values.get(p));
                        self.push(field.map_or("", String::as_str));
                    }
                    return;
                }
                // Each distinct field of `other` interned once, its positions remapped.
                let remap: Vec<u32> = values.iter().map(|v| self.intern(v)).collect();
                if let Building::Dict { index: mine, .. } = &mut self.state {
                    mine.extend_remapped(&index, &remap);
                }
                self.concatenate_if_distinct();
            }
        }
    }

    pub(crate) fn finish(self) -> Column {
        match self.state {
            Building::Strings { mut text, ends } => {
                text.shrink_to_fit();
                Column::Strings { text, ends }
            }
            Building::Dict { values, index, .. } => {
                // Blank fields are no answer, as the readers of owned cells have it.
                let values = values
                    .into_iter()
                    .map(|v| {
                        if v.trim().is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(v)
                        }
                    })
                    .collect();
                // The index grew only as wide as its positions needed.
                Column::Dict { values, index }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(column: &Column, n: usize) -> Vec<Option<String>> {
        (0..n)
            .map(|r| column.get(r).as_text().map(|t| t.into_owned()))
            .collect()
    }

    #[test]
    fn a_coded_column_becomes_a_one_byte_dictionary() {
        let mut b = TextColumnBuilder::new();
        for f in ["1", "", "Ja", "9", "1", " "] {
            b.push(f);
        }
        let column = b.finish();
        let Column::Dict { values, index } = &column else {
            panic!("expected a dictionary, got {column:?}");
        };
        assert_eq!(values.len(), 5);
        assert!(matches!(index, Index::U8(_)));
        let want = [Some("1"), None, Some("Ja"), Some("9"), Some("1"), None];
        let want: Vec<Option<String>> = want.iter().map(|w| w.map(String::from)).collect();
        assert_eq!(texts(&column, 6), want);
    }

    #[test]
    fn distinct_fields_become_concatenated_text_with_the_same_cells() {
        let mut b = TextColumnBuilder::new();
        let fields: Vec<String> = (0..3000).map(|i| format!("r{i}")).collect();
        for f in &fields {
            b.push(f);
        }
        b.push("");
        let column = b.finish();
        assert!(matches!(column, Column::Strings { .. }));
        let got = texts(&column, 3001);
        assert_eq!(got.first(), Some(&Some("r0".to_string())));
        assert_eq!(got.get(2999), Some(&Some("r2999".to_string())));
        assert_eq!(got.get(3000), Some(&None));
        assert_eq!(column.get(3001), CellRef::Empty);
    }

    #[test]
    fn integers_take_the_narrowest_width_and_keep_their_values() {
        let ColumnData(Column::Int(ints)) = ColumnData::ints(&[1i64, -3, 127]) else {
            panic!("expected integers");
        };
        assert!(matches!(ints, Ints::I8(_)));
        let ColumnData(Column::Int(wide)) = ColumnData::ints(&[1i64, 40_000]) else {
            panic!("expected integers");
        };
        assert!(matches!(wide, Ints::I32(_)));
        assert_eq!(wide.get(1), Some(40_000));
        let ColumnData(Column::Int(huge)) = ColumnData::ints(&[i64::MIN, 0]) else {
            panic!("expected integers");
        };
        assert_eq!(huge.get(0), Some(i64::MIN));
        let ColumnData(Column::Int(chunked)) = ColumnData::ints_chunked(&[&[1i32, 2], &[], &[300]])
        else {
            panic!("expected integers");
        };
        assert!(matches!(chunked, Ints::I16(_)));
        let all: Vec<Option<i64>> = (0..4).map(|r| chunked.get(r)).collect();
        assert_eq!(all, [Some(1), Some(2), Some(300), None]);
    }

    #[test]
    fn a_dictionary_maps_negative_positions_to_no_answer_and_refuses_positions_past_the_end() {
        let d = ColumnData::dictionary(vec![Cell::Text("Ja".into())], &[0i16, -1, 0]).unwrap();
        assert_eq!(d.0.get(0), CellRef::Text("Ja"));
        assert_eq!(d.0.get(1), CellRef::Empty);
        let err = ColumnData::dictionary(vec![Cell::Text("Ja".into())], &[0i16, 1]).unwrap_err();
        assert!(err.contains("position 1"), "{err}");
    }

    #[test]
    fn mapping_records_resolves_each_distinct_value_once() {
        use std::cell::Cell as Counter;
        let d = ColumnData::dictionary(
            vec![Cell::Text("a".into()), Cell::Text("b".into())],
            &[0i8, 1, 0, 1, 0, -1],
        )
        .unwrap();
        let calls = Counter::new(0);
        let got = d.0.map_records([0, 1, 2, 5].into_iter(), |c| {
            calls.set(calls.get() + 1);
            c.is_empty()
        });
        assert_eq!(got, [false, false, false, true]);
        // a, b, the dictionary's empty value and the empty cell past the end
        assert_eq!(calls.get(), 4);
        let ints = ColumnData::ints(&[3i64, 3, 3, 4]);
        let calls = Counter::new(0);
        let got = ints.0.map_records(0..4, |c| {
            calls.set(calls.get() + 1);
            c == CellRef::Int(3)
        });
        assert_eq!(got, [true, true, true, false]);
        assert_eq!(calls.get(), 3); // 3, 4 and the empty cell
    }
}
