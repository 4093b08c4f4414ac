//! Property tests (issue 6, "the safety net"): rules that must hold for any valid instrument and
//! any valid data, checked with `proptest` on small random instruments and surveys.
//!
//! The generators draw an instrument (scales with 'weet niet' and other missing codes in or out
//! of the base, grids, single-choice, multi-select and open questions at either unit, groupings,
//! roles, provinces and size classes) and then respondent data for it: answers written as codes,
//! `3.0`-style floats, ids or Dutch/English labels, empty cells, several respondents per
//! municipality, and attributes that agree with each other (inhabitants inside the size class).
//! Every generated survey also carries its own truth, so reading it is checked against what was
//! written, and each measure against a direct reference computation.
//!
//! Each property runs `CASES` cases, so the whole file takes seconds in a debug build; for a
//! longer search set `PROPTEST_CASES` (e.g. `PROPTEST_CASES=5000 cargo test --release --test
//! properties`).

use std::collections::{BTreeMap, BTreeSet};

use doe_democratie::analysis::{
    frequencies, largest_remainder, net_shares, Attribute, Base, Breakdown, Options,
};
use doe_democratie::consolidate::{consolidate_position, consolidate_with_groups, Groups};
use doe_democratie::data::Municipality;
use doe_democratie::instrument::{
    Attributes, Category, Code, ColumnKind, Grouping, Item, Level, MissingCode, MissingKind, Net,
    Question, QuestionKind, Scale, SizeClass, Unit, NO_ANSWER,
};
use doe_democratie::{Instrument, Policy, ReadOptions, Rules, Survey};
use indexmap::IndexMap;
use proptest::collection::{btree_set, vec};
use proptest::prelude::*;
use proptest::sample::{subsequence, Index};
use proptest::string::string_regex;
use serde_json::{Map, Value};

const CASES: u32 = 96;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(CASES),
        // Failures are turned into plain regression tests at the end of this file instead.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// =============================================================================================
// Instruments

/// An id suffix, a Dutch text and an English text: what every named thing of an instrument needs.
type Words = (String, String, String);

fn words() -> impl Strategy<Value = Words> {
    // `\PC` is any printable character: accents, emoji, quotes, commas and semicolons. The
    // regexes are compiled here once, not for every value as a `&str` strategy would.
    let id = string_regex("[a-z0-9]{0,3}").unwrap();
    let text = || string_regex("\\PC{0,8}").unwrap();
    (id, text(), text())
}

/// A label with a unique tag appended, so that no two codes or levels share a label (which the
/// instrument refuses or would resolve ambiguously) and no label reads as a number.
fn tagged(text: &str, tag: &str) -> String {
    format!("{text} #{tag}")
}

fn level(prefix: &str, i: usize, (sfx, nl, en): &Words) -> Level {
    let tag = format!("{prefix}{i}");
    Level {
        id: format!("{prefix}{i}_{sfx}"),
        label_nl: tagged(nl, &tag),
        label_en: tagged(en, &tag),
        aliases_nl: vec![],
        aliases_en: vec![],
    }
}

const MISSING_KINDS: [MissingKind; 3] = [
    MissingKind::DontKnow,
    MissingKind::Refused,
    MissingKind::NotApplicable,
];

fn missing_labels(kind: MissingKind) -> (&'static str, &'static str) {
    match kind {
        MissingKind::DontKnow => ("Weet niet", "Don't know"),
        MissingKind::Refused => ("Wil niet zeggen", "Refused"),
        MissingKind::NotApplicable => ("Niet van toepassing", "Not applicable"),
    }
}

/// A scale with 1–5 categories and 0–2 missing codes, distinct codes below 40 in random order,
/// and up to two nets.
fn scale(i: usize) -> impl Strategy<Value = Scale> {
    (1usize..=5, subsequence(MISSING_KINDS.to_vec(), 0..=2))
        .prop_flat_map(|(n_cat, kinds)| {
            let n = n_cat + kinds.len();
            let cat_positions: Vec<usize> = (0..n_cat).collect();
            (
                subsequence((0..40).collect::<Vec<Code>>(), n).prop_shuffle(),
                vec(words(), n),
                vec(any::<bool>(), kinds.len()),
                vec((words(), subsequence(cat_positions, 1..=n_cat)), 0..=2),
                Just(n_cat),
                Just(kinds),
            )
        })
        .prop_map(move |(codes, words, in_base, nets, n_cat, kinds)| {
            let categories: Vec<Category> = (0..n_cat)
                .map(|k| Category {
                    code: codes[k],
                    id: format!("c{k}_{}", words[k].0),
                    label_nl: tagged(&words[k].1, &k.to_string()),
                    label_en: tagged(&words[k].2, &k.to_string()),
                    aliases_nl: vec![],
                    aliases_en: vec![],
                })
                .collect();
            let missing = kinds
                .iter()
                .enumerate()
                .map(|(j, &kind)| {
                    let (nl, en) = missing_labels(kind);
                    MissingCode {
                        code: codes[n_cat + j],
                        id: format!("m{j}_{}", words[n_cat + j].0),
                        label_nl: nl.into(),
                        label_en: en.into(),
                        aliases_nl: vec![],
                        aliases_en: vec![],
                        kind,
                        in_base: in_base[j],
                    }
                })
                .collect();
            let nets = nets
                .iter()
                .enumerate()
                .map(|(j, ((sfx, nl, en), members))| Net {
                    id: format!("n{j}_{sfx}"),
                    label_nl: tagged(nl, "net"),
                    label_en: en.clone(),
                    codes: members.iter().map(|&k| codes[k]).collect(),
                })
                .collect();
            Scale::new(format!("s{i}"), "random scale", categories, missing, nets)
                .expect("the generator draws valid scales")
        })
}

/// A question before the scales and groupings it refers to are known.
type QuestionDraft = (
    u8,
    Index,
    Vec<(Words, Option<(Index, Index)>)>,
    Index,
    u8,
    bool,
    Words,
);

fn question_draft() -> impl Strategy<Value = QuestionDraft> {
    (
        0u8..4,
        any::<Index>(),
        vec(
            (words(), proptest::option::of(any::<(Index, Index)>())),
            1..=3,
        ),
        any::<Index>(),
        0u8..3,
        any::<bool>(),
        words(),
    )
}

fn build_question(
    qi: usize,
    draft: &QuestionDraft,
    scales: &[Scale],
    groupings: &[Grouping],
) -> Question {
    let (kind, scale, items, max, has_max, respondent, (sfx, nl, en)) = draft;
    let items: Vec<Item> = items
        .iter()
        .enumerate()
        .map(|(j, ((isfx, inl, ien), tag))| {
            let mut tags = IndexMap::new();
            if let (Some((g, l)), false) = (tag, groupings.is_empty()) {
                let g = g.get(groupings);
                tags.insert(g.id.clone(), l.get(&g.levels).id.clone());
            }
            Item {
                id: format!("i{j}_{isfx}"),
                label_nl: tagged(inl, "item"),
                label_en: tagged(ien, "item"),
                aliases_nl: vec![],
                aliases_en: vec![],
                short_label_nl: None,
                short_label_en: None,
                tags,
            }
        })
        .collect();
    let scale = scale.get(scales).id().to_string();
    let kind = match kind {
        0 => QuestionKind::SingleChoice { scale },
        1 => QuestionKind::Grid { scale, items },
        2 => QuestionKind::MultiSelect {
            max_picks: (*has_max > 0).then(|| max.index(items.len()) as u32 + 1),
            options: items,
        },
        _ => QuestionKind::OpenText,
    };
    Question {
        id: format!("q{qi}_{sfx}"),
        text_nl: format!("{nl}?"),
        text_en: en.clone(),
        unit: if *respondent {
            Unit::Respondent
        } else {
            Unit::Municipality
        },
        kind,
    }
}

