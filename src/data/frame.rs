//! Population frames: the municipalities a survey's responding municipalities are a sample of.
//!
//! A [`Frame`] holds, per frame attribute (`size_class`, `province`), a *margin*: strata with an
//! id, the instrument levels each merges and the number of frame municipalities in it. It comes
//! in two kinds:
//!
//! - stratum counts only, for one attribute ([`Frame::from_strata`], the bundled
//!   [`Frame::municipalities_2013`]);
//! - a table of municipalities ([`Frame::read_csv_path`], [`Frame::from_municipalities`]), from
//!   which a margin per attribute follows, one stratum per level.
//!
//! Weighting and representativeness (in [`crate::analysis`]) read the margins.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::problem::{echo, Problem, ProblemKind, ValidationReport};
use super::raw::{decode_utf8, parse_csv, read_bytes, CellRef, Limits, RawTable};
use super::validate::{normalise_id, parse_inhabitants};
use crate::error::{Error, Result};
use crate::instrument::{find_named, Instrument, Level};

/// The attributes a frame can have a margin on, in the order frames list them.
pub const FRAME_ATTRIBUTES: [&str; 2] = ["size_class", "province"];

/// One stratum of a frame margin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameStratum {
    /// The instrument levels (ids) the stratum merges.
    pub levels: Vec<String>,
    /// Number of frame municipalities in the stratum (N_h).
    pub count: u64,
}

/// The strata of one margin by stratum id, in display order.
pub type Strata = IndexMap<String, FrameStratum>;

/// One municipality of a frame table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameMunicipality {
    /// Code such as `GM0363`: matched to the survey's `municipality` cells.
    pub code: String,
    /// Name, if given.
    #[serde(default)]
    pub name: Option<String>,
    /// Number of inhabitants (may be absent when the size class is given).
    #[serde(default)]
    pub inhabitants: Option<u32>,
    /// Province id (an instrument level, or the text as written when the instrument lists none).
    pub province: String,
    /// Size class id: given, or derived from `inhabitants`; `None` only when the instrument has
    /// no size classes.
    #[serde(default)]
    pub size_class: Option<String>,
}

/// A population frame (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FrameSpec", into = "FrameSpec")]
pub struct Frame {
    margins: IndexMap<String, Strata>,
    municipalities: Option<Vec<FrameMunicipality>>,
    total: u64,
    note: Option<String>,
    source: Option<String>,
}

/// The stored form; reading it back checks that the margins agree with each other and with the
/// municipality table.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameSpec {
    margins: IndexMap<String, Strata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    municipalities: Option<Vec<FrameMunicipality>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
}

impl From<Frame> for FrameSpec {
    fn from(f: Frame) -> Self {
        FrameSpec {
            margins: f.margins,
            municipalities: f.municipalities,
            note: f.note,
            source: f.source,
        }
    }
}

impl TryFrom<FrameSpec> for Frame {
    type Error = Error;
    fn try_from(s: FrameSpec) -> Result<Self> {
        let refuse = |message: String| Error::InvalidArgument {
            name: "frame",
            message: format!("stored frame is inconsistent: {message}"),
        };
        let mut total = None;
        for (attribute, strata) in &s.margins {
            let sum = check_strata_shape(attribute, strata).map_err(refuse)?;
            if total.is_some_and(|t| t != sum) {
                return Err(refuse(format!(
                    "margin '{attribute}' adds up to {sum}, another margin to {}",
                    total.unwrap_or_default()
                )));
            }
            total = Some(sum);
        }
        let Some(total) = total else {
            return Err(refuse("it has no margin".into()));
        };
        if let Some(munis) = &s.municipalities {
            check_table_agrees(munis, &s.margins).map_err(refuse)?;
        }
        Ok(Frame {
            margins: s.margins,
            municipalities: s.municipalities,
            total,
            note: s.note,
            source: s.source,
        })
    }
}

