//! A [`LimeSurvey`] as an instrument draft, with the map from the response export's columns and
//! answer codes to the draft's.
//!
//! The draft is written in the instrument's JSON form and read back with serde, so it passes the
//! same rules as an instrument file. Ids are the LimeSurvey codes in lower case (`Q1` → `q1`,
//! `SQ001` → `sq001`, answer `A1` → `a1`); an answer code of digits only gets the prefix `code_`
//! (`1` → `code_1`), because a category id that is a number would be read as a code.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Value};

use super::text::{as_number, clean, id_of, key, unique};
use super::{LimeOption, LimeQuestion, LimeSurvey, NotConverted};
use crate::error::{Error, Result};
use crate::instrument::{Code, Instrument, ATTRIBUTE_COLUMNS, INSTRUMENT_FORMAT};

/// Where a column of the response export goes.
#[derive(Debug, Clone)]
pub(super) enum Target {
    /// A coded column (grid item, single choice); its answer codes are read with `codes`.
    Coded { column: String, codes: usize },
    /// A multi-select option of multi-select question `group`: `Y` is picked.
    Flag { column: String, group: usize },
    /// The 'other' text of multi-select question `group`: any text picks its option `other`.
    OtherFlag { column: String, group: usize },
    /// Free text.
    Text { column: String },
}

/// The answer codes of one LimeSurvey question and the category id each becomes.
#[derive(Debug, Clone)]
pub(super) struct CodeMap {
    /// The LimeSurvey question code.
    pub(super) question: String,
    /// The answer codes in order, with their category ids.
    pub(super) ids: Vec<(String, String)>,
}

impl CodeMap {
    pub(super) fn id(&self, code: &str) -> Option<&str> {
        self.ids
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, id)| id.as_str())
    }
}

/// An answer option or subquestion, labelled: `code` as in LimeSurvey.
struct Opt {
    code: String,
    nl: String,
    en: String,
}

/// What a question becomes.
enum Plan {
    Grid { items: Vec<Opt>, scale: Vec<Opt> },
    Single { scale: Vec<Opt> },
    Multi { options: Vec<Opt> },
    Open,
}

/// The converted questions and scales, what was left out, and how responses map onto them.
#[derive(Default)]
pub(super) struct Draft {
    questions: Vec<Value>,
    scales: Vec<Value>,
    pub(super) not_converted: Vec<NotConverted>,
    /// Response-export heading → where its cells go.
    pub(super) headers: HashMap<String, Vec<Target>>,
    pub(super) code_maps: Vec<CodeMap>,
    /// Number of multi-select questions (the `group` of [`Target::Flag`]).
    pub(super) groups: usize,
    /// Codes of the questions left out: their response columns are skipped.
    pub(super) skipped: HashSet<String>,
    /// Every question code of the structure.
    codes: HashSet<String>,
    used_ids: HashSet<String>,
}

impl Draft {
    pub(super) fn of(ls: &LimeSurvey) -> Draft {
        let mut draft = Draft {
            // A question may not take the name of an attribute column.
            used_ids: ATTRIBUTE_COLUMNS.iter().map(|c| c.to_string()).collect(),
            codes: ls.questions.iter().map(|q| q.code.clone()).collect(),
            ..Draft::default()
        };
        for q in &ls.questions {
            match plan(ls, q) {
                Ok(plan) => draft.add(ls, q, plan),
                Err(reason) => {
                    draft.skipped.insert(q.code.clone());
                    draft.not_converted.push(NotConverted {
                        code: q.code.clone(),
                        question_type: q.question_type.clone(),
                        reason,
                    });
                }
            }
        }
        draft
    }

    /// The draft as an instrument (read through its JSON form, so every rule is checked).
    pub(super) fn instrument(self, ls: &LimeSurvey) -> Result<Instrument> {
        let sid = ls.survey_id.as_deref().unwrap_or("");
        let (title_nl, title_en) = ls.labels(&ls.titles, &format!("LimeSurvey {sid}"));
        let id = match id_of(sid) {
            s if s.is_empty() => "limesurvey".to_string(),
            s => format!("limesurvey_{s}"),
        };
        let spec = json!({
            "format": INSTRUMENT_FORMAT,
            "id": id,
            "title_nl": title_nl.trim(),
            "title_en": title_en.trim(),
            "scales": self.scales,
            "questions": self.questions,
        });
        serde_json::from_value(spec).map_err(|e| {
            Error::instrument(
                format!("the draft of LimeSurvey structure {}", ls.source),
                e.to_string(),
            )
        })
    }

