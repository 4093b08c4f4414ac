//! Regression tests for the data-layer defects of the hostile-input campaign (issue 6): each
//! test names its defect and failed before the fix.

use doe_democratie::data::{Cell, CellRef, Limits, ProblemKind, RawTable, ValidationReport};
use doe_democratie::{Error, Instrument, ReadOptions, Survey};

fn inst() -> Instrument {
    Instrument::doe_democratie_2013()
}

fn csv(text: &str) -> doe_democratie::Result<Survey> {
    Survey::read_csv_str(text, &inst(), &ReadOptions::default())
}

fn json(text: &str) -> doe_democratie::Result<Survey> {
    Survey::read_json_str(text, &inst(), &ReadOptions::default())
}

fn lenient_json(text: &str) -> Survey {
    Survey::read_json_str(text, &inst(), &ReadOptions::lenient()).expect("lenient read")
}

/// The one problem of a failed strict read.
fn problem(result: doe_democratie::Result<Survey>) -> doe_democratie::data::Problem {
    match result {
        Err(Error::Validation(ValidationReport { problems, .. })) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            problems.into_iter().next().expect("one problem")
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn size_class(survey: &Survey) -> Option<&str> {
    survey.responses().municipalities()[0].size_class.as_deref()
}

fn inhabitants(survey: &Survey) -> Option<u32> {
    survey.responses().municipalities()[0].inhabitants
}

// --- defect 4: Dutch thousands notation ---------------------------------------------------

#[test]
fn defect_4_dutch_thousands_are_read_as_thousands() {
    for (cell, expected, class) in [
        ("150.000", 150_000, "100k_plus"),
        ("150000", 150_000, "100k_plus"),
        ("12.000", 12_000, "lt_20k"),
        ("1.250.000", 1_250_000, "100k_plus"),
        ("150 000", 150_000, "100k_plus"),
        ("150000.0", 150_000, "100k_plus"),
    ] {
        let survey = csv(&format!(
            "respondent_id;municipality;inhabitants\n1;GM0001;{cell}\n"
        ))
        .unwrap_or_else(|e| panic!("{cell}: {e}"));
        assert_eq!(inhabitants(&survey), Some(expected), "{cell}");
        assert_eq!(size_class(&survey), Some(class), "{cell}");
    }
}

#[test]
fn defect_4_ambiguous_or_non_whole_inhabitants_are_refused() {
    for cell in [
        "1e3",
        "150,000",
        "12,5",
        "12.5",
        "1000.000",
        "1.00.000",
        "-5",
        "0",
        "0x10",
        "99999999999",
    ] {
        let p = problem(csv(&format!(
            "respondent_id,municipality,inhabitants\n1,GM0001,\"{cell}\"\n"
        )));
        assert_eq!(p.kind, ProblemKind::InvalidInhabitants, "{cell}");
        assert_eq!(
            (p.row, p.column.as_deref(), p.value.as_deref()),
            (Some(2), Some("inhabitants"), Some(cell))
        );
        assert!(p.message.contains("150.000"), "{cell}: {}", p.message);
    }
    let p = problem(csv(
        "respondent_id;municipality;inhabitants\n1;GM0001;150,000\n",
    ));
    assert!(p.message.contains("decimal mark"), "{}", p.message);
}

#[test]
fn defect_4_json_numbers_for_inhabitants_are_whole_numbers_only() {
    let s = json(r#"[{"respondent_id": "1", "municipality": "GM1", "inhabitants": 150000}]"#)
        .expect("whole number");
    assert_eq!(inhabitants(&s), Some(150_000));
    let s = json(r#"[{"respondent_id": "1", "municipality": "GM1", "inhabitants": 150000.0}]"#)
        .expect("whole float");
    assert_eq!(inhabitants(&s), Some(150_000));
    let p = problem(json(
        r#"[{"respondent_id": "1", "municipality": "GM1", "inhabitants": 1.5e5}]"#,
    ));
    assert_eq!(p.kind, ProblemKind::InvalidInhabitants);
}

// --- defect 5: booleans only as multi-select flags -----------------------------------------

#[test]
fn defect_5_booleans_are_refused_outside_multi_select_flags() {
    let cases = [
        (
            r#"{"respondent_id": "1", "municipality": "GM1", "strategy_use.seed_money": true}"#,
            "strategy_use.seed_money",
        ),
        (
            r#"{"respondent_id": true, "municipality": "GM1"}"#,
            "respondent_id",
        ),
        (
            r#"{"respondent_id": "1", "municipality": false}"#,
            "municipality",
        ),
        (
            r#"{"respondent_id": "1", "municipality": "GM1", "inhabitants": true}"#,
            "inhabitants",
        ),
        (
            r#"{"respondent_id": "1", "municipality": "GM1", "size_class": true}"#,
            "size_class",
        ),
    ];
    for (record, column) in cases {
        let p = problem(json(&format!("[{record}]")));
        assert_eq!(p.kind, ProblemKind::WrongType, "{record}");
        assert_eq!((p.row, p.column.as_deref()), (Some(1), Some(column)));
    }
    // In lenient mode the grid answer is left empty, not read as code 1.
    let s = lenient_json(
        r#"[{"respondent_id": "1", "municipality": "GM1", "strategy_use.seed_money": true}]"#,
    );
    let pos = s
        .instrument()
        .column_position("strategy_use.seed_money")
        .expect("column");
    assert_eq!(
        s.responses().codes(pos).expect("coded")[0],
        doe_democratie::instrument::NO_ANSWER
    );
    // A multi-select option takes a boolean.
    let column = inst()
        .columns()
        .iter()
        .find(|c| c.kind == doe_democratie::instrument::ColumnKind::Flag)
        .expect("a flag column")
        .name
        .clone();
    let s = json(&format!(
        r#"[{{"respondent_id": "1", "municipality": "GM1", "{column}": true}}]"#
    ))
    .expect("flag");
    let pos = s.instrument().column_position(&column).expect("column");
    assert_eq!(s.responses().codes(pos).expect("flag")[0], 1);
}

// --- defect 6: JSON integers beyond i64 ---------------------------------------------------

#[test]
fn defect_6_json_ids_keep_the_text_written() {
    let s = json(
        r#"[{"respondent_id": 18446744073709551615, "municipality": 1},
            {"respondent_id": 18446744073709551616, "municipality": 1},
            {"respondent_id": 18446744073709551617, "municipality": 123456789012345678901234}]"#,
    )
    .expect("three distinct ids");
    assert_eq!(
        s.responses().respondent_ids(),
        [
            "18446744073709551615",
            "18446744073709551616",
            "18446744073709551617"
        ]
    );
    assert_eq!(
        s.responses().municipalities()[1].id,
        "123456789012345678901234"
    );
}

// --- defect 7: duplicate keys in one JSON record ------------------------------------------

#[test]
fn defect_7_a_key_twice_in_one_record_is_a_duplicate_column() {
    let text = r#"[{"respondent_id": "1", "municipality": "GM1"},
                  {"respondent_id": "2", "municipality": "GM1", "municipality": "GM2"}]"#;
    for options in [ReadOptions::default(), ReadOptions::lenient()] {
        match Survey::read_json_str(text, &inst(), &options) {
            Err(Error::Validation(report)) => {
                let p = &report.problems[0];
                assert_eq!(p.kind, ProblemKind::DuplicateColumn);
                assert_eq!(
                    (p.row, p.column.as_deref()),
                    (Some(2), Some("municipality"))
                );
            }
            other => panic!("expected a duplicate-column error, got {other:?}"),
        }
    }
}

// --- defect 1: sparse keys stay sparse -----------------------------------------------------

#[test]
fn defect_1_sparse_keys_are_stored_sparsely() {
    // Each record carries one key no other record has. Dense storage would hold
    // 5,000 × 5,000 cells (800 MB); sparse storage holds 10,000.
    let n = 5_000;
    let mut text = String::from("[");
    for r in 0..n {
        if r > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            r#"{{"respondent_id": "{r}", "municipality": "GM{}", "extra_{r}": "x"}}"#,
            r % 50
        ));
    }
    text.push(']');
    let limits = Limits::default();
    let table = doe_democratie::data::parse_json_records(&text, "<json>", &limits).expect("read");
    assert_eq!(table.len(), n);
    assert_eq!(table.names().len(), n + 2);
    assert_eq!(table.cell(2, 0), CellRef::Text("x"));
    assert_eq!(table.cell(2, 1), CellRef::Empty);
    assert_eq!(table.cell(n + 1, n - 1), CellRef::Text("x"));
    let s = lenient_json(&text);
    assert_eq!((s.n_respondents(), s.n_municipalities()), (n, 50));
    assert_eq!(
        s.validation_report()
            .of_kind(ProblemKind::UnknownColumn)
            .count(),
        n
    );
}

