//! The XML structure export (`.lss`): a `<document>` of tables, each with `<fields>` naming its
//! columns and `<rows>` holding one `<row>` per record, one child element per field (values in
//! CDATA).
//!
//! Before LimeSurvey 4 a question, subquestion or answer has one row per language, its text in
//! the `question` or `answer` field beside `language`; subquestions sit in `subquestions` (or,
//! in the oldest files, in `questions` itself) with a `parent_qid`. From LimeSurvey 4 on each has
//! one row, its texts in `question_l10ns` (by `qid`) and `answer_l10ns` (by `aid`). Both layouts
//! are read by the same code: texts are gathered from wherever they are.

use std::collections::{BTreeMap, HashMap};

use indexmap::IndexMap;
use roxmltree::{Document, Node};

use super::{format_error, LimeOption, LimeQuestion, LimeSurvey};
use crate::error::{Error, Result};

/// One `<row>`: its fields by element name, and its line and column.
struct Row<'a> {
    at: (usize, usize),
    fields: HashMap<&'a str, &'a str>,
}

impl<'a> Row<'a> {
    fn get(&self, name: &str) -> Option<&'a str> {
        self.fields
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// A question or subquestion, its language rows merged.
struct Record {
    at: (usize, usize),
    qid: i64,
    parent: i64,
    gid: i64,
    order: i64,
    scale: u32,
    code: String,
    kind: String,
    other: bool,
    texts: BTreeMap<String, String>,
}

/// An answer option, its language rows merged.
struct Answer {
    qid: i64,
    scale: u32,
    order: i64,
    code: String,
    texts: BTreeMap<String, String>,
}

struct Lss<'a> {
    source: &'a str,
    tables: HashMap<&'a str, Vec<Row<'a>>>,
}

/// Reads a `.lss` text into a [`LimeSurvey`].
pub(super) fn parse(text: &str, source: &str) -> Result<LimeSurvey> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = Document::parse(text).map_err(|e| {
        let p = e.pos();
        format_error(
            source,
            p.row as usize,
            p.col as usize,
            format!("not a LimeSurvey structure export (.lss): the XML is not well-formed: {e}"),
        )
    })?;
    let root = doc.root_element();
    let at = position(&doc, root);
    if !root.has_tag_name("document") {
        return Err(format_error(
            source,
            at.0,
            at.1,
            format!(
                "not a LimeSurvey structure export (.lss): the root element is <{}>, not \
                 <document>",
                root.tag_name().name()
            ),
        ));
    }
    let lss = Lss {
        source,
        tables: tables(&doc, root),
    };
    let (base, languages) = lss.languages(root, at)?;
    Ok(LimeSurvey {
        source: source.to_string(),
        survey_id: lss.first("surveys", "sid").map(str::to_string),
        language: base.clone(),
        titles: lss.titles(),
        questions: lss.questions(at)?,
        base_language: base,
        languages,
    })
}

fn position(doc: &Document<'_>, node: Node<'_, '_>) -> (usize, usize) {
    let p = doc.text_pos_at(node.range().start);
    (p.row as usize, p.col as usize)
}

/// Every child of the root that holds `<rows>`, by name.
fn tables<'a>(doc: &'a Document<'a>, root: Node<'a, 'a>) -> HashMap<&'a str, Vec<Row<'a>>> {
    let elements = |n: Node<'a, 'a>| n.children().filter(Node::is_element);
    let mut tables = HashMap::new();
    for table in elements(root) {
        let Some(rows) = elements(table).find(|n| n.has_tag_name("rows")) else {
            continue;
        };
        let rows = elements(rows)
            .filter(|r| r.has_tag_name("row"))
            .map(|r| Row {
                at: position(doc, r),
                fields: elements(r)
                    .map(|f| (f.tag_name().name(), f.text().unwrap_or("")))
                    .collect(),
            })
            .collect();
        tables.insert(table.tag_name().name(), rows);
    }
    tables
}

impl<'a> Lss<'a> {
    fn rows(&self, table: &str) -> &[Row<'a>] {
        self.tables.get(table).map_or(&[], Vec::as_slice)
    }

