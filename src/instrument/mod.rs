//! The survey ontology: scales, questions, items, groupings and respondent attributes.
//!
//! An [`Instrument`] is validated when it is built, whether in code ([`Instrument::new`]) or from
//! a file ([`Instrument::from_json`]); the file format is documented in `docs/instrument-format.md`
//! and the built-in 2013 instrument ([`Instrument::doe_democratie_2013`]) is itself such a file.

mod attributes;
mod encoding;
mod names;
mod question;
mod scale;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

pub use attributes::{Attributes, Grouping, Level, SizeClass};
pub(crate) use encoding::guess_encoding;
pub(crate) use names::{check_aliases, is_invisible, typed_names};
pub use names::{find_named, fold, Named};
pub use question::{Item, Question, QuestionKind, Unit};
pub(crate) use scale::integral_float;
pub use scale::{Category, Code, MissingCode, MissingKind, Net, Scale, NO_ANSWER};

use crate::error::{Error, Result};

/// Format tag written into every instrument file; a reader refuses other versions.
pub const INSTRUMENT_FORMAT: &str = "doe_democratie.instrument/1";

/// Column names reserved for respondent attributes; no question may use them.
pub const ATTRIBUTE_COLUMNS: [&str; 7] = [
    "respondent_id",
    "municipality",
    "municipality_name",
    "role",
    "inhabitants",
    "size_class",
    "province",
];

/// Longest short label accepted, in characters: a short label has to fit beside a chart's bar.
pub const MAX_SHORT_LABEL_LEN: usize = 60;

/// A short label, when given, is neither blank nor longer than [`MAX_SHORT_LABEL_LEN`].
fn check_short_label(at: &str, field: &str, label: Option<&str>) -> Result<()> {
    let Some(label) = label else { return Ok(()) };
    if label.trim().is_empty() {
        return Err(Error::instrument(
            at,
            format!("empty {field}; leave it out to use the full label"),
        ));
    }
    let n = label.chars().count();
    if n > MAX_SHORT_LABEL_LEN {
        return Err(Error::instrument(
            at,
            format!("{field} has {n} characters; a short label has at most {MAX_SHORT_LABEL_LEN}"),
        ));
    }
    Ok(())
}

/// Ids are the keys of data columns (`<question>.<item>`), so they are restricted to lower-case
/// ASCII letters, digits and underscores.
pub(crate) fn check_id(at: &str, id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::instrument(at, "empty id"));
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        return Err(Error::instrument(
            at,
            format!("id '{id}' contains '{bad}'; ids use a-z, 0-9 and _ only"),
        ));
    }
    Ok(())
}

/// How a data column is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Codes of the question's scale.
    Coded,
    /// 0/1 flag of a multi-select option.
    Flag,
    /// Free text.
    Text,
}

/// One data column the instrument defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// `<question_id>` or `<question_id>.<item_id>`.
    pub name: String,
    /// Index of the question in [`Instrument::questions`].
    pub question: usize,
    /// Index of the item within the question, for grids and multi-select.
    pub item: Option<usize>,
    /// Storage kind.
    pub kind: ColumnKind,
}

/// A complete survey instrument.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "InstrumentSpec", into = "InstrumentSpec")]
pub struct Instrument {
    id: String,
    title_nl: String,
    title_en: String,
    attributes: Attributes,
    groupings: IndexMap<String, Grouping>,
    scales: IndexMap<String, Scale>,
    questions: IndexMap<String, Question>,
    columns: Vec<Column>,
    column_index: HashMap<String, usize>,
}

impl PartialEq for Instrument {
    fn eq(&self, other: &Self) -> bool {
        // `columns` and `column_index` are derived from the questions.
        self.id == other.id
            && self.title_nl == other.title_nl
            && self.title_en == other.title_en
            && self.attributes == other.attributes
            && self.groupings == other.groupings
            && self.scales == other.scales
            && self.questions == other.questions
    }
}