// --- defect 9: stored surveys are validated like files -------------------------------------

fn stored(mutate: impl FnOnce(&mut serde_json::Value)) -> serde_json::Result<Survey> {
    let s = csv("respondent_id;municipality;inhabitants;size_class\n1;GM1;12000;lt_20k\n2;GM2;150000;100k_plus\n")
        .expect("valid");
    let mut v = serde_json::to_value(&s).expect("serialise");
    mutate(&mut v);
    serde_json::from_value(v)
}

#[test]
fn defect_9_stored_surveys_with_inconsistent_attributes_are_refused() {
    assert!(stored(|_| {}).is_ok());
    type Mutation = Box<dyn FnOnce(&mut serde_json::Value)>;
    let cases: [(&str, Mutation); 4] = [
        (
            "duplicate respondent",
            Box::new(|v| v["responses"]["respondent_ids"][1] = "1".into()),
        ),
        (
            "unknown size class",
            Box::new(|v| v["responses"]["municipalities"][0]["size_class"] = "huge".into()),
        ),
        (
            "inhabitants against size class",
            Box::new(|v| v["responses"]["municipalities"][0]["inhabitants"] = 500_000.into()),
        ),
        (
            "duplicate municipality",
            Box::new(|v| v["responses"]["municipalities"][1]["id"] = "GM1".into()),
        ),
    ];
    for (name, mutate) in cases {
        assert!(stored(mutate).is_err(), "{name} was accepted");
    }
}