    fn add(&mut self, ls: &LimeSurvey, q: &LimeQuestion, plan: Plan) {
        let id = unique(id_of(&q.code), "question", &mut self.used_ids);
        let (text_nl, text_en) = ls.labels(&q.texts, &q.code);
        // Only lists and multiple choice have 'other'; a stray `other = Y` elsewhere is ignored.
        let other = match q.other {
            true if matches!(plan, Plan::Single { .. } | Plan::Multi { .. }) => {
                Some(fixed_label(ls, "Anders", "Other"))
            }
            _ => None,
        };
        let kind = match plan {
            Plan::Grid { items, scale } => {
                let (scale, codes) = self.scale(q, &id, &scale, None);
                let specs = item_specs(&items);
                for (opt, item) in items.iter().zip(&specs) {
                    let column = format!("{id}.{}", item["id"].as_str().unwrap_or(""));
                    self.head(&q.code, Some(&opt.code), Target::Coded { column, codes });
                }
                json!({"kind": "grid", "scale": scale, "items": specs})
            }
            Plan::Single { scale } => {
                let (scale, codes) = self.scale(q, &id, &scale, other.clone());
                let column = id.clone();
                self.head(&q.code, None, Target::Coded { column, codes });
                json!({"kind": "single_choice", "scale": scale})
            }
            Plan::Multi { options } => self.multi(q, &id, options, other.clone()),
            Plan::Open => {
                let column = id.clone();
                self.head(&q.code, None, Target::Text { column });
                json!({"kind": "open_text"})
            }
        };
        let mut spec = json!({
            "id": id, "text_nl": text_nl, "text_en": text_en, "unit": "respondent",
        });
        if let (Value::Object(spec), Value::Object(kind)) = (&mut spec, kind) {
            spec.extend(kind);
        }
        self.questions.push(spec);
        if other.is_some() {
            self.other_text(q, &id, &text_nl, &text_en);
        }
    }

    /// A multi-select question; with 'other', its option `other` is picked by any text in the
    /// `[other]` column.
    fn multi(
        &mut self,
        q: &LimeQuestion,
        id: &str,
        mut options: Vec<Opt>,
        other: Option<(String, String)>,
    ) -> Value {
        let group = self.groups;
        self.groups += 1;
        let n = options.len();
        if let Some((nl, en)) = other {
            let code = "other".to_string();
            options.push(Opt { code, nl, en });
        }
        let specs = item_specs(&options);
        for (i, (opt, item)) in options.iter().zip(&specs).enumerate() {
            let column = format!("{id}.{}", item["id"].as_str().unwrap_or(""));
            let target = if i < n {
                Target::Flag { column, group }
            } else {
                Target::OtherFlag { column, group }
            };
            self.head(&q.code, Some(&opt.code), target);
        }
        json!({"kind": "multi_select", "options": specs})
    }

    /// The open question `<id>_other` for the text of 'other', fed by the `[other]` column.
    fn other_text(&mut self, q: &LimeQuestion, id: &str, text_nl: &str, text_en: &str) {
        let other = unique(format!("{id}_other"), "other", &mut self.used_ids);
        self.questions.push(json!({
            "id": other,
            "text_nl": format!("{text_nl} (anders, namelijk)"),
            "text_en": format!("{text_en} (other)"),
            "unit": "respondent",
            "kind": "open_text",
        }));
        self.head(&q.code, Some("other"), Target::Text { column: other });
    }

    /// Registers the headings of a column: `CODE`, or `CODE[SUB]` and the older `CODE_SUB`.
    fn head(&mut self, code: &str, sub: Option<&str>, target: Target) {
        let Some(sub) = sub else {
            self.headers
                .entry(code.to_string())
                .or_default()
                .push(target);
            return;
        };
        let underscore = format!("{code}_{sub}");
        // LimeSurvey codes have no `_` today; should a question be called `Q1_SQ001`, its own
        // column keeps the heading.
        if !self.codes.contains(&underscore) {
            let targets = self.headers.entry(underscore).or_default();
            targets.push(target.clone());
        }
        let bracket = format!("{code}[{sub}]");
        self.headers.entry(bracket).or_default().push(target);
    }

