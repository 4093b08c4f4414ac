//! The columnar respondent store.

use ndarray::{Array2, ArrayView1};
use serde::{Deserialize, Serialize};

use super::raw::{Cell, RawTable};
use crate::error::Error;
use crate::instrument::{Code, ColumnKind, Instrument, NO_ANSWER};

/// A responding municipality with the attributes its respondents' rows carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Municipality {
    /// The `municipality` cell: a CBS code such as `GM0363` or a name.
    pub id: String,
    /// `municipality_name`, if given.
    pub name: Option<String>,
    /// Number of inhabitants, if given.
    pub inhabitants: Option<u32>,
    /// Size class id (given, or derived from `inhabitants`).
    pub size_class: Option<String>,
    /// Province id.
    pub province: Option<String>,
}

/// Respondent data validated against an instrument.
///
/// Coded and flag columns live in one column-major `u16` matrix (respondents × columns), so a
/// measure reads one contiguous slice per item. An empty cell holds [`NO_ANSWER`]; a column that
/// was absent from the input (not asked) is marked in [`Responses::is_asked`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Responses {
    pub(crate) respondent_ids: Vec<String>,
    pub(crate) municipality: Vec<u32>,
    pub(crate) municipalities: Vec<Municipality>,
    pub(crate) roles: Vec<Option<String>>,
    /// Instrument column position of each matrix column (coded and flag columns, in order).
    pub(crate) code_columns: Vec<usize>,
    pub(crate) codes: Array2<Code>,
    /// Per instrument column: present in the input?
    pub(crate) asked: Vec<bool>,
    /// Text columns: instrument column position and cells.
    pub(crate) text: Vec<(usize, Vec<Option<String>>)>,
}

