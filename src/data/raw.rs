//! Readers that turn CSV text, JSON records or in-memory columns into a [`RawTable`] of cells,
//! before any validation against the instrument.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use indexmap::IndexMap;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::Error;
use crate::instrument::guess_encoding;

use super::columns::{Column, ColumnData, TextColumnBuilder};
use super::problem::{echo, Problem, ProblemKind, ValidationReport, ECHO_CHARS};
use super::unquoted;

/// One cell as it came from the input, before it is checked against the instrument.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// An empty cell, JSON `null`, `None` or NaN: no answer.
    Empty,
    /// Text as written.
    Text(String),
    /// A JSON number exactly as written (`18446744073709551617`, `3.0`): kept as text so that no
    /// id or code changes on its way through a float.
    Number(String),
    /// A whole number.
    Int(i64),
    /// A floating-point number (pandas stores integer columns with gaps as floats).
    Float(f64),
    /// A boolean (JSON `true`/`false`, numpy `bool`): valid only as a multi-select flag.
    Bool(bool),
}

impl Cell {
    /// The cell as text the way a user would write it; `None` when empty (see
    /// [`CellRef::as_text`]).
    pub fn as_text(&self) -> Option<Cow<'_, str>> {
        self.as_ref().as_text()
    }

    /// Whether the cell holds no answer.
    pub fn is_empty(&self) -> bool {
        self.as_text().is_none()
    }

    /// The cell, borrowed.
    pub fn as_ref(&self) -> CellRef<'_> {
        match self {
            Cell::Empty => CellRef::Empty,
            Cell::Text(s) => CellRef::Text(s),
            Cell::Number(s) => CellRef::Number(s),
            Cell::Int(i) => CellRef::Int(*i),
            Cell::Float(f) => CellRef::Float(*f),
            Cell::Bool(b) => CellRef::Bool(*b),
        }
    }
}

/// A cell as a [`RawTable`] hands it out: borrowed from wherever the table keeps it (a
/// dictionary of a column's distinct fields, a numpy buffer's narrowed copy), so reading a cell
/// never allocates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    /// No answer.
    Empty,
    /// Text as written.
    Text(&'a str),
    /// A JSON number exactly as written.
    Number(&'a str),
    /// A whole number.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A boolean.
    Bool(bool),
}

impl<'a> CellRef<'a> {
    /// The cell as text the way a user would write it; `None` when empty. Text cells are
    /// borrowed, so reading codes does not allocate. A boolean reads as `true`/`false`: callers
    /// that accept no booleans check for [`CellRef::Bool`] first.
    pub fn as_text(self) -> Option<Cow<'a, str>> {
        match self {
            CellRef::Empty => None,
            CellRef::Text(s) | CellRef::Number(s) if s.trim().is_empty() => None,
            CellRef::Text(s) | CellRef::Number(s) => Some(Cow::Borrowed(s)),
            CellRef::Int(i) => Some(Cow::Owned(i.to_string())),
            CellRef::Float(f) if f.is_nan() => None,
            CellRef::Float(f) => Some(Cow::Owned(float_text(f))),
            CellRef::Bool(b) => Some(Cow::Borrowed(if b { "true" } else { "false" })),
        }
    }

    /// Whether the cell holds no answer.
    pub fn is_empty(self) -> bool {
        self.as_text().is_none()
    }

    /// An owned copy.
    pub fn to_cell(self) -> Cell {
        match self {
            CellRef::Empty => Cell::Empty,
            CellRef::Text(s) => Cell::Text(s.to_string()),
            CellRef::Number(s) => Cell::Number(s.to_string()),
            CellRef::Int(i) => Cell::Int(i),
            CellRef::Float(f) => Cell::Float(f),
            CellRef::Bool(b) => Cell::Bool(b),
        }
    }
}

/// A float as a user would write it: whole numbers without a fraction (`3.0` → `3`), so that
/// pandas' float columns read like the integers they hold.
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        // Whole and below 2^53: `{:.0}` prints it exactly, without a cast.
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