/// Checks one margin's structure (known attribute, strata with levels, positive counts, no level
/// twice) and returns its total.
fn check_strata_shape(attribute: &str, strata: &Strata) -> std::result::Result<u64, String> {
    if !FRAME_ATTRIBUTES.contains(&attribute) {
        return Err(format!(
            "unknown margin '{}'; frames have {}",
            echo(attribute),
            FRAME_ATTRIBUTES.join(", ")
        ));
    }
    if strata.is_empty() {
        return Err(format!("margin '{attribute}' has no strata"));
    }
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let mut total: u64 = 0;
    for (id, stratum) in strata {
        if stratum.count == 0 || stratum.levels.is_empty() {
            return Err(format!(
                "stratum '{}' of margin '{attribute}' needs a positive count and at least one level",
                echo(id)
            ));
        }
        for level in &stratum.levels {
            if let Some(other) = seen.insert(level, id) {
                return Err(format!(
                    "level '{}' of margin '{attribute}' is in strata '{}' and '{}'",
                    echo(level),
                    echo(other),
                    echo(id)
                ));
            }
        }
        total = total
            .checked_add(stratum.count)
            .ok_or_else(|| format!("margin '{attribute}' adds up to more than {}", u64::MAX))?;
    }
    Ok(total)
}

/// Checks that the margins of a stored frame are the counts of its municipality table.
fn check_table_agrees(
    munis: &[FrameMunicipality],
    margins: &IndexMap<String, Strata>,
) -> std::result::Result<(), String> {
    for (attribute, strata) in margins {
        let mut counts: IndexMap<&str, u64> = strata.keys().map(|k| (k.as_str(), 0)).collect();
        for m in munis {
            let level = match attribute.as_str() {
                "size_class" => m.size_class.as_deref(),
                _ => Some(m.province.as_str()),
            };
            let stratum = strata
                .iter()
                .find(|(_, s)| level.is_some_and(|l| s.levels.iter().any(|x| x == l)));
            match stratum.and_then(|(id, _)| counts.get_mut(id.as_str())) {
                Some(c) => *c += 1,
                None => {
                    return Err(format!(
                        "municipality '{}' is in no stratum of margin '{attribute}'",
                        echo(&m.code)
                    ))
                }
            }
        }
        for (id, s) in strata {
            let counted = counts.get(id.as_str()).copied().unwrap_or_default();
            if counted != s.count {
                return Err(format!(
                    "stratum '{}' of margin '{attribute}' has count {}, but the municipality \
                     table has {counted} municipalities in it",
                    echo(id),
                    s.count
                ));
            }
        }
    }
    Ok(())
}

impl Frame {
    /// The bundled frame: the 408 Dutch municipalities on 1 January 2013 (CBS), as counts per
    /// size-class stratum. 20,000–100,000 inhabitants is one stratum (see [`Frame::note`]).
    ///
    /// ```
    /// let frame = doe_democratie::Frame::municipalities_2013();
    /// assert_eq!(frame.total(), 408);
    /// assert_eq!(frame.stratum_of("size_class", "50k_100k"), Some(1));
    /// ```
    pub fn municipalities_2013() -> Frame {
        let stratum = |levels: &[&str], count| FrameStratum {
            levels: levels.iter().map(|l| l.to_string()).collect(),
            count,
        };
        let strata: Strata = [
            ("lt_20k".to_string(), stratum(&["lt_20k"], 142)),
            (
                "20k_100k".to_string(),
                stratum(&["20k_50k", "50k_100k"], 239),
            ),
            ("100k_plus".to_string(), stratum(&["100k_plus"], 27)),
        ]
        .into_iter()
        .collect();
        Frame {
            margins: [("size_class".to_string(), strata)].into_iter().collect(),
            municipalities: None,
            total: 408,
            note: Some(
                "20,000–100,000 inhabitants is one stratum of 239 municipalities: the split into \
                 20,000–50,000 and 50,000–100,000 is not in our sources (CBS, 1 January 2013)"
                    .into(),
            ),
            source: Some(
                "CBS (Statistics Netherlands): the 408 municipalities of 1 January 2013 by \
                 number of inhabitants: 142 below 20,000, 239 from 20,000 to 100,000, 27 from \
                 100,000"
                    .into(),
            ),
        }
    }

