//! Readers that turn CSV text, JSON records or in-memory columns into a [`RawTable`] of cells,
//! before any validation against the instrument.

use std::borrow::Cow;
use std::path::Path;

use crate::error::Error;

use super::problem::{Problem, ProblemKind, ValidationReport};

/// One cell as it came from the input, before it is checked against the instrument.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// An empty cell, JSON `null`, `None` or NaN: no answer.
    Empty,
    /// Text as written.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A floating-point number (pandas stores integer columns with gaps as floats).
    Float(f64),
    /// A boolean (JSON `true`/`false`, numpy `bool`).
    Bool(bool),
}

impl Cell {
    /// The cell as text the way a user would write it; `None` when empty. Text cells are
    /// borrowed, so reading codes does not allocate.
    pub fn as_text(&self) -> Option<Cow<'_, str>> {
        match self {
            Cell::Empty => None,
            Cell::Text(s) if s.trim().is_empty() => None,
            Cell::Text(s) => Some(Cow::Borrowed(s)),
            Cell::Int(i) => Some(Cow::Owned(i.to_string())),
            Cell::Float(f) if f.is_nan() => None,
            Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                Some(Cow::Owned(format!("{}", *f as i64)))
            }
            Cell::Float(f) => Some(Cow::Owned(f.to_string())),
            Cell::Bool(b) => Some(Cow::Borrowed(if *b { "1" } else { "0" })),
        }
    }

    /// Whether the cell holds no answer.
    pub fn is_empty(&self) -> bool {
        self.as_text().is_none()
    }
}

/// Column-oriented cells of one input, with the row number of each record as users see it.
#[derive(Debug, Clone, Default)]
pub struct RawTable {
    /// File name or a `<…>` tag for in-memory input.
    pub source: String,
    /// Column names in input order.
    pub names: Vec<String>,
    /// `columns[j][r]`: cell of column `j` in record `r`.
    pub columns: Vec<Vec<Cell>>,
    /// User-visible row number of each record.
    pub rows: Vec<usize>,
    /// Structural problems met while reading (ragged rows, non-scalar values); the records
    /// concerned are left out and the validator reports these with its own findings.
    pub problems: Vec<Problem>,
}

impl RawTable {
    /// Number of records.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no records.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Builds a table from named columns of equal length (in-memory input: pandas, dicts). Rows are
    /// numbered from 1.
    pub fn from_columns(
        source: impl Into<String>,
        columns: Vec<(String, Vec<Cell>)>,
    ) -> Result<RawTable, Error> {
        let source = source.into();
        let len = columns.first().map_or(0, |c| c.1.len());
        let mut report = ValidationReport::default();
        for (name, cells) in &columns {
            if cells.len() != len {
                report.problems.push(Problem {
                    kind: ProblemKind::Malformed,
                    file: source.clone(),
                    row: None,
                    column: Some(name.clone()),
                    value: Some(cells.len().to_string()),
                    message: format!(
                        "column has {} values but the first column has {len}",
                        cells.len()
                    ),
                });
            }
        }
        if !report.is_empty() {
            return Err(Error::Validation(report));
        }
        let (names, columns) = columns.into_iter().unzip();
        Ok(RawTable {
            source,
            names,
            columns,
            rows: (1..=len).collect(),
            problems: Vec::new(),
        })
    }
}

fn fatal(
    source: &str,
    kind: ProblemKind,
    row: Option<usize>,
    value: Option<String>,
    message: String,
) -> Error {
    Error::Validation(ValidationReport {
        problems: vec![Problem {
            kind,
            file: source.to_string(),
            row,
            column: None,
            value,
            message,
        }],
    })
}

/// Reads a file's bytes, mapping I/O failures to [`Error::Io`].
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Decodes bytes as UTF-8 (a BOM is dropped). Other encodings are refused with a problem that says
/// where the first bad byte is and, when it can tell, which encoding to convert from.
pub(crate) fn decode_utf8<'a>(bytes: &'a [u8], source: &str) -> Result<&'a str, Error> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        let endian = if bytes[0] == 0xff { "little" } else { "big" };
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
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.valid_up_to();
            let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
            let byte = bytes[at];
            let hint = guess_encoding(bytes);
            Err(fatal(
                source,
                ProblemKind::Encoding,
                Some(line),
                Some(format!("0x{byte:02X}")),
                format!("the file is not UTF-8 (byte 0x{byte:02X} at offset {at}); {hint}"),
            ))
        }
    }
}

