//! Frequencies, nets and mention rankings, overall and broken down by a respondent attribute.
//!
//! Every measure runs one pass per data column over the consolidated long form
//! ([`WeightedColumn`]): weights are summed into a dense `groups × codes` array, so the cost is
//! linear in the number of answers whatever the breakdown.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

mod inferred;

use inferred::{Run, Spec, SpecBase, TestTable};

use super::inference::{adjust_tests, Estimate, GroupTest, Inference, Quantity, TableInference};
use super::round::{largest_remainder, round_half_up};
use super::table::{Labels, Row, Table};
use crate::consolidate::{
    consolidate_into_sink, consolidate_with_groups, to_u32, AnswerSink, Groups, Policy, Rules,
    WeightedColumn,
};
use crate::data::Survey;
use crate::error::{Error, Result};
use crate::instrument::{Code, ColumnKind, Item, MissingCode, Question, QuestionKind, Scale, Unit};

/// A respondent attribute to break results down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    /// The municipality's size class.
    SizeClass,
    /// The municipality's province.
    Province,
    /// The respondent's role (respondent-unit questions only).
    Role,
}

impl Attribute {
    /// `size_class`, `province` or `role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Attribute::SizeClass => "size_class",
            Attribute::Province => "province",
            Attribute::Role => "role",
        }
    }
}

impl std::str::FromStr for Attribute {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "size_class" => Ok(Attribute::SizeClass),
            "province" => Ok(Attribute::Province),
            "role" => Ok(Attribute::Role),
            _ => Err(Error::unknown(
                "attribute",
                s,
                ["size_class", "province", "role"],
            )),
        }
    }
}

/// A breakdown: an attribute, optionally with its levels merged into named groups (the report's
/// "minder dan 50.000 inwoners" = `lt_20k` + `20k_50k`). Without `groups` every level is a group,
/// in the instrument's order. Where the instrument lists no levels of the attribute (provinces or
/// roles left empty, so the data keep the text as written), every distinct value in the data is a
/// group, sorted by code point (so the order does not depend on the order of the rows); if the
/// data have no value either, the breakdown is refused ([`Error::InvalidArgument`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breakdown {
    /// The attribute.
    pub attribute: Attribute,
    /// Group id → the attribute levels it merges, in display order. A level may sit in several
    /// groups (overlapping merges such as `lt_50k` and `lt_100k`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub groups: IndexMap<String, Vec<String>>,
}

impl Breakdown {
    /// Every level of `attribute` as its own group.
    pub fn by(attribute: Attribute) -> Self {
        Breakdown {
            attribute,
            groups: IndexMap::new(),
        }
    }
}

/// Which items of a question a measure covers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemFilter {
    /// Explicit item ids (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
    /// Only items whose tag `grouping` has this level, e.g. `("rung", "facilitating")`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<(String, String)>,
}

/// Which answers make up the base of a percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Base {
    /// The scale decides: substantive categories plus missing codes marked `in_base`.
    #[default]
    Scale,
    /// Substantive categories only. The report's size-class shares of yes/no/don't-know items
    /// appear to leave 'weet niet' out although Fig 2.2 includes it (inconsistencies.md A2).
    Substantive,
}

/// The language of a table's `item_label` and `category_label` columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// Dutch, exactly as the report prints it.
    #[default]
    Nl,
    /// English.
    En,
}

impl Lang {
    /// `nl` or `en`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The label of the two given in this language.
    pub fn pick<'a>(self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "nl" => Ok(Lang::Nl),
            "en" => Ok(Lang::En),
            other => Err(Error::unknown("language", other, ["nl", "en"])),
        }
    }
}

/// Options shared by the measures. Read from a file, unknown keys are refused: a misspelt
/// option (`itemz`) must not silently mean "every item".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// Consolidation rules for municipality-unit questions.
    #[serde(default)]
    pub rules: Rules,
    /// Breakdown; rows of group `all` always come first.
    #[serde(default)]
    pub by: Option<Breakdown>,
    /// Item selection.
    #[serde(default)]
    pub items: ItemFilter,
    /// Base of the percentages of coded questions.
    #[serde(default)]
    pub base: Base,
    /// Design, intervals and tests (none by default).
    #[serde(default)]
    pub inference: Inference,
    /// Language of the `item_label` and `category_label` columns.
    #[serde(default)]
    pub lang: Lang,
}

