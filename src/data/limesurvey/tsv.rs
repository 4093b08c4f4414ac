//! The tab-separated structure export (`.txt`): a header row (`id`, `related_id`, `class`,
//! `type/scale`, `name`, `relevance`, `text`, `help`, `language`, …), then one row per survey
//! setting (`S`), language setting (`SL`), group (`G`), question (`Q`), subquestion (`SQ`) and
//! answer option (`A`). The groups with their questions repeat once per language; a subquestion
//! or answer belongs to the question row before it. Other classes (conditions, quotas,
//! assessments) are skipped.

use std::collections::BTreeMap;

use csv::StringRecord;

use super::{format_error, LimeOption, LimeQuestion, LimeSurvey};
use crate::error::{Error, Result};

/// Positions of the columns read.
struct Columns {
    class: usize,
    kind: usize,
    name: usize,
    text: usize,
    language: usize,
    other: Option<usize>,
}

#[derive(Default)]
struct Builder {
    survey_id: Option<String>,
    base: Option<String>,
    languages: Vec<String>,
    titles: BTreeMap<String, String>,
    questions: Vec<LimeQuestion>,
    current: Option<usize>,
}

/// Reads a tab-separated structure export into a [`LimeSurvey`].
pub(super) fn parse(text: &str, source: &str) -> Result<LimeSurvey> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| csv_error(source, &e))?.clone();
    let find = |name: &str| header.iter().position(|h| h.trim() == name);
    let need = |name: &str| {
        find(name).ok_or_else(|| {
            format_error(
                source,
                1,
                1,
                format!(
                    "not a LimeSurvey tab-separated structure export: the header has no column \
                     '{name}'"
                ),
            )
        })
    };
    let columns = Columns {
        class: need("class")?,
        kind: need("type/scale")?,
        name: need("name")?,
        text: need("text")?,
        language: need("language")?,
        other: find("other"),
    };
    let mut builder = Builder::default();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(source, &e))?;
        let line = record.position().map_or(0, |p| p.line());
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        builder
            .row(&columns, &record)
            .map_err(|message| format_error(source, line, 1, message))?;
    }
    builder.finish(source)
}

fn csv_error(source: &str, e: &csv::Error) -> Error {
    let line = e.position().map_or(1, |p| p.line());
    format_error(
        source,
        usize::try_from(line).unwrap_or(usize::MAX),
        1,
        format!("not a readable tab-separated file: {e}"),
    )
}

/// A field as LimeSurvey meant it: the export writes `'=…` for a text starting with `=`, so
/// that spreadsheets do not run it as a formula.
fn field(record: &StringRecord, i: usize) -> &str {
    let value = record.get(i).unwrap_or("").trim();
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with('=') => rest,
        _ => value,
    }
}

impl Builder {
    /// Takes one row; an error is the message for its line.
    fn row(&mut self, c: &Columns, r: &StringRecord) -> std::result::Result<(), String> {
        let (name, text) = (field(r, c.name), field(r, c.text));
        let language = match field(r, c.language) {
            "" => self.base.clone().unwrap_or_default(),
            l => l.to_string(),
        };
        if !language.is_empty() && !self.languages.contains(&language) {
            self.languages.push(language.clone());
        }
        match field(r, c.class) {
            "S" => match name {
                "sid" => self.survey_id = Some(text.to_string()),
                "language" => self.base = Some(text.to_string()),
                "additional_languages" => {
                    self.languages
                        .extend(text.split_whitespace().map(str::to_string));
                }
                _ => {}
            },
            "SL" if name == "surveyls_title" => {
                self.titles.insert(language, text.to_string());
            }
            "G" => self.current = None,
            "Q" => {
                let other = c.other.map(|i| field(r, i)) == Some("Y");
                let q = self.question(name, field(r, c.kind), other)?;
                q.texts.insert(language, text.to_string());
            }
            class @ ("SQ" | "A") => {
                let Some(q) = self.current.and_then(|i| self.questions.get_mut(i)) else {
                    return Err(format!("a row of class {class} before any question row"));
                };
                let list = match class {
                    "SQ" => &mut q.subquestions,
                    _ => &mut q.answers,
                };
                let option = option(list, name, field(r, c.kind), class)?;
                option.texts.insert(language, text.to_string());
            }
            _ => {}
        }
        Ok(())
    }

    /// Starts (or, in a later language's block, finds again) the question `code`.
    fn question(
        &mut self,
        code: &str,
        kind: &str,
        other: bool,
    ) -> std::result::Result<&mut LimeQuestion, String> {
        if code.is_empty() {
            return Err("a question row (class Q) has no name (question code)".into());
        }
        let i = match self.questions.iter().position(|q| q.code == code) {
            Some(i) => i,
            None => {
                self.questions.push(LimeQuestion {
                    code: code.to_string(),
                    question_type: kind.to_string(),
                    other,
                    texts: BTreeMap::new(),
                    subquestions: Vec::new(),
                    answers: Vec::new(),
                });
                self.questions.len() - 1
            }
        };
        self.current = Some(i);
        self.questions
            .get_mut(i)
            .ok_or_else(|| format!("question '{code}' was lost"))
    }

    fn finish(self, source: &str) -> Result<LimeSurvey> {
        let mut languages: Vec<String> = Vec::new();
        for l in self.base.iter().chain(&self.languages) {
            if !l.is_empty() && !languages.contains(l) {
                languages.push(l.clone());
            }
        }
        let Some(base) = languages.first().cloned() else {
            return Err(format_error(
                source,
                1,
                1,
                "no survey language: no row of class S names one, and no row has a language".into(),
            ));
        };
        Ok(LimeSurvey {
            source: source.to_string(),
            survey_id: self.survey_id,
            base_language: base.clone(),
            languages,
            language: base,
            titles: self.titles,
            questions: self.questions,
        })
    }
}

/// The subquestion or answer `code` of `scale` in `list`, added when new.
fn option<'l>(
    list: &'l mut Vec<LimeOption>,
    code: &str,
    scale: &str,
    class: &str,
) -> std::result::Result<&'l mut LimeOption, String> {
    if code.is_empty() {
        return Err(format!("a row of class {class} has no name (its code)"));
    }
    let scale: u32 = match scale {
        "" => 0,
        s => s.parse().map_err(|_| {
            format!("type/scale '{s}' of a row of class {class} is no scale number")
        })?,
    };
    let i = match list.iter().position(|o| o.code == code && o.scale == scale) {
        Some(i) => i,
        None => {
            list.push(LimeOption {
                code: code.to_string(),
                scale,
                texts: BTreeMap::new(),
            });
            list.len() - 1
        }
    };
    list.get_mut(i)
        .ok_or_else(|| format!("the {class} row '{code}' was lost"))
}