    /// The scale of `options` (an equal scale drafted before is reused) and its code map.
    fn scale(
        &mut self,
        q: &LimeQuestion,
        id: &str,
        options: &[Opt],
        other: Option<(String, String)>,
    ) -> (String, usize) {
        let (categories, missing, ids) = categories(options, other);
        let same = self.scales.iter().find(|s| {
            s["categories"] == Value::Array(categories.clone())
                && s["missing"] == Value::Array(missing.clone())
        });
        let scale_id = match same.and_then(|s| s["id"].as_str()) {
            Some(existing) => existing.to_string(),
            None => {
                self.scales.push(json!({
                    "id": id,
                    "label_en": format!("Answer options of LimeSurvey question {}", q.code),
                    "categories": categories,
                    "missing": missing,
                }));
                id.to_string()
            }
        };
        self.code_maps.push(CodeMap {
            question: q.code.clone(),
            ids,
        });
        (scale_id, self.code_maps.len() - 1)
    }
}

/// What a question becomes, or why it is left out.
fn plan(ls: &LimeSurvey, q: &LimeQuestion) -> std::result::Result<Plan, String> {
    let t = q.question_type.as_str();
    let subs = || labelled(ls, &q.subquestions);
    let answers = || labelled(ls, &q.answers);
    let numbers = |n: u16| -> Vec<Opt> {
        (1..=n)
            .map(|i| Opt {
                code: i.to_string(),
                nl: i.to_string(),
                en: i.to_string(),
            })
            .collect()
    };
    let need = |opts: Vec<Opt>, what: &str| {
        if opts.is_empty() {
            Err(format!("type {t} ({}) without {what}", type_name(t)))
        } else {
            Ok(opts)
        }
    };
    Ok(match t {
        "F" | "H" => Plan::Grid {
            items: need(subs(), "subquestions")?,
            scale: need(answers(), "answer options")?,
        },
        "A" | "B" => Plan::Grid {
            items: need(subs(), "subquestions")?,
            scale: numbers(if t == "A" { 5 } else { 10 }),
        },
        "L" | "!" if q.other => Plan::Single { scale: answers() },
        "L" | "!" => Plan::Single {
            scale: need(answers(), "answer options")?,
        },
        "5" => Plan::Single { scale: numbers(5) },
        "Y" => {
            let (ja, yes) = fixed_label(ls, "Ja", "Yes");
            let (nee, no) = fixed_label(ls, "Nee", "No");
            let opt = |code: &str, nl, en| Opt {
                code: code.into(),
                nl,
                en,
            };
            Plan::Single {
                scale: vec![opt("Y", ja, yes), opt("N", nee, no)],
            }
        }
        "M" => Plan::Multi {
            options: need(subs(), "subquestions")?,
        },
        "S" | "T" | "U" => Plan::Open,
        _ => {
            return Err(format!(
                "type {t} ({}) has no counterpart in an instrument; add it by hand if needed",
                type_name(t)
            ))
        }
    })
}

/// The options of the first scale, labelled in the draft's languages.
fn labelled(ls: &LimeSurvey, options: &[LimeOption]) -> Vec<Opt> {
    options
        .iter()
        .filter(|o| o.scale == 0)
        .map(|o| {
            let (nl, en) = ls.labels(&o.texts, &o.code);
            Opt {
                code: o.code.clone(),
                nl,
                en,
            }
        })
        .collect()
}

/// A fixed label: Dutch when the draft's language is Dutch, else English; and English.
fn fixed_label(ls: &LimeSurvey, nl: &str, en: &str) -> (String, String) {
    let dutch = ls.language == "nl" || ls.language.starts_with("nl-");
    let first = if dutch { nl } else { en };
    (first.to_string(), en.to_string())
}