/// Upper bounds on what a reader accepts, so that a hostile or mistaken input (a binary file, a
/// generated header, `/dev/zero`) gets a clear error instead of exhausting memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file or text read, in bytes (default 256 MiB). Reading takes up to about 60 times
    /// the input's size in memory today (a file of near-empty rows is the worst case), so the
    /// default keeps a read of the largest file within a 24 GB machine.
    pub max_input_bytes: u64,
    /// Longest single field (cell or header), in bytes (default 1 MiB).
    pub max_field_bytes: usize,
    /// Most columns (CSV header fields, distinct JSON/record keys; default 65,536).
    pub max_columns: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 256 << 20,
            max_field_bytes: 1 << 20,
            max_columns: 1 << 16,
        }
    }
}

fn limit_error(source: &str, row: Option<usize>, column: Option<&str>, message: String) -> Error {
    Error::Validation(ValidationReport::new(vec![Problem::new(
        ProblemKind::LimitExceeded,
        source,
        row,
        column,
        None,
        message,
    )]))
}

/// Column-oriented cells of one input, with the row number of each record as users see it.
///
/// Built only by the readers, [`RawTable::from_columns`] and [`RecordsBuilder`], so names,
/// columns and rows always agree.
#[derive(Debug, Clone, Default)]
pub struct RawTable {
    source: String,
    names: Vec<String>,
    columns: Vec<Column>,
    rows: Rows,
    problems: Vec<Problem>,
}

impl RawTable {
    /// Number of records.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no records.
    pub fn is_empty(&self) -> bool {
        self.rows.len() == 0
    }

    /// Whether column `j` holds whole numbers only (an integer numpy or Arrow column).
    pub(crate) fn is_int_column(&self, j: usize) -> bool {
        matches!(self.columns.get(j), Some(Column::Int(_)))
    }

    /// File name or a `<…>` tag for in-memory input.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Column names in input order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// User-visible row number of record `r` (the spreadsheet line for CSV, the 1-based record
    /// number otherwise); 0 for a record that does not exist.
    pub fn row(&self, r: usize) -> usize {
        self.rows.get(r).unwrap_or(0)
    }