fn size_classes(words: &[Words], thresholds: &BTreeSet<u32>) -> Vec<SizeClass> {
    let mins = std::iter::once(0).chain(thresholds.iter().copied());
    words
        .iter()
        .zip(mins)
        .enumerate()
        .map(|(i, (w, min_inhabitants))| {
            let l = level("k", i, w);
            SizeClass {
                id: l.id,
                label_nl: l.label_nl,
                label_en: l.label_en,
                aliases_nl: vec![],
                aliases_en: vec![],
                min_inhabitants,
            }
        })
        .collect()
}

fn grouping(i: usize, (w, levels): &(Words, Vec<Words>)) -> Grouping {
    let head = level("g", i, w);
    Grouping {
        id: head.id,
        label_nl: head.label_nl,
        label_en: head.label_en,
        levels: levels
            .iter()
            .enumerate()
            .map(|(j, l)| level("l", j, l))
            .collect(),
    }
}

/// A small random instrument: 1–3 scales, 0–2 groupings, 0–3 roles and provinces, 0–4 size
/// classes, 1–5 questions of any kind and unit.
fn instrument() -> impl Strategy<Value = Instrument> {
    (
        (1usize..=3).prop_flat_map(|n| (0..n).map(scale).collect::<Vec<_>>()),
        vec((words(), vec(words(), 1..=3)), 0..=2),
        (vec(words(), 0..=3), vec(words(), 0..=3)),
        (vec(words(), 0..=4), btree_set(1u32..300_000, 3)),
        vec(question_draft(), 1..=5),
        words(),
    )
        .prop_map(
            |(scales, groupings, (roles, provinces), (classes, thresholds), drafts, title)| {
                let groupings: Vec<Grouping> = groupings
                    .iter()
                    .enumerate()
                    .map(|(i, g)| grouping(i, g))
                    .collect();
                let attributes = Attributes {
                    roles: roles
                        .iter()
                        .enumerate()
                        .map(|(i, w)| level("r", i, w))
                        .collect(),
                    size_classes: size_classes(&classes, &thresholds),
                    provinces: provinces
                        .iter()
                        .enumerate()
                        .map(|(i, w)| level("p", i, w))
                        .collect(),
                };
                let questions = drafts
                    .iter()
                    .enumerate()
                    .map(|(qi, d)| build_question(qi, d, &scales, &groupings))
                    .collect();
                Instrument::new(
                    format!("inst_{}", title.0),
                    title.1,
                    title.2,
                    attributes,
                    groupings,
                    scales,
                    questions,
                )
                .expect("the generator draws valid instruments")
            },
        )
}

// =============================================================================================
// Respondent data

