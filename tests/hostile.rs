//! The hostile-input catalogue of `tests/data/hostile/` (issue 6): every case of its manifest
//! that Rust can run, each bounded in time, compared with its expected outcome: a typed error
//! naming row and column, or an exact result. `tests/python/test_hostile.py` runs the same
//! manifest from Python, including the cases only Python can build (numpy, pickles, mappings).

#![allow(clippy::large_enum_variant)] // manifest types, read once

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use doe_democratie::analysis::{Attribute, Breakdown, Options};
use doe_democratie::data::Limits;
use doe_democratie::report::ReportSpec;
use doe_democratie::{Error, Instrument, ReadOptions, Survey};
use serde::Deserialize;
use serde_json::Value;

/// Longest any one case may take (they take milliseconds; a hang is a failure, not a wait).
const CASE_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Deserialize)]
struct Manifest {
    cases: Vec<Case>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Case {
    id: String,
    defects: Vec<u32>,
    reader: String,
    input: Input,
    #[serde(default)]
    options: Opts,
    /// Instrument file for `measure` cases (the built-in 2013 instrument when absent).
    #[serde(default)]
    instrument: Option<String>,
    #[serde(default)]
    measure: Option<Measure>,
    /// Command-line arguments of a `cli` case (`{input}`: the input file, `{out}`: a folder).
    #[serde(default)]
    #[allow(dead_code)] // run by the Python runner
    args: Vec<String>,
    expect: Expect,
    #[serde(default)]
    #[allow(dead_code)] // documentation for readers of the manifest
    note: String,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Input {
    File(String),
    Text(String),
    Repeat(Repeat),
    /// Built by the Python runner only.
    Builder(String),
}

/// `head`, then `count` copies of `row` (with `{i}` → 0, 1, … and `{fill}` → `fill` × 'x')
/// joined by `sep`, then `tail`.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Repeat {
    head: String,
    row: String,
    sep: String,
    tail: String,
    count: usize,
    #[serde(default)]
    fill: usize,
}

#[derive(Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
struct Opts {
    strict: Option<bool>,
    max_input_bytes: Option<u64>,
    max_field_bytes: Option<usize>,
    max_columns: Option<usize>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Measure {
    kind: String,
    question: String,
    by: Option<String>,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Expect {
    Error(ErrorExpect),
    Ok(OkExpect),
    /// The command line's exit code and what it prints (`cli` cases, run from Python).
    #[allow(dead_code)]
    Exit(Value),
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct ErrorExpect {
    class: String,
    kind: Option<String>,
    row: Option<usize>,
    column: Option<String>,
    value: Option<String>,
    #[serde(default)]
    message_contains: Vec<String>,
    #[serde(default)]
    display_contains: Vec<String>,
    #[serde(default)]
    display_excludes: Vec<String>,
    display_max_bytes: Option<usize>,
}

#[derive(Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
struct OkExpect {
    respondents: Option<usize>,
    municipalities: Option<usize>,
    /// Problem counts by kind after a lenient read.
    problems: Option<BTreeMap<String, usize>>,
    problem_rows: Option<Vec<usize>>,
    /// JSON pointer into the saved survey → the value there.
    #[serde(default)]
    json: BTreeMap<String, Value>,
    /// Column → item-summary fields.
    #[serde(default)]
    summary: BTreeMap<String, BTreeMap<String, Value>>,
    /// Rows a `measure` case's table must hold, and how many rows it has.
    #[serde(default)]
    rows: Vec<RowExpect>,
    n_rows: Option<usize>,
    /// Files a `spec` case writes, each inside the output folder.
    files_written: Option<usize>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RowExpect {
    item: Option<String>,
    group: String,
    category: String,
    count: f64,
    base: f64,
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile")
}

fn bytes_of(input: &Input) -> Vec<u8> {
    match input {
        Input::File(f) => std::fs::read(dir().join(f)).expect("input file"),
        Input::Text(t) => t.clone().into_bytes(),
        Input::Repeat(r) => {
            let fill = "x".repeat(r.fill);
            let rows: Vec<String> = (0..r.count)
                .map(|i| {
                    r.row
                        .replace("{i}", &i.to_string())
                        .replace("{fill}", &fill)
                })
                .collect();
            format!("{}{}{}", r.head, rows.join(&r.sep), r.tail).into_bytes()
        }
        Input::Builder(b) => panic!("builder '{b}' is for the Python runner"),
    }
}

fn read_options(opts: &Opts) -> ReadOptions {
    let d = Limits::default();
    ReadOptions {
        strict: opts.strict.unwrap_or(true),
        limits: Limits {
            max_input_bytes: opts.max_input_bytes.unwrap_or(d.max_input_bytes),
            max_field_bytes: opts.max_field_bytes.unwrap_or(d.max_field_bytes),
            max_columns: opts.max_columns.unwrap_or(d.max_columns),
        },
        ..ReadOptions::default()
    }
}

/// What a case produced, in terms both runners can compare.
enum Outcome {
    Survey(Survey),
    Table(doe_democratie::analysis::Table),
    Instrument,
    Files(usize),
}

/// Reads the input as a file when it is one (so file errors and limits are those of files),
/// else as text.
fn read_survey(case: &Case, instrument: &Instrument) -> doe_democratie::Result<Survey> {
    let options = read_options(&case.options);
    let json = case.reader == "json";
    if let Input::File(f) = &case.input {
        let path = if f.starts_with('/') {
            PathBuf::from(f)
        } else {
            dir().join(f)
        };
        return if json {
            Survey::read_json_path(&path, instrument, &options)
        } else {
            Survey::read_csv_path(&path, instrument, &options)
        };
    }
    let bytes = bytes_of(&case.input);
    let text = String::from_utf8(bytes).expect("text input is UTF-8");
    if json {
        Survey::read_json_str(&text, instrument, &options)
    } else {
        Survey::read_csv_str(&text, instrument, &options)
    }
}

fn run_case(case: &Case) -> doe_democratie::Result<Outcome> {
    let builtin = Instrument::doe_democratie_2013();
    match case.reader.as_str() {
        "csv" | "json" => read_survey(case, &builtin).map(Outcome::Survey),
        "stored" => {
            let text = String::from_utf8(bytes_of(&case.input)).expect("UTF-8");
            serde_json::from_str::<Survey>(&text)
                .map(Outcome::Survey)
                .map_err(|e| Error::InvalidArgument {
                    name: "survey",
                    message: e.to_string(),
                })
        }
        "instrument" => match &case.input {
            Input::File(f) => {
                Instrument::from_json_path(dir().join(f)).map(|_| Outcome::Instrument)
            }
            _ => {
                let text = String::from_utf8(bytes_of(&case.input)).expect("UTF-8");
                Instrument::from_json(&text).map(|_| Outcome::Instrument)
            }
        },
        "spec" => run_spec(case),
        "measure" => run_measure(case),
        other => panic!("{}: unknown reader '{other}'", case.id),
    }
}

/// Reads a report specification (from a file when the input is one), runs it on the bundled
/// 2013 data and writes it into a fresh folder; counts the files and checks that nothing was
/// written beside that folder.
fn run_spec(case: &Case) -> doe_democratie::Result<Outcome> {
    let text = String::from_utf8(bytes_of(&case.input)).expect("UTF-8");
    let spec = ReportSpec::from_json(&text)?;
    let survey = doe_democratie::datasets::doe_democratie_2013();
    // Strict: a figure whose question, item or net the data lacks is an error naming it (by
    // default such a figure is left out of the report and listed in `Report::skipped`).
    let strict = doe_democratie::report::RunOptions { strict: true };
    let report = spec.run_with(&survey, &strict)?;
    let root = std::env::temp_dir().join(format!("dd-hostile-{}-{}", case.id, std::process::id()));
    let out = root.join("out");
    std::fs::create_dir_all(&out).expect("temp dir");
    let written = report.write_dir(&out);
    let beside: Vec<_> = std::fs::read_dir(&root)
        .expect("read temp dir")
        .map(|e| e.expect("entry").file_name())
        .filter(|n| n != "out")
        .collect();
    assert!(
        beside.is_empty(),
        "{}: wrote outside the folder: {beside:?}",
        case.id
    );
    let files = written?.len();
    std::fs::remove_dir_all(&root).ok();
    Ok(Outcome::Files(files))
}

fn run_measure(case: &Case) -> doe_democratie::Result<Outcome> {
    let instrument = match &case.instrument {
        Some(f) => Instrument::from_json_path(dir().join(f))?,
        None => Instrument::doe_democratie_2013(),
    };
    let survey = read_survey(case, &instrument)?;
    let m = case
        .measure
        .as_ref()
        .expect("measure cases name their measure");
    let by = match m.by.as_deref() {
        None => None,
        Some("province") => Some(Breakdown::by(Attribute::Province)),
        Some("role") => Some(Breakdown::by(Attribute::Role)),
        Some("size_class") => Some(Breakdown::by(Attribute::SizeClass)),
        Some(other) => panic!("{}: unknown breakdown '{other}'", case.id),
    };
    let options = Options {
        by,
        ..Options::default()
    };
    let table = match m.kind.as_str() {
        "frequencies" => survey.frequencies(&m.question, &options)?,
        "mentions" => survey.mentions(&m.question, &options)?,
        other => panic!("{}: unknown measure '{other}'", case.id),
    };
    Ok(Outcome::Table(table))
}

fn class_of(e: &Error) -> &'static str {
    match e {
        Error::Validation(_) => "validation",
        Error::InvalidInstrument { .. } | Error::InstrumentFormat { .. } => "instrument",
        Error::InvalidSpec { .. } => "spec",
        Error::UnknownId { .. } => "unknown_id",
        Error::InvalidArgument { .. } => "invalid_argument",
        Error::Io { .. } => "io",
        #[allow(unreachable_patterns)]
        _ => "other",
    }
}

fn check_error(case: &Case, e: &Error, want: &ErrorExpect) -> Result<(), String> {
    let shown = e.to_string();
    let mut faults = Vec::new();
    if class_of(e) != want.class {
        faults.push(format!("class {} instead of {}", class_of(e), want.class));
    }
    let (message, problem) = match e {
        Error::Validation(report) => {
            let p = report.problems.first().cloned();
            (p.as_ref().map_or(String::new(), |p| p.message.clone()), p)
        }
        other => (other.to_string(), None),
    };
    if let Some(kind) = &want.kind {
        let got = problem.as_ref().map(|p| p.kind.as_str());
        if got != Some(kind.as_str()) {
            faults.push(format!("kind {got:?} instead of {kind}"));
        }
    }
    if want.row.is_some() && problem.as_ref().and_then(|p| p.row) != want.row {
        faults.push(format!(
            "row {:?} instead of {:?}",
            problem.as_ref().and_then(|p| p.row),
            want.row
        ));
    }
    if want.column.is_some() && problem.as_ref().and_then(|p| p.column.clone()) != want.column {
        faults.push(format!(
            "column {:?} instead of {:?}",
            problem.as_ref().and_then(|p| p.column.clone()),
            want.column
        ));
    }
    if want.value.is_some() && problem.as_ref().and_then(|p| p.value.clone()) != want.value {
        faults.push(format!(
            "value {:?} instead of {:?}",
            problem.as_ref().and_then(|p| p.value.clone()),
            want.value
        ));
    }
    for s in &want.message_contains {
        if !message.contains(s.as_str()) && !shown.contains(s.as_str()) {
            faults.push(format!("message lacks {s:?}"));
        }
    }
    for s in &want.display_contains {
        if !shown.contains(s.as_str()) {
            faults.push(format!("display lacks {s:?}"));
        }
    }
    for s in &want.display_excludes {
        if shown.contains(s.as_str()) {
            faults.push(format!("display shows {s:?}"));
        }
    }
    if want.display_max_bytes.is_some_and(|max| shown.len() > max) {
        faults.push(format!("display is {} bytes", shown.len()));
    }
    if faults.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}: {} (error: {})",
            case.id,
            faults.join("; "),
            cut(&shown)
        ))
    }
}