/// Group membership of every unit (municipality or respondent), flat so that building and
/// reading it allocates nothing per unit: unit `u` counts in the group slots
/// `slots[offsets[u]..offsets[u + 1]]` (slot 0 = `all`, which every unit is in). Slots are `u32`
/// so that any number of groups fits; a `u16` wrapped at 65,536 groups into `all`.
struct Grouping {
    names: Vec<String>,
    offsets: Vec<usize>,
    slots: Vec<u32>,
}

impl Grouping {
    fn of(&self, u: usize) -> &[u32] {
        &self.slots[self.offsets[u]..self.offsets[u + 1]]
    }
}

/// [`grouping`], made once per survey, unit and breakdown and shared by every measure.
fn shared_grouping(survey: &Survey, unit: Unit, by: Option<&Breakdown>) -> Result<Arc<Grouping>> {
    let key = format!("analysis::Grouping {unit:?} {by:?}");
    survey
        .memo()
        .get_or_try_insert(&key, || grouping(survey, unit, by))
}

fn grouping(survey: &Survey, unit: Unit, by: Option<&Breakdown>) -> Result<Grouping> {
    let responses = survey.responses();
    let n_units = match unit {
        Unit::Municipality => responses.n_municipalities(),
        Unit::Respondent => responses.n_respondents(),
    };
    let Some(by) = by else {
        return Ok(Grouping {
            names: vec!["all".into()],
            offsets: (0..=n_units).collect(),
            slots: vec![0; n_units],
        });
    };
    if by.attribute == Attribute::Role && unit == Unit::Municipality {
        return Err(Error::InvalidArgument {
            name: "by",
            message:
                "role is a respondent attribute; a municipality-level answer has no single role"
                    .into(),
        });
    }
    let groups = breakdown_groups(survey, by)?;
    let slots_of = level_slots(&groups)?;
    let mut names = vec!["all".to_string()];
    names.extend(groups.keys().cloned());
    let mut offsets = Vec::with_capacity(n_units + 1);
    let mut slots = Vec::with_capacity(2 * n_units);
    offsets.push(0);
    for u in 0..n_units {
        slots.push(0);
        if let Some(found) = value_of(survey, by.attribute, unit, u).and_then(|v| slots_of.get(v)) {
            slots.extend_from_slice(found);
        }
        offsets.push(slots.len());
    }
    Ok(Grouping {
        names,
        offsets,
        slots,
    })
}

/// The groups of a breakdown, group id → the attribute levels it merges.
fn breakdown_groups(survey: &Survey, by: &Breakdown) -> Result<IndexMap<String, Vec<String>>> {
    let attrs = survey.instrument().attributes();
    let levels: Vec<String> = match by.attribute {
        Attribute::SizeClass => attrs.size_classes.iter().map(|c| c.id.clone()).collect(),
        Attribute::Province => attrs.provinces.iter().map(|l| l.id.clone()).collect(),
        Attribute::Role => attrs.roles.iter().map(|l| l.id.clone()).collect(),
    };
    if by.groups.is_empty() && levels.is_empty() {
        return levels_in_data(survey, by.attribute);
    }
    if by.groups.is_empty() {
        return Ok(levels
            .iter()
            .map(|l| (l.clone(), vec![l.clone()]))
            .collect());
    }
    for (g, members) in &by.groups {
        if let Some(bad) = members
            .iter()
            .find(|m| !levels.is_empty() && !levels.contains(m))
        {
            return Err(Error::InvalidArgument {
                name: "by",
                message: format!(
                    "group '{g}' names '{bad}', which is no level of {} ({})",
                    by.attribute.as_str(),
                    levels.join(", ")
                ),
            });
        }
    }
    Ok(by.groups.clone())
}

/// Every distinct value of `attribute` in the data, sorted (by code point, so the order does not
/// depend on the order of the rows), each as its own group: without levels in the instrument the
/// data keep the province or role as written. Neither levels nor values is an error.
fn levels_in_data(survey: &Survey, attribute: Attribute) -> Result<IndexMap<String, Vec<String>>> {
    let responses = survey.responses();
    let found: BTreeSet<&str> = match attribute {
        Attribute::Role => responses
            .roles()
            .iter()
            .flatten()
            .map(String::as_str)
            .collect(),
        a => responses
            .municipalities()
            .iter()
            .filter_map(|m| attr_of(m, a))
            .collect(),
    };
    if found.is_empty() {
        return Err(Error::InvalidArgument {
            name: "by",
            message: format!(
                "cannot break down by {0}: the instrument lists no {0} levels and no respondent \
                 has a {0}",
                attribute.as_str()
            ),
        });
    }
    Ok(found
        .into_iter()
        .map(|v| (v.to_string(), vec![v.to_string()]))
        .collect())
}