    /// The cell of column `j` in record `r` ([`CellRef::Empty`] outside the table).
    pub fn cell(&self, j: usize, r: usize) -> CellRef<'_> {
        self.columns.get(j).map_or(CellRef::Empty, |c| c.get(r))
    }

    /// `f` of column `j`'s cell in each record of `records`, in that order (see
    /// [`Column::map_records`]: each distinct value of a dictionary column is resolved once).
    pub(crate) fn map_column<S: Copy>(
        &self,
        j: usize,
        records: impl ExactSizeIterator<Item = usize>,
        f: impl Fn(CellRef<'_>) -> S,
    ) -> Vec<S> {
        match self.columns.get(j) {
            Some(column) => column.map_records(records, f),
            None => vec![f(CellRef::Empty); records.len()],
        }
    }

    /// [`RawTable::map_column`] handing each result to `each` with its position in `records`.
    pub(crate) fn each_in_column<S: Copy>(
        &self,
        j: usize,
        records: impl Iterator<Item = usize>,
        f: impl Fn(CellRef<'_>) -> S,
        mut each: impl FnMut(usize, S),
    ) {
        match self.columns.get(j) {
            Some(column) => column.each_record(records, f, each),
            None => {
                let empty = f(CellRef::Empty);
                records.enumerate().for_each(|(k, _)| each(k, empty));
            }
        }
    }

    /// Structural problems met while reading (ragged rows, non-scalar values); the records
    /// concerned are left out and the validator reports these with its own findings.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The table with `problems` put ahead of its own: problems a translating reader (the
    /// LimeSurvey export) found before the table existed, which the validator then reports like
    /// its own (strict mode refuses the file, lenient mode keeps what it can; both list them).
    pub(crate) fn with_problems_first(mut self, mut problems: Vec<Problem>) -> RawTable {
        problems.append(&mut self.problems);
        self.problems = problems;
        self
    }

    /// Builds a table from named columns of equal length (in-memory input: pandas, dicts). Rows are
    /// numbered from 1.
    pub fn from_columns(
        source: impl Into<String>,
        columns: Vec<(String, Vec<Cell>)>,
    ) -> Result<RawTable, Error> {
        let columns = columns
            .into_iter()
            .map(|(name, cells)| (name, ColumnData::cells(cells)))
            .collect();
        Self::from_column_data(source, columns)
    }

    /// Builds a table from named columns of equal length in their compact form (numpy buffers,
    /// pandas categoricals; see [`ColumnData`]). Rows are numbered from 1.
    pub fn from_column_data(
        source: impl Into<String>,
        columns: Vec<(String, ColumnData)>,
    ) -> Result<RawTable, Error> {
        let source = source.into();
        let len = columns.first().map_or(0, |c| c.1.len());
        let problems: Vec<Problem> = columns
            .iter()
            .filter(|(_, data)| data.len() != len)
            .map(|(name, data)| {
                Problem::new(
                    ProblemKind::Malformed,
                    &source,
                    None,
                    Some(name),
                    Some(&data.len().to_string()),
                    format!(
                        "column has {} values but the first column has {len}",
                        data.len()
                    ),
                )
            })
            .collect();
        if !problems.is_empty() {
            return Err(Error::Validation(ValidationReport::new(problems)));
        }
        let (names, columns): (Vec<String>, Vec<ColumnData>) = columns.into_iter().unzip();
        Ok(RawTable {
            source,
            names,
            columns: columns.into_iter().map(|c| c.0).collect(),
            rows: Rows::Numbered(len),
            problems: Vec::new(),
        })
    }
}

/// The row number users see for each record.
#[derive(Debug, Clone)]
enum Rows {
    /// Records numbered 1..=n (in-memory input).
    Numbered(usize),
    /// The line or record number of each record (files, where blank lines and skipped records
    /// leave gaps).
    Listed(Vec<usize>),
}

impl Default for Rows {
    fn default() -> Self {
        Rows::Numbered(0)
    }
}

impl Rows {
    fn len(&self) -> usize {
        match self {
            Rows::Numbered(n) => *n,
            Rows::Listed(rows) => rows.len(),
        }
    }

    fn get(&self, r: usize) -> Option<usize> {
        match self {
            Rows::Numbered(n) => (r < *n).then_some(r + 1),
            Rows::Listed(rows) => rows.get(r).copied(),
        }
    }
}

/// Builds a [`RawTable`] from records (JSON objects, Python dicts) one key at a time. Memory is
/// proportional to the values given: a key that few records carry is stored sparsely.
///
/// ```
/// use doe_democratie::data::{Cell, CellRef, RecordsBuilder};
/// let mut b = RecordsBuilder::new("<records>", Default::default());
/// b.begin(1);
/// b.push("respondent_id", Cell::Text("r1".into())).unwrap();
/// b.end();
/// b.begin(2);
/// b.push("respondent_id", Cell::Text("r2".into())).unwrap();
/// b.push("note", Cell::Text("only here".into())).unwrap();
/// b.end();
/// let table = b.finish();
/// assert_eq!(table.names(), ["respondent_id", "note"]);
/// assert_eq!(table.cell(1, 0), CellRef::Empty);
/// ```
#[derive(Debug)]
pub struct RecordsBuilder {
    source: String,
    limits: Limits,
    keys: IndexMap<String, usize>,
    entries: Vec<Vec<(usize, Cell)>>,
    /// The last record that set each column: finds a key repeated within one record.
    last_set: Vec<usize>,
    /// Columns set by the current record, to undo them if it is skipped.
    touched: Vec<usize>,
    rows: Vec<usize>,
    current_row: usize,
    skipped: bool,
    problems: Vec<Problem>,
}

impl RecordsBuilder {
    /// An empty builder; `source` names the input in problems.
    pub fn new(source: impl Into<String>, limits: Limits) -> Self {
        RecordsBuilder {
            source: source.into(),
            limits,
            keys: IndexMap::new(),
            entries: Vec::new(),
            last_set: Vec::new(),
            touched: Vec::new(),
            rows: Vec::new(),
            current_row: 0,
            skipped: false,
            problems: Vec::new(),
        }
    }

    /// Starts the record users know as `row` (1-based).
    pub fn begin(&mut self, row: usize) {
        self.current_row = row;
        self.skipped = false;
        self.touched.clear();
    }

    /// Sets `key` of the current record. A key given twice in one record is refused like a
    /// duplicate CSV column; more distinct keys than [`Limits::max_columns`] and text longer than
    /// [`Limits::max_field_bytes`] are refused too.
    pub fn push(&mut self, key: &str, cell: Cell) -> Result<(), Error> {
        // Keys are trimmed like CSV headers.
        let key = key.trim();
        if let Cell::Text(text) | Cell::Number(text) = &cell {
            check_field(text, &self.source, self.current_row, key, &self.limits)?;
        }
        let record = self.rows.len();
        let j = match self.keys.get(key) {
            Some(&j) => j,
            None => self.new_column(key)?,
        };
        let (Some(last), Some(entries)) = (self.last_set.get_mut(j), self.entries.get_mut(j))
        else {
            return Ok(());
        };
        if *last == record {
            return Err(Error::Validation(ValidationReport::new(vec![
                Problem::new(
                    ProblemKind::DuplicateColumn,
                    &self.source,
                    Some(self.current_row),
                    Some(key),
                    None,
                    "key appears twice in one record; only one value per column is allowed".into(),
                ),
            ])));
        }
        *last = record;
        entries.push((record, cell));
        self.touched.push(j);
        Ok(())
    }

    fn new_column(&mut self, key: &str) -> Result<usize, Error> {
        if self.keys.len() >= self.limits.max_columns {
            return Err(limit_error(
                &self.source,
                Some(self.current_row),
                Some(key),
                format!(
                    "more than {} distinct keys; raise Limits::max_columns (max_columns) if the \
                     data really has that many columns",
                    self.limits.max_columns
                ),
            ));
        }
        let j = self.keys.len();
        self.keys.insert(key.to_string(), j);
        // Most keys are in every record or in very few: start small, grow by doubling.
        self.entries.push(Vec::with_capacity(1));
        self.last_set.push(usize::MAX);
        Ok(j)
    }

    /// Leaves the current record out and reports why (a record that is not an object, a value
    /// that is not a scalar).
    pub fn skip(&mut self, column: Option<&str>, value: Option<&str>, message: &str) {
        self.problems.push(Problem::new(
            ProblemKind::Malformed,
            &self.source,
            Some(self.current_row),
            column,
            value,
            message.to_string(),
        ));
        self.skipped = true;
    }

    /// Ends the current record: kept unless [`RecordsBuilder::skip`] was called.
    pub fn end(&mut self) {
        let record = self.rows.len();
        if !self.skipped {
            self.rows.push(self.current_row);
            return;
        }
        for &j in &self.touched {
            if let (Some(entries), Some(last)) = (self.entries.get_mut(j), self.last_set.get_mut(j))
            {
                if entries.last().is_some_and(|(r, _)| *r == record) {
                    entries.pop();
                }
                *last = usize::MAX;
            }
        }
    }

    /// The table of every kept record.
    pub fn finish(self) -> RawTable {
        let len = self.rows.len();
        RawTable {
            source: self.source,
            names: self.keys.into_keys().collect(),
            columns: self
                .entries
                .into_iter()
                .map(|e| Column::from_entries(e, len))
                .collect(),
            rows: Rows::Listed(self.rows),
            problems: self.problems,
        }
    }
}

fn fatal(
    source: &str,
    kind: ProblemKind,
    row: Option<usize>,
    value: Option<&str>,
    message: String,
) -> Error {
    Error::Validation(ValidationReport::new(vec![Problem::new(
        kind, source, row, None, value, message,
    )]))
}

/// Reads a file's bytes, mapping I/O failures to [`Error::Io`] and refusing files larger than
/// `limits.max_input_bytes` (checked while reading, so endless devices are refused too).
pub(crate) fn read_bytes(path: &Path, limits: &Limits) -> Result<Vec<u8>, Error> {
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limits.max_input_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    check_input_size(bytes.len(), &path.display().to_string(), limits)?;
    Ok(bytes)
}

/// Refuses input text longer than `limits.max_input_bytes`.
pub(crate) fn check_input_size(len: usize, source: &str, limits: &Limits) -> Result<(), Error> {
    if u64::try_from(len).map_or(true, |len| len > limits.max_input_bytes) {
        return Err(limit_error(
            source,
            None,
            None,
            format!(
                "the input is larger than {} bytes; raise Limits::max_input_bytes \
                 (max_input_bytes) to read it",
                limits.max_input_bytes
            ),
        ));
    }
    Ok(())
}

/// Line breaks in `bytes` as a spreadsheet counts them: `\r\n`, a lone `\n` and a lone `\r`
/// (old Mac files) each end one line.
fn line_breaks(bytes: &[u8]) -> usize {
    let mut n = 0;
    let mut prev_cr = false;
    for &b in bytes {
        match b {
            b'\n' if prev_cr => {}
            b'\n' | b'\r' => n += 1,
            _ => {}
        }
        prev_cr = b == b'\r';
    }
    n
}

/// Decodes bytes as UTF-8 (a BOM is dropped). Other encodings are refused with a problem that says
/// where the first bad byte is and, when it can tell, which encoding to convert from.
pub(crate) fn decode_utf8<'a>(bytes: &'a [u8], source: &str) -> Result<&'a str, Error> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Some(endian) = utf16_endianness(bytes) {
        return Err(fatal(
            source,
            ProblemKind::Encoding,
            Some(1),
            None,
            format!(
                "the file is UTF-16 ({endian} endian, as Excel's 'Unicode text' writes it); \
                 save it as 'CSV UTF-8' or convert it from UTF-16 to UTF-8"
            ),
        ));
    }
    refuse_nul(bytes, source)?;
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let byte = bytes.get(at).copied().unwrap_or_default();
        fatal(
            source,
            ProblemKind::Encoding,
            Some(1 + line_breaks(bytes.get(..at).unwrap_or_default())),
            Some(&format!("0x{byte:02X}")),
            format!(
                "the file is not UTF-8 (byte 0x{byte:02X} at offset {at}); {}",
                guess_encoding(bytes)
            ),
        )
    })
}

