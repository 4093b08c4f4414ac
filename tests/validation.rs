//! Reading and validating respondent data: the malformed-input corpus of `tests/data/malformed/`
//! (one fault per file, described in its `expected.json`) and the input variants users meet.

use std::path::{Path, PathBuf};

use doe_democratie::data::{Problem, ProblemKind, ValidationReport};
use doe_democratie::{Error, Instrument, ReadOptions, Survey};
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    kind: ProblemKind,
    row: Option<usize>,
    column: Option<String>,
    value: Option<String>,
}

#[derive(Deserialize)]
struct Case {
    file: String,
    problems: Vec<Expected>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/malformed")
}

fn read(path: &Path, options: &ReadOptions) -> doe_democratie::Result<Survey> {
    let inst = Instrument::doe_democratie_2013();
    if path.extension().is_some_and(|e| e == "json") {
        Survey::read_json_path(path, &inst, options)
    } else {
        Survey::read_csv_path(path, &inst, options)
    }
}

fn matches(p: &Problem, e: &Expected, file: &str) -> bool {
    p.kind == e.kind
        && p.row == e.row
        && p.column == e.column
        && (e.value.is_none() || p.value == e.value)
        && p.file.ends_with(file)
}

fn describe(report: &ValidationReport) -> String {
    report.to_string()
}

#[test]
fn corpus_has_at_least_fifteen_single_fault_files_of_both_formats() {
    let cases: Vec<Case> =
        serde_json::from_str(&std::fs::read_to_string(corpus_dir().join("expected.json")).unwrap())
            .unwrap();
    let single: Vec<&Case> = cases.iter().filter(|c| c.problems.len() == 1).collect();
    assert!(single.len() >= 15, "{} single-fault files", single.len());
    assert!(single.iter().any(|c| c.file.ends_with(".csv")));
    assert!(single.iter().any(|c| c.file.ends_with(".json")));
}

/// Strict mode lists every problem of the file, as lenient mode finds them (issue 10); with
/// `max_problems` it stops at that many and says so.
#[test]
fn strict_mode_lists_every_problem_and_names_row_and_column() {
    let cases: Vec<Case> =
        serde_json::from_str(&std::fs::read_to_string(corpus_dir().join("expected.json")).unwrap())
            .unwrap();
    for case in &cases {
        let path = corpus_dir().join(&case.file);
        match read(&path, &ReadOptions::default()) {
            Err(Error::Validation(report)) => {
                assert_eq!(
                    report.len(),
                    case.problems.len(),
                    "{}: {}",
                    case.file,
                    describe(&report)
                );
                for (p, e) in report.problems.iter().zip(&case.problems) {
                    assert!(
                        matches(p, e, &case.file),
                        "{}: got {}",
                        case.file,
                        describe(&report)
                    );
                }
                assert!(!report.truncated);
            }
            other => panic!("{}: expected a validation error, got {other:?}", case.file),
        }
        let first_only = ReadOptions {
            max_problems: 1,
            ..ReadOptions::default()
        };
        match read(&path, &first_only) {
            Err(Error::Validation(report)) => {
                assert_eq!(report.len(), 1, "{}: {}", case.file, describe(&report));
                assert!(matches(&report.problems[0], &case.problems[0], &case.file));
                let fatal_alone = case.problems.len() == 1;
                assert!(report.truncated || fatal_alone, "{}", case.file);
            }
            other => panic!("{}: expected a validation error, got {other:?}", case.file),
        }
    }
}

#[test]
fn lenient_mode_reports_every_fault_and_keeps_valid_rows() {
    let cases: Vec<Case> =
        serde_json::from_str(&std::fs::read_to_string(corpus_dir().join("expected.json")).unwrap())
            .unwrap();
    for case in &cases {
        let path = corpus_dir().join(&case.file);
        let report = match read(&path, &ReadOptions::lenient()) {
            Ok(survey) => survey.validation_report().clone(),
            Err(Error::Validation(report)) => report,
            Err(other) => panic!("{}: unexpected error {other}", case.file),
        };
        assert_eq!(
            report.len(),
            case.problems.len(),
            "{}: {}",
            case.file,
            describe(&report)
        );
        for (p, e) in report.problems.iter().zip(&case.problems) {
            assert!(matches(p, e, &case.file), "{}: got {p}", case.file);
        }
    }
}

