//! The answer columns of the rows the row-level pass kept, read column by column and in
//! parallel: each distinct field of a column is resolved to a code once, and every problem is
//! tagged with its record and place in the row so that it can be reported in row order.

use rayon::prelude::*;

use super::problem::{Problem, ProblemKind};
use super::raw::{CellRef, RawTable};
use super::validate::{expected_answer, parse_flag, Layout, BOOLEAN_OUT_OF_PLACE};
use crate::instrument::{Code, Scale, NO_ANSWER};

/// Where in a row a problem was found, in the order a row is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Phase {
    /// Respondent id, municipality and attributes.
    Row,
    /// A coded or flag column (`seq` = its position among them).
    Answer,
    /// A multi-select question's pick limit (`seq` = its position among the limits).
    Picks,
    /// An open-text column (`seq` = its position among them).
    Text,
}

/// A problem with the record it was found in and its place in that record.
#[derive(Debug)]
pub(super) struct Tagged {
    pub(super) record: usize,
    pub(super) phase: Phase,
    pub(super) seq: usize,
    pub(super) problem: Problem,
}

/// The answers of the kept rows.
pub(super) struct Answers {
    /// Codes, column-major: kept rows × coded columns ([`NO_ANSWER`] = empty).
    pub(super) codes: Vec<Code>,
    /// Per open-text column, one cell per kept row.
    pub(super) texts: Vec<Vec<Option<String>>>,
}

/// What one cell of a coded column reads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Empty,
    Code(Code),
    /// A boolean outside a multi-select option.
    Boolean,
    Invalid,
}

fn resolve(scale: Option<&Scale>, cell: CellRef<'_>) -> Slot {
    if cell.is_empty() {
        return Slot::Empty;
    }
    let parsed = match (scale, cell) {
        (None, cell) => parse_flag(cell),
        (Some(_), CellRef::Bool(_)) => return Slot::Boolean,
        (Some(scale), cell) => cell.as_text().and_then(|t| scale.parse_cell(t.trim())),
    };
    parsed.map_or(Slot::Invalid, Slot::Code)
}

/// Reads the answers of the records in `kept`, appending the problems found to `problems`.
pub(super) fn read(
    table: &RawTable,
    layout: &Layout<'_>,
    kept: &[usize],
    problems: &mut Vec<Tagged>,
) -> Answers {
    let mut codes = vec![NO_ANSWER; kept.len() * layout.coded.len()];
    if !kept.is_empty() {
        let found: Vec<Vec<Tagged>> = codes
            .par_chunks_mut(kept.len())
            .zip(&layout.coded)
            .enumerate()
            .map(|(seq, (out, col))| {
                let Some(input) = col.input else {
                    return Vec::new();
                };
                coded_column(
                    table,
                    input,
                    header(table, input, col.name),
                    col.scale,
                    kept,
                    seq,
                    out,
                )
            })
            .collect();
        problems.extend(found.into_iter().flatten());
    }
    check_picks(table, layout, kept, &mut codes, problems);
    let texts = layout
        .texts
        .iter()
        .enumerate()
        .map(|(seq, col)| match col.input {
            Some(input) => text_column(
                table,
                input,
                header(table, input, col.name),
                kept,
                seq,
                problems,
            ),
            None => vec![None; kept.len()],
        })
        .collect();
    Answers { codes, texts }
}

/// One coded column: codes into `out`, problems returned.
fn coded_column(
    table: &RawTable,
    input: usize,
    name: &str,
    scale: Option<&Scale>,
    kept: &[usize],
    seq: usize,
    out: &mut [Code],
) -> Vec<Tagged> {
    let mut problems = Vec::new();
    let read = |cell: CellRef<'_>| resolve(scale, cell);
    table.each_in_column(input, kept.iter().copied(), read, |k, slot| {
        let (Some(code), Some(&record)) = (out.get_mut(k), kept.get(k)) else {
            return;
        };
        let (kind, value, message) = match slot {
            Slot::Code(c) => {
                *code = c;
                return;
            }
            Slot::Empty => return,
            Slot::Boolean => {
                let value = table.cell(input, record).as_text().map(String::from);
                (
                    ProblemKind::WrongType,
                    value,
                    BOOLEAN_OUT_OF_PLACE.to_string(),
                )
            }
            Slot::Invalid => {
                let value = table.cell(input, record).as_text().map(String::from);
                let message = format!("not a valid answer; expected {}", expected_answer(scale));
                (ProblemKind::InvalidCode, value, message)
            }
        };
        problems.push(Tagged {
            record,
            phase: Phase::Answer,
            seq,
            problem: Problem::new(
                kind,
                table.source(),
                Some(table.row(record)),
                Some(name),
                value.as_deref(),
                message,
            ),
        });
    });
    problems
}

/// The input's header of column `input`: problems name the column as the file has it, which
/// differs from the instrument's name when `ReadOptions::columns` mapped it.
fn header<'t>(table: &'t RawTable, input: usize, fallback: &'t str) -> &'t str {
    table.names().get(input).map_or(fallback, String::as_str)
}

/// Empties a multi-select question's picks in every row that picked more than it allows.
fn check_picks(
    table: &RawTable,
    layout: &Layout<'_>,
    kept: &[usize],
    codes: &mut [Code],
    problems: &mut Vec<Tagged>,
) {
    let n = kept.len();
    let code_at = |codes: &[Code], j: usize, k: usize| codes.get(j * n + k).copied();
    for (seq, (question, max, members)) in layout.pick_limits.iter().enumerate() {
        for (k, &record) in kept.iter().enumerate() {
            let picks = members
                .iter()
                .filter(|&&j| code_at(codes, j, k) == Some(1))
                .count();
            if u32::try_from(picks).is_ok_and(|p| p <= *max) {
                continue;
            }
            let picked: Vec<&str> = members
                .iter()
                .filter(|&&j| code_at(codes, j, k) == Some(1))
                .filter_map(|&j| layout.coded.get(j).map(|c| c.name))
                .collect();
            problems.push(Tagged {
                record,
                phase: Phase::Picks,
                seq,
                problem: Problem::new(
                    ProblemKind::TooManyPicks,
                    table.source(),
                    Some(table.row(record)),
                    Some(question),
                    Some(&picked.join(", ")),
                    format!(
                        "{picks} options picked but question '{question}' allows at most {max}; \
                         the row's picks for it are left empty",
                    ),
                ),
            });
            for &j in members {
                if let Some(code) = codes.get_mut(j * n + k) {
                    *code = NO_ANSWER;
                }
            }
        }
    }
}

/// One open-text column, kept as written (surrounding spaces included).
fn text_column(
    table: &RawTable,
    input: usize,
    name: &str,
    kept: &[usize],
    seq: usize,
    problems: &mut Vec<Tagged>,
) -> Vec<Option<String>> {
    kept.iter()
        .map(|&record| {
            let cell = table.cell(input, record);
            if let CellRef::Bool(b) = cell {
                problems.push(Tagged {
                    record,
                    phase: Phase::Text,
                    seq,
                    problem: Problem::new(
                        ProblemKind::WrongType,
                        table.source(),
                        Some(table.row(record)),
                        Some(name),
                        Some(&b.to_string()),
                        BOOLEAN_OUT_OF_PLACE.to_string(),
                    ),
                });
                return None;
            }
            cell.as_text().map(String::from)
        })
        .collect()
}
