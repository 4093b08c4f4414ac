//! Validation of a [`RawTable`] against an [`Instrument`], producing [`Responses`].

use std::collections::HashMap;

use ndarray::{Array2, ShapeBuilder};

use super::problem::{Problem, ProblemKind, ValidationReport};
use super::raw::{Cell, RawTable};
use super::responses::{Municipality, Responses};
use crate::error::{Error, Result};
use crate::instrument::{
    find_level, integral_float, Code, ColumnKind, Instrument, Level, QuestionKind, Scale, NO_ANSWER,
};

/// What a header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    source: &'a str,
    problems: Vec<Problem>,
}

impl Sink<'_> {
    fn push(&mut self, p: Problem) -> std::result::Result<(), Stop> {
        self.problems.push(p);
        if self.strict {
            Err(Stop)
        } else {
            Ok(())
        }
    }

    fn at(
        &mut self,
        kind: ProblemKind,
        row: Option<usize>,
        column: Option<&str>,
        value: Option<String>,
        message: String,
    ) -> std::result::Result<(), Stop> {
        let file = self.source.to_string();
        self.push(Problem {
            kind,
            file,
            row,
            column: column.map(str::to_string),
            value,
            message,
        })
    }
}

/// Validates `table` against `instrument`. Strict mode fails on the first problem; lenient mode
/// keeps every valid value, leaves invalid cells empty, skips rows that cannot be placed (no or
/// duplicate respondent id, no municipality) and returns the report of everything it found. A
/// missing required column, a duplicate column or an unreadable file fails in both modes.
pub fn validate(
    table: RawTable,
    instrument: &Instrument,
    strict: bool,
) -> Result<(Responses, ValidationReport)> {
    let mut sink = Sink {
        strict,
        source: &table.source,
        problems: Vec::new(),
    };
    let outcome = run(&table, instrument, &mut sink);
    let report = ValidationReport {
        problems: sink.problems,
    };
    match outcome {
        Ok(responses) if !report.problems.iter().any(|p| is_fatal(p.kind)) => {
            Ok((responses, report))
        }
        _ => Err(Error::Validation(report)),
    }
}

fn suggest_column(name: &str, instrument: &Instrument) -> String {
    let lower = name.to_lowercase();
    if let Some(pos) = instrument.column_position(&lower) {
        return format!(
            "column names are lower case: did you mean '{}'?",
            instrument.columns()[pos].name
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
                Some(i) => format!(
                    "question '{q}' has no item '{i}'; its items are {}",
                    items.join(", ")
                ),
                None => format!(
                    "question '{q}' has one column per item, named '{q}.<item>' with items {}",
                    items.join(", ")
                ),
            }
        }
        Some(_) => format!("question '{q}' takes a single column named '{q}'"),
        None => "the instrument defines no such question or attribute column".to_string(),
    }
}