#[test]
fn lenient_multi_fault_file_keeps_the_valid_values() {
    let survey = read(
        &corpus_dir().join("multiple_faults.csv"),
        &ReadOptions::lenient(),
    )
    .unwrap();
    // r1, r2 and r5 are placed; the duplicate r1 and the row without municipality are not.
    assert_eq!(survey.responses().respondent_ids(), ["r1", "r2", "r5"]);
    let summary = survey.item_summary();
    let seed = summary
        .iter()
        .find(|s| s.column == "strategy_use.seed_money")
        .unwrap();
    // r1: 2 (Regelmatig), r2: 1 (Vaak), r5: 'sometimes' → 3.
    assert_eq!((seed.answered, seed.dont_know, seed.missing), (3, 0, 0));
    let se = summary
        .iter()
        .find(|s| s.column == "forms_occurrence.social_entrepreneurship")
        .unwrap();
    // r2's invalid 5 is left empty.
    assert_eq!((se.answered, se.missing), (2, 1));
    // r2's invalid inhabitants is dropped but its size class stays.
    let m = &survey.responses().municipalities()[1];
    assert_eq!(
        (m.inhabitants, m.size_class.as_deref()),
        (None, Some("50k_100k"))
    );
}

#[test]
fn encoding_problems_say_what_to_convert_from() {
    let err = read(
        &corpus_dir().join("windows1252.csv"),
        &ReadOptions::lenient(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("Windows-1252"), "{err}");
    let err = read(&corpus_dir().join("utf16.csv"), &ReadOptions::lenient()).unwrap_err();
    assert!(err.to_string().contains("UTF-16"), "{err}");
}

#[test]
fn unknown_column_message_suggests_the_items() {
    let err = read(
        &corpus_dir().join("unknown_column.csv"),
        &ReadOptions::default(),
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("question 'strategy_use' has no item 'seed_monie'"),
        "{msg}"
    );
    assert!(msg.contains("seed_money"), "{msg}");
}

const CSV: &str = "respondent_id,municipality,municipality_name,role,inhabitants,size_class,province,\
forms_occurrence.social_entrepreneurship,strategy_use.seed_money,strategy_most_successful.seed_money\n\
r1,GM0001,Aa,municipal_secretary,19999,,utrecht,Ja,often,1\n\
r2,GM0001,Aa,gemeentesecretaris,19999,lt_20k,Utrecht,no,weet niet,0\n\
r3,GM0002,Bb,,20000,,limburg,,Met enige regelmaat,\n";

#[test]
fn dutch_excel_csv_reads_like_plain_csv() {
    let inst = Instrument::doe_democratie_2013();
    let plain = Survey::read_csv_str(CSV, &inst, &ReadOptions::default()).unwrap();
    let excel = format!("\u{feff}{}", CSV.replace(',', ";").replace('\n', "\r\n"));
    let excel = Survey::read_csv_str(&excel, &inst, &ReadOptions::default()).unwrap();
    assert_eq!(plain.item_summary(), excel.item_summary());
    assert_eq!(
        plain.responses().municipalities(),
        excel.responses().municipalities()
    );
}

#[test]
fn cells_take_codes_and_dutch_or_english_labels() {
    let inst = Instrument::doe_democratie_2013();
    let s = Survey::read_csv_str(CSV, &inst, &ReadOptions::default()).unwrap();
    let pos = inst.column_position("strategy_use.seed_money").unwrap();
    let codes: Vec<u16> = s.responses().codes(pos).unwrap().to_vec();
    assert_eq!(codes, [1, 9, 2]);
    let pos = inst
        .column_position("forms_occurrence.social_entrepreneurship")
        .unwrap();
    assert_eq!(
        s.responses().codes(pos).unwrap().to_vec(),
        [1, 2, doe_democratie::instrument::NO_ANSWER]
    );
    // Role given by id and by Dutch label resolve to the same id.
    assert_eq!(
        s.responses().roles(),
        [
            Some("municipal_secretary".to_string()),
            Some("municipal_secretary".to_string()),
            None
        ]
    );
}

#[test]
fn size_class_is_derived_with_lower_inclusive_boundaries() {
    let inst = Instrument::doe_democratie_2013();
    let s = Survey::read_csv_str(CSV, &inst, &ReadOptions::default()).unwrap();
    let classes: Vec<_> = s
        .responses()
        .municipalities()
        .iter()
        .map(|m| m.size_class.clone().unwrap())
        .collect();
    // 19.999 inhabitants: below 20.000; exactly 20.000 opens the next class.
    assert_eq!(classes, ["lt_20k", "20k_50k"]);
}

#[test]
fn absent_column_is_not_asked_while_empty_cell_is_no_answer() {
    let inst = Instrument::doe_democratie_2013();
    let s = Survey::read_csv_str(CSV, &inst, &ReadOptions::default()).unwrap();
    let summary = s.item_summary();
    let get = |c: &str| summary.iter().find(|s| s.column == c).unwrap().clone();
    let absent = get("strategy_use.reliable_partner");
    assert!(!absent.asked);
    assert_eq!(absent.missing, 3);
    let flag = get("strategy_most_successful.seed_money");
    assert!(flag.asked);
    assert_eq!((flag.answered, flag.picked, flag.missing), (2, Some(1), 1));
    let se = get("forms_occurrence.social_entrepreneurship");
    assert_eq!(
        (se.asked, se.answered, se.dont_know, se.missing),
        (true, 2, 0, 1)
    );
    let seed = get("strategy_use.seed_money");
    assert_eq!((seed.answered, seed.dont_know, seed.missing), (2, 1, 0));
}

#[test]
fn json_records_and_csv_give_the_same_survey() {
    let inst = Instrument::doe_democratie_2013();
    let json = r#"[
      {"respondent_id": "r1", "municipality": "GM0001", "municipality_name": "Aa", "role": "municipal_secretary",
       "inhabitants": 19999, "province": "utrecht", "forms_occurrence.social_entrepreneurship": 1,
       "strategy_use.seed_money": "often", "strategy_most_successful.seed_money": true},
      {"respondent_id": "r2", "municipality": "GM0001", "municipality_name": "Aa", "role": "gemeentesecretaris",
       "inhabitants": 19999.0, "size_class": "lt_20k", "province": "Utrecht", "forms_occurrence.social_entrepreneurship": "no",
       "strategy_use.seed_money": 9, "strategy_most_successful.seed_money": 0},
      {"respondent_id": "r3", "municipality": "GM0002", "municipality_name": "Bb", "inhabitants": 20000,
       "province": "limburg", "forms_occurrence.social_entrepreneurship": null, "strategy_use.seed_money": 2.0}
    ]"#;
    let a = Survey::read_json_str(json, &inst, &ReadOptions::default()).unwrap();
    let b = Survey::read_csv_str(CSV, &inst, &ReadOptions::default()).unwrap();
    assert_eq!(a.item_summary(), b.item_summary());
    assert_eq!(
        a.responses().municipalities(),
        b.responses().municipalities()
    );
}

