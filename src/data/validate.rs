//! Validation of a [`RawTable`] against an [`Instrument`], producing [`Responses`].

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use hashbrown::HashTable;

use ndarray::{Array2, ShapeBuilder};
use unicode_normalization::UnicodeNormalization;

use super::answers::{self, Phase, Tagged};
use super::options::{same_header, IgnoreColumns, ReadOptions};
use super::problem::{echo, Problem, ProblemKind, ValidationReport};
use super::raw::{CellRef, RawTable};
use super::responses::{Municipality, Responses};
use crate::error::{Error, Result};
use crate::instrument::{
    find_named, fold, integral_float, is_invisible, typed_names, Code, ColumnKind, Instrument,
    Level, Named, QuestionKind, Scale, ATTRIBUTE_COLUMNS,
};

/// What a header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    RespondentId,
    Municipality,
    MunicipalityName,
    Role,
    Inhabitants,
    SizeClass,
    Province,
    Column(usize),
    Ignored,
}

/// Problems that leave nothing to build a survey from: reported in lenient mode too, but then
/// the read fails.
fn is_fatal(kind: ProblemKind) -> bool {
    matches!(
        kind,
        ProblemKind::MissingColumn | ProblemKind::DuplicateColumn | ProblemKind::Encoding
    )
}

struct Stop;

struct Sink<'a> {
    strict: bool,
    /// In strict mode, the number of problems after which reading stops.
    cap: usize,
    source: &'a str,
    problems: Vec<Problem>,
}

impl Sink<'_> {
    fn push(&mut self, p: Problem) -> std::result::Result<(), Stop> {
        self.problems.push(p);
        if self.full() {
            Err(Stop)
        } else {
            Ok(())
        }
    }

    /// Strict mode has listed as many problems as it lists.
    fn full(&self) -> bool {
        self.strict && self.problems.len() >= self.cap
    }

    fn at(
        &mut self,
        kind: ProblemKind,
        row: Option<usize>,
        column: Option<&str>,
        value: Option<String>,
        message: String,
    ) -> std::result::Result<(), Stop> {
        self.push(Problem::new(
            kind,
            self.source,
            row,
            column,
            value.as_deref(),
            message,
        ))
    }
}

/// Validates `table` against `instrument`. Strict mode fails when there is any problem, listing
/// the first `options.max_problems`; lenient mode keeps every valid value, leaves invalid cells
/// empty, skips rows that cannot be placed (no or duplicate respondent id, no municipality) and
/// returns the report of everything it found. A missing required column, a duplicate column or
/// an unreadable file fails in both modes. `options.columns` and `options.ignore_columns` say
/// which header is which column and which to leave out.
pub fn validate(
    table: RawTable,
    instrument: &Instrument,
    options: &ReadOptions,
) -> Result<(Responses, ValidationReport)> {
    let mut sink = Sink {
        strict: options.strict,
        cap: options.max_problems.max(1),
        source: table.source(),
        problems: Vec::new(),
    };
    let mut notes = HeaderNotes::default();
    let outcome = run(&table, instrument, options, &mut notes, &mut sink);
    let truncated = sink.full();
    let report = ValidationReport {
        problems: sink.problems,
        ignored_columns: notes.ignored,
        mapped_columns: notes.mapped,
        truncated,
    };
    let refused = if options.strict {
        !report.problems.is_empty()
    } else {
        report.problems.iter().any(|p| is_fatal(p.kind))
    };
    match outcome {
        Ok(responses) if !refused => Ok((responses, report)),
        _ => Err(Error::Validation(report)),
    }
}

fn suggest_column(name: &str, instrument: &Instrument) -> String {
    let lower = name.to_lowercase();
    if let Some(pos) = instrument.column_position(&lower) {
        return format!(
            "column names are lower case: did you mean '{}'?",
            instrument
                .columns()
                .get(pos)
                .map_or(name, |c| c.name.as_str())
        );
    }
    let (q, item) = match lower.split_once('.') {
        Some((q, i)) => (q, Some(i)),
        None => (lower.as_str(), None),
    };
    match instrument.questions().get(q) {
        Some(question) if !question.items().is_empty() => {
            let items: Vec<&str> = question.items().iter().map(|i| i.id.as_str()).collect();
            match item {
                Some(i) => {
                    let closest = closest_columns(name, instrument);
                    let closest = if closest.is_empty() {
                        String::new()
                    } else {
                        format!("closest: {}; ", closest.join(", "))
                    };
                    format!(
                        "question '{q}' has no item '{}'; {closest}its items are {}",
                        echo(i),
                        items.join(", ")
                    )
                }
                None => format!(
                    "question '{q}' has one column per item, named '{q}.<item>' with items {}",
                    items.join(", ")
                ),
            }
        }
        Some(_) => format!("question '{q}' takes a single column named '{q}'"),
        None => {
            let closest = closest_columns(name, instrument);
            if closest.is_empty() {
                "the instrument defines no such question or attribute column; map it to one \
                 with `columns` or leave it out with `ignore_columns`"
                    .to_string()
            } else {
                format!(
                    "the instrument defines no such question or attribute column; closest: {} \
                     (map it with `columns`, or leave it out with `ignore_columns`)",
                    closest.join(", ")
                )
            }
        }
    }
}