/// One cell as an input holds it; CSV writes it as text, JSON as the matching JSON value.
#[derive(Debug, Clone, PartialEq)]
enum Out {
    Empty,
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Out {
    fn csv(&self) -> String {
        match self {
            Out::Empty => String::new(),
            Out::Str(s) => s.clone(),
            Out::Int(i) => i.to_string(),
            Out::Float(f) => format!("{f:.1}"),
            Out::Bool(true) => "true".into(),
            Out::Bool(false) => "FALSE".into(),
        }
    }

    fn json(&self) -> Value {
        match self {
            Out::Empty => Value::Null,
            Out::Str(s) => Value::String(s.clone()),
            Out::Int(i) => Value::from(*i),
            Out::Float(f) => Value::from(*f),
            Out::Bool(b) => Value::Bool(*b),
        }
    }
}

/// Texts for open answers, names and free-text attributes: delimiters, quotes, a line break,
/// padding, accents and emoji, a number, and blanks (which read as empty).
const TEXTS: [&str; 10] = [
    "ja, graag",
    "Nee; liever niet",
    "zei \"misschien\"",
    "twee\nregels",
    "  ruimte  ",
    "Súdwest-Fryslân 🙂",
    "'s-Hertogenbosch",
    "7",
    "weet niet",
    " ",
];

/// A municipality: name, (size class, inhabitants offset within it), province.
type MuniDraft = (Option<Index>, Option<(Index, u32)>, Option<Index>);

/// A respondent: municipality, id form, padded municipality id, role, which of the municipality's
/// attributes this row writes (name, inhabitants, size class, province), keys of empty JSON cells
/// left out, and one optional `(choice, written form)` per instrument column.
#[derive(Debug, Clone)]
struct RespDraft {
    muni: Index,
    id_form: u8,
    pad_muni: bool,
    role: Option<(Index, u8)>,
    show: [bool; 4],
    omit_empty: bool,
    /// Answers only with missing codes ('weet niet' …) where the scale has them, so that
    /// municipalities where nobody gives a substantive answer are common.
    missing_only: bool,
    cells: Vec<Option<(Index, u8)>>,
}

#[derive(Debug, Clone)]
struct DataDraft {
    munis: Vec<MuniDraft>,
    resps: Vec<RespDraft>,
    /// Per instrument column: in the input?
    asked: Vec<bool>,
    /// name, role, inhabitants, size_class, province columns in the input?
    attr_columns: [bool; 5],
    /// Rotates the column order of the input.
    rotate: Index,
    /// Every respondent in a municipality of their own (ignoring `RespDraft::muni`).
    own_municipality: bool,
}

fn resp_draft(n_columns: usize) -> impl Strategy<Value = RespDraft> {
    (
        any::<Index>(),
        0u8..3,
        prop::bool::weighted(0.2),
        proptest::option::weighted(0.8, (any::<Index>(), 0u8..4)),
        any::<[bool; 4]>(),
        any::<bool>(),
        prop::bool::weighted(0.3),
        vec(
            proptest::option::weighted(0.8, (any::<Index>(), 0u8..10)),
            n_columns,
        ),
    )
        .prop_map(
            |(muni, id_form, pad_muni, role, show, omit_empty, missing_only, cells)| RespDraft {
                muni,
                id_form,
                pad_muni,
                role,
                show,
                omit_empty,
                missing_only,
                cells,
            },
        )
}

/// Data for an instrument with `n_columns` data columns: 1–`max_munis` municipalities and
/// 1–`max_resps` respondents drawn among them.
fn data_draft(
    n_columns: usize,
    max_munis: usize,
    max_resps: usize,
) -> impl Strategy<Value = DataDraft> {
    let muni = (
        proptest::option::weighted(0.7, any::<Index>()),
        proptest::option::weighted(0.8, (any::<Index>(), any::<u32>())),
        proptest::option::weighted(0.7, any::<Index>()),
    );
    (
        vec(muni, 1..=max_munis),
        vec(resp_draft(n_columns), 1..=max_resps),
        vec(prop::bool::weighted(0.85), n_columns),
        any::<[bool; 5]>(),
        any::<Index>(),
    )
        .prop_map(|(munis, resps, asked, attr_columns, rotate)| DataDraft {
            munis,
            resps,
            asked,
            attr_columns,
            rotate,
            own_municipality: false,
        })
}

/// What a generated input must read as.
#[derive(Debug, Clone, PartialEq)]
struct Truth {
    ids: Vec<String>,
    muni_of: Vec<u32>,
    municipalities: Vec<Municipality>,
    roles: Vec<Option<String>>,
    asked: Vec<bool>,
    /// Per instrument column: codes (coded and flag columns; [`NO_ANSWER`] = empty).
    codes: Vec<Vec<Code>>,
    /// Per instrument column: cells (text columns).
    texts: Vec<Vec<Option<String>>>,
}

/// A generated input: a header, rows of cells, whether each row leaves empty JSON keys out,
/// and the truth.
#[derive(Debug, Clone)]
struct Generated {
    header: Vec<String>,
    rows: Vec<Vec<Out>>,
    omit_empty: Vec<bool>,
    truth: Truth,
}

fn text_truth(t: &str) -> Option<String> {
    (!t.trim().is_empty()).then(|| t.to_string())
}

/// A level written as its id, Dutch label, English label or upper-case id.
fn level_form(id: &str, nl: &str, en: &str, form: u8) -> String {
    match form % 4 {
        0 => id.to_string(),
        1 => nl.to_string(),
        2 => en.to_string(),
        _ => id.to_uppercase(),
    }
}

/// A value of an attribute with optional levels: `(written, stored)`.
fn attribute_value(levels: &[Level], pick: Index, form: u8) -> (String, Option<String>) {
    if levels.is_empty() {
        let t = pick.get(&TEXTS);
        return (
            t.to_string(),
            Some(t.trim().to_string()).filter(|s| !s.is_empty()),
        );
    }
    let l = pick.get(levels);
    (
        level_form(&l.id, &l.label_nl, &l.label_en, form),
        Some(l.id.clone()),
    )
}

/// A coded answer in one of its written forms: `(written, code)`; a missing code if
/// `missing_only` and the scale has one.
fn coded_cell(scale: &Scale, pick: Index, form: u8, missing_only: bool) -> (Out, Code) {
    let missing_only = missing_only && !scale.missing().is_empty();
    let codes: Vec<(Code, &str, &str, &str)> = scale
        .categories()
        .iter()
        .filter(|_| !missing_only)
        .map(|c| {
            (
                c.code,
                c.id.as_str(),
                c.label_nl.as_str(),
                c.label_en.as_str(),
            )
        })
        .chain(scale.missing().iter().map(|m| {
            (
                m.code,
                m.id.as_str(),
                m.label_nl.as_str(),
                m.label_en.as_str(),
            )
        }))
        .collect();
    let (code, id, nl, en) = *pick.get(&codes);
    let out = match form {
        0 => Out::Int(i64::from(code)),
        1 => Out::Float(f64::from(code)),
        2 => Out::Str(id.into()),
        3 => Out::Str(id.to_uppercase()),
        4 => Out::Str(nl.into()),
        5 => Out::Str(en.into()),
        6 => Out::Str(format!("  {nl} ")),
        7 => Out::Str(code.to_string()),
        8 => Out::Str(format!("{code}.0")),
        // Lower case only where it cannot change a non-ASCII label ('weet niet').
        _ if nl.is_ascii() => Out::Str(nl.to_lowercase()),
        _ => Out::Str(nl.into()),
    };
    (out, code)
}

fn flag_cell(picked: bool, form: u8) -> Out {
    match form % 6 {
        0 => Out::Int(i64::from(picked)),
        1 => Out::Bool(picked),
        2 => Out::Str(if picked { "1" } else { "0" }.into()),
        3 => Out::Str(if picked { "TRUE" } else { "false" }.into()),
        4 => Out::Str(if picked { "1.0" } else { "0" }.into()),
        _ => Out::Float(if picked { 1.0 } else { 0.0 }),
    }
}

/// Inhabitants inside size class `k` (any positive number when there are no classes), often
/// right at one of its bounds.
fn inhabitants_in(classes: &[SizeClass], k: usize, offset: u32) -> u32 {
    let (lo, hi) = match classes.get(k) {
        None => (1, 1_000_000),
        Some(class) => {
            let lo = class.min_inhabitants.max(1);
            let hi = classes
                .get(k + 1)
                .map_or(lo + 999_999, |c| c.min_inhabitants - 1);
            (lo, hi)
        }
    };
    match offset % 8 {
        0 => lo,
        1 => hi,
        _ => lo + offset % (hi - lo + 1),
    }
}

/// A municipality's attributes: `(name, size class index, inhabitants, province as written and
/// stored)`.
struct MuniValues {
    name: Option<String>,
    class: Option<(Option<usize>, u32)>,
    province: Option<(String, Option<String>)>,
}

fn muni_values(inst: &Instrument, draft: &MuniDraft, form: u8) -> MuniValues {
    let attrs = inst.attributes();
    let (name, class, province) = draft;
    MuniValues {
        name: name.map(|i| i.get(&TEXTS).to_string()),
        class: class.map(|(k, offset)| {
            let k = (!attrs.size_classes.is_empty()).then(|| k.index(attrs.size_classes.len()));
            (
                k,
                inhabitants_in(&attrs.size_classes, k.unwrap_or(0), offset),
            )
        }),
        province: province.map(|p| attribute_value(&attrs.provinces, p, form)),
    }
}

/// Which optional attribute columns the input has: name, inhabitants, size class, province, role.
fn attribute_columns(inst: &Instrument, draft: &DataDraft) -> [bool; 5] {
    let [name, role, inhabitants, class, province] = draft.attr_columns;
    let class = class && !inst.attributes().size_classes.is_empty();
    [name, inhabitants, class, province, role]
}

fn header(inst: &Instrument, draft: &DataDraft) -> Vec<String> {
    let names = [
        "municipality_name",
        "inhabitants",
        "size_class",
        "province",
        "role",
    ];
    let present = attribute_columns(inst, draft);
    let mut header: Vec<String> = ["respondent_id", "municipality"].map(String::from).into();
    header.extend(
        names
            .iter()
            .zip(present)
            .filter(|(_, p)| *p)
            .map(|(n, _)| n.to_string()),
    );
    let cols = inst.columns();
    header.extend(
        (0..cols.len())
            .filter(|&p| draft.asked[p])
            .map(|p| cols[p].name.clone()),
    );
    header
}

/// The municipality attribute cells of one row (name, inhabitants, size class, province, for
/// the columns present), recording in `known` what the row tells about its municipality.
fn municipality_cells(
    inst: &Instrument,
    draft: &DataDraft,
    resp: &RespDraft,
    values: &MuniValues,
    known: &mut Municipality,
) -> Vec<Out> {
    let classes = &inst.attributes().size_classes;
    let [has_name, has_inh, has_class, has_prov, _] = attribute_columns(inst, draft);
    let [show_name, show_inh, show_class, show_prov] = resp.show;
    let form = resp.role.map_or(0, |(_, f)| f);
    let mut cells = Vec::new();
    if has_name {
        cells.push(match (&values.name, show_name) {
            (Some(n), true) => {
                known.name = known.name.take().or_else(|| text_truth(n.trim()));
                Out::Str(n.clone())
            }
            _ => Out::Empty,
        });
    }
    if has_inh {
        cells.push(match (values.class, show_inh) {
            (Some((k, inh)), true) => {
                known.inhabitants = Some(inh);
                if let Some(k) = k {
                    known.size_class = Some(classes[k].id.clone());
                }
                match form % 3 {
                    0 => Out::Int(i64::from(inh)),
                    1 => Out::Str(inh.to_string()),
                    _ => Out::Float(f64::from(inh)),
                }
            }
            _ => Out::Empty,
        });
    }
    if has_class {
        cells.push(match (values.class, show_class) {
            (Some((Some(k), _)), true) => {
                let c = &classes[k];
                known.size_class = Some(c.id.clone());
                Out::Str(level_form(&c.id, &c.label_nl, &c.label_en, form))
            }
            _ => Out::Empty,
        });
    }
    if has_prov {
        cells.push(match (&values.province, show_prov) {
            (Some((written, stored)), true) => {
                if known.province.is_none() {
                    known.province = stored.clone();
                }
                Out::Str(written.clone())
            }
            _ => Out::Empty,
        });
    }
    cells
}

/// Builds the input rows and the truth from a draft.
fn generate(inst: &Instrument, draft: &DataDraft) -> Generated {
    let cols = inst.columns();
    let has_role = attribute_columns(inst, draft)[4];
    let mut truth = Truth {
        ids: Vec::new(),
        muni_of: Vec::new(),
        municipalities: Vec::new(),
        roles: Vec::new(),
        asked: draft.asked.clone(),
        codes: vec![Vec::new(); cols.len()],
        texts: vec![Vec::new(); cols.len()],
    };
    let mut order: BTreeMap<usize, u32> = BTreeMap::new();
    let mut rows = Vec::new();
    for (r, resp) in draft.resps.iter().enumerate() {
        let mi = if draft.own_municipality {
            r
        } else {
            resp.muni.index(draft.munis.len())
        };
        let form = resp.role.map_or(0, |(_, f)| f);
        let values = muni_values(inst, &draft.munis[mi % draft.munis.len()], form);
        let m = *order.entry(mi).or_insert_with(|| {
            truth.municipalities.push(Municipality {
                id: municipality_id(mi),
                name: None,
                inhabitants: None,
                size_class: None,
                province: None,
            });
            truth.municipalities.len() as u32 - 1
        });
        let muni = match (mi % 3, resp.pad_muni) {
            // A number, as a spreadsheet stores a CBS code without its 'GM'.
            (2, _) => Out::Int(100 + mi as i64),
            (_, true) => Out::Str(format!(" {}\t", municipality_id(mi))),
            (_, false) => Out::Str(municipality_id(mi)),
        };
        let mut row = vec![respondent_id(r, resp.id_form), muni];
        let known = &mut truth.municipalities[m as usize];
        row.extend(municipality_cells(inst, draft, resp, &values, known));
        let role = resp
            .role
            .map(|(pick, f)| attribute_value(&inst.attributes().roles, pick, f));
        truth
            .roles
            .push(role.as_ref().and_then(|r| r.1.clone()).filter(|_| has_role));
        if has_role {
            row.push(role.map_or(Out::Empty, |r| Out::Str(r.0)));
        }
        for (p, (out, code, text)) in answers(inst, draft, resp).into_iter().enumerate() {
            // A column absent from the input reads as empty for everyone.
            let asked = draft.asked[p];
            match cols[p].kind {
                ColumnKind::Text => truth.texts[p].push(text.filter(|_| asked)),
                _ => truth.codes[p].push(if asked { code } else { NO_ANSWER }),
            }
            if asked {
                row.push(out);
            }
        }
        truth.ids.push(match resp.id_form {
            1 => (1000 + r).to_string(),
            _ => format!("r{r}"),
        });
        truth.muni_of.push(m);
        rows.push(row);
    }
    let mut header = header(inst, draft);
    rotate_columns(&mut header, &mut rows, draft.rotate);
    Generated {
        header,
        rows,
        omit_empty: draft.resps.iter().map(|r| r.omit_empty).collect(),
        truth,
    }
}

fn municipality_id(mi: usize) -> String {
    if mi % 3 == 2 {
        (100 + mi).to_string()
    } else {
        format!("GM{mi:04}")
    }
}

fn respondent_id(r: usize, form: u8) -> Out {
    match form {
        0 => Out::Str(format!("r{r}")),
        1 => Out::Int(1000 + r as i64),
        _ => Out::Str(format!("  r{r} ")),
    }
}

/// The answers of one respondent for every instrument column: `(written, code, text)`. A
/// multi-select row never picks more options than `max_picks` allows (later picks are dropped),
/// counting only the columns in the input.
fn answers(
    inst: &Instrument,
    draft: &DataDraft,
    resp: &RespDraft,
) -> Vec<(Out, Code, Option<String>)> {
    let cols = inst.columns();
    let mut picks: BTreeMap<usize, u32> = BTreeMap::new();
    let mut out = Vec::with_capacity(cols.len());
    for (p, col) in cols.iter().enumerate() {
        let q = &inst.questions()[col.question];
        let Some((pick, form)) = resp.cells[p] else {
            out.push((Out::Empty, NO_ANSWER, None));
            continue;
        };
        let cell = match col.kind {
            ColumnKind::Text => {
                let t = pick.get(&TEXTS);
                (Out::Str(t.to_string()), NO_ANSWER, text_truth(t))
            }
            ColumnKind::Flag => {
                let mut picked = pick.index(2) == 1;
                if let (
                    true,
                    QuestionKind::MultiSelect {
                        max_picks: Some(max),
                        ..
                    },
                ) = (picked && draft.asked[p], &q.kind)
                {
                    let n = picks.entry(col.question).or_default();
                    picked = *n < *max;
                    *n += u32::from(picked);
                }
                (flag_cell(picked, form), Code::from(picked), None)
            }
            ColumnKind::Coded => {
                let scale = inst.scale_of(q).expect("coded columns have a scale");
                let (o, code) = coded_cell(scale, pick, form, resp.missing_only);
                (o, code, None)
            }
        };
        out.push(cell);
    }
    out
}

fn rotate_columns(header: &mut [String], rows: &mut [Vec<Out>], by: Index) {
    let k = by.index(header.len());
    header.rotate_left(k);
    for row in rows {
        row.rotate_left(k);
    }
}

impl Generated {
    fn csv(&self, delimiter: u8) -> String {
        self.csv_with(delimiter, csv::Terminator::Any(b'\n'))
    }