/// Refuses input holding a NUL byte: no CSV or JSON text has one, a binary file has many.
/// An [`ProblemKind::Encoding`] problem with the whole file.
pub(crate) fn encoding_problem(source: &str, message: String) -> Error {
    fatal(source, ProblemKind::Encoding, Some(1), None, message)
}

/// Decoded text holding a NUL character is binary data read with the wrong encoding.
pub(crate) fn refuse_nul_text(text: &str, source: &str) -> Result<(), Error> {
    let Some(at) = text.find('\0') else {
        return Ok(());
    };
    let line = 1 + text.get(..at).map_or(0, |t| line_breaks(t.as_bytes()));
    Err(fatal(
        source,
        ProblemKind::Encoding,
        Some(line),
        Some("U+0000"),
        format!("the text holds a NUL character at character offset {at}: the file is binary or in another encoding"),
    ))
}

fn refuse_nul(bytes: &[u8], source: &str) -> Result<(), Error> {
    let Some(at) = bytes.iter().position(|&b| b == 0) else {
        return Ok(());
    };
    Err(fatal(
        source,
        ProblemKind::Encoding,
        Some(1 + line_breaks(bytes.get(..at).unwrap_or_default())),
        Some("0x00"),
        format!("the input holds a NUL byte at offset {at}: it is binary, not text"),
    ))
}