/// Level → the slots of the groups it is in, ascending (slot = group position + 1), so that each
/// unit finds its groups with one lookup.
fn level_slots(groups: &IndexMap<String, Vec<String>>) -> Result<HashMap<&str, Vec<u32>>> {
    let mut slots_of: HashMap<&str, Vec<u32>> = HashMap::new();
    for (g, members) in groups.values().enumerate() {
        let slot = to_u32(g + 1, "by", "breakdown groups")?;
        for m in members {
            let slots = slots_of.entry(m.as_str()).or_default();
            // A level named twice in one group still counts once in it.
            if slots.last() != Some(&slot) {
                slots.push(slot);
            }
        }
    }
    Ok(slots_of)
}

/// The value of `attribute` for unit `u`: a municipality, or a respondent (through their
/// municipality for size class and province).
fn value_of(survey: &Survey, attribute: Attribute, unit: Unit, u: usize) -> Option<&str> {
    let responses = survey.responses();
    let munis = responses.municipalities();
    match (attribute, unit) {
        (Attribute::Role, Unit::Respondent) => responses.roles()[u].as_deref(),
        (Attribute::Role, Unit::Municipality) => None,
        (a, Unit::Municipality) => attr_of(&munis[u], a),
        (a, Unit::Respondent) => attr_of(&munis[responses.municipality_index()[u] as usize], a),
    }
}

fn attr_of(m: &crate::data::Municipality, a: Attribute) -> Option<&str> {
    match a {
        Attribute::SizeClass => m.size_class.as_deref(),
        Attribute::Province => m.province.as_deref(),
        Attribute::Role => None,
    }
}

/// Counts straight from the consolidation kernel, without the long column in between: what a
/// measure without inference needs.
struct Counter<'g> {
    grouping: &'g Grouping,
    width: usize,
    counts: Vec<f64>,
}

impl AnswerSink for Counter<'_> {
    #[inline]
    fn push(&mut self, unit: u32, code: Code, weight: f64) {
        for &slot in self.grouping.of(unit as usize) {
            self.counts[slot as usize * self.width + code as usize] += weight;
        }
    }
}

/// [`tally`] of a column consolidated on the fly (see [`Counter`]).
fn count(
    survey: &Survey,
    groups: &Groups,
    pos: usize,
    policy: Option<Policy>,
    grouping: &Grouping,
    width: usize,
) -> Result<Vec<f64>> {
    let mut counter = Counter {
        grouping,
        width,
        counts: vec![0.0; grouping.names.len() * width],
    };
    consolidate_into_sink(survey, groups, pos, policy, &mut counter)?;
    Ok(counter.counts)
}

/// Sums the weights of a column into `slots × (max_code + 1)` counts.
fn tally(col: &WeightedColumn, grouping: &Grouping, width: usize) -> Vec<f64> {
    let mut counts = vec![0.0; grouping.names.len() * width];
    for ((&u, &code), &w) in col.units.iter().zip(&col.codes).zip(&col.weights) {
        for &slot in grouping.of(u as usize) {
            counts[slot as usize * width + code as usize] += w;
        }
    }
    counts
}

/// The selected items of a question with their column positions.
fn selected<'a>(
    survey: &'a Survey,
    question: &'a Question,
    filter: &ItemFilter,
) -> Result<Vec<(Option<&'a Item>, usize)>> {
    let inst = survey.instrument();
    let positions: Vec<usize> = inst
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, c)| inst.questions()[c.question].id == question.id)
        .map(|(p, _)| p)
        .collect();
    if question.items().is_empty() {
        return Ok(vec![(None, positions[0])]);
    }
    for id in &filter.items {
        if !question.items().iter().any(|i| &i.id == id) {
            return Err(Error::unknown(
                "item",
                id,
                question.items().iter().map(|i| i.id.as_str()),
            ));
        }
    }
    if let Some((g, level)) = &filter.tag {
        let grouping = inst.groupings().get(g).ok_or_else(|| {
            Error::unknown("grouping", g, inst.groupings().keys().map(String::as_str))
        })?;
        if !grouping.levels.iter().any(|l| &l.id == level) {
            return Err(Error::unknown(
                "grouping level",
                level,
                grouping.levels.iter().map(|l| l.id.as_str()),
            ));
        }
    }
    Ok(question
        .items()
        .iter()
        .zip(positions)
        .filter(|(item, _)| filter.items.is_empty() || filter.items.contains(&item.id))
        .filter(|(item, _)| {
            filter
                .tag
                .as_ref()
                .is_none_or(|(g, l)| item.tags.get(g) == Some(l))
        })
        .map(|(item, p)| (Some(item), p))
        .collect())
}