/// Up to three instrument columns or attributes whose names are close to `name` (normalised
/// Damerau–Levenshtein similarity of at least 0.6, best first).
fn closest_columns(name: &str, instrument: &Instrument) -> Vec<String> {
    let key = fold(name);
    let mut scored: Vec<(f64, &str)> = ATTRIBUTE_COLUMNS
        .iter()
        .copied()
        .chain(instrument.columns().iter().map(|c| c.name.as_str()))
        .map(|c| (strsim::normalized_damerau_levenshtein(&key, c), c))
        .filter(|(score, _)| *score >= 0.6)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| format!("'{c}'"))
        .collect()
}

fn level_id(levels: &[Level], i: usize) -> &str {
    levels.get(i).map_or("", |l| l.id.as_str())
}

pub(super) fn parse_flag(cell: CellRef<'_>) -> Option<Code> {
    match cell {
        CellRef::Bool(b) => Some(Code::from(b)),
        CellRef::Int(i) => Code::try_from(i).ok().filter(|c| *c <= 1),
        CellRef::Float(f) if f == 0.0 || f == 1.0 => Some(Code::from(f == 1.0)),
        CellRef::Text(t) | CellRef::Number(t) => {
            let t = t.trim();
            match t {
                "0" => Some(0),
                "1" => Some(1),
                _ if t.eq_ignore_ascii_case("false") => Some(0),
                _ if t.eq_ignore_ascii_case("true") => Some(1),
                _ => integral_float(t).filter(|c| *c <= 1),
            }
        }
        _ => None,
    }
}

/// [`normalise_id`] of text already trimmed, borrowed when it is ASCII (nothing to normalise).
fn normalised(text: Cow<'_, str>) -> Cow<'_, str> {
    if text.is_ascii() {
        match text {
            Cow::Borrowed(t) => Cow::Borrowed(t.trim()),
            Cow::Owned(t) if t.trim().len() == t.len() => Cow::Owned(t),
            Cow::Owned(t) => Cow::Owned(t.trim().to_string()),
        }
    } else {
        Cow::Owned(normalise_id(&text))
    }
}

/// A respondent or municipality id, or a role or province, as it is compared: invisible
/// characters removed, Unicode NFKC (full-width `ＧＭ0001` is `GM0001`), surrounding white space
/// trimmed.
pub(crate) fn normalise_id(text: &str) -> String {
    if text.is_ascii() {
        return text.trim().to_string();
    }
    // Invisible characters go first: between a letter and a combining accent they would keep
    // NFKC from composing the two, and the id would change when normalised again.
    let visible: String = text.chars().filter(|&c| !is_invisible(c)).collect();
    let folded: String = visible.nfkc().collect();
    folded.trim().to_string()
}

/// Why an `inhabitants` cell is not a number of inhabitants.
const INHABITANTS_RULE: &str = "inhabitants must be a positive whole number: digits, optionally \
    grouped by thousands with '.' or a space (150000, 150.000 or 150 000)";

/// Reads an `inhabitants` cell. Text follows Dutch notation: `.` groups thousands, so `150.000`
/// is 150000; `150,000` is refused because the comma is the Dutch decimal mark.
pub(super) fn parse_inhabitants(cell: CellRef<'_>) -> Result<u32, String> {
    let whole = match cell {
        CellRef::Int(i) => u64::try_from(i).ok(),
        CellRef::Float(f) if f.fract() == 0.0 && f > 0.0 && f <= f64::from(u32::MAX) => {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            // Whole, positive and at most u32::MAX: the cast is exact.
            Some(f as u64)
        }
        CellRef::Number(t) => parse_json_whole(t.trim())?,
        CellRef::Text(t) => parse_dutch_whole(t.trim())?,
        _ => None,
    };
    match whole.map(u32::try_from) {
        Some(Ok(n)) if n > 0 => Ok(n),
        Some(Err(_)) => Err(format!(
            "{INHABITANTS_RULE}; this is more than {}",
            u32::MAX
        )),
        _ => Err(INHABITANTS_RULE.to_string()),
    }
}

fn digits(t: &str) -> Option<u64> {
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Too many digits for u64 still counts as digits: report it as too large, not malformed.
    Some(t.parse().unwrap_or(u64::MAX))
}

/// A JSON number that is whole: `150000` or `150000.0`. Exponents are refused, and so is a
/// fraction of three zeros: `150.000` in a JSON file was most likely typed in Dutch notation.
fn parse_json_whole(t: &str) -> Result<Option<u64>, String> {
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if frac.len() != 3 && frac.bytes().all(|b| b == b'0') {
        if let Some(n) = digits(int) {
            return Ok(Some(n));
        }
    }
    Err(INHABITANTS_RULE.to_string())
}

/// Text in Dutch notation: `150000`, `150.000`, `150 000`; `150000.0` (as pandas writes floats).
fn parse_dutch_whole(t: &str) -> Result<Option<u64>, String> {
    if let Some(n) = digits(t) {
        return Ok(Some(n));
    }
    if t.contains(',') {
        return Err(format!(
            "{INHABITANTS_RULE}; a comma is the Dutch decimal mark, so '{}' is ambiguous",
            echo(t)
        ));
    }
    for sep in ['.', ' ', '\u{a0}', '\u{202f}'] {
        let mut groups = t.split(sep);
        let first = groups.next().unwrap_or_default();
        let rest: Vec<&str> = groups.collect();
        // `0.150` or `000.001` are no thousands: a grouped number starts with 1-9.
        let grouped = !rest.is_empty()
            && (1..=3).contains(&first.len())
            && !first.starts_with('0')
            && rest.iter().all(|g| g.len() == 3);
        if grouped {
            let joined: String = std::iter::once(first).chain(rest).collect();
            if let Some(n) = digits(&joined) {
                return Ok(Some(n));
            }
        }
    }
    // `150000.0`: a float's text. One or two zeros only: `1000.000` could be either reading.
    if let Some((int, frac)) = t.split_once('.') {
        if (1..=2).contains(&frac.len()) && frac.bytes().all(|b| b == b'0') {
            if let Some(n) = digits(int) {
                return Ok(Some(n));
            }
        }
    }
    Err(INHABITANTS_RULE.to_string())
}

/// Why a boolean cell outside a multi-select option is refused.
pub(super) const BOOLEAN_OUT_OF_PLACE: &str = "a boolean (true/false) is valid only for a \
    multi-select option; write the value as text or a number";

/// A cell's text, trimmed; `None` when empty. Booleans are valid only as multi-select flags:
/// anywhere else one is reported as [`ProblemKind::WrongType`] and read as empty.
fn text_of<'t>(
    cell: CellRef<'t>,
    row: Option<usize>,
    column: &str,
    sink: &mut Sink<'_>,
) -> std::result::Result<Option<Cow<'t, str>>, Stop> {
    if let CellRef::Bool(b) = cell {
        sink.at(
            ProblemKind::WrongType,
            row,
            Some(column),
            Some(b.to_string()),
            BOOLEAN_OUT_OF_PLACE.into(),
        )?;
        return Ok(None);
    }
    Ok(match cell.as_text() {
        None => None,
        Some(Cow::Borrowed(s)) => Some(Cow::Borrowed(s.trim())),
        Some(Cow::Owned(s)) => Some(Cow::Owned(s.trim().to_string())),
    })
}

