//! CSV without a single quote character, parsed in parallel chunks. Without quotes a line break
//! always ends a record and a delimiter always ends a field, so the text can be cut at line
//! breaks and each piece read on its own core; the result is the same as the csv crate's
//! (`raw::parse_csv` falls back to it whenever the text holds a `"`).

use memchr::{memchr, memchr2};
use rayon::prelude::*;

use super::columns::TextColumnBuilder;
use super::problem::{Problem, ProblemKind};
use super::raw::{check_field, Limits};
use crate::error::Error;

/// The records of a CSV body: one builder per column, each record's line, the ragged rows.
pub(super) struct Records {
    pub(super) columns: Vec<TextColumnBuilder>,
    pub(super) rows: Vec<usize>,
    pub(super) problems: Vec<Problem>,
}

/// What the records of one input share.
pub(super) struct Shape<'a> {
    pub(super) names: &'a [String],
    pub(super) delimiter: u8,
    pub(super) source: &'a str,
    pub(super) limits: &'a Limits,
}

/// Below this many bytes the body is read as one piece.
const CHUNK_MIN: usize = 1 << 20;

/// Reads `body` (the text after the header, which starts on line `first_line`).
pub(super) fn read_body(
    body: &str,
    first_line: usize,
    shape: &Shape<'_>,
) -> Result<Records, Error> {
    let pieces = split(body, rayon::current_num_threads());
    let read: Vec<(Result<Records, Error>, usize)> = pieces
        .par_iter()
        .map(|piece| {
            let breaks = line_breaks_of(piece);
            (read_piece(piece, breaks, shape), breaks)
        })
        .collect();
    let mut out = Records {
        columns: shape
            .names
            .iter()
            .map(|_| TextColumnBuilder::new())
            .collect(),
        rows: Vec::new(),
        problems: Vec::new(),
    };
    let mut line = first_line;
    // In order, so the first failing piece's error is the first error of the text.
    for (records, breaks) in read {
        let mut records = records.map_err(|e| shift_error(e, line))?;
        for (mine, theirs) in out.columns.iter_mut().zip(records.columns) {
            mine.append(theirs);
        }
        out.rows.extend(records.rows.iter().map(|r| r + line));
        for p in &mut records.problems {
            p.row = p.row.map(|r| r + line);
        }
        out.problems.extend(records.problems);
        line += breaks;
    }
    Ok(out)
}

/// `body` cut into about `n` pieces, each ending just after a `\n`.
fn split(body: &str, n: usize) -> Vec<&str> {
    let bytes = body.as_bytes();
    if n <= 1 || bytes.len() < CHUNK_MIN * 2 {
        return vec![body];
    }
    let mut pieces = Vec::with_capacity(n);
    let mut start = 0;
    for k in 1..n {
        let target = (bytes.len() / n * k).max(start);
        let Some(at) = bytes.get(target..).and_then(|rest| memchr(b'\n', rest)) else {
            break;
        };
        let end = target + at + 1;
        if let Some(piece) = body.get(start..end) {
            pieces.push(piece);
        }
        start = end;
    }
    if let Some(rest) = body.get(start..) {
        pieces.push(rest);
    }
    pieces
}

/// Line breaks as a spreadsheet counts them (`\r\n` is one).
fn line_breaks_of(piece: &str) -> usize {
    let bytes = piece.as_bytes();
    let mut n = 0;
    let mut at = 0;
    while let Some(i) = bytes.get(at..).and_then(|rest| memchr2(b'\n', b'\r', rest)) {
        let pos = at + i;
        n += 1;
        at = pos + 1;
        if bytes.get(pos) == Some(&b'\r') && bytes.get(at) == Some(&b'\n') {
            at += 1;
        }
    }
    n
}

/// A piece's errors carry lines relative to the piece; this makes them absolute.
fn shift_error(error: Error, line: usize) -> Error {
    match error {
        Error::Validation(mut report) => {
            for p in &mut report.problems {
                p.row = p.row.map(|r| r + line);
            }
            Error::Validation(report)
        }
        other => other,
    }
}

/// Reads one piece; rows and problems carry lines relative to the piece's first line (0).
fn read_piece(piece: &str, lines: usize, shape: &Shape<'_>) -> Result<Records, Error> {
    let mut out = Records {
        columns: shape
            .names
            .iter()
            .map(|_| TextColumnBuilder::with_capacity(lines + 1))
            .collect(),
        rows: Vec::with_capacity(lines + 1),
        problems: Vec::new(),
    };
    let bytes = piece.as_bytes();
    let mut fields: Vec<&str> = Vec::with_capacity(shape.names.len());
    let (mut at, mut line) = (0, 0);
    while at < bytes.len() {
        let end = bytes
            .get(at..)
            .and_then(|rest| memchr2(b'\n', b'\r', rest))
            .map_or(bytes.len(), |i| at + i);
        let record = piece.get(at..end).unwrap_or_default();
        if !record.is_empty() {
            read_record(record, line, shape, &mut fields, &mut out)?;
        }
        at = end + 1;
        if bytes.get(end) == Some(&b'\r') && bytes.get(at) == Some(&b'\n') {
            at += 1;
        }
        line += 1;
    }
    Ok(out)
}

fn read_record<'p>(
    record: &'p str,
    line: usize,
    shape: &Shape<'_>,
    fields: &mut Vec<&'p str>,
    out: &mut Records,
) -> Result<(), Error> {
    fields.clear();
    // Fields are mostly a byte or two: a plain scan beats a memchr call per field.
    let mut start = 0;
    for (i, &b) in record.as_bytes().iter().enumerate() {
        if b == shape.delimiter {
            fields.push(record.get(start..i).unwrap_or_default());
            start = i + 1;
        }
    }
    fields.push(record.get(start..).unwrap_or_default());
    if fields.len() == 1 && record.trim().is_empty() {
        return Ok(()); // blank line
    }
    if fields.len() != shape.names.len() {
        out.problems.push(Problem::new(
            ProblemKind::Malformed,
            shape.source,
            Some(line),
            None,
            Some(&fields.len().to_string()),
            format!(
                "row has {} fields but the header has {} (delimiter '{}')",
                fields.len(),
                shape.names.len(),
                char::from(shape.delimiter)
            ),
        ));
        return Ok(());
    }
    for ((column, field), name) in out.columns.iter_mut().zip(fields.iter()).zip(shape.names) {
        check_field(field, shape.source, line, name, shape.limits)?;
        column.push(field);
    }
    out.rows.push(line);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_end_after_line_breaks_and_cover_the_text() {
        let line = "1,GM0001,2\r\n";
        let body = line.repeat(300_000);
        let pieces = split(&body, 3);
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces.concat(), body);
        assert!(pieces.iter().all(|p| p.ends_with("\r\n")));
        assert_eq!(line_breaks_of(&body), 300_000);
        assert_eq!(line_breaks_of("a\rb\r\nc\n\nd"), 4);
    }
}