fn coded_scale<'a>(survey: &'a Survey, question: &Question) -> Result<&'a Scale> {
    survey
        .instrument()
        .scale_of(question)
        .ok_or_else(|| Error::InvalidArgument {
            name: "question",
            message: format!(
                "question '{}' is of kind {}; this measure needs a question with a scale",
                question.id,
                question.kind_name()
            ),
        })
}

struct Prepared<'a> {
    question: &'a Question,
    items: Vec<(Option<&'a Item>, usize)>,
    grouping: Arc<Grouping>,
    groups: Arc<Groups>,
}

fn prepare<'a>(survey: &'a Survey, question: &str, options: &Options) -> Result<Prepared<'a>> {
    let q = survey.instrument().question(question)?;
    options.rules.check(survey.instrument())?;
    Ok(Prepared {
        question: q,
        items: selected(survey, q, &options.items)?,
        grouping: shared_grouping(survey, q.unit, options.by.as_ref())?,
        groups: Groups::shared(survey)?,
    })
}

impl Prepared<'_> {
    /// The table's [`Labels`]: group labels from the instrument's attribute levels (a merged group
    /// joins its levels' labels with ` + `), the selected items' short labels, and the scale's
    /// missing codes.
    fn labels(&self, survey: &Survey, options: &Options, scale: Option<&Scale>) -> Labels {
        let lang = options.lang;
        let attrs = survey.instrument().attributes();
        let level_label = |level: &str| -> Option<String> {
            let attribute = options.by.as_ref()?.attribute;
            let found = match attribute {
                Attribute::SizeClass => attrs
                    .size_classes
                    .iter()
                    .find(|c| c.id == level)
                    .map(|c| lang.pick(&c.label_nl, &c.label_en)),
                Attribute::Province => attrs
                    .provinces
                    .iter()
                    .find(|l| l.id == level)
                    .map(|l| lang.pick(&l.label_nl, &l.label_en)),
                Attribute::Role => attrs
                    .roles
                    .iter()
                    .find(|l| l.id == level)
                    .map(|l| lang.pick(&l.label_nl, &l.label_en)),
            };
            found.map(str::to_string)
        };
        let merged = options.by.as_ref().map(|b| &b.groups);
        let groups = self
            .grouping
            .names
            .iter()
            .map(|g| {
                let label = if g == "all" {
                    lang.pick("Totaal", "Total").to_string()
                } else {
                    match merged.and_then(|m| m.get(g)) {
                        Some(members) if !members.is_empty() => members
                            .iter()
                            .map(|m| level_label(m).unwrap_or_else(|| m.clone()))
                            .collect::<Vec<_>>()
                            .join(" + "),
                        _ => level_label(g).unwrap_or_else(|| g.clone()),
                    }
                };
                (g.clone(), label)
            })
            .collect();
        let short_items = self
            .items
            .iter()
            .filter_map(|(item, _)| {
                let item = (*item)?;
                let short = match lang {
                    Lang::Nl => item.short_label_nl.as_ref(),
                    Lang::En => item.short_label_en.as_ref(),
                }?;
                Some((item.id.clone(), short.clone()))
            })
            .collect();
        let missing = scale
            .map(|s| s.missing().iter().map(|m| m.id.clone()).collect())
            .unwrap_or_default();
        Labels {
            lang,
            groups,
            short_items,
            missing,
        }
    }
}

/// One item × group cell of a coded question: weighted counts per code and the base, and, with
/// inference, the estimate and letters of each of the measure's [`Spec`]s.
struct CodedCell<'a> {
    question: &'a Question,
    item: Option<&'a Item>,
    group: &'a str,
    counts: &'a [f64],
    base: f64,
    estimates: Option<&'a [Option<Estimate>]>,
    letters: Option<&'a [Option<String>]>,
    lang: Lang,
}