/// The file form of an [`Instrument`] (see `docs/instrument-format.md`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstrumentSpec {
    format: String,
    id: String,
    title_nl: String,
    title_en: String,
    #[serde(default)]
    attributes: Attributes,
    #[serde(default)]
    groupings: Vec<Grouping>,
    scales: Vec<Scale>,
    questions: Vec<Question>,
}

impl TryFrom<InstrumentSpec> for Instrument {
    type Error = Error;
    fn try_from(s: InstrumentSpec) -> Result<Self> {
        if s.format != INSTRUMENT_FORMAT {
            return Err(Error::instrument(
                "format",
                format!(
                    "unsupported format '{}'; expected '{INSTRUMENT_FORMAT}'",
                    s.format
                ),
            ));
        }
        Instrument::new(
            s.id,
            s.title_nl,
            s.title_en,
            s.attributes,
            s.groupings,
            s.scales,
            s.questions,
        )
    }
}

impl From<Instrument> for InstrumentSpec {
    fn from(i: Instrument) -> Self {
        InstrumentSpec {
            format: INSTRUMENT_FORMAT.to_string(),
            id: i.id,
            title_nl: i.title_nl,
            title_en: i.title_en,
            attributes: i.attributes,
            groupings: i.groupings.into_values().collect(),
            scales: i.scales.into_values().collect(),
            questions: i.questions.into_values().collect(),
        }
    }
}

fn unique_levels<'a>(at: &str, levels: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<()> {
    let mut seen = HashSet::new();
    for (id, label_nl) in levels {
        let at = format!("{at}[{id}]");
        check_id(&at, id)?;
        if !seen.insert(id) {
            return Err(Error::instrument(&at, format!("duplicate id '{id}'")));
        }
        if label_nl.trim().is_empty() {
            return Err(Error::instrument(&at, "empty Dutch label (label_nl)"));
        }
    }
    Ok(())
}

/// 1-based line and column (in bytes, like serde_json) of the last non-blank character of `text`.
fn end_position(text: &str) -> (usize, usize) {
    let end = text.trim_end().len();
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, end - line_start)
}

/// Unique role, province and size-class levels; size classes ascending from 0 inhabitants.
fn check_attributes(attributes: &Attributes) -> Result<()> {
    unique_levels(
        "attributes.roles",
        attributes
            .roles
            .iter()
            .map(|l| (l.id.as_str(), l.label_nl.as_str())),
    )?;
    unique_levels(
        "attributes.provinces",
        attributes
            .provinces
            .iter()
            .map(|l| (l.id.as_str(), l.label_nl.as_str())),
    )?;
    unique_levels(
        "attributes.size_classes",
        attributes
            .size_classes
            .iter()
            .map(|l| (l.id.as_str(), l.label_nl.as_str())),
    )?;
    check_aliases("attributes.roles", &attributes.roles)?;
    check_aliases("attributes.provinces", &attributes.provinces)?;
    check_aliases("attributes.size_classes", &attributes.size_classes)?;
    if let Some(first) = attributes.size_classes.first() {
        if first.min_inhabitants != 0 {
            return Err(Error::instrument(
                format!("attributes.size_classes[{}]", first.id),
                "the first size class must start at 0 inhabitants",
            ));
        }
    }
    for pair in attributes.size_classes.windows(2) {
        if pair[1].min_inhabitants <= pair[0].min_inhabitants {
            return Err(Error::instrument(
                format!("attributes.size_classes[{}]", pair[1].id),
                format!(
                    "min_inhabitants {} is not above the previous class's {}",
                    pair[1].min_inhabitants, pair[0].min_inhabitants
                ),
            ));
        }
    }
    Ok(())
}