    fn csv_with(&self, delimiter: u8, terminator: csv::Terminator) -> String {
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(terminator)
            .from_writer(Vec::new());
        w.write_record(&self.header).unwrap();
        for row in &self.rows {
            w.write_record(row.iter().map(Out::csv)).unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    /// JSON records; the first record always has every key (so that every column of the input
    /// shows up), later ones may leave empty cells out.
    fn json(&self) -> String {
        let records: Vec<Value> = self
            .rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                let mut rec = Map::new();
                for (name, cell) in self.header.iter().zip(row) {
                    if *cell == Out::Empty && r > 0 && self.omit_empty[r] {
                        continue;
                    }
                    rec.insert(name.clone(), cell.json());
                }
                Value::Object(rec)
            })
            .collect();
        serde_json::to_string_pretty(&records).unwrap()
    }

    fn read_csv(&self, inst: &Instrument, delimiter: u8) -> Survey {
        let text = self.csv(delimiter);
        Survey::read_csv_str(&text, inst, &ReadOptions::default())
            .unwrap_or_else(|e| panic!("valid CSV refused: {e}\n{text}"))
    }

    fn read_json(&self, inst: &Instrument) -> Survey {
        let text = self.json();
        Survey::read_json_str(&text, inst, &ReadOptions::default())
            .unwrap_or_else(|e| panic!("valid JSON refused: {e}\n{text}"))
    }
}

/// An instrument with data for it.
fn survey_case(
    max_munis: usize,
    max_resps: usize,
) -> impl Strategy<Value = (Instrument, Generated)> {
    instrument().prop_flat_map(move |inst| {
        let n = inst.columns().len();
        (Just(inst), data_draft(n, max_munis, max_resps)).prop_map(|(inst, draft)| {
            let g = generate(&inst, &draft);
            (inst, g)
        })
    })
}

/// An instrument with data where every respondent has a municipality of their own.
fn single_respondent_case() -> impl Strategy<Value = (Instrument, Generated)> {
    instrument().prop_flat_map(|inst| {
        let n = inst.columns().len();
        (Just(inst), data_draft(n, 6, 12)).prop_map(|(inst, mut draft)| {
            draft.own_municipality = true;
            let g = generate(&inst, &draft);
            (inst, g)
        })
    })
}

// =============================================================================================
// Reading: CSV (comma and semicolon) and JSON records give the same survey, the one written

fn assert_matches_truth(survey: &Survey, truth: &Truth) {
    let r = survey.responses();
    assert_eq!(r.respondent_ids(), truth.ids);
    assert_eq!(r.municipality_index(), truth.muni_of);
    assert_eq!(r.municipalities(), truth.municipalities);
    assert_eq!(r.roles(), truth.roles);
    for (p, col) in survey.instrument().columns().iter().enumerate() {
        assert_eq!(r.is_asked(p), truth.asked[p], "{}", col.name);
        match col.kind {
            ColumnKind::Text => assert_eq!(r.text(p).unwrap(), truth.texts[p], "{}", col.name),
            _ => assert_eq!(r.codes(p).unwrap().to_vec(), truth.codes[p], "{}", col.name),
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn csv_and_json_records_read_as_the_survey_written((inst, g) in survey_case(6, 24)) {
        let comma = g.read_csv(&inst, b',');
        assert_matches_truth(&comma, &g.truth);
        assert_eq!(&g.read_csv(&inst, b';'), &comma);
        assert_eq!(&g.read_json(&inst), &comma);
        // The delimiter given explicitly reads the same as the sniffed one.
        let options = ReadOptions { delimiter: Some(b';'), ..ReadOptions::default() };
        let explicit = Survey::read_csv_str(&g.csv(b';'), &inst, &options).unwrap();
        assert_eq!(&explicit, &comma);
        // As Excel on Windows saves 'CSV UTF-8': a byte-order mark and CRLF line ends.
        let excel = format!("\u{feff}{}", g.csv_with(b';', csv::Terminator::CRLF));
        assert_eq!(&Survey::read_csv_str(&excel, &inst, &ReadOptions::default()).unwrap(), &comma);
    }
}

// =============================================================================================
// Measures against a reference computation

/// The codes of a scale: categories in scale order, then missing codes with their `in_base`.
struct Codes {
    categories: Vec<Code>,
    missing: Vec<(Code, bool)>,
}

impl Codes {
    fn of(scale: &Scale) -> Codes {
        Codes {
            categories: scale.categories().iter().map(|c| c.code).collect(),
            missing: scale
                .missing()
                .iter()
                .map(|m| (m.code, m.in_base))
                .collect(),
        }
    }

    fn flags() -> Codes {
        Codes {
            categories: vec![0, 1],
            missing: Vec::new(),
        }
    }

    fn position(&self, code: Code) -> Option<usize> {
        self.categories.iter().position(|&c| c == code)
    }

    /// Whether answers with `code` count in the base the scale defines.
    fn in_scale_base(&self, code: Code) -> bool {
        self.position(code).is_some() || self.missing.iter().any(|&(m, b)| m == code && b)
    }

    /// Whether `code` counts in the base of a measure with `base`.
    fn in_base(&self, code: Code, base: Base) -> bool {
        match base {
            Base::Scale => self.in_scale_base(code),
            Base::Substantive => self.position(code).is_some(),
        }
    }

    /// Every code in scale order.
    fn all(&self) -> Vec<Code> {
        let missing = self.missing.iter().map(|&(c, _)| c);
        self.categories.iter().copied().chain(missing).collect()
    }
}

/// The most frequent missing code among `answers` (tie → the lowest), if any.
fn missing_rule(codes: &Codes, answers: &[(usize, Code)]) -> Option<Code> {
    let mut n: BTreeMap<Code, usize> = BTreeMap::new();
    for &(_, c) in answers.iter().filter(|(_, c)| codes.position(*c).is_none()) {
        *n.entry(c).or_default() += 1;
    }
    let best = *n.values().max()?;
    n.into_iter().find(|&(_, k)| k == best).map(|(c, _)| c)
}

/// The substantive answer a single-answer policy picks from `(role rank, position)` pairs.
fn pick(policy: Policy, answers: &[(usize, usize)]) -> usize {
    let mut positions: Vec<usize> = answers.iter().map(|&(_, p)| p).collect();
    positions.sort_unstable();
    let n = positions.len();
    match policy {
        Policy::AnyYes => positions[0],
        Policy::Median if n % 2 == 1 => positions[n / 2],
        Policy::Median => (positions[n / 2 - 1] + positions[n / 2]) / 2,
        Policy::Max => positions[n - 1],
        Policy::Mode => {
            let count = |p: usize| positions.iter().filter(|&&x| x == p).count();
            let best = positions.iter().map(|&p| count(p)).max().unwrap();
            *positions.iter().find(|&&p| count(p) == best).unwrap()
        }
        Policy::PreferRole => {
            let best = answers.iter().map(|&(rank, _)| rank).min().unwrap();
            answers.iter().find(|&&(rank, _)| rank == best).unwrap().1
        }
        Policy::Split => unreachable!("split gives weights, not one answer"),
    }
}

/// The weight per code one unit contributes, written out from the documented rules.
fn unit_weights(
    codes: &Codes,
    policy: Option<Policy>,
    answers: &[(usize, Code)],
) -> Vec<(Code, f64)> {
    let Some(policy) = policy else {
        return answers.iter().map(|&(_, c)| (c, 1.0)).collect();
    };
    if policy == Policy::Split {
        let k = answers
            .iter()
            .filter(|(_, c)| codes.in_scale_base(*c))
            .count();
        if k > 0 {
            return codes
                .all()
                .into_iter()
                .filter(|&c| codes.in_scale_base(c))
                .map(|c| {
                    (
                        c,
                        answers.iter().filter(|a| a.1 == c).count() as f64 / k as f64,
                    )
                })
                .filter(|&(_, w)| w > 0.0)
                .collect();
        }
        return missing_rule(codes, answers)
            .map(|c| (c, 1.0))
            .into_iter()
            .collect();
    }
    let substantive: Vec<(usize, usize)> = answers
        .iter()
        .filter_map(|&(rank, c)| codes.position(c).map(|p| (rank, p)))
        .collect();
    if substantive.is_empty() {
        return missing_rule(codes, answers)
            .map(|c| (c, 1.0))
            .into_iter()
            .collect();
    }
    vec![(codes.categories[pick(policy, &substantive)], 1.0)]
}

/// One unit's `(role rank, code)` answers and its value of the breakdown attribute.
type UnitAnswers<'a> = (Vec<(usize, Code)>, Option<&'a str>);

/// The answers of instrument column `p` per unit of analysis, as `(role rank, code)` in input
/// order, with the unit's value of `attribute`.
fn units<'a>(
    inst: &Instrument,
    truth: &'a Truth,
    p: usize,
    unit: Unit,
    attribute: Option<Attribute>,
) -> Vec<UnitAnswers<'a>> {
    let roles = &inst.attributes().roles;
    let rank = |r: usize| {
        truth.roles[r]
            .as_deref()
            .and_then(|id| roles.iter().position(|l| l.id == id))
            .unwrap_or(roles.len())
    };
    let muni_attr = |m: usize| {
        let m = &truth.municipalities[m];
        match attribute {
            Some(Attribute::SizeClass) => m.size_class.as_deref(),
            Some(Attribute::Province) => m.province.as_deref(),
            _ => None,
        }
    };
    let codes = &truth.codes[p];
    match unit {
        Unit::Respondent => (0..codes.len())
            .map(|r| {
                let answer = (codes[r] != NO_ANSWER).then_some((rank(r), codes[r]));
                let value = match attribute {
                    Some(Attribute::Role) => truth.roles[r].as_deref(),
                    _ => muni_attr(truth.muni_of[r] as usize),
                };
                (answer.into_iter().collect(), value)
            })
            .collect(),
        Unit::Municipality => (0..truth.municipalities.len())
            .map(|m| {
                let answers = (0..codes.len())
                    .filter(|&r| truth.muni_of[r] as usize == m && codes[r] != NO_ANSWER)
                    .map(|r| (rank(r), codes[r]))
                    .collect();
                (answers, muni_attr(m))
            })
            .collect(),
    }
}