    /// A frame of stratum counts for one attribute (`size_class` or `province`). Each stratum
    /// names the instrument levels it merges (ids or labels; stored as ids); every level of the
    /// attribute must be in exactly one stratum, and every count must be positive. Where the
    /// instrument lists no provinces, any text is a level.
    pub fn from_strata(attribute: &str, strata: Strata, instrument: &Instrument) -> Result<Frame> {
        let levels = attribute_levels(attribute, instrument)?;
        let strata = match_strata(attribute, strata, &levels)?;
        let total =
            check_strata_shape(attribute, &strata).map_err(|message| Error::InvalidArgument {
                name: "strata",
                message,
            })?;
        Ok(Frame {
            margins: [(attribute.to_string(), strata)].into_iter().collect(),
            municipalities: None,
            total,
            note: None,
            source: None,
        })
    }

    /// Reads a frame table from a CSV file: columns `code`, `province` and `inhabitants` (or
    /// `size_class`), optional `name` and `size_class`; one row per municipality. `,` or `;`
    /// delimited, UTF-8 with or without BOM; inhabitants as in respondent data (`150000`,
    /// `150.000`). Every problem (row, column, value) is reported at once in
    /// [`Error::Validation`].
    pub fn read_csv_path(path: impl AsRef<Path>, instrument: &Instrument) -> Result<Frame> {
        let path = path.as_ref();
        let source = path.display().to_string();
        let limits = Limits::default();
        let bytes = read_bytes(path, &limits)?;
        let table = parse_csv(decode_utf8(&bytes, &source)?, &source, None, &limits)?;
        Self::from_table(table, instrument)
    }

    /// Reads a frame table from CSV text (source name `<csv>` in problems); see
    /// [`Frame::read_csv_path`].
    pub fn read_csv_str(text: &str, instrument: &Instrument) -> Result<Frame> {
        let table = parse_csv(text, "<csv>", None, &Limits::default())?;
        Self::from_table(table, instrument)
    }

    /// A frame table from a table of cells (the readers and the pandas bridge use this).
    pub fn from_table(table: RawTable, instrument: &Instrument) -> Result<Frame> {
        let mut checker = Checker::new(table.source(), instrument);
        checker.problems.extend(table.problems().iter().cloned());
        let Some(layout) = checker.layout(&table) else {
            return Err(checker.into_error());
        };
        let mut munis = Vec::with_capacity(table.len());
        for r in 0..table.len() {
            let candidate = checker.read_row(&table, &layout, r);
            munis.extend(checker.settle(candidate));
        }
        checker.finish(munis)
    }

    /// A frame table from municipalities given in code; problems name `<municipalities>` and
    /// the 1-based position.
    pub fn from_municipalities(
        municipalities: Vec<FrameMunicipality>,
        instrument: &Instrument,
    ) -> Result<Frame> {
        let mut checker = Checker::new("<municipalities>", instrument);
        let mut munis = Vec::with_capacity(municipalities.len());
        for (i, m) in municipalities.into_iter().enumerate() {
            let candidate = Candidate {
                row: i + 1,
                code: Some(m.code),
                name: m.name,
                inhabitants: m.inhabitants,
                inhabitants_invalid: false,
                province: Some(m.province),
                size_class: m.size_class,
            };
            munis.extend(checker.settle(candidate));
        }
        checker.finish(munis)
    }

    /// The same frame with a margin of stratum counts for `attribute`, replacing the frame's
    /// margin of that attribute if it has one: province counts beside size-class counts to rake
    /// on both, or a table's provinces with one that has no sample municipality merged into a
    /// neighbour. The strata are checked as by [`Frame::from_strata`]; they must add up to the
    /// frame's total and, for a frame table, count its municipalities.
    pub fn with_strata(
        mut self,
        attribute: &str,
        strata: Strata,
        instrument: &Instrument,
    ) -> Result<Frame> {
        let bad = |message: String| Error::InvalidArgument {
            name: "strata",
            message,
        };
        let levels = attribute_levels(attribute, instrument)?;
        let strata = match_strata(attribute, strata, &levels)?;
        let total = check_strata_shape(attribute, &strata).map_err(bad)?;
        if total != self.total {
            return Err(bad(format!(
                "the {attribute} strata add up to {total}; the frame has {} municipalities",
                self.total
            )));
        }
        let margin: IndexMap<String, Strata> = [(attribute.to_string(), strata)].into();
        if let Some(munis) = &self.municipalities {
            check_table_agrees(munis, &margin).map_err(bad)?;
        }
        // `extend` replaces an existing margin in place, so the frame's margin order stays.
        self.margins.extend(margin);
        Ok(self)
    }