/// A coded or flag column of the instrument and where the input has it.
pub(super) struct CodedColumn<'i> {
    /// Instrument column position.
    pub(super) pos: usize,
    pub(super) name: &'i str,
    pub(super) question: usize,
    /// Input column index; `None` when the input lacks the column (not asked).
    pub(super) input: Option<usize>,
    /// The scale (`None` for a 0/1 flag), looked up once.
    pub(super) scale: Option<&'i Scale>,
}

/// An open-text column of the instrument and where the input has it.
pub(super) struct TextColumn<'i> {
    pub(super) pos: usize,
    pub(super) name: &'i str,
    pub(super) input: Option<usize>,
}

/// Where each part of the instrument sits in the input, worked out once from the header.
pub(super) struct Layout<'i> {
    id_col: usize,
    muni_col: usize,
    /// The municipality column holds whole numbers only (a numpy or Arrow integer column):
    /// municipalities are then found by number, without writing each one out as text.
    muni_ints: bool,
    name_col: Option<usize>,
    role_col: Option<usize>,
    inh_col: Option<usize>,
    size_col: Option<usize>,
    prov_col: Option<usize>,
    /// Per instrument column: present in the input?
    pub(super) asked: Vec<bool>,
    /// The coded and flag columns, in matrix order.
    pub(super) coded: Vec<CodedColumn<'i>>,
    /// The open-text columns.
    pub(super) texts: Vec<TextColumn<'i>>,
    /// Multi-select questions with a pick limit: (question id, max, indices into `coded`).
    pub(super) pick_limits: Vec<(&'i str, u32, Vec<usize>)>,
    /// Size classes as levels, so they are matched like roles and provinces.
    classes: Vec<Level>,
}

/// The attribute a header names, if it names one.
fn attribute_target(name: &str) -> Option<Target> {
    Some(match name {
        "respondent_id" => Target::RespondentId,
        "municipality" => Target::Municipality,
        "municipality_name" => Target::MunicipalityName,
        "role" => Target::Role,
        "inhabitants" => Target::Inhabitants,
        "size_class" => Target::SizeClass,
        "province" => Target::Province,
        _ => return None,
    })
}

/// The instrument column `name` names: `<question>.<item>` with the item given by its id as
/// written, or by a label, short label or alias (compared folded). Ids stay exact, as column
/// names are everywhere else: `Seed_Money` is no way of writing `seed_money`.
fn column_target(name: &str, instrument: &Instrument) -> Option<usize> {
    if let Some(pos) = instrument.column_position(name) {
        return Some(pos);
    }
    let (q, item) = name.split_once('.')?;
    let question = instrument.questions().get(q)?;
    let key = fold(item);
    let found = question
        .items()
        .iter()
        .find(|i| i.names().into_iter().any(|n| fold(n) == key))?;
    instrument.column_position(&format!("{q}.{}", found.id))
}

/// What reading the header found besides the targets, for the validation report.
#[derive(Default)]
struct HeaderNotes {
    /// Unknown headers left out under `IgnoreColumns::Unknown`.
    ignored: Vec<String>,
    /// Headers that name an instrument column under another name: header → column.
    mapped: BTreeMap<String, String>,
}