/// Items (grid rows, multi-select options) with unique ids from their codes.
fn item_specs(options: &[Opt]) -> Vec<Value> {
    let mut used = HashSet::new();
    options
        .iter()
        .map(|o| {
            json!({
                "id": unique(id_of(&o.code), "item", &mut used),
                "label_nl": o.nl,
                "label_en": o.en,
            })
        })
        .collect()
}

/// The categories and missing codes of a scale, and each LimeSurvey code's category id.
///
/// Codes: the number in the LimeSurvey code when every code of the question is a whole number
/// below 65535 (and no two are the same number), else 1, 2, … in sort order; 'other' (`-oth-`)
/// comes last. An option labelled 'weet niet', 'geen mening', 'n.v.t.' or the like becomes a
/// missing code outside the base (unless no other option is left).
fn categories(
    options: &[Opt],
    other: Option<(String, String)>,
) -> (Vec<Value>, Vec<Value>, Vec<(String, String)>) {
    let numbers: Vec<Option<u64>> = options.iter().map(|o| as_number(&o.code)).collect();
    let distinct: HashSet<u64> = numbers.iter().flatten().copied().collect();
    let numeric = numbers
        .iter()
        .all(|n| n.is_some_and(|n| n < u64::from(Code::MAX)))
        && distinct.len() == options.len();
    let mut codes: Vec<Code> = (0..options.len())
        .map(|i| match numbers.get(i) {
            Some(Some(n)) if numeric => Code::try_from(*n).unwrap_or(0),
            _ => Code::try_from(i + 1).unwrap_or(Code::MAX - 1),
        })
        .collect();
    let mut all: Vec<&Opt> = options.iter().collect();
    let other = other.map(|(nl, en)| Opt {
        code: "-oth-".into(),
        nl,
        en,
    });
    if let Some(other) = &other {
        codes.push(codes.iter().max().map_or(1, |m| m.saturating_add(1)));
        all.push(other);
    }
    let mut used = HashSet::new();
    let ids: Vec<String> = all
        .iter()
        .map(|o| match o.code.as_str() {
            "-oth-" => unique("other".into(), "other", &mut used),
            c if c.bytes().all(|b| b.is_ascii_digit()) => {
                unique(format!("code_{c}"), "code", &mut used)
            }
            c => unique(id_of(c), "code", &mut used),
        })
        .collect();
    let mut names: HashMap<String, Vec<Code>> = HashMap::new();
    for (id, code) in ids.iter().zip(&codes) {
        names.entry(key(id)).or_default().push(*code);
    }
    let kinds: Vec<Option<&str>> = all.iter().map(|o| missing_kind(&o.nl, &o.en)).collect();
    let keep_all = kinds.iter().all(Option::is_some);
    let (mut cats, mut missing) = (Vec::new(), Vec::new());
    for (((o, id), code), kind) in all.iter().zip(&ids).zip(&codes).zip(&kinds) {
        let mut spec = json!({
            "code": code,
            "id": id,
            "label_nl": distinct_label(&o.nl, *code, &o.code, &mut names),
            "label_en": distinct_label(&o.en, *code, &o.code, &mut names),
        });
        match kind {
            Some(kind) if !keep_all => {
                if let Value::Object(m) = &mut spec {
                    m.insert("kind".into(), json!(kind));
                    m.insert("in_base".into(), json!(false));
                }
                missing.push(spec);
            }
            _ => cats.push(spec),
        }
    }
    let map = all.iter().map(|o| o.code.clone()).zip(ids).collect();
    (cats, missing, map)
}

/// `label`, or `label (CODE)` when it would otherwise name another code of the scale (the same
/// text twice, another option's id, or a number other than its own code).
fn distinct_label(
    label: &str,
    code: Code,
    ls_code: &str,
    names: &mut HashMap<String, Vec<Code>>,
) -> String {
    let mut candidate = label.to_string();
    for n in 1usize.. {
        let k = match key(&candidate) {
            k if k.is_empty() => candidate.trim().to_lowercase(),
            k => k,
        };
        let number = as_number(&candidate).is_some_and(|v| v != u64::from(code));
        let taken = names.get(&k).is_some_and(|c| c.iter().any(|c| *c != code));
        if !number && !taken {
            names.entry(k).or_default().push(code);
            break;
        }
        candidate = match n {
            1 => format!("{label} ({ls_code})"),
            n => format!("{label} ({ls_code}, {n})"),
        };
    }
    candidate
}

