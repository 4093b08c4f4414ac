//! The response export (CSV with answer codes and question-code headings) translated to the
//! draft's columns and category ids, then validated like any respondent file.
//!
//! Every column is accounted for: the respondent id and municipality columns the caller names;
//! the columns of the drafted questions (`Q1`, `Q1[SQ001]` or `Q1_SQ001`, `Q1[other]`); the
//! fields LimeSurvey adds itself ([`LIMESURVEY_FIELDS`], participant attributes `attribute_<n>`,
//! timings `groupTime<n>` and `<code>Time`) and the columns of questions the draft left out, which
//! are skipped by name. Anything else is an `unknown_column` problem.

use super::draft::{Draft, Target};
use super::LimeSurvey;
use crate::data::options::same_header;
use crate::data::IgnoreColumns;
use crate::data::{
    parse_csv, Cell, Problem, ProblemKind, RawTable, ReadOptions, RecordsBuilder, Survey,
    ValidationReport,
};
use crate::error::{Error, Result};
use crate::instrument::Instrument;

/// Columns of a response export that LimeSurvey writes itself (response and participant
/// fields): skipped unless named as the respondent id or municipality column.
pub const LIMESURVEY_FIELDS: [&str; 28] = [
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "token",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
    "interviewtime",
    "tid",
    "participant_id",
    "firstname",
    "lastname",
    "email",
    "emailstatus",
    "language",
    "blacklisted",
    "sent",
    "remindersent",
    "remindercount",
    "completed",
    "usesleft",
    "validfrom",
    "validuntil",
    "mpid",
    "optout",
];

/// How to read a LimeSurvey response export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseOptions {
    /// The column that holds the municipality (a CBS code such as `GM0363`, or a name): a
    /// question code such as `GEM` or a participant attribute such as `attribute_1`. LimeSurvey
    /// itself knows no municipalities.
    pub municipality_column: String,
    /// The column that holds the respondent id; default `id`, LimeSurvey's response id.
    pub respondent_id_column: String,
    /// Strict or lenient, the delimiter (`None`: `,` or `;` from the header) and the limits.
    pub read: ReadOptions,
}

impl ResponseOptions {
    /// Strict reading, the respondent id from `id`, the municipality from `municipality_column`.
    pub fn new(municipality_column: impl Into<String>) -> Self {
        ResponseOptions {
            municipality_column: municipality_column.into(),
            respondent_id_column: "id".into(),
            read: ReadOptions::default(),
        }
    }
}

/// Where the columns of the export go: input column index and target.
struct Layout<'d> {
    id: usize,
    municipality: usize,
    answers: Vec<(usize, &'d Target)>,
    /// Unknown columns that `ignore_columns` names: passed on as they are, so that validation
    /// leaves them out (and lists them under `IgnoreColumns::Unknown`) like any file's.
    passed: Vec<usize>,
}

pub(super) fn read(
    ls: &LimeSurvey,
    text: &str,
    source: &str,
    instrument: &Instrument,
    options: &ResponseOptions,
) -> Result<Survey> {
    let raw = parse_csv(text, source, options.read.delimiter, &options.read.limits)?;
    let draft = Draft::of(ls);
    let mut problems = raw.problems().to_vec();
    let layout = layout(ls, &raw, &draft, options, &mut problems)?;
    let mut builder = RecordsBuilder::new(source, options.read.limits);
    for r in 0..raw.len() {
        builder.begin(raw.row(r));
        let own = |j: usize| raw.cell(j, r).to_cell();
        builder.push("respondent_id", own(layout.id))?;
        builder.push("municipality", own(layout.municipality))?;
        for &j in &layout.passed {
            if let Some(name) = raw.names().get(j) {
                builder.push(name, own(j))?;
            }
        }
        let picked = picked(&raw, r, &layout, draft.groups);
        for &(j, target) in &layout.answers {
            let (column, cell) = translate(&raw, r, j, target, &draft, &picked, &mut problems);
            builder.push(column, cell)?;
        }
        builder.end();
    }
    let table = builder.finish().with_problems_first(problems);
    Survey::from_table(table, instrument, &options.read)
}

/// The layout of the export's header; a missing id or municipality column fails at once.
fn layout<'d>(
    ls: &LimeSurvey,
    raw: &RawTable,
    draft: &'d Draft,
    options: &ResponseOptions,
    problems: &mut Vec<Problem>,
) -> Result<Layout<'d>> {
    let names: Vec<&str> = raw.names().iter().map(|n| n.trim()).collect();
    let find = |name: &str, option: &str| {
        names.iter().position(|n| *n == name).ok_or_else(|| {
            let p = Problem::new(
                ProblemKind::MissingColumn,
                raw.source(),
                Some(1),
                Some(name),
                None,
                format!(
                    "the response export has no column '{name}' ({option}); export the \
                     responses with question codes as headings"
                ),
            );
            Error::Validation(ValidationReport::new(vec![p]))
        })
    };
    let id = find(&options.respondent_id_column, "respondent_id_column")?;
    let municipality = find(&options.municipality_column, "municipality_column")?;
    let (mut answers, mut passed) = (Vec::new(), Vec::new());
    for (j, name) in names.iter().enumerate() {
        if let Some(targets) = draft.headers.get(*name) {
            answers.extend(targets.iter().map(|t| (j, t)));
        } else if j == id || j == municipality || skipped(ls, draft, name) {
            continue;
        } else if ignored(name, &options.read.ignore_columns) {
            passed.push(j);
        } else {
            problems.push(Problem::new(
                ProblemKind::UnknownColumn,
                raw.source(),
                Some(1),
                Some(name),
                Some(name),
                unknown_column(ls, name),
            ));
        }
    }
    Ok(Layout {
        id,
        municipality,
        answers,
        passed,
    })
}