#[test]
fn quoted_fields_with_line_breaks_keep_spreadsheet_row_numbers() {
    let inst = Instrument::doe_democratie_2013();
    let csv = "respondent_id,municipality,examples,strategy_use.seed_money\n\
               r1,GM0001,\"line one\nline two\",1\n\
               r2,GM0002,,8\n";
    let err = Survey::read_csv_str(csv, &inst, &ReadOptions::default()).unwrap_err();
    let Error::Validation(report) = err else {
        panic!()
    };
    assert_eq!(report.problems[0].row, Some(4));
}

#[test]
fn survey_survives_a_serde_round_trip_and_refuses_tampered_codes() {
    let inst = Instrument::doe_democratie_2013();
    let s = Survey::read_csv_str(CSV, &inst, &ReadOptions::default()).unwrap();
    let json = serde_json::to_string(&s).unwrap();
    let back: Survey = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
    assert_eq!(back.to_string(), s.to_string());
    // Put code 7 (no category of any scale used here) into the stored matrix.
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let data = v["responses"]["codes"]["data"].as_array_mut().unwrap();
    let at = data.iter().position(|c| c == 9).unwrap();
    data[at] = 7.into();
    let err = serde_json::from_value::<Survey>(v).unwrap_err();
    assert!(err.to_string().contains("invalid code 7"), "{err}");
}

#[test]
fn display_and_html_summarise_the_survey() {
    let inst = Instrument::doe_democratie_2013();
    let s = Survey::read_csv_str(CSV, &inst, &ReadOptions::default()).unwrap();
    let text = s.to_string();
    assert!(
        text.starts_with("Survey 'doe_democratie_2013': 3 respondents in 2 municipalities"),
        "{text}"
    );
    let html = s.to_html(5);
    assert!(
        html.contains("<table>") && html.contains("more columns"),
        "{html}"
    );
    assert_eq!(html.matches("<tr>").count(), 6); // header + 5 capped rows
}