/// The missing-code kind an option's label says it is: 'weet niet', 'n.v.t.', 'zeg ik liever
/// niet' and their English forms.
fn missing_kind(nl: &str, en: &str) -> Option<&'static str> {
    const DONT_KNOW: [&str; 7] = [
        "weetniet",
        "weetikniet",
        "geenmening",
        "weetnietgeenmening",
        "dontknow",
        "donotknow",
        "noopinion",
    ];
    const NOT_APPLICABLE: [&str; 3] = ["nvt", "nietvantoepassing", "notapplicable"];
    const REFUSED: [&str; 5] = [
        "wiliknietzeggen",
        "zegikliefstniet",
        "zegiklieverniet",
        "prefernottosay",
        "geenantwoord",
    ];
    [nl, en].iter().map(|t| key(&clean(t))).find_map(|k| {
        if DONT_KNOW.contains(&k.as_str()) {
            Some("dont_know")
        } else if NOT_APPLICABLE.contains(&k.as_str()) {
            Some("not_applicable")
        } else if REFUSED.contains(&k.as_str()) {
            Some("refused")
        } else {
            None
        }
    })
}

/// LimeSurvey's name of a question type, for the report of what was not converted.
fn type_name(t: &str) -> &'static str {
    match t {
        "1" => "array dual scale",
        "5" => "5 point choice",
        "A" => "array 5 point choice",
        "B" => "array 10 point choice",
        "C" => "array yes/uncertain/no",
        "D" => "date",
        "E" => "array increase/same/decrease",
        "F" => "array",
        "G" => "gender",
        "H" => "array by column",
        "I" => "language switch",
        "K" => "multiple numerical input",
        "L" => "list (radio)",
        "M" => "multiple choice",
        "N" => "numerical input",
        "O" => "list with comment",
        "P" => "multiple choice with comments",
        "Q" => "multiple short text",
        "R" => "ranking",
        "S" => "short free text",
        "T" => "long free text",
        "U" => "huge free text",
        "X" => "text display",
        "Y" => "yes/no",
        "!" => "list (dropdown)",
        ":" => "array numbers",
        ";" => "array texts",
        "|" => "file upload",
        "*" => "equation",
        _ => "unknown type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opt(code: &str, nl: &str) -> Opt {
        Opt {
            code: code.into(),
            nl: nl.into(),
            en: nl.into(),
        }
    }

    fn scale_of(options: &[Opt]) -> Result<crate::instrument::Scale> {
        let (categories, missing, _) = categories(options, None);
        let spec = json!({"id": "s", "categories": categories, "missing": missing});
        serde_json::from_value(spec).map_err(|e| Error::instrument("s", e.to_string()))
    }

    #[test]
    fn labels_that_would_name_two_codes_get_their_code() {
        // The same text twice, another option's id as label, a number other than the code,
        // ids that fold alike.
        let options = [
            opt("A1", "Soms"),
            opt("A2", "Soms"),
            opt("A3", "a1"),
            opt("A4", "7"),
            opt("a_1", "A_1"),
        ];
        let scale = scale_of(&options).unwrap();
        let labels: Vec<&str> = scale
            .categories()
            .iter()
            .map(|c| c.label_nl.as_str())
            .collect();
        assert_eq!(
            labels,
            ["Soms", "Soms (A2)", "a1 (A3)", "7 (A4)", "A_1 (a_1)"]
        );
    }

    #[test]
    fn codes_keep_their_number_only_when_all_are_distinct_numbers() {
        let codes = |options: &[Opt]| -> Vec<Code> {
            let scale = scale_of(options).unwrap();
            scale.categories().iter().map(|c| c.code).collect()
        };
        assert_eq!(codes(&[opt("1", "a"), opt("5", "b")]), [1, 5]);
        assert_eq!(codes(&[opt("01", "a"), opt("1", "b")]), [1, 2]);
        assert_eq!(codes(&[opt("2", "a"), opt("X", "b")]), [1, 2]);
        assert_eq!(codes(&[opt("1", "a"), opt("65535", "b")]), [1, 2]);
    }
}