/// The instrument column or attribute `options.columns` maps `header` to, if it maps it.
fn mapped_name<'o>(header: &str, options: &'o ReadOptions) -> Option<&'o str> {
    options
        .columns
        .iter()
        .find(|(from, _)| same_header(header, from))
        .map(|(_, to)| to.as_str())
}

/// Whether `options.ignore_columns` lists `header`.
fn is_listed(header: &str, options: &ReadOptions) -> bool {
    match &options.ignore_columns {
        IgnoreColumns::Listed(names) => names.iter().any(|n| same_header(header, n)),
        _ => false,
    }
}

/// What one header names after the mapping; an unknown one is left out under
/// `IgnoreColumns::Unknown` (and collected in `ignored`), else reported.
fn resolve_header(
    header: &str,
    instrument: &Instrument,
    options: &ReadOptions,
    ignored: &mut Vec<String>,
    sink: &mut Sink<'_>,
) -> std::result::Result<Target, Stop> {
    let mapped = mapped_name(header, options);
    let name = mapped.unwrap_or(header);
    if let Some(target) =
        attribute_target(name).or_else(|| column_target(name, instrument).map(Target::Column))
    {
        return Ok(target);
    }
    if mapped.is_none() && options.ignore_columns == IgnoreColumns::Unknown {
        ignored.push(header.to_string());
        return Ok(Target::Ignored);
    }
    let message = match mapped {
        Some(to) => format!(
            "columns maps this header to '{}', which names no column of the instrument; {}",
            echo(to),
            suggest_column(to, instrument)
        ),
        None => format!("unknown column; {}", suggest_column(header, instrument)),
    };
    sink.at(
        ProblemKind::UnknownColumn,
        Some(1),
        Some(header),
        None,
        message,
    )?;
    Ok(Target::Ignored)
}

/// What each header names, after the mapping and ignore list of `options`. `ignored` collects
/// the unknown headers left out under `IgnoreColumns::Unknown`. A header written twice, or two
/// headers that give the same column, are reported and the later one is left out.
fn header_targets(
    table: &RawTable,
    instrument: &Instrument,
    options: &ReadOptions,
    ignored: &mut Vec<String>,
    sink: &mut Sink<'_>,
) -> std::result::Result<Vec<Target>, Stop> {
    let mut targets = Vec::with_capacity(table.names().len());
    let mut headers: HashMap<&str, usize> = HashMap::new();
    let mut seen: HashMap<Target, (usize, &str)> = HashMap::new();
    for (j, header) in table.names().iter().enumerate() {
        let duplicate = match headers.insert(header.as_str(), j) {
            Some(first) => Some(format!(
                "column appears twice (positions {} and {})",
                first + 1,
                j + 1
            )),
            None if is_listed(header, options) => {
                targets.push(Target::Ignored);
                continue;
            }
            None => {
                let target = resolve_header(header, instrument, options, ignored, sink)?;
                let earlier = (target != Target::Ignored)
                    .then(|| seen.insert(target, (j, header)))
                    .flatten();
                if earlier.is_none() {
                    targets.push(target);
                    continue;
                }
                earlier.map(|(first, first_header)| {
                    format!(
                        "column '{}' (position {}) and this one (position {}) both give '{}'",
                        echo(first_header),
                        first + 1,
                        j + 1,
                        mapped_name(header, options).unwrap_or(header)
                    )
                })
            }
        };
        if let Some(message) = duplicate {
            sink.at(
                ProblemKind::DuplicateColumn,
                Some(1),
                Some(header),
                None,
                message,
            )?;
        }
        targets.push(Target::Ignored);
    }
    Ok(targets)
}

impl<'i> Layout<'i> {
    fn new(
        table: &RawTable,
        instrument: &'i Instrument,
        options: &ReadOptions,
        notes: &mut HeaderNotes,
        sink: &mut Sink<'_>,
    ) -> std::result::Result<Self, Stop> {
        let targets = header_targets(table, instrument, options, &mut notes.ignored, sink)?;
        let find_target = |t: Target| targets.iter().position(|&x| x == t);
        let id_col = find_target(Target::RespondentId);
        let muni_col = find_target(Target::Municipality);
        for (col, name) in [(id_col, "respondent_id"), (muni_col, "municipality")] {
            if col.is_none() {
                sink.at(
                    ProblemKind::MissingColumn,
                    Some(1),
                    Some(name),
                    None,
                    format!("required column '{name}' is missing"),
                )?;
            }
        }
        let (Some(id_col), Some(muni_col)) = (id_col, muni_col) else {
            return Err(Stop);
        };
        let mut input_of: HashMap<usize, usize> = HashMap::new();
        for (j, t) in targets.iter().enumerate() {
            if let Target::Column(pos) = t {
                input_of.insert(*pos, j);
                let column = instrument.columns().get(*pos).map(|c| c.name.as_str());
                if let (Some(header), Some(column)) = (table.names().get(j), column) {
                    if header != column {
                        notes.mapped.insert(header.clone(), column.to_string());
                    }
                }
            }
        }
        let (mut coded, mut texts) = (Vec::new(), Vec::new());
        for (pos, col) in instrument.columns().iter().enumerate() {
            let input = input_of.get(&pos).copied();
            let name = col.name.as_str();
            match col.kind {
                ColumnKind::Text => texts.push(TextColumn { pos, name, input }),
                kind => coded.push(CodedColumn {
                    pos,
                    name,
                    question: col.question,
                    input,
                    scale: match kind {
                        ColumnKind::Flag => None,
                        _ => instrument
                            .questions()
                            .get_index(col.question)
                            .and_then(|(_, q)| instrument.scale_of(q)),
                    },
                }),
            }
        }
        Ok(Layout {
            id_col,
            muni_col,
            muni_ints: table.is_int_column(muni_col),
            name_col: find_target(Target::MunicipalityName),
            role_col: find_target(Target::Role),
            inh_col: find_target(Target::Inhabitants),
            size_col: find_target(Target::SizeClass),
            prov_col: find_target(Target::Province),
            asked: (0..instrument.columns().len())
                .map(|pos| input_of.contains_key(&pos))
                .collect(),
            pick_limits: pick_limits(instrument, &coded),
            coded,
            texts,
            classes: instrument
                .attributes()
                .size_classes
                .iter()
                .map(Level::from)
                .collect(),
        })
    }
}