fn cut(s: &str) -> String {
    s.chars().take(300).collect()
}

fn check_survey(survey: &Survey, want: &OkExpect, faults: &mut Vec<String>) {
    if want
        .respondents
        .is_some_and(|n| n != survey.n_respondents())
    {
        faults.push(format!("{} respondents", survey.n_respondents()));
    }
    if want
        .municipalities
        .is_some_and(|n| n != survey.n_municipalities())
    {
        faults.push(format!("{} municipalities", survey.n_municipalities()));
    }
    let report = survey.validation_report();
    if let Some(problems) = &want.problems {
        let mut got: BTreeMap<String, usize> = BTreeMap::new();
        for p in &report.problems {
            *got.entry(p.kind.as_str().to_string()).or_default() += 1;
        }
        if &got != problems {
            faults.push(format!("problems {got:?}"));
        }
    }
    if let Some(rows) = &want.problem_rows {
        let got: Vec<usize> = report.problems.iter().filter_map(|p| p.row).collect();
        if &got != rows {
            faults.push(format!("problem rows {got:?}"));
        }
    }
    let saved = serde_json::to_value(survey).expect("serialise");
    for (pointer, value) in &want.json {
        if saved.pointer(pointer) != Some(value) {
            faults.push(format!("{pointer} is {:?}", saved.pointer(pointer)));
        }
    }
    let summary = serde_json::to_value(survey.item_summary()).expect("summary");
    for (column, fields) in &want.summary {
        let item = summary
            .as_array()
            .and_then(|a| a.iter().find(|s| s["column"] == column.as_str()));
        for (field, value) in fields {
            if item.map(|i| &i[field]) != Some(value) {
                faults.push(format!("{column}.{field} is {:?}", item.map(|i| &i[field])));
            }
        }
    }
}