/// Refuses text that is larger than `limits.max_input_bytes` or holds a NUL byte, so text and
/// files of the same bytes are read alike.
fn check_text(text: &str, source: &str, limits: &Limits) -> Result<(), Error> {
    check_input_size(text.len(), source, limits)?;
    refuse_nul(text.as_bytes(), source)
}

/// `Some("little")`/`Some("big")` for UTF-16 text: by its byte-order mark, or without one by NUL
/// bytes in every other position of the first line's worth of bytes (ASCII in UTF-16).
fn utf16_endianness(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\xff\xfe") {
        return Some("little");
    }
    if bytes.starts_with(b"\xfe\xff") {
        return Some("big");
    }
    let head = bytes.get(..bytes.len().min(512) & !1).unwrap_or_default();
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let zeros_at = |offset: usize| {
        head.iter()
            .skip(offset)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    // ASCII text in UTF-16 has a NUL in (nearly) every pair, always on the same side.
    if odd * 10 >= pairs * 9 && even == 0 {
        Some("little")
    } else if even * 10 >= pairs * 9 && odd == 0 {
        Some("big")
    } else {
        None
    }
}

/// Picks `;` when the header has more semicolons than commas (Dutch Excel), else `,`.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.split(['\r', '\n']).next().unwrap_or("");
    let mut quoted = false;
    let (mut commas, mut semis) = (0, 0);
    for ch in header.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semis += 1,
            _ => {}
        }
    }
    if semis > commas {
        b';'
    } else {
        b','
    }
}