fn pick_limits<'i>(
    instrument: &'i Instrument,
    coded: &[CodedColumn<'_>],
) -> Vec<(&'i str, u32, Vec<usize>)> {
    let mut limits = Vec::new();
    for (qi, q) in instrument.questions().values().enumerate() {
        if let QuestionKind::MultiSelect {
            max_picks: Some(max),
            ..
        } = q.kind
        {
            let members = coded
                .iter()
                .enumerate()
                .filter(|(_, c)| c.question == qi)
                .map(|(j, _)| j)
                .collect();
            limits.push((q.id.as_str(), max, members));
        }
    }
    limits
}

/// The attributes one row gives its municipality and respondent.
#[derive(Default)]
struct RowAttributes<'i> {
    name: Option<String>,
    inhabitants: Option<u32>,
    /// Level ids are borrowed from the instrument: a row allocates only what a new municipality
    /// keeps.
    size_class: Option<&'i str>,
    province: Option<Cow<'i, str>>,
    role: Option<Cow<'i, str>>,
}

/// A map keyed by input text, hashed with a fast seeded hasher (the per-row maps of ingest).
pub(super) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// An attribute a row gives its municipality: column, the row's value, the stored value.
type AttributeCheck<'r, 'm> = (&'static str, Option<Cow<'r, str>>, &'m mut Option<String>);

/// How a row names its municipality: as text, or by number from an integer column.
enum MuniKey<'t> {
    Text(Cow<'t, str>),
    Number(i64),
}

impl MuniKey<'_> {
    /// The id as the store keeps it (and messages show it).
    fn text(&self) -> String {
        match self {
            MuniKey::Text(text) => text.to_string(),
            MuniKey::Number(i) => i.to_string(),
        }
    }
}

/// What the row-level pass keeps of each record it places: the store's respondent columns.
struct Store {
    ids: Vec<String>,
    /// Positions in `ids`, hashed by id: finds a repeated id without a second copy of each.
    id_index: HashTable<usize>,
    hasher: foldhash::fast::RandomState,
    muni_of: Vec<u32>,
    municipalities: Vec<Municipality>,
    muni_index: FastMap<String, u32>,
    /// Municipalities by number, when the municipality column is an integer column.
    muni_numbers: FastMap<i64, u32>,
    roles: Vec<Option<String>>,
    /// Record index of each kept row, for the answer passes.
    kept: Vec<usize>,
}

impl Store {
    /// The row on which `id` was first used, if it was.
    fn first_row_of(&self, id: &str, table: &RawTable) -> Option<usize> {
        let hash = self.hasher.hash_one(id);
        let k = *self
            .id_index
            .find(hash, |&k| self.ids.get(k).is_some_and(|known| known == id))?;
        self.kept.get(k).map(|&r| table.row(r))
    }

    /// Adds a respondent id (not used before: [`Store::first_row_of`] was asked).
    fn add_id(&mut self, id: String) {
        let hash = self.hasher.hash_one(id.as_str());
        let k = self.ids.len();
        self.ids.push(id);
        let (ids, hasher) = (&self.ids, &self.hasher);
        self.id_index.insert_unique(hash, k, |&k| {
            hasher.hash_one(ids.get(k).map_or("", String::as_str))
        });
    }

    fn new(n: usize) -> Self {
        Store {
            ids: Vec::with_capacity(n),
            id_index: HashTable::with_capacity(n),
            hasher: Default::default(),
            muni_of: Vec::with_capacity(n),
            municipalities: Vec::new(),
            muni_index: FastMap::default(),
            muni_numbers: FastMap::default(),
            roles: Vec::with_capacity(n),
            kept: Vec::with_capacity(n),
        }
    }
}

/// Checks record `r` and adds it to the store, or reports why it is skipped.
struct RowReader<'a, 'i> {
    table: &'a RawTable,
    instrument: &'i Instrument,
    layout: &'a Layout<'i>,
    found: &'a Found,
    r: usize,
    row: Option<usize>,
}