/// The groupings by id, each with a valid id, a Dutch label and unique levels.
fn grouping_map(groupings: Vec<Grouping>) -> Result<IndexMap<String, Grouping>> {
    let mut map = IndexMap::new();
    for g in groupings {
        let at = format!("groupings[{}]", g.id);
        check_id(&at, &g.id)?;
        if g.label_nl.trim().is_empty() {
            return Err(Error::instrument(&at, "empty Dutch label (label_nl)"));
        }
        if g.levels.is_empty() {
            return Err(Error::instrument(
                &at,
                "a grouping needs at least one level",
            ));
        }
        unique_levels(
            &format!("{at}.levels"),
            g.levels
                .iter()
                .map(|l| (l.id.as_str(), l.label_nl.as_str())),
        )?;
        check_aliases(&format!("{at}.levels"), &g.levels)?;
        if map.contains_key(&g.id) {
            return Err(Error::instrument(&at, "duplicate grouping id"));
        }
        map.insert(g.id.clone(), g);
    }
    Ok(map)
}

/// The scales by id (each scale checked itself when it was built).
fn scale_map(scales: Vec<Scale>) -> Result<IndexMap<String, Scale>> {
    let mut map = IndexMap::new();
    for s in scales {
        if map.contains_key(s.id()) {
            return Err(Error::instrument(
                format!("scales[{}]", s.id()),
                "duplicate scale id",
            ));
        }
        map.insert(s.id().to_string(), s);
    }
    Ok(map)
}

/// The questions by id, each checked with [`check_question`] and its items with
/// [`check_items`].
fn question_map(
    questions: Vec<Question>,
    scales: &IndexMap<String, Scale>,
    groupings: &IndexMap<String, Grouping>,
) -> Result<IndexMap<String, Question>> {
    let mut map: IndexMap<String, Question> = IndexMap::new();
    for q in questions {
        let at = format!("questions[{}]", q.id);
        if map.contains_key(&q.id) {
            check_id(&at, &q.id)?;
            return Err(Error::instrument(&at, "duplicate question id"));
        }
        check_question(&q, &at, scales)?;
        check_items(&q, &at, groupings)?;
        map.insert(q.id.clone(), q);
    }
    Ok(map)
}