// --- defect 13: messages --------------------------------------------------------------------

#[test]
fn defect_13_cr_only_line_endings_give_the_right_rows() {
    let text = "respondent_id,municipality,strategy_use.seed_money\r1,GM1,1\r2,GM1,7\r\r3,GM2,8\r";
    let s = Survey::read_csv_str(text, &inst(), &ReadOptions::lenient()).expect("lenient");
    let rows: Vec<Option<usize>> = s
        .validation_report()
        .problems
        .iter()
        .map(|p| p.row)
        .collect();
    assert_eq!(rows, [Some(3), Some(5)]);
}

#[test]
fn defect_13_utf16_without_bom_gets_the_encoding_hint() {
    let text = "respondent_id,municipality\r\n1,GM1\r\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let dir = tempdir("utf16");
    for (name, bytes, endian) in [("le.csv", le, "little"), ("be.csv", be, "big")] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        let p = problem(Survey::from_csv_path(&path, &inst()));
        assert_eq!(p.kind, ProblemKind::Encoding);
        assert!(
            p.message.contains("UTF-16") && p.message.contains(endian),
            "{}",
            p.message
        );
    }
}

#[test]
fn defect_13_text_and_file_of_the_same_bytes_are_read_alike() {
    // Found by the `csv` fuzz target: the text reader accepted NUL bytes the file reader refused.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/hostile/fuzz/csv-nul-after-header.csv");
    let bytes = std::fs::read(&path).expect("fuzz input");
    let text = std::str::from_utf8(&bytes).expect("valid UTF-8 with NUL bytes");
    let from_text = problem(csv(text));
    let from_file = problem(Survey::from_csv_path(&path, &inst()));
    for p in [&from_text, &from_file] {
        assert_eq!((p.kind, p.row), (ProblemKind::Encoding, Some(1)), "{p}");
        assert!(p.message.contains("NUL byte at offset 58"), "{p}");
    }
    let p = problem(json(
        "[{\"respondent_id\": \"1\u{0}\", \"municipality\": \"GM1\"}]",
    ));
    assert_eq!(p.kind, ProblemKind::Encoding);
}