impl CodedCell<'_> {
    /// A row of this cell with everything but the category filled in.
    fn row(&self) -> Row {
        Row {
            question: self.question.id.clone(),
            item: self.item.map(|i| i.id.clone()),
            group: self.group.to_string(),
            category: String::new(),
            label_nl: String::new(),
            item_label: self
                .item
                .map(|i| self.lang.pick(&i.label_nl, &i.label_en).to_string()),
            category_label: String::new(),
            count: 0.0,
            base: self.base,
            percentage: None,
            printed: None,
            unit: self.question.unit,
            in_base: true,
            rank: None,
            tied: None,
            inference: None,
            letters: None,
        }
    }

    /// The inference of spec `k`, if any.
    fn estimate(&self, k: usize) -> Option<Estimate> {
        self.estimates.and_then(|e| e.get(k).cloned().flatten())
    }

    /// The letters of spec `k`, if any.
    fn letters(&self, k: usize) -> Option<String> {
        self.letters.and_then(|l| l.get(k).cloned().flatten())
    }
}

/// What a coded measure estimates per row and tests per item, when asked for inference.
struct Plan {
    specs: Vec<Spec>,
    table: TestTable,
    /// Compute estimates even without inference options (mean scores).
    force: bool,
}

/// The question a coded measure ran on, its table's inference and labels.
type Ran<'a> = (&'a Question, Option<TableInference>, Labels);

/// Consolidates each selected item of a coded question once, tallies it by group and hands every
/// item × group cell to `f`, in item order then group order. With inference, `plan` says what
/// each row estimates and what the test of each item runs on.
fn each_coded_cell<'a>(
    survey: &'a Survey,
    question: &str,
    options: &Options,
    plan: &Plan,
    mut f: impl FnMut(&Scale, &CodedCell<'_>),
) -> Result<Ran<'a>> {
    let p = prepare(survey, question, options)?;
    let scale = coded_scale(survey, p.question)?;
    let width = scale.max_code() as usize + 1;
    let policy = options.rules.policy_for(p.question);
    let run = Run::new(survey, p.question.unit, &p.grouping, options, plan.force)?;
    let whole = policy != Some(crate::consolidate::Policy::Split);
    let mut tests = Vec::new();
    // Items are consolidated and tallied in parallel; the cells are then visited in order.
    let tallied = p
        .items
        .par_iter()
        .map(|&(item, pos)| {
            let Some(run) = &run else {
                let counts = count(survey, &p.groups, pos, policy, &p.grouping, width)?;
                return Ok((counts, None));
            };
            let col = consolidate_with_groups(survey, &p.groups, pos, policy)?;
            let counts = tally(&col, &p.grouping, width);
            let data = run.tally(&col, &p.grouping, width);
            let id = item.map(|i| i.id.clone());
            let inferred = run.item(&data, width, &plan.specs, Some((&plan.table, id, whole)))?;
            Ok((counts, Some(inferred)))
        })
        .collect::<Vec<Result<_>>>()
        .into_iter()
        // The first item's error, as a sequential loop would report it.
        .collect::<Result<Vec<_>>>()?;
    for (&(item, _), (counts, inferred)) in p.items.iter().zip(tallied) {
        for (slot, group) in p.grouping.names.iter().enumerate() {
            let counts = &counts[slot * width..(slot + 1) * width];
            let cell = CodedCell {
                question: p.question,
                item,
                group,
                counts,
                base: in_base_total(scale, options.base, counts),
                estimates: inferred.as_ref().map(|i| i.estimates[slot].as_slice()),
                letters: inferred.as_ref().map(|i| i.letters[slot].as_slice()),
                lang: options.lang,
            };
            f(scale, &cell);
        }
        tests.extend(inferred.and_then(|i| i.test));
    }
    let declared = run.map(|run| declare(&run, tests, &p.grouping.names, options));
    Ok((p.question, declared, p.labels(survey, options, Some(scale))))
}

fn declare(
    run: &Run<'_>,
    mut tests: Vec<GroupTest>,
    groups: &[String],
    options: &Options,
) -> TableInference {
    adjust_tests(&mut tests, options.inference.adjust);
    run.declare(tests, groups)
}

/// Missing codes that count in the base under `base`.
fn missing_in_base(scale: &Scale, base: Base) -> impl Iterator<Item = &MissingCode> {
    scale
        .missing()
        .iter()
        .filter(move |m| m.in_base && base == Base::Scale)
}

fn in_base_total(scale: &Scale, base: Base, counts: &[f64]) -> f64 {
    let substantive: f64 = scale
        .categories()
        .iter()
        .map(|c| counts[c.code as usize])
        .sum();
    let missing: f64 = missing_in_base(scale, base)
        .map(|m| counts[m.code as usize])
        .sum();
    substantive + missing
}

fn pct(count: f64, base: f64) -> Option<f64> {
    (base > 0.0).then(|| 100.0 * count / base)
}