/// One unit's weight per code and its value of the breakdown attribute.
type UnitWeights<'a> = (Vec<(Code, f64)>, Option<&'a str>);

/// Expected base and weighted count per code of one item × group.
#[derive(Debug, Default)]
struct Cell {
    base: f64,
    counts: BTreeMap<Code, f64>,
}

/// A measure's setting: consolidation, base and breakdown.
struct Setting {
    policy: Option<Policy>,
    base: Base,
    by: Option<Breakdown>,
}

impl Setting {
    fn options(&self, inst: &Instrument, question: &str) -> Options {
        let rules = match self.policy {
            Some(p) => Rules::default().with(inst, question, p).unwrap(),
            None => Rules::default(),
        };
        Options {
            rules,
            by: self.by.clone(),
            base: self.base,
            ..Options::default()
        }
    }

    /// Group names with the attribute values each takes (`None`: every unit).
    fn groups(&self, inst: &Instrument) -> Vec<(String, Option<Vec<String>>)> {
        let mut out = vec![("all".to_string(), None)];
        let Some(by) = &self.by else { return out };
        if !by.groups.is_empty() {
            out.extend(by.groups.iter().map(|(g, m)| (g.clone(), Some(m.clone()))));
            return out;
        }
        let attrs = inst.attributes();
        let levels: Vec<String> = match by.attribute {
            Attribute::SizeClass => attrs.size_classes.iter().map(|c| c.id.clone()).collect(),
            Attribute::Province => attrs.provinces.iter().map(|l| l.id.clone()).collect(),
            Attribute::Role => attrs.roles.iter().map(|l| l.id.clone()).collect(),
        };
        out.extend(levels.into_iter().map(|l| (l.clone(), Some(vec![l]))));
        out
    }
}