/// The level each record's size class, province and role text matches (`NONE`: no text or no
/// match), worked out once per distinct text of the column rather than once per row. Empty
/// when the input lacks the column.
struct Found {
    size_class: Vec<u32>,
    province: Vec<u32>,
    role: Vec<u32>,
}

impl Found {
    const NONE: u32 = u32::MAX;

    fn new(table: &RawTable, instrument: &Instrument, layout: &Layout<'_>) -> Found {
        let attrs = instrument.attributes();
        let each = |col: Option<usize>, find_in: &dyn Fn(&str) -> Option<usize>| match col {
            Some(j) => table.map_column(j, 0..table.len(), |cell| {
                let text = match cell {
                    CellRef::Bool(_) => None,
                    cell => cell.as_text(),
                };
                text.and_then(|t| find_in(t.trim()))
                    .and_then(|i| u32::try_from(i).ok())
                    .unwrap_or(Found::NONE)
            }),
            None => Vec::new(),
        };
        Found {
            size_class: each(layout.size_col, &|t| find_named(&layout.classes, t)),
            province: each(layout.prov_col, &|t| find_named(&attrs.provinces, t)),
            role: each(layout.role_col, &|t| find_named(&attrs.roles, t)),
        }
    }

    /// The level found for record `r`: `None` when none was, `Some(None)` when the column was
    /// not worked out beforehand.
    fn at(found: &[u32], r: usize) -> Option<Option<usize>> {
        found.get(r).map(|&i| {
            (i != Found::NONE)
                .then(|| usize::try_from(i).ok())
                .flatten()
        })
    }
}

type Step<T> = std::result::Result<T, Stop>;