/// A question's id, text, scale and item count (and `max_picks` of a multi-select question).
fn check_question(q: &Question, at: &str, scales: &IndexMap<String, Scale>) -> Result<()> {
    check_id(at, &q.id)?;
    if ATTRIBUTE_COLUMNS.contains(&q.id.as_str()) {
        return Err(Error::instrument(
            at,
            format!("'{}' is reserved for a respondent attribute column", q.id),
        ));
    }
    if q.text_nl.trim().is_empty() {
        return Err(Error::instrument(at, "empty Dutch question text (text_nl)"));
    }
    if let Some(scale) = q.scale_id() {
        if !scales.contains_key(scale) {
            return Err(Error::instrument(
                at,
                format!(
                    "scale '{scale}' is not defined; defined scales: {}",
                    scales.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    match &q.kind {
        QuestionKind::Grid { items, .. } | QuestionKind::MultiSelect { options: items, .. }
            if items.is_empty() =>
        {
            Err(Error::instrument(
                at,
                format!("a {} question needs at least one item", q.kind_name()),
            ))
        }
        QuestionKind::MultiSelect {
            options,
            max_picks: Some(max),
        } if *max == 0 || *max as usize > options.len() => Err(Error::instrument(
            at,
            format!(
                "max_picks {max} must lie between 1 and the {} options",
                options.len()
            ),
        )),
        _ => Ok(()),
    }
}

/// A question's items: unique valid ids, both labels, sound short labels, declared tags.
fn check_items(q: &Question, at: &str, groupings: &IndexMap<String, Grouping>) -> Result<()> {
    let mut item_ids = HashSet::new();
    for item in q.items() {
        let at = format!("{at}.items[{}]", item.id);
        check_id(&at, &item.id)?;
        if !item_ids.insert(item.id.as_str()) {
            return Err(Error::instrument(&at, "duplicate item id"));
        }
        if item.label_nl.trim().is_empty() {
            return Err(Error::instrument(&at, "empty Dutch label (label_nl)"));
        }
        if item.label_en.trim().is_empty() {
            return Err(Error::instrument(&at, "empty English label (label_en)"));
        }
        check_short_label(&at, "short_label_nl", item.short_label_nl.as_deref())?;
        check_short_label(&at, "short_label_en", item.short_label_en.as_deref())?;
        for alias in item.aliases_nl.iter().chain(&item.aliases_en) {
            if alias.contains('.') {
                return Err(Error::instrument(
                    &at,
                    format!("alias '{alias}' contains '.', which separates question and item in a column name"),
                ));
            }
        }
        for (key, value) in &item.tags {
            let Some(g) = groupings.get(key) else {
                return Err(Error::instrument(
                    &at,
                    format!("tag '{key}' names no grouping of the instrument"),
                ));
            };
            if !g.levels.iter().any(|l| &l.id == value) {
                return Err(Error::instrument(
                    &at,
                    format!("'{value}' is not a level of grouping '{key}'"),
                ));
            }
        }
    }
    check_aliases(&format!("{at}.items"), q.items())
}

/// The data columns of the questions, in questionnaire order: one per single-choice or open
/// question, one per grid item or multi-select option.
fn data_columns(questions: &IndexMap<String, Question>) -> Vec<Column> {
    let mut columns = Vec::new();
    for (qi, q) in questions.values().enumerate() {
        let names = q.column_names();
        match &q.kind {
            QuestionKind::SingleChoice { .. } | QuestionKind::OpenText => {
                let kind = if matches!(q.kind, QuestionKind::OpenText) {
                    ColumnKind::Text
                } else {
                    ColumnKind::Coded
                };
                columns.push(Column {
                    name: names[0].clone(),
                    question: qi,
                    item: None,
                    kind,
                });
            }
            QuestionKind::Grid { .. } | QuestionKind::MultiSelect { .. } => {
                let kind = if matches!(q.kind, QuestionKind::Grid { .. }) {
                    ColumnKind::Coded
                } else {
                    ColumnKind::Flag
                };
                for (ii, name) in names.into_iter().enumerate() {
                    columns.push(Column {
                        name,
                        question: qi,
                        item: Some(ii),
                        kind,
                    });
                }
            }
        }
    }
    columns
}

impl Instrument {
    /// Builds an instrument and checks every rule of the ontology: unique ids at each level, scales
    /// that exist, items with labels, declared grouping tags, a sensible `max_picks`, ascending
    /// size classes starting at 0, and no question id that clashes with an attribute column.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: impl Into<String>,
        title_nl: impl Into<String>,
        title_en: impl Into<String>,
        attributes: Attributes,
        groupings: Vec<Grouping>,
        scales: Vec<Scale>,
        questions: Vec<Question>,
    ) -> Result<Self> {
        let id = id.into();
        check_id("id", &id)?;
        check_attributes(&attributes)?;
        let groupings = grouping_map(groupings)?;
        let scales = scale_map(scales)?;
        let questions = question_map(questions, &scales, &groupings)?;
        let columns = data_columns(&questions);
        let column_index = columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect();

        Ok(Instrument {
            id,
            title_nl: title_nl.into(),
            title_en: title_en.into(),
            attributes,
            groupings,
            scales,
            questions,
            columns,
            column_index,
        })
    }

    /// The 2013 BZK 'doe-democratie' instrument, as far as the report shows it (see
    /// `docs/instrument-2013.md` for what is inferred).
    ///
    /// ```
    /// let inst = doe_democratie::Instrument::doe_democratie_2013();
    /// assert_eq!(inst.question("strategy_use").unwrap().items().len(), 15);
    /// ```
    pub fn doe_democratie_2013() -> Instrument {
        const JSON: &str = include_str!("doe_democratie_2013.json");
        // The file is part of the crate and covered by tests; failing here is a build defect.
        #[allow(clippy::expect_used)]
        Instrument::from_json(JSON).expect("the bundled 2013 instrument is valid")
    }

    /// Reads an instrument from JSON text in the documented format.
    pub fn from_json(text: &str) -> Result<Instrument> {
        Self::from_json_named(text, "<string>")
    }

    /// Reads an instrument file. A file that cannot be read is [`Error::Io`]; one that is not
    /// UTF-8 (Windows-1252, UTF-16 …) is [`Error::InstrumentFormat`] with the line, column and
    /// offset of the first bad byte and the encoding to convert from.
    pub fn from_json_path(path: impl AsRef<Path>) -> Result<Instrument> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let name = path.display().to_string();
        Self::from_json_named(encoding::decode(&bytes, &name)?, &name)
    }

    fn from_json_named(text: &str, source_name: &str) -> Result<Instrument> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut de = serde_json::Deserializer::from_str(text);
        let parsed: std::result::Result<Instrument, _> = serde::Deserialize::deserialize(&mut de);
        match parsed.and_then(|i| de.end().map(|_| i)) {
            Ok(i) => Ok(i),
            Err(e) => {
                let message = e.to_string();
                // `try_from` failures come back as serde errors; keep their `at` intact.
                let message = message
                    .split(" at line ")
                    .next()
                    .unwrap_or(&message)
                    .to_string();
                // A rule of the instrument as a whole fails after the top-level object has been
                // read, where serde_json has no position (0, 0): point at the object's end, as
                // serde_json does for the rules of nested parts.
                let (line, column) = if e.line() == 0 {
                    end_position(text)
                } else {
                    (e.line(), e.column())
                };
                Err(Error::InstrumentFormat {
                    source_name: source_name.to_string(),
                    line,
                    column,
                    message,
                })
            }
        }
    }

    /// The instrument as pretty-printed JSON; [`Instrument::from_json`] reads it back to an equal
    /// instrument, and writing that again gives the same text.
    #[allow(clippy::expect_used)] // plain data with string keys: serialising cannot fail
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("instrument types always serialise") + "\n"
    }

    /// Writes [`Instrument::to_json`] to a file.
    pub fn save_json(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.to_json()).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })
    }

    /// The instrument's id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Dutch title.
    pub fn title_nl(&self) -> &str {
        &self.title_nl
    }
    /// English title.
    pub fn title_en(&self) -> &str {
        &self.title_en
    }
    /// Respondent attributes (roles, size classes, provinces).
    pub fn attributes(&self) -> &Attributes {
        &self.attributes
    }
    /// Item groupings by id, in definition order.
    pub fn groupings(&self) -> &IndexMap<String, Grouping> {
        &self.groupings
    }
    /// Scales by id, in definition order.
    pub fn scales(&self) -> &IndexMap<String, Scale> {
        &self.scales
    }
    /// Questions by id, in questionnaire order.
    pub fn questions(&self) -> &IndexMap<String, Question> {
        &self.questions
    }
    /// A question by id.
    pub fn question(&self, id: &str) -> Result<&Question> {
        self.questions.get(id).ok_or_else(|| {
            Error::unknown("question", id, self.questions.keys().map(String::as_str))
        })
    }
    /// A scale by id.
    pub fn scale(&self, id: &str) -> Result<&Scale> {
        self.scales
            .get(id)
            .ok_or_else(|| Error::unknown("scale", id, self.scales.keys().map(String::as_str)))
    }
    /// The scale of a coded question.
    pub fn scale_of(&self, question: &Question) -> Option<&Scale> {
        question.scale_id().and_then(|s| self.scales.get(s))
    }
    /// Every data column, in questionnaire order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }
    /// Position of a data column by name.
    pub fn column_position(&self, name: &str) -> Option<usize> {
        self.column_index.get(name).copied()
    }
}