fn check_table(table: &doe_democratie::analysis::Table, want: &OkExpect, faults: &mut Vec<String>) {
    if want.n_rows.is_some_and(|n| n != table.rows.len()) {
        faults.push(format!("{} rows", table.rows.len()));
    }
    for row in &want.rows {
        match table.find(row.item.as_deref(), &row.group, &row.category) {
            Some(r) if r.count == row.count && r.base == row.base => {}
            Some(r) => faults.push(format!(
                "{:?}/{}/{}: count {} base {}",
                row.item, row.group, row.category, r.count, r.base
            )),
            None => faults.push(format!(
                "no row {:?}/{}/{}",
                row.item, row.group, row.category
            )),
        }
    }
}

fn check(case: &Case, outcome: doe_democratie::Result<Outcome>) -> Result<(), String> {
    let want = match (&case.expect, outcome) {
        (Expect::Exit(_), _) => return Err(format!("{}: exit codes are for cli cases", case.id)),
        (Expect::Error(want), Err(e)) => return check_error(case, &e, want),
        (Expect::Error(_), Ok(_)) => {
            return Err(format!("{}: accepted, expected an error", case.id))
        }
        (Expect::Ok(_), Err(e)) => return Err(format!("{}: {}", case.id, cut(&e.to_string()))),
        (Expect::Ok(want), Ok(outcome)) => (want.clone(), outcome),
    };
    let (want, outcome) = want;
    let mut faults = Vec::new();
    match outcome {
        Outcome::Survey(s) => check_survey(&s, &want, &mut faults),
        Outcome::Table(t) => check_table(&t, &want, &mut faults),
        Outcome::Instrument => {}
        Outcome::Files(n) => {
            if want.files_written.is_some_and(|w| w != n) {
                faults.push(format!("{n} files written"));
            }
        }
    }
    if faults.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {}", case.id, faults.join("; ")))
    }
}