fn guess_encoding(bytes: &[u8]) -> String {
    // Bytes 0x80–0x9F are control characters in ISO-8859-1 but letters and punctuation in
    // Windows-1252 (curly quotes, €), which is what Dutch Excel on Windows writes.
    let c1 = bytes.iter().any(|b| (0x80..=0x9f).contains(b));
    let latin = bytes.iter().filter(|&&b| b >= 0xa0).count();
    if c1 {
        "it looks like Windows-1252 (Excel on Windows); convert it from Windows-1252 to UTF-8"
            .into()
    } else if latin > 0 {
        "it looks like ISO-8859-1 (Latin-1) or Windows-1252; convert it from that to UTF-8".into()
    } else {
        "convert it to UTF-8".into()
    }
}

/// Picks `;` when the header has more semicolons than commas (Dutch Excel), else `,`.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
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
pub fn parse_csv(text: &str, source: &str, delimiter: Option<u8>) -> Result<RawTable, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(text));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let csv_err = |e: csv::Error| {
        let line = e.position().map(|p| p.line() as usize);
        fatal(
            source,
            ProblemKind::Malformed,
            line,
            None,
            format!("unreadable CSV: {e}"),
        )
    };
    let names: Vec<String> = reader
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if names.iter().all(String::is_empty) {
        return Err(fatal(
            source,
            ProblemKind::Malformed,
            Some(1),
            None,
            "the file has no header row".into(),
        ));
    }
    let mut columns: Vec<Vec<Cell>> = vec![Vec::new(); names.len()];
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut record = csv::StringRecord::new();
    let bytes = text.as_bytes();
    let (mut scanned, mut line) = (0usize, 1usize);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_err(e)),
        }
        // Count line breaks up to the record's first byte: the csv crate's own line numbers
        // drift on CRLF files, and users look rows up by spreadsheet line.
        let mut start = record.position().map_or(scanned, |p| p.byte() as usize);
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        line += bytes[scanned..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        scanned = start;
        if record.len() == 1 && record.get(0).is_some_and(|f| f.trim().is_empty()) {
            continue; // blank line
        }
        if record.len() != names.len() {
            problems.push(Problem {
                kind: ProblemKind::Malformed,
                file: source.to_string(),
                row: Some(line),
                column: None,
                value: Some(record.len().to_string()),
                message: format!(
                    "row has {} fields but the header has {} (delimiter '{}')",
                    record.len(),
                    names.len(),
                    delimiter as char
                ),
            });
            continue;
        }
        for (col, field) in columns.iter_mut().zip(record.iter()) {
            col.push(if field.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(field.to_string())
            });
        }
        rows.push(line);
    }
    Ok(RawTable {
        source: source.to_string(),
        names,
        columns,
        rows,
        problems,
    })
}

/// Parses JSON text holding a list of records (objects mapping column names to values).
pub fn parse_json_records(text: &str, source: &str) -> Result<RawTable, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        fatal(
            source,
            ProblemKind::Malformed,
            Some(e.line()),
            None,
            format!(
                "invalid JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    let serde_json::Value::Array(records) = value else {
        return Err(fatal(
            source,
            ProblemKind::Malformed,
            None,
            None,
            "expected a JSON array of records (objects), one per respondent".into(),
        ));
    };
    let mut names: indexmap::IndexMap<String, Vec<Cell>> = indexmap::IndexMap::new();
    let mut problems = Vec::new();
    let mut skipped = vec![false; records.len()];
    let n = records.len();
    for (r, record) in records.into_iter().enumerate() {
        let serde_json::Value::Object(fields) = record else {
            skipped[r] = true;
            problems.push(Problem {
                kind: ProblemKind::Malformed,
                file: source.to_string(),
                row: Some(r + 1),
                column: None,
                value: Some(record.to_string()),
                message: "a record must be a JSON object".into(),
            });
            continue;
        };
        for (key, v) in fields {
            let cell = match v {
                serde_json::Value::Null => Cell::Empty,
                serde_json::Value::Bool(b) => Cell::Bool(b),
                serde_json::Value::Number(num) => match num.as_i64() {
                    Some(i) => Cell::Int(i),
                    None => Cell::Float(num.as_f64().unwrap_or(f64::NAN)),
                },
                serde_json::Value::String(s) => Cell::Text(s),
                other => {
                    skipped[r] = true;
                    problems.push(Problem {
                        kind: ProblemKind::Malformed,
                        file: source.to_string(),
                        row: Some(r + 1),
                        column: Some(key.clone()),
                        value: Some(other.to_string()),
                        message: "a value must be a string, number, boolean or null".into(),
                    });
                    Cell::Empty
                }
            };
            let col = names.entry(key).or_insert_with(|| vec![Cell::Empty; n]);
            col[r] = cell;
        }
    }
    let keep = |r: &usize| !skipped[*r];
    let columns = names
        .values()
        .map(|col| (0..n).filter(keep).map(|r| col[r].clone()).collect())
        .collect();
    Ok(RawTable {
        source: source.to_string(),
        names: names.into_keys().collect(),
        columns,
        rows: (0..n).filter(keep).map(|r| r + 1).collect(),
        problems,
    })
}