/// Parses CSV text with a header row. `delimiter`: `None` sniffs `,` or `;`.
pub fn parse_csv(
    text: &str,
    source: &str,
    delimiter: Option<u8>,
    limits: &Limits,
) -> Result<RawTable, Error> {
    check_text(text, source, limits)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(text));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let names = csv_header(&mut reader, source, limits)?;
    if memchr::memchr(b'"', text.as_bytes()).is_none() {
        return parse_unquoted(text, source, names, delimiter, limits);
    }
    let mut columns: Vec<TextColumnBuilder> =
        names.iter().map(|_| TextColumnBuilder::new()).collect();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(text.as_bytes());
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(source, &e)),
        }
        let line = lines.line_at(record.position().map(csv::Position::byte));
        if record.len() == 1 && record.get(0).is_some_and(|f| f.trim().is_empty()) {
            continue; // blank line
        }
        if record.len() != names.len() {
            problems.push(Problem::new(
                ProblemKind::Malformed,
                source,
                Some(line),
                None,
                Some(&record.len().to_string()),
                format!(
                    "row has {} fields but the header has {} (delimiter '{}')",
                    record.len(),
                    names.len(),
                    char::from(delimiter)
                ),
            ));
            continue;
        }
        for ((col, field), name) in columns.iter_mut().zip(record.iter()).zip(&names) {
            check_field(field, source, line, name, limits)?;
            col.push(field);
        }
        rows.push(line);
    }
    Ok(RawTable {
        source: source.to_string(),
        names,
        columns: columns.into_iter().map(TextColumnBuilder::finish).collect(),
        rows: Rows::Listed(rows),
        problems,
    })
}

/// [`parse_csv`] for text without a quote character (see [`unquoted`](super::unquoted)).
fn parse_unquoted(
    text: &str,
    source: &str,
    names: Vec<String>,
    delimiter: u8,
    limits: &Limits,
) -> Result<RawTable, Error> {
    let bytes = text.as_bytes();
    // The header is the first line that is not empty; the body starts after its line break.
    let header_start = bytes
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(bytes.len());
    let header_end = bytes
        .get(header_start..)
        .and_then(|rest| memchr::memchr2(b'\n', b'\r', rest))
        .map_or(bytes.len(), |i| header_start + i);
    let mut body_start = header_end + 1;
    if bytes.get(header_end) == Some(&b'\r') && bytes.get(body_start) == Some(&b'\n') {
        body_start += 1;
    }
    let body = text.get(body_start..).unwrap_or_default();
    let first_line = 1 + line_breaks(bytes.get(..body_start.min(bytes.len())).unwrap_or_default());
    let shape = unquoted::Shape {
        names: &names,
        delimiter,
        source,
        limits,
    };
    let records = unquoted::read_body(body, first_line, &shape)?;
    Ok(RawTable {
        source: source.to_string(),
        columns: records
            .columns
            .into_iter()
            .map(TextColumnBuilder::finish)
            .collect(),
        names,
        rows: Rows::Listed(records.rows),
        problems: records.problems,
    })
}

fn csv_error(source: &str, e: &csv::Error) -> Error {
    let line = e.position().and_then(|p| usize::try_from(p.line()).ok());
    fatal(
        source,
        ProblemKind::Malformed,
        line,
        None,
        format!("unreadable CSV: {e}"),
    )
}

fn csv_header(
    reader: &mut csv::Reader<&[u8]>,
    source: &str,
    limits: &Limits,
) -> Result<Vec<String>, Error> {
    let header = reader.headers().map_err(|e| csv_error(source, &e))?;
    if header.len() > limits.max_columns {
        return Err(limit_error(
            source,
            Some(1),
            None,
            format!(
                "the header has {} columns, more than {}; raise Limits::max_columns \
                 (max_columns) if the data really has that many",
                header.len(),
                limits.max_columns
            ),
        ));
    }
    let names: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    for name in &names {
        check_field(name, source, 1, name, limits)?;
    }
    if names.iter().all(String::is_empty) {
        return Err(fatal(
            source,
            ProblemKind::Malformed,
            Some(1),
            None,
            "the file has no header row".into(),
        ));
    }
    Ok(names)
}

/// Refuses a field longer than `limits.max_field_bytes`.
pub(super) fn check_field(
    field: &str,
    source: &str,
    row: usize,
    column: &str,
    limits: &Limits,
) -> Result<(), Error> {
    if field.len() <= limits.max_field_bytes {
        return Ok(());
    }
    Err(limit_error(
        source,
        Some(row),
        Some(column),
        format!(
            "a field of {} bytes, longer than {}; raise Limits::max_field_bytes \
             (max_field_bytes) to read it",
            field.len(),
            limits.max_field_bytes
        ),
    ))
}