/// Runs one case on its own thread and gives up on it after [`CASE_TIMEOUT`].
fn run_bounded(case: &Case) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    let owned = case.clone();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| check(&owned, run_case(&owned)));
        let _ = tx.send(result.unwrap_or_else(|_| Err(format!("{}: panicked", owned.id))));
    });
    rx.recv_timeout(CASE_TIMEOUT)
        .unwrap_or_else(|_| Err(format!("{}: no outcome within {CASE_TIMEOUT:?}", case.id)))
}

#[test]
fn hostile_inputs_get_a_typed_error_or_the_exact_result() {
    let manifest: Manifest = serde_json::from_str(
        &std::fs::read_to_string(dir().join("manifest.json")).expect("manifest"),
    )
    .expect("manifest format");
    let mut ids = std::collections::HashSet::new();
    let mut defects = std::collections::BTreeSet::new();
    for case in &manifest.cases {
        assert!(ids.insert(case.id.clone()), "case id {} twice", case.id);
        defects.extend(case.defects.iter().copied());
    }
    assert_eq!(
        defects,
        (1..=17).collect(),
        "every defect of issue 6 has a case"
    );
    // `python` cases build their input with numpy or Python objects, `cli` cases run the
    // command line: both belong to the Python runner.
    let rust_cases: Vec<&Case> = manifest
        .cases
        .iter()
        .filter(|c| !matches!(c.reader.as_str(), "python" | "cli"))
        .collect();
    let failures: Vec<String> = rust_cases
        .iter()
        .filter_map(|case| run_bounded(case).err())
        .collect();
    let handled = rust_cases.len() - failures.len();
    println!("hostile inputs handled: {handled}/{}", rust_cases.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