/// Frequency distribution of every item of a coded question (single choice or grid), each on its
/// own base: substantive categories plus missing codes that count in the base (Fig 2.2's 'Weet
/// niet'); other missing codes are reported as their own count beside the base, without a
/// percentage. Printed percentages use largest-remainder rounding within each item and group.
pub fn frequencies(survey: &Survey, question: &str, options: &Options) -> Result<Table> {
    let scale = coded_scale(survey, survey.instrument().question(question)?)?;
    let plan = frequency_plan(scale, options.base);
    let mut rows = Vec::new();
    let (q, inference, labels) =
        each_coded_cell(survey, question, options, &plan, |scale, cell| {
            let lang = options.lang;
            let in_base: Vec<(Code, &str, &str, &str)> = scale
                .categories()
                .iter()
                .map(|k| {
                    (
                        k.code,
                        k.id.as_str(),
                        k.label_nl.as_str(),
                        lang.pick(&k.label_nl, &k.label_en),
                    )
                })
                .chain(missing_in_base(scale, options.base).map(|m| {
                    (
                        m.code,
                        m.id.as_str(),
                        m.label_nl.as_str(),
                        lang.pick(&m.label_nl, &m.label_en),
                    )
                }))
                .collect();
            let exact: Vec<f64> = in_base
                .iter()
                .map(|(code, ..)| pct(cell.counts[*code as usize], cell.base).unwrap_or(0.0))
                .collect();
            let printed = (cell.base > 0.0).then(|| largest_remainder(&exact, 100));
            for (k, (code, id, label, shown)) in in_base.iter().enumerate() {
                let count = cell.counts[*code as usize];
                rows.push(Row {
                    category: id.to_string(),
                    label_nl: label.to_string(),
                    category_label: shown.to_string(),
                    count,
                    percentage: pct(count, cell.base),
                    printed: printed.as_ref().map(|v| v[k]),
                    inference: cell.estimate(k),
                    letters: cell.letters(k),
                    ..cell.row()
                });
            }
            let outside = scale
                .missing()
                .iter()
                .filter(|m| !in_base.iter().any(|(code, ..)| *code == m.code));
            for (k, m) in outside.enumerate() {
                rows.push(Row {
                    category: m.id.clone(),
                    label_nl: m.label_nl.clone(),
                    category_label: lang.pick(&m.label_nl, &m.label_en).to_string(),
                    count: cell.counts[m.code as usize],
                    in_base: false,
                    inference: cell.estimate(in_base.len() + k),
                    ..cell.row()
                });
            }
        })?;
    Ok(Table {
        id: format!("frequencies:{question}"),
        title: options.lang.pick(&q.text_nl, &q.text_en).to_string(),
        measure: "frequencies".into(),
        rows,
        inference,
        warnings: super::survey::data_warnings(survey, question),
        labels,
    })
}

/// The codes counting in the base, in row order: categories, then missing codes in the base.
fn base_codes(scale: &Scale, base: Base) -> Vec<Code> {
    scale
        .categories()
        .iter()
        .map(|k| k.code)
        .chain(missing_in_base(scale, base).map(|m| m.code))
        .collect()
}

fn one(code: Code) -> Vec<(Code, f64)> {
    vec![(code, 1.0)]
}

/// Rows of [`frequencies`]: each category's share of the base; each missing code outside the base
/// as its share of everyone who answered (base plus those codes). The test runs on the base.
fn frequency_plan(scale: &Scale, base: Base) -> Plan {
    let in_base = base_codes(scale, base);
    let outside: Vec<Code> = scale
        .missing()
        .iter()
        .map(|m| m.code)
        .filter(|c| !in_base.contains(c))
        .collect();
    let answered: Vec<Code> = in_base.iter().chain(&outside).copied().collect();
    let share = |code: Code, base: &[Code], letters: bool| Spec {
        num: one(code),
        base: SpecBase::Codes(base.to_vec()),
        quantity: Quantity::Share,
        letters,
    };
    let specs = in_base
        .iter()
        .map(|&c| share(c, &in_base, true))
        .chain(outside.iter().map(|&c| share(c, &answered, false)))
        .collect();
    Plan {
        specs,
        table: TestTable {
            categories: in_base.iter().map(|&c| one(c)).collect(),
            base: SpecBase::Codes(in_base),
            complement: false,
            mean: false,
        },
        force: false,
    }
}