/// Whether the reading options leave the unknown column `name` out.
fn ignored(name: &str, ignore: &IgnoreColumns) -> bool {
    match ignore {
        IgnoreColumns::Unknown => true,
        IgnoreColumns::Listed(names) => names.iter().any(|n| same_header(name, n)),
        IgnoreColumns::None => false,
    }
}

/// Whether a column is one LimeSurvey adds itself, or one of a question the draft left out.
fn skipped(ls: &LimeSurvey, draft: &Draft, name: &str) -> bool {
    let numbered = |prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let of_question = |code: &str| {
        name == code
            || name.strip_prefix(code).is_some_and(|rest| {
                rest.starts_with('[') || rest.starts_with('_') || rest == "Time"
            })
    };
    LIMESURVEY_FIELDS.contains(&name)
        || numbered("attribute_")
        || numbered("groupTime")
        || draft.skipped.iter().any(|code| of_question(code))
        || ls
            .questions
            .iter()
            .any(|q| name.strip_suffix("Time") == Some(q.code.as_str()))
}

fn unknown_column(ls: &LimeSurvey, name: &str) -> String {
    let part = name
        .split_once('[')
        .and_then(|(code, rest)| Some((code, rest.strip_suffix(']')?)))
        .filter(|(code, _)| ls.questions.iter().any(|q| q.code == *code));
    match part {
        Some((code, sub)) => format!(
            "LimeSurvey question {code} has no subquestion or field '{sub}' in the structure {}",
            ls.source
        ),
        None => format!(
            "no question of the LimeSurvey structure {} has this code, and LimeSurvey adds no \
             such field; export the responses with question codes as headings",
            ls.source
        ),
    }
}

/// For each multi-select question: whether respondent `r` picked any of its options (or wrote
/// an 'other'). LimeSurvey leaves an unticked box empty, as it leaves an unanswered question:
/// only a respondent who ticked something has answered 'no' to the boxes left empty.
fn picked(raw: &RawTable, r: usize, layout: &Layout<'_>, groups: usize) -> Vec<bool> {
    let mut picked = vec![false; groups];
    for &(j, target) in &layout.answers {
        let text = raw.cell(j, r).as_text();
        let text = text.as_deref().map(str::trim);
        let (group, yes) = match target {
            Target::Flag { group, .. } => (*group, text.is_some_and(is_yes)),
            Target::OtherFlag { group, .. } => (*group, text.is_some_and(|t| !t.is_empty())),
            _ => continue,
        };
        if let Some(p) = picked.get_mut(group) {
            *p |= yes;
        }
    }
    picked
}

fn is_yes(text: &str) -> bool {
    text.eq_ignore_ascii_case("y") || text == "1"
}

/// The draft column and cell of input column `j` in record `r`; a value that is no answer code
/// becomes an empty cell and a problem that names the export's own column and value.
fn translate<'d>(
    raw: &RawTable,
    r: usize,
    j: usize,
    target: &'d Target,
    draft: &Draft,
    picked: &[bool],
    problems: &mut Vec<Problem>,
) -> (&'d str, Cell) {
    let value = raw.cell(j, r).as_text();
    let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty());
    let flag = |yes: bool, group: usize| match (yes, picked.get(group)) {
        (true, _) => Cell::Text("1".into()),
        (false, Some(true)) => Cell::Text("0".into()),
        (false, _) => Cell::Empty,
    };
    let mut refuse = |message: String| {
        let name = raw.names().get(j).map(String::as_str);
        let p = Problem::new(
            ProblemKind::InvalidCode,
            raw.source(),
            Some(raw.row(r)),
            name,
            value,
            message,
        );
        problems.push(p);
        Cell::Empty
    };
    match target {
        Target::Coded { column, codes } => {
            let map = draft.code_maps.get(*codes);
            let cell = match (value, map) {
                (None, _) | (_, None) => Cell::Empty,
                (Some(v), Some(map)) => match map.id(v) {
                    Some(id) => Cell::Text(id.to_string()),
                    None => refuse(format!(
                        "not an answer code of LimeSurvey question {}; its codes are {}",
                        map.question,
                        map.ids
                            .iter()
                            .map(|(c, _)| c.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                },
            };
            (column, cell)
        }
        Target::Flag { column, group } => match value {
            None => (column, flag(false, *group)),
            Some(v) if is_yes(v) => (column, flag(true, *group)),
            Some(v) if v.eq_ignore_ascii_case("n") || v == "0" => (column, Cell::Text("0".into())),
            Some(_) => (
                column,
                refuse("a multiple-choice cell is Y (ticked), N or empty".into()),
            ),
        },
        Target::OtherFlag { column, group } => (column, flag(value.is_some(), *group)),
        Target::Text { column } => (
            column,
            value.map_or(Cell::Empty, |v| Cell::Text(v.to_string())),
        ),
    }
}