#[test]
fn defect_13_long_values_are_capped_and_control_characters_escaped() {
    let long = "x".repeat(1_000_000);
    let p = problem(csv(&format!(
        "respondent_id;municipality;strategy_use.seed_money\n1;GM1;{long}\n"
    )));
    let shown = p.to_string();
    assert!(shown.len() < 2_000, "{} bytes", shown.len());
    assert!(shown.contains("(1000000 bytes in all)"), "{shown}");
    let p = problem(csv(
        "respondent_id;municipality;strategy_use.seed_money\n1;GM1;\u{1b}[31mred\u{1b}[0m\n",
    ));
    let shown = p.to_string();
    assert!(!shown.contains('\u{1b}'), "{shown}");
    assert!(shown.contains("\\u{1b}[31mred"), "{shown}");
}

// --- defect 14: RawTable cannot be built inconsistent ---------------------------------------

#[test]
fn defect_14_columns_of_unequal_length_are_an_error_not_a_panic() {
    let columns = vec![
        (
            "respondent_id".to_string(),
            vec![Cell::Text("1".into()), Cell::Text("2".into())],
        ),
        ("municipality".to_string(), vec![Cell::Text("GM1".into())]),
    ];
    match RawTable::from_columns("<test>", columns) {
        Err(Error::Validation(report)) => {
            assert_eq!(report.problems[0].column.as_deref(), Some("municipality"));
        }
        other => panic!("expected an error, got {other:?}"),
    }
    // Reading outside a table gives empty cells.
    let table = RawTable::default();
    assert_eq!(table.cell(3, 7), CellRef::Empty);
    assert_eq!(table.row(7), 0);
}

// --- defect 15: limits ------------------------------------------------------------------------

fn limited(max_input_bytes: u64, max_field_bytes: usize, max_columns: usize) -> ReadOptions {
    ReadOptions {
        limits: Limits {
            max_input_bytes,
            max_field_bytes,
            max_columns,
        },
        ..ReadOptions::default()
    }
}

fn limit_problem(result: doe_democratie::Result<Survey>) -> doe_democratie::data::Problem {
    let p = problem(result);
    assert_eq!(p.kind, ProblemKind::LimitExceeded, "{p}");
    p
}

#[test]
fn defect_15_endless_input_is_refused_at_the_size_limit() {
    let p = limit_problem(Survey::read_csv_path(
        "/dev/zero",
        &inst(),
        &limited(1 << 20, 1 << 20, 100),
    ));
    assert!(p.message.contains("max_input_bytes"), "{}", p.message);
    let text = "respondent_id,municipality\n1,GM1\n";
    limit_problem(Survey::read_csv_str(text, &inst(), &limited(10, 100, 100)));
    limit_problem(Survey::read_json_str(
        "[]          ",
        &inst(),
        &limited(10, 100, 100),
    ));
}