/// Net shares (e.g. the top-2 box "vaak of regelmatig") of every item of a coded question, on the
/// same base as [`frequencies`]; printed half up, as the report's text quotes them. A test runs
/// on the table of groups × (in the net, not in the net).
pub fn net_shares(survey: &Survey, question: &str, net: &str, options: &Options) -> Result<Table> {
    let scale = coded_scale(survey, survey.instrument().question(question)?)?;
    let net = scale.net(net)?;
    let in_base = base_codes(scale, options.base);
    let inside: Vec<(Code, f64)> = net.codes.iter().map(|&c| (c, 1.0)).collect();
    let rest: Vec<(Code, f64)> = in_base
        .iter()
        .filter(|c| !net.codes.contains(c))
        .map(|&c| (c, 1.0))
        .collect();
    let plan = Plan {
        specs: vec![Spec {
            num: inside.clone(),
            base: SpecBase::Codes(in_base.clone()),
            quantity: Quantity::Share,
            letters: true,
        }],
        table: TestTable {
            categories: vec![inside, rest],
            base: SpecBase::Codes(in_base),
            complement: false,
            mean: false,
        },
        force: false,
    };
    let mut rows = Vec::new();
    let (q, inference, labels) = each_coded_cell(survey, question, options, &plan, |_, cell| {
        let count: f64 = net
            .codes
            .iter()
            .map(|&code| cell.counts[code as usize])
            .sum();
        let percentage = pct(count, cell.base);
        rows.push(Row {
            category: net.id.clone(),
            label_nl: net.label_nl.clone(),
            category_label: options.lang.pick(&net.label_nl, &net.label_en).to_string(),
            count,
            percentage,
            printed: percentage.map(round_half_up),
            inference: cell.estimate(0),
            letters: cell.letters(0),
            ..cell.row()
        });
    })?;
    Ok(Table {
        id: format!("net:{}:{question}", net.id),
        title: options.lang.pick(&q.text_nl, &q.text_en).to_string(),
        measure: format!("net:{}", net.id),
        rows,
        inference,
        warnings: super::survey::data_warnings(survey, question),
        labels,
    })
}

/// Mean score of every item of an ordinal question: the mean of the category codes over the
/// substantive answers ('weet niet' and other missing codes left out, whatever the scale says),
/// with its standard error (and Wald interval with `ci`). On the frequency scale 1 = Vaak …
/// 4 = Niet, so a lower mean means more often. The row's `estimate` is the mean, `count` and
/// `base` the weight of the substantive answers; `percentage` stays empty.
pub fn mean_scores(survey: &Survey, question: &str, options: &Options) -> Result<Table> {
    let scale = coded_scale(survey, survey.instrument().question(question)?)?;
    let substantive: Vec<Code> = scale.categories().iter().map(|k| k.code).collect();
    let plan = Plan {
        specs: vec![Spec {
            num: substantive.iter().map(|&c| (c, f64::from(c))).collect(),
            base: SpecBase::Codes(substantive.clone()),
            quantity: Quantity::Mean,
            letters: true,
        }],
        table: TestTable {
            categories: vec![substantive.iter().map(|&c| (c, f64::from(c))).collect()],
            base: SpecBase::Codes(substantive.clone()),
            complement: false,
            mean: true,
        },
        force: true,
    };
    let mut rows = Vec::new();
    let (q, inference, labels) = each_coded_cell(survey, question, options, &plan, |_, cell| {
        let count: f64 = substantive.iter().map(|&c| cell.counts[c as usize]).sum();
        rows.push(Row {
            category: "mean".into(),
            label_nl: "Gemiddelde score".into(),
            category_label: options.lang.pick("Gemiddelde score", "Mean score").into(),
            count,
            base: count,
            inference: cell.estimate(0),
            letters: cell.letters(0),
            ..cell.row()
        });
    })?;
    Ok(Table {
        id: format!("mean:{question}"),
        title: options.lang.pick(&q.text_nl, &q.text_en).to_string(),
        measure: "mean".into(),
        rows,
        inference: inference.filter(|_| options.inference.is_active()),
        warnings: super::survey::data_warnings(survey, question),
        labels,
    })
}