    fn first(&self, table: &str, field: &str) -> Option<&'a str> {
        self.rows(table).iter().find_map(|r| r.get(field))
    }

    fn error(&self, at: (usize, usize), message: String) -> Error {
        format_error(self.source, at.0, at.1, message)
    }

    fn text(&self, row: &Row<'a>, field: &str, table: &str) -> Result<&'a str> {
        row.get(field)
            .ok_or_else(|| self.error(row.at, format!("a row of <{table}> has no {field}")))
    }

    /// A whole number; `default` when the field is absent or empty.
    fn number(&self, row: &Row<'a>, field: &str, default: Option<i64>) -> Result<i64> {
        match (row.get(field), default) {
            (Some(v), _) => v
                .parse()
                .map_err(|_| self.error(row.at, format!("{field} '{v}' is not a whole number"))),
            (None, Some(d)) => Ok(d),
            (None, None) => Err(self.error(row.at, format!("a row has no {field}"))),
        }
    }

    fn scale(&self, row: &Row<'a>) -> Result<u32> {
        let n = self.number(row, "scale_id", Some(0))?;
        u32::try_from(n).map_err(|_| self.error(row.at, format!("scale_id {n} is negative")))
    }

    /// The base language and every language, base first: from `surveys` and `<languages>`.
    fn languages(&self, root: Node<'_, '_>, at: (usize, usize)) -> Result<(String, Vec<String>)> {
        let listed = root
            .children()
            .filter(|n| n.has_tag_name("languages"))
            .flat_map(|n| n.children().filter(|c| c.has_tag_name("language")))
            .filter_map(|n| n.text().map(str::trim))
            .filter(|l| !l.is_empty());
        let additional = self
            .first("surveys", "additional_languages")
            .unwrap_or("")
            .split_whitespace();
        let mut languages: Vec<String> = Vec::new();
        let base = self.first("surveys", "language");
        for l in base.into_iter().chain(additional).chain(listed) {
            if !languages.iter().any(|k| k == l) {
                languages.push(l.to_string());
            }
        }
        match languages.first() {
            Some(base) => Ok((base.clone(), languages)),
            None => Err(self.error(
                at,
                "no survey language: neither <surveys> nor <languages> names one".into(),
            )),
        }
    }

    fn titles(&self) -> BTreeMap<String, String> {
        self.rows("surveys_languagesettings")
            .iter()
            .filter_map(|r| Some((r.get("surveyls_language")?, r.get("surveyls_title")?)))
            .map(|(l, t)| (l.to_string(), t.to_string()))
            .collect()
    }
}

impl<'a> Lss<'a> {
    /// The questions in questionnaire order, with their subquestions and answers.
    fn questions(&self, at: (usize, usize)) -> Result<Vec<LimeQuestion>> {
        if !self.tables.contains_key("questions") {
            return Err(self.error(
                at,
                "not a LimeSurvey survey structure export: the file has no <questions> table"
                    .into(),
            ));
        }
        let records = self.records()?;
        let answers = self.answers(&records)?;
        let groups = self.group_order()?;
        let mut top: Vec<&Record> = records.values().filter(|r| r.parent == 0).collect();
        top.sort_by_key(|r| {
            (
                groups.get(&r.gid).copied().unwrap_or(i64::MAX),
                r.order,
                r.qid,
            )
        });
        let mut subs: Vec<&Record> = records.values().filter(|r| r.parent != 0).collect();
        subs.sort_by_key(|r| (r.scale, r.order, r.qid));
        for s in &subs {
            if records.get(&s.parent).is_none_or(|p| p.parent != 0) {
                return Err(self.error(
                    s.at,
                    format!(
                        "subquestion {} (qid {}) names parent_qid {}, which is no question of \
                         this file",
                        s.code, s.qid, s.parent
                    ),
                ));
            }
        }
        top.into_iter()
            .map(|q| {
                if q.kind.is_empty() {
                    return Err(self.error(q.at, format!("question {} has no type", q.code)));
                }
                let option = |code: &str, scale, texts: &BTreeMap<String, String>| LimeOption {
                    code: code.to_string(),
                    scale,
                    texts: texts.clone(),
                };
                Ok(LimeQuestion {
                    code: q.code.clone(),
                    question_type: q.kind.clone(),
                    other: q.other,
                    texts: q.texts.clone(),
                    subquestions: (subs.iter().filter(|s| s.parent == q.qid))
                        .map(|s| option(&s.code, s.scale, &s.texts))
                        .collect(),
                    answers: (answers.iter().filter(|a| a.qid == q.qid))
                        .map(|a| option(&a.code, a.scale, &a.texts))
                        .collect(),
                })
            })
            .collect()
    }