#[test]
fn defect_15_long_fields_and_wide_headers_are_refused() {
    // 13 bytes hold the longest header name, not the 16-byte municipality code.
    let text = "respondent_id,municipality\n1,GM00000000000001\n";
    let p = limit_problem(Survey::read_csv_str(
        text,
        &inst(),
        &limited(1 << 20, 13, 100),
    ));
    assert_eq!(
        (p.row, p.column.as_deref()),
        (Some(2), Some("municipality"))
    );
    let p = limit_problem(Survey::read_json_str(
        r#"[{"respondent_id": "1", "municipality": "GM00000000000001"}]"#,
        &inst(),
        &limited(1 << 20, 13, 100),
    ));
    assert_eq!(
        (p.row, p.column.as_deref()),
        (Some(1), Some("municipality"))
    );
    let p = limit_problem(Survey::read_csv_str(
        text,
        &inst(),
        &limited(1 << 20, 100, 1),
    ));
    assert_eq!(p.row, Some(1));
    let p = limit_problem(Survey::read_json_str(
        r#"[{"respondent_id": "1", "municipality": "GM1"}]"#,
        &inst(),
        &limited(1 << 20, 100, 1),
    ));
    assert_eq!(p.column.as_deref(), Some("municipality"));
}

// --- defect 17: look-alike ids ------------------------------------------------------------------

#[test]
fn defect_17_look_alike_municipality_codes_are_one_municipality() {
    let s = csv("respondent_id;municipality\n1;GM0001\n2;GM0001\u{200b}\n3;\u{ff27}\u{ff2d}0001\n4; GM0001\u{a0}\n5;\u{feff}GM0001\n")
        .expect("valid");
    assert_eq!(s.n_municipalities(), 1);
    assert_eq!(s.responses().municipalities()[0].id, "GM0001");
    // Respondent ids are normalised the same way, so look-alikes are duplicates.
    let p = problem(csv("respondent_id;municipality\nr1;GM1\nr1\u{200b};GM1\n"));
    assert_eq!((p.kind, p.row), (ProblemKind::DuplicateRespondent, Some(3)));
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "doe-democratie-hardening-{name}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

// --- findings of the review of the fixes ----------------------------------------------------

#[test]
fn a_lenient_survey_with_a_size_class_conflict_round_trips() {
    // Row 3's inhabitants contradict row 2's size class: reported, and not stored beside it.
    let s = Survey::read_csv_str(
        "respondent_id;municipality;inhabitants;size_class\n1;GM1;;lt_20k\n2;GM1;150000;\n",
        &inst(),
        &ReadOptions::lenient(),
    )
    .expect("lenient");
    assert_eq!(
        s.validation_report()
            .of_kind(ProblemKind::InconsistentMunicipality)
            .count(),
        1
    );
    assert_eq!((inhabitants(&s), size_class(&s)), (None, Some("lt_20k")));
    let back: Survey =
        serde_json::from_str(&serde_json::to_string(&s).expect("save")).expect("load");
    assert_eq!(back, s);
}

#[test]
fn id_normalisation_is_stable() {
    // An invisible character between a letter and its accent: removed before NFKC, so the id is
    // the composed 'é' and equals the one written composed.
    let p = problem(csv(
        "respondent_id;municipality\ne\u{200b}\u{301};GM1\n\u{e9};GM1\n",
    ));
    assert_eq!((p.kind, p.row), (ProblemKind::DuplicateRespondent, Some(3)));
    let s = csv("respondent_id;municipality\nr1;GMe\u{200b}\u{301}\n").expect("valid");
    assert_eq!(s.responses().municipalities()[0].id, "GM\u{e9}");
    let back: Survey =
        serde_json::from_str(&serde_json::to_string(&s).expect("save")).expect("load");
    assert_eq!(back, s);
}

#[test]
fn errors_inside_a_json_record_are_reported_as_themselves() {
    let p = problem(json(
        r#"[{"respondent_id": "1", "municipality": "GM1", "municipality": "GM2", "role": "x"}]"#,
    ));
    assert_eq!(
        (p.kind, p.column.as_deref()),
        (ProblemKind::DuplicateColumn, Some("municipality"))
    );
    let p = problem(Survey::read_json_str(
        r#"[{"respondent_id": "1", "municipality": "GM00000000000001", "role": "x"}]"#,
        &inst(),
        &limited(1 << 20, 13, 100),
    ));
    assert_eq!(
        (p.kind, p.column.as_deref()),
        (ProblemKind::LimitExceeded, Some("municipality"))
    );
}

#[test]
fn leading_zero_groups_and_dutch_json_numbers_are_not_thousands() {
    for cell in ["0.150", "000.001", "0 150"] {
        let p = problem(csv(&format!(
            "respondent_id;municipality;inhabitants\n1;GM1;{cell}\n"
        )));
        assert_eq!(p.kind, ProblemKind::InvalidInhabitants, "{cell}");
    }
    let p = problem(json(
        r#"[{"respondent_id": "1", "municipality": "GM1", "inhabitants": 150.000}]"#,
    ));
    assert_eq!(p.kind, ProblemKind::InvalidInhabitants);
}

#[test]
fn a_level_id_wins_over_another_levels_label() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/hostile/instrument_no_levels.json"),
    )
    .expect("instrument");
    let text = text.replace(
        r#""roles": []"#,
        r#""roles": [{"id": "a", "label_nl": "b", "label_en": "B"},
                     {"id": "b", "label_nl": "c", "label_en": "C"}]"#,
    );
    let instrument = Instrument::from_json(&text).expect("instrument");
    let s = Survey::read_csv_str(
        "respondent_id,municipality,role\n1,GM1,b\n2,GM1,c\n",
        &instrument,
        &ReadOptions::default(),
    )
    .expect("valid");
    assert_eq!(
        s.responses().roles(),
        [Some("b".to_string()), Some("b".to_string())]
    );
    let back: Survey =
        serde_json::from_str(&serde_json::to_string(&s).expect("save")).expect("load");
    assert_eq!(back, s);
}