/// The expected cells of column `p` per group under `setting`.
fn expected(
    inst: &Instrument,
    truth: &Truth,
    q: &Question,
    p: usize,
    setting: &Setting,
) -> BTreeMap<String, Cell> {
    let codes = Codes::of(inst.scale_of(q).unwrap());
    let attribute = setting.by.as_ref().map(|b| b.attribute);
    let per_unit: Vec<UnitWeights<'_>> = units(inst, truth, p, q.unit, attribute)
        .into_iter()
        .map(|(answers, value)| (unit_weights(&codes, setting.policy, &answers), value))
        .collect();
    let mut out = BTreeMap::new();
    for (group, members) in setting.groups(inst) {
        let mut cell = Cell::default();
        for (weights, value) in &per_unit {
            let inside = match &members {
                None => true,
                Some(m) => value.is_some_and(|v| m.iter().any(|x| x == v)),
            };
            for &(c, w) in weights.iter().filter(|_| inside) {
                *cell.counts.entry(c).or_default() += w;
                if codes.in_base(c, setting.base) {
                    cell.base += w;
                }
            }
        }
        out.insert(group, cell);
    }
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// The settings every coded question is measured under: each policy that applies, both bases,
/// and every breakdown the instrument's attribute levels allow (plus overlapping merged groups).
fn settings(inst: &Instrument, q: &Question) -> Vec<Setting> {
    let n_categories = inst.scale_of(q).unwrap().categories().len();
    let policies: Vec<Option<Policy>> = match q.unit {
        Unit::Respondent => vec![None],
        Unit::Municipality => Policy::ALL
            .into_iter()
            .filter(|&p| p != Policy::AnyYes || n_categories == 2)
            .map(Some)
            .collect(),
    };
    let attrs = inst.attributes();
    let mut breakdowns = vec![None];
    // An attribute without levels is left out: what it should give is defect 16 of issue 6.
    for (attribute, n_levels) in [
        (Attribute::SizeClass, attrs.size_classes.len()),
        (Attribute::Province, attrs.provinces.len()),
        (Attribute::Role, attrs.roles.len()),
    ] {
        if n_levels > 0 && (attribute != Attribute::Role || q.unit == Unit::Respondent) {
            breakdowns.push(Some(Breakdown::by(attribute)));
        }
    }
    if !attrs.size_classes.is_empty() {
        let ids: Vec<String> = attrs.size_classes.iter().map(|c| c.id.clone()).collect();
        let low = ids[..ids.len().div_ceil(2)].to_vec();
        let groups = IndexMap::from([("low".to_string(), low), ("every".to_string(), ids)]);
        breakdowns.push(Some(Breakdown {
            attribute: Attribute::SizeClass,
            groups,
        }));
    }
    let mut out = Vec::new();
    for &policy in &policies {
        for base in [Base::Scale, Base::Substantive] {
            for by in &breakdowns {
                out.push(Setting {
                    policy,
                    base,
                    by: by.clone(),
                });
            }
        }
    }
    out
}

fn coded_questions(inst: &Instrument) -> impl Iterator<Item = &Question> {
    inst.questions().values().filter(|q| q.scale_id().is_some())
}

/// The instrument column of a row's item.
fn column_of(inst: &Instrument, q: &Question, item: Option<&str>) -> usize {
    let name = item.map_or(q.id.clone(), |i| format!("{}.{i}", q.id));
    inst.column_position(&name).unwrap()
}

fn code_of(scale: &Scale, category: &str) -> Code {
    let substantive = scale
        .categories()
        .iter()
        .find(|c| c.id == category)
        .map(|c| c.code);
    substantive
        .or_else(|| {
            scale
                .missing()
                .iter()
                .find(|m| m.id == category)
                .map(|m| m.code)
        })
        .unwrap()
}

/// Checks a frequencies table row by row against the reference, and that each item × group's
/// in-base counts sum to its base and its printed percentages to 100.
fn check_frequencies(survey: &Survey, truth: &Truth, q: &Question, setting: &Setting) {
    let inst = survey.instrument();
    let scale = inst.scale_of(q).unwrap();
    let codes = Codes::of(scale);
    let table = frequencies(survey, &q.id, &setting.options(inst, &q.id)).unwrap();
    let mut cells: BTreeMap<(Option<String>, String), Vec<&doe_democratie::analysis::Row>> =
        BTreeMap::new();
    for row in &table.rows {
        cells
            .entry((row.item.clone(), row.group.clone()))
            .or_default()
            .push(row);
    }
    let n_items = q.items().len().max(1);
    let groups = setting.groups(inst);
    assert_eq!(
        cells.len(),
        n_items * groups.len(),
        "one cell per item and group"
    );
    let mut reference: BTreeMap<usize, BTreeMap<String, Cell>> = BTreeMap::new();
    for ((item, group), rows) in cells {
        let p = column_of(inst, q, item.as_deref());
        let want = reference
            .entry(p)
            .or_insert_with(|| expected(inst, truth, q, p, setting))
            .remove(&group)
            .unwrap();
        let at = format!("{} {item:?} {group}", q.id);
        assert_eq!(rows.len(), codes.all().len(), "{at}: one row per code");
        let mut sum = 0.0;
        let mut printed = 0;
        for row in &rows {
            let code = code_of(scale, &row.category);
            let count = want.counts.get(&code).copied().unwrap_or(0.0);
            assert!(
                close(row.count, count),
                "{at} {}: {} vs {count}",
                row.category,
                row.count
            );
            assert!(
                close(row.base, want.base),
                "{at}: base {} vs {}",
                row.base,
                want.base
            );
            // 'Weet niet' is in the base exactly when the base includes it.
            assert_eq!(
                row.in_base,
                codes.in_base(code, setting.base),
                "{at} {}",
                row.category
            );
            if row.in_base {
                sum += row.count;
            }
            match (row.in_base && row.base > 0.0, row.percentage, row.printed) {
                (true, Some(pct), Some(pr)) => {
                    assert!(close(pct, 100.0 * row.count / row.base), "{at}");
                    assert!(
                        (pr as f64 - pct).abs() < 1.0,
                        "{at}: printed {pr} for {pct}"
                    );
                    printed += pr;
                }
                (false, None, None) => {}
                other => panic!("{at} {}: percentage/printed {other:?}", row.category),
            }
        }
        assert!(
            close(sum, want.base),
            "{at}: in-base counts sum to {sum}, base {}",
            want.base
        );
        if want.base > 0.0 {
            assert_eq!(printed, 100, "{at}: printed row totals {printed}");
        }
    }
}

/// Checks the net shares of every net of the question's scale against the reference.
fn check_nets(survey: &Survey, truth: &Truth, q: &Question, setting: &Setting) {
    let inst = survey.instrument();
    let options = setting.options(inst, &q.id);
    for net in inst.scale_of(q).unwrap().nets() {
        let table = net_shares(survey, &q.id, &net.id, &options).unwrap();
        for row in &table.rows {
            let p = column_of(inst, q, row.item.as_deref());
            let want = expected(inst, truth, q, p, setting)
                .remove(&row.group)
                .unwrap();
            let count: f64 = net.codes.iter().filter_map(|c| want.counts.get(c)).sum();
            assert!(
                close(row.count, count) && close(row.base, want.base),
                "{} {row:?}",
                net.id
            );
            assert!(row.count <= row.base + 1e-9);
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn category_counts_sum_to_the_base_under_every_setting((inst, g) in survey_case(6, 24)) {
        let survey = g.read_json(&inst);
        for q in coded_questions(&inst) {
            for setting in settings(&inst, q) {
                check_frequencies(&survey, &g.truth, q, &setting);
                check_nets(&survey, &g.truth, q, &setting);
            }
            // A municipality-level answer has no single role.
            if q.unit == Unit::Municipality {
                let by_role = Options { by: Some(Breakdown::by(Attribute::Role)), ..Options::default() };
                assert!(frequencies(&survey, &q.id, &by_role).is_err());
            }
        }
    }
}

// =============================================================================================
// 'Weet niet' outside the base: blanking it changes no base and no in-base count

/// The input with every answer that the scale keeps out of the base left empty.
fn without_excluded_missing(inst: &Instrument, g: &Generated) -> Generated {
    let mut out = g.clone();
    let positions: Vec<Option<usize>> = g.header.iter().map(|h| inst.column_position(h)).collect();
    for (r, row) in out.rows.iter_mut().enumerate() {
        for (cell, p) in row.iter_mut().zip(&positions) {
            let Some(p) = *p else { continue };
            let q = &inst.questions()[inst.columns()[p].question];
            let Some(scale) = inst.scale_of(q) else {
                continue;
            };
            let code = g.truth.codes[p][r];
            if code != NO_ANSWER && !Codes::of(scale).in_scale_base(code) {
                *cell = Out::Empty;
                out.truth.codes[p][r] = NO_ANSWER;
            }
        }
    }
    out
}

type InBase = BTreeMap<(Option<String>, String, String), (f64, f64)>;

/// `(item, group, category)` → `(count, base)` of the rows in the base.
fn in_base_rows(survey: &Survey, q: &Question, options: &Options) -> InBase {
    let table = frequencies(survey, &q.id, options).unwrap();
    table
        .rows
        .into_iter()
        .filter(|r| r.in_base)
        .map(|r| ((r.item, r.group, r.category), (r.count, r.base)))
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn weet_niet_outside_the_base_never_enters_it((inst, g) in survey_case(6, 24)) {
        let survey = g.read_csv(&inst, b';');
        let blanked = without_excluded_missing(&inst, &g);
        let blanked_survey = blanked.read_csv(&inst, b';');
        assert_matches_truth(&blanked_survey, &blanked.truth);
        for q in coded_questions(&inst) {
            let scale = inst.scale_of(q).unwrap();
            let in_base_missing = scale.missing().iter().any(|m| m.in_base);
            for setting in settings(&inst, q) {
                // The single-answer policies' missing rule takes the most frequent missing code,
                // so an excluded code can outvote an included one: left out here by design.
                let split_or_none = matches!(setting.policy, None | Some(Policy::Split));
                if setting.base != Base::Scale || (in_base_missing && !split_or_none) {
                    continue;
                }
                let options = setting.options(&inst, &q.id);
                assert_eq!(
                    in_base_rows(&survey, q, &options),
                    in_base_rows(&blanked_survey, q, &options),
                    "{} {:?}", q.id, setting.policy
                );
            }
        }
    }
}

// =============================================================================================
// Consolidation

/// The policies that can consolidate column `p`.
fn policies_for(inst: &Instrument, p: usize) -> Vec<Policy> {
    let col = &inst.columns()[p];
    let two = match col.kind {
        ColumnKind::Flag => true,
        _ => {
            let q = &inst.questions()[col.question];
            inst.scale_of(q).unwrap().categories().len() == 2
        }
    };
    Policy::ALL
        .into_iter()
        .filter(|&p| p != Policy::AnyYes || two)
        .collect()
}

fn entries(
    survey: &Survey,
    groups: &Groups,
    p: usize,
    policy: Option<Policy>,
) -> Vec<(u32, Code, f64)> {
    consolidate_with_groups(survey, groups, p, policy)
        .unwrap()
        .iter()
        .collect()
}

/// The input with every row repeated (1–3 times in all) under new respondent ids: each
/// municipality's respondents then all give the same answers.
fn repeated_rows(g: &Generated) -> Generated {
    let id = g.header.iter().position(|h| h == "respondent_id").unwrap();
    let mut out = g.clone();
    out.rows.clear();
    out.omit_empty.clear();
    for (r, row) in g.rows.iter().enumerate() {
        for j in 0..=r % 3 {
            let mut copy = row.clone();
            copy[id] = Out::Str(format!("copy{j}_of_{r}"));
            out.rows.push(copy);
            out.omit_empty.push(g.omit_empty[r]);
        }
    }
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn single_respondent_municipalities_consolidate_to_their_answers((inst, g) in single_respondent_case()) {
        let survey = g.read_json(&inst);
        assert_eq!(survey.n_municipalities(), survey.n_respondents());
        let groups = Groups::of(&survey).unwrap();
        let repeated = repeated_rows(&g).read_csv(&inst, b',');
        assert_eq!(repeated.n_municipalities(), survey.n_municipalities());
        let repeated_groups = Groups::of(&repeated).unwrap();
        for (p, col) in inst.columns().iter().enumerate() {
            if col.kind == ColumnKind::Text {
                continue;
            }
            // Municipality m is respondent m.
            let answers: Vec<(u32, Code, f64)> = g.truth.codes[p]
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c != NO_ANSWER)
                .map(|(r, &c)| (r as u32, c, 1.0))
                .collect();
            assert_eq!(entries(&survey, &groups, p, None), answers, "{} per respondent", col.name);
            for policy in policies_for(&inst, p) {
                let w = consolidate_with_groups(&survey, &groups, p, Some(policy)).unwrap();
                assert_eq!((w.unit, w.n_units), (Unit::Municipality, answers.len()));
                assert_eq!(w.iter().collect::<Vec<_>>(), answers, "{} {policy}", col.name);
                // Respondents who agree consolidate to their common answer, too.
                let agreeing = entries(&repeated, &repeated_groups, p, Some(policy));
                assert_eq!(agreeing, answers, "{} {policy}, repeated rows", col.name);
            }
        }
    }

    #[test]
    fn split_weights_per_municipality_sum_to_one((inst, g) in survey_case(4, 30)) {
        let survey = g.read_csv(&inst, b',');
        let groups = Groups::of(&survey).unwrap();
        for (p, col) in inst.columns().iter().enumerate() {
            let codes = match col.kind {
                ColumnKind::Text => continue,
                ColumnKind::Flag => Codes::flags(),
                ColumnKind::Coded => Codes::of(inst.scale_of(&inst.questions()[col.question]).unwrap()),
            };
            let w = consolidate_position(&survey, p, Some(Policy::Split)).unwrap();
            assert_eq!(w.iter().collect::<Vec<_>>(), entries(&survey, &groups, p, Some(Policy::Split)));
            let mut by_unit: BTreeMap<u32, Vec<(Code, f64)>> = BTreeMap::new();
            for (u, c, weight) in w.iter() {
                by_unit.entry(u).or_default().push((c, weight));
            }
            assert!(w.units.windows(2).all(|u| u[0] <= u[1]), "entries ordered by unit");
            assert_eq!(w.n_units, by_unit.len());
            for (m, entries) in &by_unit {
                let at = format!("{} municipality {m}: {entries:?}", col.name);
                let distinct: BTreeSet<Code> = entries.iter().map(|e| e.0).collect();
                assert_eq!(distinct.len(), entries.len(), "{at}");
                if entries.iter().any(|&(c, _)| codes.in_scale_base(c)) {
                    assert!(entries.iter().all(|&(c, _)| codes.in_scale_base(c)), "{at}");
                    // Summed in order, as any consumer adds them: exactly 1.
                    let total = entries.iter().fold(0.0, |acc, e| acc + e.1);
                    assert_eq!(total, 1.0, "{at}");
                    assert!(entries.iter().all(|e| e.1 > 0.0), "{at}");
                } else {
                    assert_eq!(entries.len(), 1, "{at}");
                    assert_eq!(entries[0].1, 1.0, "{at}");
                }
            }
        }
    }
}

// =============================================================================================
// Largest remainder

proptest! {
    #![proptest_config(config())]

    #[test]
    fn largest_remainder_rows_total_exactly_100(
        parts in vec(0u32..400, 1..9),
        k in 1u32..=12,
    ) {
        // Counts in k-ths, as split consolidation makes them (thirds and sevenths are inexact).
        let counts: Vec<f64> = parts.iter().map(|&a| f64::from(a) / f64::from(k)).collect();
        let base: f64 = counts.iter().sum();
        prop_assume!(base > 0.0);
        let exact: Vec<f64> = counts.iter().map(|&c| 100.0 * c / base).collect();
        let printed = largest_remainder(&exact, 100);
        assert_eq!(printed.iter().sum::<i64>(), 100, "{exact:?} → {printed:?}");
        for (p, x) in printed.iter().zip(&exact) {
            assert!((*p as f64 - x).abs() < 1.0, "{exact:?} → {printed:?}");
        }
    }
}

// =============================================================================================
// Save → load round trips

fn assert_instrument_round_trips(inst: &Instrument) {
    let text = inst.to_json();
    let back = Instrument::from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(&back, inst);
    assert_eq!(back.to_json(), text);
    assert_eq!(back.columns(), inst.columns());
    let compact = serde_json::to_string(inst).unwrap();
    assert_eq!(&serde_json::from_str::<Instrument>(&compact).unwrap(), inst);
}

#[test]
fn the_built_in_instrument_round_trips_exactly() {
    let inst = Instrument::doe_democratie_2013();
    assert_instrument_round_trips(&inst);
    let path = std::env::temp_dir().join(format!("dd_props_{}.json", std::process::id()));
    inst.save_json(&path).unwrap();
    let back = Instrument::from_json_path(&path);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(back.unwrap(), inst);
}

fn assert_survey_round_trips(survey: &Survey) {
    let text = serde_json::to_string(survey).unwrap();
    let back: Survey = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(&back, survey);
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
    assert_eq!(back.item_summary(), survey.item_summary());
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn instruments_round_trip_exactly(inst in instrument()) {
        assert_instrument_round_trips(&inst);
    }

    #[test]
    fn surveys_round_trip_exactly((inst, g) in survey_case(6, 24)) {
        let survey = g.read_json(&inst);
        assert_survey_round_trips(&survey);
        // A lenient read keeps its problems, and they round-trip too.
        let mut with_unknown = g.clone();
        with_unknown.header.push("not_a_column".into());
        for row in &mut with_unknown.rows {
            row.push(Out::Str("x".into()));
        }
        let lenient =
            Survey::read_csv_str(&with_unknown.csv(b','), &inst, &ReadOptions::lenient()).unwrap();
        assert_eq!(lenient.validation_report().len(), 1);
        assert_eq!(lenient.responses(), survey.responses());
        assert_survey_round_trips(&lenient);
    }
}

/// A CSV text of 1–4 columns: records of short fields (some blank or spaces only), some ragged,
/// some blank lines, joined by `\n`, `\r\n` or `\r`; long enough to be cut into parallel pieces
/// when `repeat` is large.
fn csv_text() -> impl Strategy<Value = (Vec<String>, String, usize)> {
    (1usize..=4)
        .prop_flat_map(|width| {
            let field = string_regex("[a-z0-9 ;.é]{0,4}").expect("valid regex");
            let record = vec(field, 0..=width + 1);
            (
                Just(width),
                vec(record, 0..12),
                prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
                prop_oneof![Just(1usize), Just(40_000usize)],
            )
        })
        .prop_map(|(width, records, eol, repeat)| {
            let names: Vec<String> = (0..width).map(|j| format!("c{j}")).collect();
            let body: Vec<String> = records.iter().map(|r| r.join(",")).collect();
            let body = body.join(eol) + eol;
            let text = format!("{}{eol}{}", names.join(","), body.repeat(repeat));
            (names, text, repeat)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Quote-free CSV is read by the parallel splitter, CSV with a quote by the csv crate: both
    /// give the same names, records, line numbers, cells and problems (quoting the first header
    /// name changes nothing else).
    #[test]
    fn quote_free_csv_reads_as_the_csv_crate_reads_it((names, text, _repeat) in csv_text()) {
        use doe_democratie::data::{parse_csv, Limits};
        let quoted = text.replacen(&names[0], &format!("\"{}\"", names[0]), 1);
        let limits = Limits { max_input_bytes: u64::MAX, ..Limits::default() };
        let fast = parse_csv(&text, "t.csv", Some(b','), &limits);
        let slow = parse_csv(&quoted, "t.csv", Some(b','), &limits);
        let (fast, slow) = match (fast, slow) {
            (Ok(f), Ok(s)) => (f, s),
            (f, s) => {
                prop_assert_eq!(f.err().map(|e| e.to_string()), s.err().map(|e| e.to_string()));
                return Ok(());
            }
        };
        prop_assert_eq!(fast.names(), slow.names());
        prop_assert_eq!(fast.len(), slow.len());
        prop_assert_eq!(fast.problems(), slow.problems());
        for r in 0..fast.len() {
            prop_assert_eq!(fast.row(r), slow.row(r), "record {}", r);
            for j in 0..names.len() {
                prop_assert_eq!(fast.cell(j, r), slow.cell(j, r), "record {} column {}", r, j);
            }
        }
    }
}