impl<'a, 'i> RowReader<'a, 'i> {
    fn cell(&self, j: usize) -> CellRef<'a> {
        self.table.cell(j, self.r)
    }

    fn text(&self, col: Option<usize>, name: &str, sink: &mut Sink<'_>) -> Step<Option<String>> {
        let Some(j) = col else { return Ok(None) };
        Ok(text_of(self.cell(j), self.row, name, sink)?.map(Cow::into_owned))
    }

    /// The row's respondent id, or `None` when the row is skipped (empty or repeated id).
    fn respondent_id(&self, store: &Store, sink: &mut Sink<'_>) -> Step<Option<Cow<'a, str>>> {
        let cell = self.cell(self.layout.id_col);
        let id = text_of(cell, self.row, "respondent_id", sink)?
            .map(normalised)
            .filter(|t| !t.is_empty());
        let Some(id) = id else {
            if !matches!(cell, CellRef::Bool(_)) {
                sink.at(
                    ProblemKind::MissingRespondentId,
                    self.row,
                    Some("respondent_id"),
                    None,
                    "empty respondent id; the row is skipped".into(),
                )?;
            }
            return Ok(None);
        };
        if let Some(first) = store.first_row_of(&id, self.table) {
            sink.at(
                ProblemKind::DuplicateRespondent,
                self.row,
                Some("respondent_id"),
                Some(id.into_owned()),
                format!("respondent id already used on row {first}; the row is skipped"),
            )?;
            return Ok(None);
        }
        Ok(Some(id))
    }

    fn municipality_id(&self, id: &str, sink: &mut Sink<'_>) -> Step<Option<Cow<'a, str>>> {
        let cell = self.cell(self.layout.muni_col);
        let muni = text_of(cell, self.row, "municipality", sink)?
            .map(normalised)
            .filter(|t| !t.is_empty());
        if muni.is_none() && !matches!(cell, CellRef::Bool(_)) {
            sink.at(
                ProblemKind::MissingMunicipality,
                self.row,
                Some("municipality"),
                None,
                format!(
                    "respondent '{}' has no municipality; the row is skipped",
                    echo(id)
                ),
            )?;
        }
        Ok(muni)
    }

    fn attributes(&self, sink: &mut Sink<'_>) -> Step<RowAttributes<'i>> {
        let layout = self.layout;
        let attrs = self.instrument.attributes();
        let mut out = RowAttributes {
            name: self.text(layout.name_col, "municipality_name", sink)?,
            ..RowAttributes::default()
        };
        if let Some(j) = layout.inh_col {
            let cell = self.cell(j);
            if text_of(cell, self.row, "inhabitants", sink)?.is_some() {
                match parse_inhabitants(cell) {
                    Ok(n) => out.inhabitants = Some(n),
                    Err(message) => sink.at(
                        ProblemKind::InvalidInhabitants,
                        self.row,
                        Some("inhabitants"),
                        cell.as_text().map(String::from),
                        message,
                    )?,
                }
            }
        }
        out.size_class = self.size_class(out.inhabitants, sink)?;
        let found = self.found;
        out.province = self.level(
            "province",
            layout.prov_col,
            &attrs.provinces,
            &found.province,
            sink,
        )?;
        out.role = self.level("role", layout.role_col, &attrs.roles, &found.role, sink)?;
        Ok(out)
    }

    /// The size class given in the row, checked against the one `inhabitants` fall in (which is
    /// taken when the row gives none).
    fn size_class(&self, inhabitants: Option<u32>, sink: &mut Sink<'_>) -> Step<Option<&'i str>> {
        let attrs = self.instrument.attributes();
        let classes = &self.layout.classes;
        let derived = inhabitants.and_then(|i| attrs.size_class_of(i));
        let mut size_class = derived;
        let given = match self.layout.size_col {
            Some(j) => text_of(self.cell(j), self.row, "size_class", sink)?,
            None => None,
        };
        if let Some(t) = given {
            let found = match Found::at(&self.found.size_class, self.r) {
                Some(found) => found,
                None => find_named(classes, &t),
            };
            match found {
                None => sink.at(
                    ProblemKind::InvalidSizeClass,
                    self.row,
                    Some("size_class"),
                    Some(t.into_owned()),
                    format!(
                        "unknown size class; expected one of {}",
                        typed_names(classes)
                    ),
                )?,
                Some(given) => match derived {
                    Some(d) if d != given => sink.at(
                        ProblemKind::InvalidSizeClass,
                        self.row,
                        Some("size_class"),
                        Some(t.into_owned()),
                        format!(
                            "{} inhabitants fall in size class '{}', not '{}'",
                            inhabitants.unwrap_or_default(),
                            level_id(classes, d),
                            level_id(classes, given)
                        ),
                    )?,
                    _ => size_class = Some(given),
                },
            }
        }
        Ok(size_class.and_then(|i| attrs.size_classes.get(i).map(|c| c.id.as_str())))
    }

    /// A role or province: matched to the instrument's levels, or kept as written when the
    /// instrument lists none. `found` holds the level each record's text matches, worked out
    /// once per distinct text.
    fn level(
        &self,
        column: &str,
        col: Option<usize>,
        levels: &'i [Level],
        found: &[u32],
        sink: &mut Sink<'_>,
    ) -> Step<Option<Cow<'i, str>>> {
        let Some(j) = col else { return Ok(None) };
        let Some(t) = text_of(self.cell(j), self.row, column, sink)? else {
            return Ok(None);
        };
        if levels.is_empty() {
            // Free text becomes a breakdown group: look-alikes must not split it into two.
            let key = normalise_id(&t);
            return Ok((!key.is_empty()).then_some(Cow::Owned(key)));
        }
        let hit = match Found::at(found, self.r) {
            Some(hit) => hit,
            None => find_named(levels, &t),
        };
        if let Some(i) = hit {
            return Ok(levels.get(i).map(|l| Cow::Borrowed(l.id.as_str())));
        }
        if normalise_id(&t).is_empty() {
            return Ok(None);
        }
        sink.at(
            ProblemKind::InvalidAttribute,
            self.row,
            Some(column),
            Some(t.into_owned()),
            format!("unknown {column}; expected one of {}", typed_names(levels)),
        )?;
        Ok(None)
    }

    /// The municipality's index in the store: a new one, or a known one whose attributes this
    /// row must agree with.
    fn place(
        &self,
        key: MuniKey<'_>,
        attrs: RowAttributes<'i>,
        store: &mut Store,
        sink: &mut Sink<'_>,
    ) -> Step<u32> {
        let known = match &key {
            MuniKey::Text(text) => store.muni_index.get(text.as_ref()),
            MuniKey::Number(i) => store.muni_numbers.get(i),
        };
        let Some(&m) = known else {
            let Ok(m) = u32::try_from(store.municipalities.len()) else {
                sink.at(
                    ProblemKind::LimitExceeded,
                    self.row,
                    Some("municipality"),
                    Some(key.text()),
                    "more municipalities than fit in 32 bits".into(),
                )?;
                return Err(Stop);
            };
            let id = match key {
                MuniKey::Text(text) => {
                    let id = text.into_owned();
                    store.muni_index.insert(id.clone(), m);
                    id
                }
                MuniKey::Number(i) => {
                    store.muni_numbers.insert(i, m);
                    i.to_string()
                }
            };
            store.municipalities.push(Municipality {
                id,
                name: attrs.name,
                inhabitants: attrs.inhabitants,
                size_class: attrs.size_class.map(String::from),
                province: attrs.province.map(Cow::into_owned),
            });
            return Ok(m);
        };
        let Some(known) = store.municipalities.get_mut(m as usize) else {
            return Ok(m);
        };
        let muni = key.text();
        let checks: [AttributeCheck<'_, '_>; 3] = [
            (
                "municipality_name",
                attrs.name.map(Cow::Owned),
                &mut known.name,
            ),
            (
                "size_class",
                attrs.size_class.map(Cow::Borrowed),
                &mut known.size_class,
            ),
            ("province", attrs.province, &mut known.province),
        ];
        // A row whose size class contradicts the municipality's must not add inhabitants that
        // would contradict it too: the store stays one consistent set of attributes.
        let mut class_conflict = false;
        for (column, new, old) in checks {
            match (new, old.as_ref()) {
                (Some(new), Some(prev)) if new.as_ref() != prev.as_str() => {
                    class_conflict |= column == "size_class";
                    sink.at(
                        ProblemKind::InconsistentMunicipality,
                        self.row,
                        Some(column),
                        Some(new.into_owned()),
                        format!(
                            "municipality '{}' has '{}' on an earlier row",
                            echo(&muni),
                            echo(prev)
                        ),
                    )?;
                }
                (Some(new), None) => *old = Some(new.into_owned()),
                _ => {}
            }
        }
        match (attrs.inhabitants, known.inhabitants) {
            (Some(new), Some(prev)) if new != prev => sink.at(
                ProblemKind::InconsistentMunicipality,
                self.row,
                Some("inhabitants"),
                Some(new.to_string()),
                format!(
                    "municipality '{}' has {prev} inhabitants on an earlier row",
                    echo(&muni)
                ),
            )?,
            (Some(new), None) if !class_conflict => known.inhabitants = Some(new),
            _ => {}
        }
        Ok(m)
    }

    /// Places the record's respondent in the store, or reports why the row is skipped. Its
    /// answers are read afterwards, column by column, by [`answers::read`].
    fn read(&self, store: &mut Store, sink: &mut Sink<'_>) -> Step<()> {
        let Some(id) = self.respondent_id(store, sink)? else {
            return Ok(());
        };
        let muni = match self.cell(self.layout.muni_col) {
            CellRef::Int(i) if self.layout.muni_ints => MuniKey::Number(i),
            _ => match self.municipality_id(&id, sink)? {
                Some(text) => MuniKey::Text(text),
                None => return Ok(()),
            },
        };
        let attrs = self.attributes(sink)?;
        let role = attrs.role.clone().map(Cow::into_owned);
        let m = self.place(muni, attrs, store, sink)?;
        store.add_id(id.into_owned());
        store.muni_of.push(m);
        store.roles.push(role);
        store.kept.push(self.r);
        Ok(())
    }
}

/// What a coded column accepts, for the message on an invalid answer.
pub(super) fn expected_answer(scale: Option<&Scale>) -> String {
    let Some(scale) = scale else {
        return "0 or 1 (option not picked / picked)".to_string();
    };
    let typed = |code: Code, named: &dyn Named| {
        let names: Vec<String> = named.typed_nl().iter().map(|n| format!("'{n}'")).collect();
        format!("{code} = {}", names.join(" or "))
    };
    let all: Vec<String> = scale
        .categories()
        .iter()
        .map(|c| typed(c.code, c))
        .chain(scale.missing().iter().map(|m| typed(m.code, m)))
        .collect();
    format!(
        "a code or label of scale '{}': {}",
        scale.id(),
        all.join(", ")
    )
}

/// Reads the table in two steps. First, row by row, what needs the rows before it: respondent
/// ids, municipalities and their attributes. Then the answers of the rows kept, column by column
/// (in parallel). Both steps tag their problems with record and place in the row, and the
/// problems reach `sink` in the order a row-by-row read would report them, so strict mode fails
/// on the same problems and lenient mode lists the same problems in the same order.
fn run(
    table: &RawTable,
    instrument: &Instrument,
    options: &ReadOptions,
    notes: &mut HeaderNotes,
    sink: &mut Sink<'_>,
) -> Step<Responses> {
    for p in table.problems() {
        sink.push(p.clone())?;
    }
    let layout = Layout::new(table, instrument, options, notes, sink)?;
    let mut store = Store::new(table.len());
    let cap = sink
        .strict
        .then(|| sink.cap.saturating_sub(sink.problems.len()));
    let mut tagged = place_rows(table, instrument, &layout, &mut store, cap);
    let answers = answers::read(table, &layout, &store.kept, &mut tagged);
    tagged.sort_by_key(|t| (t.record, t.phase, t.seq));
    for t in tagged {
        sink.push(t.problem)?;
    }
    let kept = store.ids.len();
    let Ok(matrix) = Array2::from_shape_vec((kept, layout.coded.len()).f(), answers.codes) else {
        // The answer pass writes one code per kept row and coded column.
        return Err(Stop);
    };
    Ok(Responses {
        respondent_ids: store.ids,
        municipality: store.muni_of,
        municipalities: store.municipalities,
        roles: store.roles,
        asked: layout.asked,
        code_columns: layout.coded.iter().map(|c| c.pos).collect(),
        codes: matrix,
        text: layout
            .texts
            .iter()
            .map(|c| c.pos)
            .zip(answers.texts)
            .collect(),
    })
}

/// The row-level pass: every record's respondent placed in `store` (or skipped), its problems
/// tagged with the record. With a `cap` (strict mode) it stops once it has that many problems:
/// no later row can come before them.
fn place_rows(
    table: &RawTable,
    instrument: &Instrument,
    layout: &Layout<'_>,
    store: &mut Store,
    cap: Option<usize>,
) -> Vec<Tagged> {
    // Each row is read as in lenient mode (a bad row is skipped, not half placed); the cap
    // decides when to stop.
    let mut row_sink = Sink {
        strict: false,
        cap: usize::MAX,
        source: table.source(),
        problems: Vec::new(),
    };
    let mut tagged = Vec::new();
    let found = Found::new(table, instrument, layout);
    for r in 0..table.len() {
        let reader = RowReader {
            table,
            instrument,
            layout,
            found: &found,
            r,
            row: Some(table.row(r)),
        };
        let outcome = reader.read(store, &mut row_sink);
        tagged.extend(
            row_sink
                .problems
                .drain(..)
                .enumerate()
                .map(|(seq, problem)| Tagged {
                    record: r,
                    phase: Phase::Row,
                    seq,
                    problem,
                }),
        );
        if outcome.is_err() || cap.is_some_and(|cap| tagged.len() >= cap) {
            break;
        }
    }
    tagged
}