#[test]
fn messages_about_unknown_columns_are_capped() {
    let header = format!("forms_occurrence.{}", "x".repeat(100_000));
    let p = problem(csv(&format!(
        "respondent_id;municipality;{header}\n1;GM1;1\n"
    )));
    assert_eq!(p.kind, ProblemKind::UnknownColumn);
    assert!(p.to_string().len() < 2_000, "{} bytes", p.to_string().len());
}

#[test]
fn long_non_scalar_json_values_are_echoed_cut() {
    let array = format!("[{}]", vec!["0"; 100_000].join(","));
    let s = Survey::read_json_str(
        &format!(r#"[{{"respondent_id": "1", "municipality": "GM1", "role": {array}}}]"#),
        &inst(),
        &ReadOptions::lenient(),
    )
    .expect("lenient");
    let p = &s.validation_report().problems[0];
    assert_eq!(p.kind, ProblemKind::Malformed);
    assert!(
        p.value.as_ref().is_some_and(|v| v.len() < 300),
        "{:?}",
        p.value.as_ref().map(String::len)
    );
}

#[test]
fn json_keys_are_trimmed_like_csv_headers() {
    let s = json(r#"[{" respondent_id ": "1", "municipality ": "GM1"}]"#).expect("valid");
    assert_eq!(s.n_respondents(), 1);
}

#[test]
fn free_text_roles_and_provinces_are_normalised_like_ids() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/hostile/instrument_no_levels.json"),
    )
    .expect("instrument");
    let instrument = Instrument::from_json(&text).expect("instrument");
    let s = Survey::read_csv_str(
        "respondent_id,municipality,province,role\n1,GM1,Zeeland,wethouder\n\
         2,GM2,Zeeland\u{200b},wethouder \n3,GM3,\u{ff3a}eeland,\u{200b}\n",
        &instrument,
        &ReadOptions::default(),
    )
    .expect("valid");
    let provinces: Vec<_> = s
        .responses()
        .municipalities()
        .iter()
        .map(|m| m.province.as_deref())
        .collect();
    assert_eq!(provinces, [Some("Zeeland"); 3]);
    assert_eq!(
        s.responses().roles(),
        [
            Some("wethouder".to_string()),
            Some("wethouder".to_string()),
            None
        ]
    );
}