    /// The same frame with a note on how to read it.
    pub fn with_note(mut self, note: impl Into<String>) -> Frame {
        self.note = Some(note.into());
        self
    }

    /// The same frame with its source.
    pub fn with_source(mut self, source: impl Into<String>) -> Frame {
        self.source = Some(source.into());
        self
    }

    /// Number of municipalities in the frame (N); every margin adds up to it.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The attributes the frame has a margin on.
    pub fn attributes(&self) -> Vec<&str> {
        self.margins.keys().map(String::as_str).collect()
    }

    /// The strata of one margin, or [`Error::UnknownId`] listing the margins there are.
    pub fn margin(&self, attribute: &str) -> Result<&Strata> {
        self.margins
            .get(attribute)
            .ok_or_else(|| Error::unknown("frame margin", attribute, self.attributes()))
    }

    /// The frame's municipalities, for a frame read from a table.
    pub fn municipalities(&self) -> Option<&[FrameMunicipality]> {
        self.municipalities.as_deref()
    }

    /// How to read the frame (e.g. strata that merge levels for lack of sources).
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Where the counts come from.
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// Index of the stratum of margin `attribute` that holds `level` (an instrument level id).
    pub fn stratum_of(&self, attribute: &str, level: &str) -> Option<usize> {
        self.margins
            .get(attribute)?
            .values()
            .position(|s| s.levels.iter().any(|l| l == level))
    }
}

impl fmt::Display for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Frame: {} municipalities", self.total)?;
        if let Some(m) = &self.municipalities {
            write!(f, " (a table of {})", m.len())?;
        }
        for (attribute, strata) in &self.margins {
            write!(f, "; {attribute}:")?;
            for (i, (id, s)) in strata.iter().enumerate() {
                let sep = if i == 0 { " " } else { ", " };
                if s.levels.len() == 1 && s.levels.first() == Some(id) {
                    write!(f, "{sep}{id} {}", s.count)?;
                } else {
                    write!(f, "{sep}{id} ({}) {}", s.levels.join("+"), s.count)?;
                }
            }
        }
        Ok(())
    }
}

/// The instrument's levels of a frame attribute (`None`: the instrument lists none, any text is a
/// level).
fn attribute_levels(attribute: &str, instrument: &Instrument) -> Result<Option<Vec<Level>>> {
    let attrs = instrument.attributes();
    match attribute {
        "size_class" if attrs.size_classes.is_empty() => Err(Error::InvalidArgument {
            name: "attribute",
            message: "the instrument defines no size classes".into(),
        }),
        "size_class" => Ok(Some(size_class_levels(instrument))),
        "province" if attrs.provinces.is_empty() => Ok(None),
        "province" => Ok(Some(attrs.provinces.clone())),
        other => Err(Error::unknown("frame attribute", other, FRAME_ATTRIBUTES)),
    }
}

fn size_class_levels(instrument: &Instrument) -> Vec<Level> {
    instrument
        .attributes()
        .size_classes
        .iter()
        .map(Level::from)
        .collect()
}

/// A level written as an id or label, as its id (as written first, then normalised, like the
/// respondent data's attributes).
fn level_id(levels: &[Level], text: &str) -> Option<String> {
    let i = find_named(levels, text)?;
    levels.get(i).map(|l| l.id.clone())
}