/// Mention ranking of a multi-select question: per option the number of units that picked it and
/// its share of all units in the group (the report divides by all 126 respondents, not by those
/// who answered). Rows are ordered by rank; equal counts share a rank and are marked `tied`.
pub fn mentions(survey: &Survey, question: &str, options: &Options) -> Result<Table> {
    let p = prepare(survey, question, options)?;
    if !matches!(p.question.kind, QuestionKind::MultiSelect { .. }) {
        return Err(Error::InvalidArgument {
            name: "question",
            message: format!(
                "question '{}' is of kind {}; mentions need a multi_select question",
                p.question.id,
                p.question.kind_name()
            ),
        });
    }
    let policy = options.rules.policy_for(p.question);
    let n_slots = p.grouping.names.len();
    let mut units_in_slot = vec![0.0; n_slots];
    for &s in &p.grouping.slots {
        units_in_slot[s as usize] += 1.0;
    }
    let run = Run::new(survey, p.question.unit, &p.grouping, options, false)?;
    let plan = mention_plan();
    let whole = policy != Some(crate::consolidate::Policy::Split);
    let mut picked: Vec<Vec<f64>> = Vec::with_capacity(p.items.len());
    let mut inferred = Vec::with_capacity(p.items.len());
    let mut tests = Vec::new();
    let tallied = p
        .items
        .par_iter()
        .map(|&(item, pos)| {
            debug_assert_eq!(survey.instrument().columns()[pos].kind, ColumnKind::Flag);
            let picked_of = |counts: &[f64]| (0..n_slots).map(|s| counts[s * 2 + 1]).collect();
            let Some(run) = &run else {
                let counts = count(survey, &p.groups, pos, policy, &p.grouping, 2)?;
                return Ok((picked_of(&counts), None));
            };
            let col = consolidate_with_groups(survey, &p.groups, pos, policy)?;
            let picked: Vec<f64> = picked_of(&tally(&col, &p.grouping, 2));
            let data = run.tally(&col, &p.grouping, 2);
            let id = item.map(|i| i.id.clone());
            let inferred = run.item(&data, 2, &plan.specs, Some((&plan.table, id, whole)))?;
            Ok((picked, Some(inferred)))
        })
        .collect::<Vec<Result<_>>>()
        .into_iter()
        .collect::<Result<Vec<_>>>()?;
    for (counts, item_inference) in tallied {
        picked.push(counts);
        if let Some(mut i) = item_inference {
            tests.extend(i.test.take());
            inferred.push(i);
        }
    }
    let mut rows = Vec::new();
    for (slot, group) in p.grouping.names.iter().enumerate() {
        let mut order: Vec<usize> = (0..p.items.len()).collect();
        order.sort_by(|&a, &b| picked[b][slot].total_cmp(&picked[a][slot]));
        for &i in &order {
            let count = picked[i][slot];
            let above = order.iter().filter(|&&j| picked[j][slot] > count).count();
            let ties = order.iter().filter(|&&j| picked[j][slot] == count).count();
            let base = units_in_slot[slot];
            let percentage = pct(count, base);
            let Some(item) = p.items[i].0 else {
                continue; // every multi-select option is an item of its question
            };
            let inf = inferred.get(i);
            rows.push(Row {
                question: p.question.id.clone(),
                item: Some(item.id.clone()),
                group: group.clone(),
                category: "mentioned".into(),
                label_nl: item.label_nl.clone(),
                item_label: Some(
                    options
                        .lang
                        .pick(&item.label_nl, &item.label_en)
                        .to_string(),
                ),
                category_label: options.lang.pick("genoemd", "mentioned").into(),
                count,
                base,
                percentage,
                printed: percentage.map(round_half_up),
                unit: p.question.unit,
                in_base: true,
                rank: Some(to_u32(above + 1, "question", "options")?),
                tied: Some(ties > 1),
                inference: inf.and_then(|i| i.estimates[slot][0].clone()),
                letters: inf.and_then(|i| i.letters[slot][0].clone()),
            });
        }
    }
    let inference = run.map(|run| declare(&run, tests, &p.grouping.names, options));
    let labels = p.labels(survey, options, None);
    Ok(Table {
        id: format!("mentions:{question}"),
        title: options
            .lang
            .pick(&p.question.text_nl, &p.question.text_en)
            .to_string(),
        measure: "mentions".into(),
        rows,
        inference,
        warnings: super::survey::data_warnings(survey, question),
        labels,
    })
}

/// Rows of [`mentions`]: the share of the group's units that picked the option (blanks count as
/// not picked); the test runs on picked × not picked.
fn mention_plan() -> Plan {
    Plan {
        specs: vec![Spec {
            num: one(1),
            base: SpecBase::Members,
            quantity: Quantity::Share,
            letters: true,
        }],
        table: TestTable {
            categories: vec![one(1)],
            base: SpecBase::Members,
            complement: true,
            mean: false,
        },
        force: false,
    }
}