/// Turns byte offsets of records into the line numbers a spreadsheet shows: the csv crate's own
/// line numbers drift on CRLF files, and users look rows up by line.
struct LineCounter<'a> {
    bytes: &'a [u8],
    scanned: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            scanned: 0,
            line: 1,
        }
    }

    /// The line of the record starting at byte `offset` (blank lines before it skipped).
    fn line_at(&mut self, offset: Option<u64>) -> usize {
        let mut start = offset
            .and_then(|o| usize::try_from(o).ok())
            .unwrap_or(self.scanned)
            .max(self.scanned);
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let end = start.min(self.bytes.len());
        self.line += line_breaks(self.bytes.get(self.scanned..end).unwrap_or_default());
        self.scanned = end;
        self.line
    }
}

/// Parses JSON text holding a list of records (objects mapping column names to values).
/// Numbers are kept as written ([`Cell::Number`]); a key repeated within a record is refused.
pub fn parse_json_records(text: &str, source: &str, limits: &Limits) -> Result<RawTable, Error> {
    check_text(text, source, limits)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| {
        if e.is_data() {
            let message = "expected a JSON array of records (objects), one per respondent";
            return fatal(source, ProblemKind::Malformed, None, None, message.into());
        }
        let message = format!(
            "invalid JSON at line {}, column {}: {e}",
            e.line(),
            e.column()
        );
        fatal(
            source,
            ProblemKind::Malformed,
            Some(e.line()),
            None,
            message,
        )
    })?;
    let mut builder = RecordsBuilder::new(source, *limits);
    for (r, record) in records.iter().enumerate() {
        builder.begin(r + 1);
        let raw = record.get();
        if raw.starts_with('{') {
            // The array already parsed as JSON, so reading one of its objects again cannot fail
            // for syntax; a limit or a duplicate key comes back as `Ok(Some(error))`.
            let mut de = serde_json::Deserializer::from_str(raw);
            match de.deserialize_map(RecordVisitor {
                builder: &mut builder,
            }) {
                Ok(None) => {}
                Ok(Some(error)) => return Err(error),
                Err(e) => {
                    let message = format!("unreadable record: {e}");
                    return Err(fatal(
                        source,
                        ProblemKind::Malformed,
                        Some(r + 1),
                        None,
                        message,
                    ));
                }
            }
        } else {
            builder.skip(
                None,
                Some(&compact_json(raw)),
                "a record must be a JSON object",
            );
        }
        builder.end();
    }
    Ok(builder.finish())
}

/// Reads one JSON object into the builder, a key at a time, without building a `Value`.
struct RecordVisitor<'b> {
    builder: &'b mut RecordsBuilder,
}

impl<'de> Visitor<'de> for RecordVisitor<'_> {
    type Value = Option<Error>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let value: &RawValue = map.next_value()?;
            match json_cell(value.get()) {
                Ok(cell) => {
                    if let Err(e) = self.builder.push(&key, cell) {
                        // Read the rest of the object, so the parser ends it cleanly and the
                        // error returned is this one, not "trailing comma".
                        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                        return Ok(Some(e));
                    }
                }
                Err(message) => {
                    let shown = compact_json(value.get());
                    self.builder.skip(Some(&key), Some(&shown), message);
                }
            }
        }
        Ok(None)
    }
}

/// A JSON value on one line, as problems show it. Only short values are re-serialised: a
/// megabyte-long array is cut as it stands instead of being parsed again to show 200 characters.
fn compact_json(raw: &str) -> String {
    if raw.len() > 4 * ECHO_CHARS {
        return echo(raw);
    }
    serde_json::from_str::<serde_json::Value>(raw)
        .map_or_else(|_| raw.to_string(), |v| v.to_string())
}

/// One JSON value as a cell; `Err` for arrays and objects.
fn json_cell(raw: &str) -> Result<Cell, &'static str> {
    match raw.as_bytes().first() {
        Some(b'n') => Ok(Cell::Empty),
        Some(b't') => Ok(Cell::Bool(true)),
        Some(b'f') => Ok(Cell::Bool(false)),
        Some(b'"') => serde_json::from_str::<String>(raw)
            .map(Cell::Text)
            .map_err(|_| "a string that is not valid JSON"),
        Some(b'[' | b'{') => Err("a value must be a string, number, boolean or null"),
        _ => Ok(Cell::Number(raw.to_string())),
    }
}