    fn group_order(&self) -> Result<HashMap<i64, i64>> {
        let mut order = HashMap::new();
        for row in self.rows("groups") {
            let gid = self.number(row, "gid", None)?;
            let at = self.number(row, "group_order", Some(gid))?;
            order.entry(gid).or_insert(at);
        }
        Ok(order)
    }

    /// Questions and subquestions by qid (from `questions` and `subquestions`), their texts
    /// gathered from the language rows and from `question_l10ns`.
    fn records(&self) -> Result<IndexMap<i64, Record>> {
        let mut records: IndexMap<i64, Record> = IndexMap::new();
        for table in ["questions", "subquestions"] {
            for row in self.rows(table) {
                let qid = self.number(row, "qid", None)?;
                let record = match records.entry(qid) {
                    indexmap::map::Entry::Occupied(e) => e.into_mut(),
                    indexmap::map::Entry::Vacant(e) => e.insert(self.record(row, table, qid)?),
                };
                if let (Some(language), Some(text)) = (row.get("language"), row.get("question")) {
                    record.texts.insert(language.into(), text.into());
                }
            }
        }
        for row in self.rows("question_l10ns") {
            let qid = self.number(row, "qid", None)?;
            let Some(record) = records.get_mut(&qid) else {
                return Err(self.error(
                    row.at,
                    format!("a text in <question_l10ns> is for qid {qid}, which is no question"),
                ));
            };
            if let (Some(language), Some(text)) = (row.get("language"), row.get("question")) {
                record.texts.insert(language.into(), text.into());
            }
        }
        Ok(records)
    }

    fn record(&self, row: &Row<'a>, table: &str, qid: i64) -> Result<Record> {
        Ok(Record {
            at: row.at,
            qid,
            parent: self.number(row, "parent_qid", Some(0))?,
            gid: self.number(row, "gid", Some(0))?,
            order: self.number(row, "question_order", Some(0))?,
            scale: self.scale(row)?,
            code: self.text(row, "title", table)?.to_string(),
            kind: row.get("type").unwrap_or("").to_string(),
            other: row.get("other") == Some("Y"),
            texts: BTreeMap::new(),
        })
    }

    /// Answer options in file order, keyed by `aid` (LimeSurvey 4+) or by question, scale and
    /// code (one row per language before 4), their texts gathered.
    fn answers(&self, records: &IndexMap<i64, Record>) -> Result<Vec<Answer>> {
        let mut answers: IndexMap<(i64, i64, u32, String), Answer> = IndexMap::new();
        let mut by_aid: HashMap<i64, (i64, i64, u32, String)> = HashMap::new();
        for row in self.rows("answers") {
            let qid = self.number(row, "qid", None)?;
            if records.get(&qid).is_none_or(|q| q.parent != 0) {
                return Err(self.error(
                    row.at,
                    format!("an answer option is for qid {qid}, which is no question"),
                ));
            }
            let code = self.text(row, "code", "answers")?.to_string();
            let scale = self.scale(row)?;
            let aid = row
                .get("aid")
                .map(|_| self.number(row, "aid", None))
                .transpose()?;
            let key = (qid, aid.unwrap_or(-1), scale, code.clone());
            if let Some(aid) = aid {
                by_aid.insert(aid, key.clone());
            }
            let answer = answers.entry(key).or_insert(Answer {
                qid,
                scale,
                order: self.number(row, "sortorder", Some(0))?,
                code,
                texts: BTreeMap::new(),
            });
            if let (Some(language), Some(text)) = (row.get("language"), row.get("answer")) {
                answer.texts.insert(language.into(), text.into());
            }
        }
        for row in self.rows("answer_l10ns") {
            let aid = self.number(row, "aid", None)?;
            let answer = by_aid.get(&aid).and_then(|key| answers.get_mut(key));
            let Some(answer) = answer else {
                return Err(self.error(
                    row.at,
                    format!("a text in <answer_l10ns> is for aid {aid}, which is no answer"),
                ));
            };
            if let (Some(language), Some(text)) = (row.get("language"), row.get("answer")) {
                answer.texts.insert(language.into(), text.into());
            }
        }
        let mut answers: Vec<Answer> = answers.into_values().collect();
        answers.sort_by_key(|a| (a.scale, a.order));
        Ok(answers)
    }
}