impl Responses {
    /// Number of respondents.
    pub fn n_respondents(&self) -> usize {
        self.respondent_ids.len()
    }
    /// Number of distinct municipalities.
    pub fn n_municipalities(&self) -> usize {
        self.municipalities.len()
    }
    /// Respondent ids in input order.
    pub fn respondent_ids(&self) -> &[String] {
        &self.respondent_ids
    }
    /// Municipalities in order of first appearance.
    pub fn municipalities(&self) -> &[Municipality] {
        &self.municipalities
    }
    /// For each respondent, the index of their municipality in [`Responses::municipalities`].
    pub fn municipality_index(&self) -> &[u32] {
        &self.municipality
    }
    /// For each respondent, their role id (or role text if the instrument lists no roles).
    pub fn roles(&self) -> &[Option<String>] {
        &self.roles
    }
    /// Whether the instrument column at `position` was present in the input.
    pub fn is_asked(&self, position: usize) -> bool {
        self.asked.get(position).copied().unwrap_or(false)
    }
    /// The codes of a coded or flag column by instrument column position ([`NO_ANSWER`] = empty).
    pub fn codes(&self, position: usize) -> Option<ArrayView1<'_, Code>> {
        let j = self.code_columns.iter().position(|&c| c == position)?;
        Some(self.codes.column(j))
    }
    /// The cells of a text column by instrument column position.
    pub fn text(&self, position: usize) -> Option<&[Option<String>]> {
        self.text
            .iter()
            .find(|(c, _)| *c == position)
            .map(|(_, v)| v.as_slice())
    }

    /// Checks that the store fits `instrument` (used when a store comes from outside, e.g. a
    /// pickle): shapes agree and every code is valid for its column.
    pub(crate) fn check_against(&self, instrument: &Instrument) -> Result<(), String> {
        let n = self.respondent_ids.len();
        let cols = instrument.columns();
        if self.asked.len() != cols.len() {
            return Err(format!(
                "{} column flags for an instrument with {} columns",
                self.asked.len(),
                cols.len()
            ));
        }
        if self.municipality.len() != n || self.roles.len() != n || self.codes.nrows() != n {
            return Err("respondent attributes and codes differ in length".into());
        }
        if self
            .municipality
            .iter()
            .any(|&m| m as usize >= self.municipalities.len())
        {
            return Err("a respondent points to a municipality that does not exist".into());
        }
        let expected: Vec<usize> = cols
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind != ColumnKind::Text)
            .map(|(i, _)| i)
            .collect();
        if self.code_columns != expected || self.codes.ncols() != expected.len() {
            return Err("coded columns do not match the instrument".into());
        }
        let coded = cols.iter().filter(|c| c.kind != ColumnKind::Text);
        for (j, col) in coded.enumerate() {
            let scale = instrument
                .questions()
                .get_index(col.question)
                .and_then(|(_, q)| instrument.scale_of(q));
            let valid = |c: Code| match col.kind {
                ColumnKind::Flag => c <= 1,
                _ => scale.is_some_and(|s| s.is_valid(c)),
            };
            if let Some(bad) = self
                .codes
                .column(j)
                .iter()
                .find(|&&c| c != NO_ANSWER && !valid(c))
            {
                return Err(format!("column '{}' holds invalid code {bad}", col.name));
            }
        }
        for (pos, cells) in &self.text {
            if cols.get(*pos).map(|c| c.kind) != Some(ColumnKind::Text) || cells.len() != n {
                return Err("text columns do not match the instrument".into());
            }
        }
        Ok(())
    }

    /// The store written back as a table of cells, one record per respondent with the
    /// municipality's attributes repeated on each: what reading it again must turn into an
    /// equal store. Attribute columns no municipality or respondent has are left out.
    pub fn to_raw_table(&self, instrument: &Instrument) -> Result<RawTable, Error> {
        let text = |v: Option<&String>| v.map_or(Cell::Empty, |s| Cell::Text(s.clone()));
        let muni = |r: usize| {
            let m = self.municipality.get(r).copied().unwrap_or(u32::MAX);
            self.municipalities.get(m as usize)
        };
        let n = self.respondent_ids.len();
        let attribute = |f: &dyn Fn(&Municipality) -> Cell| -> Vec<Cell> {
            (0..n).map(|r| muni(r).map_or(Cell::Empty, f)).collect()
        };
        let mut columns = vec![
            (
                "respondent_id".to_string(),
                self.respondent_ids
                    .iter()
                    .map(|id| Cell::Text(id.clone()))
                    .collect(),
            ),
            (
                "municipality".to_string(),
                attribute(&|m| Cell::Text(m.id.clone())),
            ),
            (
                "municipality_name".to_string(),
                attribute(&|m| text(m.name.as_ref())),
            ),
            (
                "inhabitants".to_string(),
                attribute(&|m| {
                    m.inhabitants
                        .map_or(Cell::Empty, |i| Cell::Int(i64::from(i)))
                }),
            ),
            (
                "size_class".to_string(),
                attribute(&|m| text(m.size_class.as_ref())),
            ),
            (
                "province".to_string(),
                attribute(&|m| text(m.province.as_ref())),
            ),
            (
                "role".to_string(),
                self.roles.iter().map(|r| text(r.as_ref())).collect(),
            ),
        ];
        columns.retain(|(name, cells)| {
            matches!(name.as_str(), "respondent_id" | "municipality")
                || cells.iter().any(|c| *c != Cell::Empty)
        });
        for (pos, col) in instrument.columns().iter().enumerate() {
            if !self.is_asked(pos) {
                continue;
            }
            let cells = match col.kind {
                ColumnKind::Text => self
                    .text(pos)
                    .unwrap_or_default()
                    .iter()
                    .map(|t| text(t.as_ref()))
                    .collect(),
                _ => self
                    .codes(pos)
                    .map(|codes| {
                        codes
                            .iter()
                            .map(|&c| {
                                if c == NO_ANSWER {
                                    Cell::Empty
                                } else {
                                    Cell::Int(i64::from(c))
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            };
            columns.push((col.name.clone(), cells));
        }
        RawTable::from_columns("<stored survey>", columns)
    }
}