fn ids(levels: &[Level]) -> String {
    levels
        .iter()
        .map(|l| l.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The strata with their levels as instrument ids, every level covered once.
fn match_strata(attribute: &str, strata: Strata, levels: &Option<Vec<Level>>) -> Result<Strata> {
    let bad = |message: String| Error::InvalidArgument {
        name: "strata",
        message,
    };
    let mut out = Strata::with_capacity(strata.len());
    for (id, stratum) in strata {
        let id = normalise_id(&id);
        if id.is_empty() {
            return Err(bad("a stratum id is empty".into()));
        }
        let mut matched = Vec::with_capacity(stratum.levels.len());
        for text in &stratum.levels {
            let level = match levels {
                Some(levels) => level_id(levels, text).ok_or_else(|| {
                    bad(format!(
                        "stratum '{}': '{}' is no {attribute} of the instrument; expected one of {}",
                        echo(&id),
                        echo(text),
                        ids(levels)
                    ))
                })?,
                None => normalise_id(text),
            };
            matched.push(level);
        }
        if out.contains_key(&id) {
            return Err(bad(format!("stratum id '{}' is given twice", echo(&id))));
        }
        out.insert(
            id,
            FrameStratum {
                levels: matched,
                count: stratum.count,
            },
        );
    }
    if let Some(levels) = levels {
        let missing: Vec<&str> = levels
            .iter()
            .map(|l| l.id.as_str())
            .filter(|l| !out.values().any(|s| s.levels.iter().any(|x| x == l)))
            .collect();
        if !missing.is_empty() {
            return Err(bad(format!(
                "every {attribute} must be in a stratum; not covered: {}",
                missing.join(", ")
            )));
        }
    }
    Ok(out)
}

/// Where the columns of a frame table are.
struct Layout {
    code: usize,
    name: Option<usize>,
    inhabitants: Option<usize>,
    province: usize,
    size_class: Option<usize>,
}

/// One row as read, before its attributes are checked against the instrument.
struct Candidate {
    row: usize,
    code: Option<String>,
    name: Option<String>,
    inhabitants: Option<u32>,
    /// The cell held something that is no number of inhabitants (already reported).
    inhabitants_invalid: bool,
    province: Option<String>,
    size_class: Option<String>,
}

/// Collects the problems of one frame table.
struct Checker<'a> {
    source: String,
    instrument: &'a Instrument,
    classes: Vec<Level>,
    problems: Vec<Problem>,
    rows_of_code: HashMap<String, usize>,
}

const COLUMNS: [&str; 5] = ["code", "name", "inhabitants", "province", "size_class"];

fn cell_text(cell: CellRef<'_>) -> Option<String> {
    cell.as_text()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

impl<'a> Checker<'a> {
    fn new(source: &str, instrument: &'a Instrument) -> Self {
        Checker {
            source: source.to_string(),
            instrument,
            classes: size_class_levels(instrument),
            problems: Vec::new(),
            rows_of_code: HashMap::new(),
        }
    }

    fn problem(
        &mut self,
        kind: ProblemKind,
        row: Option<usize>,
        column: Option<&str>,
        value: Option<&str>,
        message: String,
    ) {
        self.problems.push(Problem::new(
            kind,
            &self.source,
            row,
            column,
            value,
            message,
        ));
    }

    fn into_error(self) -> Error {
        Error::Validation(ValidationReport::new(self.problems))
    }

    /// The column positions; `None` when a required column is missing (reported).
    fn layout(&mut self, table: &RawTable) -> Option<Layout> {
        let mut at: HashMap<&str, usize> = HashMap::new();
        for (j, name) in table.names().iter().enumerate() {
            let known = COLUMNS.iter().find(|c| **c == name.as_str());
            match known {
                Some(c) => {
                    if let Some(first) = at.insert(c, j) {
                        self.problem(
                            ProblemKind::DuplicateColumn,
                            Some(1),
                            Some(name),
                            None,
                            format!(
                                "column appears twice (positions {} and {})",
                                first + 1,
                                j + 1
                            ),
                        );
                    }
                }
                None => {
                    let hint = if COLUMNS.contains(&name.to_lowercase().as_str()) {
                        "column names are lower case".to_string()
                    } else {
                        format!("a frame table has the columns {}", COLUMNS.join(", "))
                    };
                    self.problem(
                        ProblemKind::UnknownColumn,
                        Some(1),
                        Some(name),
                        None,
                        format!("unknown column; {hint}"),
                    );
                }
            }
        }
        let get = |c: &str| at.get(c).copied();
        let mut missing = Vec::new();
        for required in ["code", "province"] {
            if get(required).is_none() {
                missing.push(required);
            }
        }
        if get("inhabitants").is_none() && get("size_class").is_none() {
            missing.push("inhabitants");
        }
        for name in &missing {
            self.problem(
                ProblemKind::MissingColumn,
                Some(1),
                Some(name),
                None,
                format!(
                    "required column '{name}' is missing (a frame table needs code, province \
                     and inhabitants or size_class)"
                ),
            );
        }
        // Unknown columns are reported with the rows' problems; without the required columns,
        // or with one given twice, there are no rows to read.
        let fatal = |p: &Problem| {
            matches!(
                p.kind,
                ProblemKind::MissingColumn | ProblemKind::DuplicateColumn
            )
        };
        if self.problems.iter().any(fatal) {
            return None;
        }
        Some(Layout {
            code: get("code")?,
            name: get("name"),
            inhabitants: get("inhabitants"),
            province: get("province")?,
            size_class: get("size_class"),
        })
    }

    fn read_row(&mut self, table: &RawTable, layout: &Layout, r: usize) -> Candidate {
        let row = table.row(r);
        let text = |j: Option<usize>| j.and_then(|j| cell_text(table.cell(j, r)));
        let mut candidate = Candidate {
            row,
            code: text(Some(layout.code)),
            name: text(layout.name),
            inhabitants: None,
            inhabitants_invalid: false,
            province: text(Some(layout.province)),
            size_class: text(layout.size_class),
        };
        if let Some(j) = layout.inhabitants {
            let cell = table.cell(j, r);
            if let Some(shown) = cell_text(cell) {
                match parse_inhabitants(cell) {
                    Ok(n) => candidate.inhabitants = Some(n),
                    Err(message) => {
                        candidate.inhabitants_invalid = true;
                        self.problem(
                            ProblemKind::InvalidInhabitants,
                            Some(row),
                            Some("inhabitants"),
                            Some(&shown),
                            message,
                        );
                    }
                }
            }
        }
        candidate
    }

    /// Checks a row's code, province and size class; `None` when one of them is at fault.
    fn settle(&mut self, c: Candidate) -> Option<FrameMunicipality> {
        let before = self.problems.len();
        let code = self.code(&c);
        let province = self.province(&c);
        let size_class = self.size_class(&c);
        if self.problems.len() > before {
            return None;
        }
        Some(FrameMunicipality {
            code: code?,
            name: c.name,
            inhabitants: c.inhabitants,
            province: province?,
            size_class,
        })
    }

    fn code(&mut self, c: &Candidate) -> Option<String> {
        let code = c
            .code
            .as_deref()
            .map(normalise_id)
            .filter(|t| !t.is_empty());
        let Some(code) = code else {
            self.problem(
                ProblemKind::MissingMunicipality,
                Some(c.row),
                Some("code"),
                None,
                "the municipality code is empty".into(),
            );
            return None;
        };
        if let Some(first) = self.rows_of_code.get(&code).copied() {
            self.problem(
                ProblemKind::InconsistentMunicipality,
                Some(c.row),
                Some("code"),
                Some(&code),
                format!("municipality code already used on row {first}: each municipality once"),
            );
            return None;
        }
        self.rows_of_code.insert(code.clone(), c.row);
        Some(code)
    }

    fn province(&mut self, c: &Candidate) -> Option<String> {
        let Some(text) = c.province.as_deref() else {
            self.problem(
                ProblemKind::InvalidAttribute,
                Some(c.row),
                Some("province"),
                None,
                "the province is empty; every frame municipality needs one".into(),
            );
            return None;
        };
        let provinces = &self.instrument.attributes().provinces;
        if provinces.is_empty() {
            return Some(normalise_id(text)).filter(|t| !t.is_empty());
        }
        let found = level_id(provinces, text);
        if found.is_none() {
            let message = format!("unknown province; expected one of {}", ids(provinces));
            self.problem(
                ProblemKind::InvalidAttribute,
                Some(c.row),
                Some("province"),
                Some(text),
                message,
            );
        }
        found
    }

    /// The size class given, checked against the one the inhabitants fall in (which is taken
    /// when none is given).
    fn size_class(&mut self, c: &Candidate) -> Option<String> {
        let attrs = self.instrument.attributes();
        let derived = c.inhabitants.and_then(|i| attrs.size_class_of(i));
        let derived_id = derived
            .and_then(|i| self.classes.get(i))
            .map(|l| l.id.clone());
        let Some(text) = c.size_class.as_deref() else {
            if derived_id.is_none() && !c.inhabitants_invalid && !self.classes.is_empty() {
                self.problem(
                    ProblemKind::InvalidInhabitants,
                    Some(c.row),
                    Some("inhabitants"),
                    None,
                    "inhabitants are missing; give them (or the size class)".into(),
                );
            }
            return derived_id;
        };
        let given = level_id(&self.classes, text);
        let message = match (&given, &derived_id) {
            (None, _) if self.classes.is_empty() => {
                "the instrument defines no size classes".to_string()
            }
            (None, _) => format!("unknown size class; expected one of {}", ids(&self.classes)),
            (Some(g), Some(d)) if g != d => format!(
                "{} inhabitants fall in size class '{d}', not '{g}'",
                c.inhabitants.unwrap_or_default()
            ),
            _ => return given,
        };
        self.problem(
            ProblemKind::InvalidSizeClass,
            Some(c.row),
            Some("size_class"),
            Some(text),
            message,
        );
        None
    }

    /// The frame from the rows, or every problem found.
    fn finish(mut self, munis: Vec<FrameMunicipality>) -> Result<Frame> {
        if munis.is_empty() && self.problems.is_empty() {
            self.problem(
                ProblemKind::Malformed,
                None,
                None,
                None,
                "the frame lists no municipalities".into(),
            );
        }
        if !self.problems.is_empty() {
            return Err(self.into_error());
        }
        let margins = table_margins(&munis, self.instrument);
        let total = u64::try_from(munis.len()).unwrap_or(u64::MAX);
        Ok(Frame {
            margins,
            municipalities: Some(munis),
            total,
            note: None,
            source: None,
        })
    }
}

/// One stratum per level with municipalities: the instrument's levels in order, or (for
/// provinces the instrument does not list) the values sorted by code point.
fn table_margins(munis: &[FrameMunicipality], instrument: &Instrument) -> IndexMap<String, Strata> {
    let count = |levels: Vec<String>, of: &dyn Fn(&FrameMunicipality) -> Option<&str>| -> Strata {
        levels
            .into_iter()
            .filter_map(|level| {
                let n = munis
                    .iter()
                    .filter(|m| of(m) == Some(level.as_str()))
                    .count();
                let n = u64::try_from(n).unwrap_or(u64::MAX);
                (n > 0).then(|| {
                    let stratum = FrameStratum {
                        levels: vec![level.clone()],
                        count: n,
                    };
                    (level, stratum)
                })
            })
            .collect()
    };
    let attrs = instrument.attributes();
    let mut margins = IndexMap::new();
    if !attrs.size_classes.is_empty() {
        let levels = attrs.size_classes.iter().map(|c| c.id.clone()).collect();
        margins.insert(
            "size_class".to_string(),
            count(levels, &|m| m.size_class.as_deref()),
        );
    }
    let provinces: Vec<String> = if attrs.provinces.is_empty() {
        let mut seen: Vec<String> = munis.iter().map(|m| m.province.clone()).collect();
        seen.sort();
        seen.dedup();
        seen
    } else {
        attrs.provinces.iter().map(|p| p.id.clone()).collect()
    };
    margins.insert(
        "province".to_string(),
        count(provinces, &|m| Some(m.province.as_str())),
    );
    margins
}