fn level_ids(levels: &[Level]) -> String {
    levels
        .iter()
        .map(|l| l.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn find(levels: &[Level], text: &str) -> Option<usize> {
    find_level(
        levels
            .iter()
            .map(|l| (l.id.as_str(), l.label_nl.as_str(), l.label_en.as_str())),
        text,
    )
}

fn parse_flag(cell: &Cell) -> Option<Code> {
    match cell {
        Cell::Bool(b) => Some(Code::from(*b)),
        Cell::Int(i @ 0..=1) => Some(*i as Code),
        Cell::Float(f) if *f == 0.0 || *f == 1.0 => Some(*f as Code),
        Cell::Text(t) => {
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

fn parse_inhabitants(text: &str) -> Option<u32> {
    let t = text.trim();
    let n: u32 = match t.parse() {
        Ok(n) => n,
        Err(_) => integral_float(t).map(u32::from).or_else(|| {
            let f: f64 = t.parse().ok()?;
            (f.fract() == 0.0 && f > 0.0 && f <= f64::from(u32::MAX)).then_some(f as u32)
        })?,
    };
    (n > 0).then_some(n)
}

fn run(
    table: &RawTable,
    instrument: &Instrument,
    sink: &mut Sink<'_>,
) -> std::result::Result<Responses, Stop> {
    for p in &table.problems {
        sink.push(p.clone())?;
    }
    let attrs = instrument.attributes();
    let cols = instrument.columns();

    // --- header --------------------------------------------------------------------------
    let mut targets = Vec::with_capacity(table.names.len());
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (j, name) in table.names.iter().enumerate() {
        if let Some(first) = seen.insert(name.as_str(), j) {
            sink.at(
                ProblemKind::DuplicateColumn,
                Some(1),
                Some(name),
                None,
                format!(
                    "column appears twice (positions {} and {})",
                    first + 1,
                    j + 1
                ),
            )?;
            targets.push(Target::Ignored);
            continue;
        }
        let target = match name.as_str() {
            "respondent_id" => Target::RespondentId,
            "municipality" => Target::Municipality,
            "municipality_name" => Target::MunicipalityName,
            "role" => Target::Role,
            "inhabitants" => Target::Inhabitants,
            "size_class" => Target::SizeClass,
            "province" => Target::Province,
            other => match instrument.column_position(other) {
                Some(pos) => Target::Column(pos),
                None => {
                    sink.at(
                        ProblemKind::UnknownColumn,
                        Some(1),
                        Some(name),
                        None,
                        format!("unknown column; {}", suggest_column(name, instrument)),
                    )?;
                    Target::Ignored
                }
            },
        };
        targets.push(target);
    }
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
    let col_of = |t: Target| find_target(t).map(|j| &table.columns[j]);
    let name_col = col_of(Target::MunicipalityName);
    let role_col = col_of(Target::Role);
    let inh_col = col_of(Target::Inhabitants);
    let size_col = col_of(Target::SizeClass);
    let prov_col = col_of(Target::Province);

    // Instrument column position → input column index.
    let mut input_of: Vec<Option<usize>> = vec![None; cols.len()];
    for (j, t) in targets.iter().enumerate() {
        if let Target::Column(pos) = t {
            input_of[*pos] = Some(j);
        }
    }
    let asked: Vec<bool> = input_of.iter().map(Option::is_some).collect();
    let code_columns: Vec<usize> = cols
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind != ColumnKind::Text)
        .map(|(i, _)| i)
        .collect();
    let text_positions: Vec<usize> = cols
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == ColumnKind::Text)
        .map(|(i, _)| i)
        .collect();
    // Multi-select questions with a pick limit: question index → (max, matrix columns).
    let mut limits: Vec<(usize, u32, Vec<usize>)> = Vec::new();
    for (qi, q) in instrument.questions().values().enumerate() {
        if let QuestionKind::MultiSelect {
            max_picks: Some(max),
            ..
        } = q.kind
        {
            let members = code_columns
                .iter()
                .enumerate()
                .filter(|(_, &pos)| cols[pos].question == qi)
                .map(|(j, _)| j)
                .collect();
            limits.push((qi, max, members));
        }
    }

    // --- rows ----------------------------------------------------------------------------
    let n = table.len();
    let mut ids: Vec<String> = Vec::with_capacity(n);
    let mut id_rows: HashMap<String, usize> = HashMap::with_capacity(n);
    let mut muni_of: Vec<u32> = Vec::with_capacity(n);
    let mut municipalities: Vec<Municipality> = Vec::new();
    let mut muni_index: HashMap<String, u32> = HashMap::new();
    let mut roles: Vec<Option<String>> = Vec::with_capacity(n);
    let mut codes: Vec<Vec<Code>> = vec![Vec::with_capacity(n); code_columns.len()];
    let mut texts: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(n); text_positions.len()];
    let mut row_codes: Vec<Code> = vec![NO_ANSWER; code_columns.len()];

    // The scale of each coded matrix column (`None` for a 0/1 flag), looked up once.
    let col_scales: Vec<Option<&Scale>> = code_columns
        .iter()
        .map(|&pos| match cols[pos].kind {
            ColumnKind::Flag => None,
            _ => instrument.scale_of(&instrument.questions()[cols[pos].question]),
        })
        .collect();
    // Size classes as levels, so they are matched like roles and provinces.
    let classes: Vec<Level> = attrs
        .size_classes
        .iter()
        .map(|c| Level {
            id: c.id.clone(),
            label_nl: c.label_nl.clone(),
            label_en: c.label_en.clone(),
        })
        .collect();
    for r in 0..n {
        let row = Some(table.rows[r]);
        let id = table.columns[id_col][r]
            .as_text()
            .map(|s| s.trim().to_string());
        let Some(id) = id else {
            sink.at(
                ProblemKind::MissingRespondentId,
                row,
                Some("respondent_id"),
                None,
                "empty respondent id; the row is skipped".into(),
            )?;
            continue;
        };
        if let Some(first) = id_rows.get(&id) {
            sink.at(
                ProblemKind::DuplicateRespondent,
                row,
                Some("respondent_id"),
                Some(id.clone()),
                format!("respondent id already used on row {first}; the row is skipped"),
            )?;
            continue;
        }
        let Some(muni) = table.columns[muni_col][r]
            .as_text()
            .map(|s| s.trim().to_string())
        else {
            sink.at(
                ProblemKind::MissingMunicipality,
                row,
                Some("municipality"),
                None,
                format!("respondent '{id}' has no municipality; the row is skipped"),
            )?;
            continue;
        };

        // Municipality attributes.
        let text_of =
            |c: Option<&Vec<Cell>>| c.and_then(|c| c[r].as_text()).map(|s| s.trim().to_string());
        let name = text_of(name_col);
        let mut inhabitants = None;
        if let Some(t) = text_of(inh_col) {
            inhabitants = parse_inhabitants(&t);
            if inhabitants.is_none() {
                sink.at(
                    ProblemKind::InvalidInhabitants,
                    row,
                    Some("inhabitants"),
                    Some(t),
                    "inhabitants must be a positive whole number (digits only, no separators)"
                        .into(),
                )?;
            }
        }
        let derived = inhabitants.and_then(|i| attrs.size_class_of(i));
        let mut size_class = derived;
        if let Some(t) = text_of(size_col) {
            match find(&classes, &t) {
                None => sink.at(
                    ProblemKind::InvalidSizeClass,
                    row,
                    Some("size_class"),
                    Some(t),
                    format!(
                        "unknown size class; expected one of {}",
                        level_ids(&classes)
                    ),
                )?,
                Some(given) => match derived {
                    Some(d) if d != given => sink.at(
                        ProblemKind::InvalidSizeClass,
                        row,
                        Some("size_class"),
                        Some(t),
                        format!(
                            "{} inhabitants fall in size class '{}', not '{}'",
                            inhabitants.unwrap_or_default(),
                            classes[d].id,
                            classes[given].id
                        ),
                    )?,
                    _ => size_class = Some(given),
                },
            }
        }
        let size_class = size_class.map(|i| attrs.size_classes[i].id.clone());
        let mut province = None;
        if let Some(t) = text_of(prov_col) {
            if attrs.provinces.is_empty() {
                province = Some(t);
            } else {
                match find(&attrs.provinces, &t) {
                    Some(i) => province = Some(attrs.provinces[i].id.clone()),
                    None => sink.at(
                        ProblemKind::InvalidAttribute,
                        row,
                        Some("province"),
                        Some(t),
                        format!(
                            "unknown province; expected one of {}",
                            level_ids(&attrs.provinces)
                        ),
                    )?,
                }
            }
        }
        let mut role = None;
        if let Some(t) = text_of(role_col) {
            if attrs.roles.is_empty() {
                role = Some(t);
            } else {
                match find(&attrs.roles, &t) {
                    Some(i) => role = Some(attrs.roles[i].id.clone()),
                    None => sink.at(
                        ProblemKind::InvalidAttribute,
                        row,
                        Some("role"),
                        Some(t),
                        format!("unknown role; expected one of {}", level_ids(&attrs.roles)),
                    )?,
                }
            }
        }

        let m = match muni_index.get(&muni) {
            Some(&m) => {
                let known = &mut municipalities[m as usize];
                let checks: [(&str, Option<String>, &mut Option<String>); 3] = [
                    ("municipality_name", name, &mut known.name),
                    ("size_class", size_class, &mut known.size_class),
                    ("province", province, &mut known.province),
                ];
                for (column, new, old) in checks {
                    match (new, old.as_ref()) {
                        (Some(new), Some(prev)) if &new != prev => sink.at(
                            ProblemKind::InconsistentMunicipality,
                            row,
                            Some(column),
                            Some(new),
                            format!("municipality '{muni}' has '{prev}' on an earlier row"),
                        )?,
                        (Some(new), None) => *old = Some(new),
                        _ => {}
                    }
                }
                match (inhabitants, known.inhabitants) {
                    (Some(new), Some(prev)) if new != prev => sink.at(
                        ProblemKind::InconsistentMunicipality,
                        row,
                        Some("inhabitants"),
                        Some(new.to_string()),
                        format!("municipality '{muni}' has {prev} inhabitants on an earlier row"),
                    )?,
                    (Some(new), None) => known.inhabitants = Some(new),
                    _ => {}
                }
                m
            }
            None => {
                let m = municipalities.len() as u32;
                municipalities.push(Municipality {
                    id: muni.clone(),
                    name,
                    inhabitants,
                    size_class,
                    province,
                });
                muni_index.insert(muni, m);
                m
            }
        };

        // Answers.
        for (j, &pos) in code_columns.iter().enumerate() {
            row_codes[j] = NO_ANSWER;
            let Some(input) = input_of[pos] else { continue };
            let cell = &table.columns[input][r];
            if cell.is_empty() {
                continue;
            }
            let col = &cols[pos];
            let parsed = match col_scales[j] {
                None => parse_flag(cell),
                Some(scale) => cell.as_text().and_then(|t| scale.parse_cell(&t)),
            };
            match parsed {
                Some(code) => row_codes[j] = code,
                None => {
                    let expected = match col_scales[j] {
                        None => "0 or 1 (option not picked / picked)".to_string(),
                        Some(scale) => {
                            let all: Vec<String> = scale
                                .categories()
                                .iter()
                                .map(|c| format!("{} = {}", c.code, c.label_nl))
                                .chain(
                                    scale
                                        .missing()
                                        .iter()
                                        .map(|m| format!("{} = {}", m.code, m.label_nl)),
                                )
                                .collect();
                            format!(
                                "a code or label of scale '{}': {}",
                                scale.id(),
                                all.join(", ")
                            )
                        }
                    };
                    sink.at(
                        ProblemKind::InvalidCode,
                        row,
                        Some(&col.name),
                        cell.as_text().map(String::from),
                        format!("not a valid answer; expected {expected}"),
                    )?;
                }
            }
        }
        for (qi, max, members) in &limits {
            let picked: Vec<&str> = members
                .iter()
                .filter(|&&j| row_codes[j] == 1)
                .map(|&j| cols[code_columns[j]].name.as_str())
                .collect();
            if picked.len() > *max as usize {
                let q = &instrument.questions()[*qi];
                sink.at(
                    ProblemKind::TooManyPicks,
                    row,
                    Some(&q.id),
                    Some(picked.join(", ")),
                    format!(
                        "{} options picked but question '{}' allows at most {max}; the row's picks for it are left empty",
                        picked.len(),
                        q.id
                    ),
                )?;
                for &j in members {
                    row_codes[j] = NO_ANSWER;
                }
            }
        }
        for (j, code) in row_codes.iter().enumerate() {
            codes[j].push(*code);
        }
        for (t, &pos) in text_positions.iter().enumerate() {
            texts[t].push(
                input_of[pos].and_then(|input| table.columns[input][r].as_text().map(String::from)),
            );
        }
        id_rows.insert(id.clone(), table.rows[r]);
        ids.push(id);
        muni_of.push(m);
        roles.push(role);
    }

    let kept = ids.len();
    let flat: Vec<Code> = codes.into_iter().flatten().collect();
    let matrix = Array2::from_shape_vec((kept, code_columns.len()).f(), flat)
        .expect("one value per respondent and column");
    Ok(Responses {
        respondent_ids: ids,
        municipality: muni_of,
        municipalities,
        roles,
        code_columns,
        codes: matrix,
        asked,
        text: text_positions.into_iter().zip(texts).collect(),
    })
}
