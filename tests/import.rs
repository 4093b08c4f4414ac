//! Issue 10: real exports read with reading options and an import profile.
//!
//! `examples/excel-export/antwoorden.csv` is the bundled reconstruction as Dutch Excel saves it
//! (Windows-1252, `;`, Dutch headers, short answers, an extra column, blanks), written by
//! `examples/excel-export/make.py`; `profiel.json` is the profile that reads it.

use std::path::PathBuf;

use doe_democratie::analysis::{frequencies, net_shares, Attribute, Breakdown, Options};
use doe_democratie::data::{Encoding, IgnoreColumns, ImportProfile, ProblemKind};
use doe_democratie::{datasets, Error, Instrument, ReadOptions, Survey};

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/excel-export")
        .join(name)
}

fn read_export(strict: bool) -> doe_democratie::Result<Survey> {
    let profile = ImportProfile::from_json_path(example("profiel.json"))?;
    let options = ReadOptions {
        strict,
        ..ReadOptions::default()
    }
    .with_profile(&profile);
    Survey::read_csv_path(
        example("antwoorden.csv"),
        &Instrument::doe_democratie_2013(),
        &options,
    )
}

#[test]
fn the_excel_export_reads_with_its_profile_and_gives_the_tables_of_the_recoded_data() {
    let export = read_export(true).unwrap();
    let recoded = datasets::doe_democratie_2013();
    assert_eq!(export.n_respondents(), 126);
    assert_eq!(export.n_municipalities(), 98);
    let by_size = Options {
        by: Some(Breakdown::by(Attribute::SizeClass)),
        ..Options::default()
    };
    let by_province = Options {
        by: Some(Breakdown::by(Attribute::Province)),
        ..Options::default()
    };
    for options in [Options::default(), by_size, by_province] {
        let a = net_shares(&export, "strategy_use", "top2", &options).unwrap();
        let b = net_shares(&recoded, "strategy_use", "top2", &options).unwrap();
        assert_eq!(a.rows, b.rows);
        let a = frequencies(&export, "strategy_use", &options).unwrap();
        let b = frequencies(&recoded, "strategy_use", &options).unwrap();
        assert_eq!(a.rows, b.rows);
    }
    // The published 73%: 'betrouwbare partner' used often or regularly (Fig 3.3).
    let t = net_shares(&export, "strategy_use", "top2", &Options::default()).unwrap();
    let row = t.find(Some("reliable_partner"), "all", "top2").unwrap();
    assert_eq!(row.printed, Some(73));
}

#[test]
fn without_the_profile_the_export_is_refused_with_a_clear_reason() {
    let instrument = Instrument::doe_democratie_2013();
    let err = Survey::from_csv_path(example("antwoorden.csv"), &instrument).unwrap_err();
    let Error::Validation(report) = err else {
        panic!("expected a validation error, got {err}");
    };
    assert_eq!(report.problems[0].kind, ProblemKind::Encoding);
    assert!(
        report.problems[0].message.contains("Windows-1252"),
        "{report}"
    );
}

#[test]
fn strict_mode_lists_every_problem_and_the_closest_columns() {
    let instrument = Instrument::doe_democratie_2013();
    let options = ReadOptions {
        encoding: Encoding::Windows1252,
        ..ReadOptions::default()
    };
    let err = Survey::read_csv_path(example("antwoorden.csv"), &instrument, &options).unwrap_err();
    let Error::Validation(report) = err else {
        panic!("expected a validation error, got {err}");
    };
    // Every header is unknown (21 of them) and both required columns are missing.
    let unknown: Vec<_> = report.of_kind(ProblemKind::UnknownColumn).collect();
    assert_eq!(unknown.len(), 21, "{report}");
    assert_eq!(report.of_kind(ProblemKind::MissingColumn).count(), 2);
    assert!(
        unknown[0].message.contains("map it"),
        "{}",
        unknown[0].message
    );
    // A misspelt column is shown its closest instrument columns.
    let csv = "respondent_id;municipalty;strategy_use.reliable_partnr\n1;GM1;Vaak\n";
    let err = Survey::read_csv_str(csv, &instrument, &ReadOptions::default()).unwrap_err();
    let Error::Validation(report) = err else {
        panic!("expected a validation error");
    };
    let messages: Vec<&str> = report.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(
        messages[0].contains("closest: 'municipality'"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("closest: 'strategy_use.reliable_partner'"),
        "{messages:?}"
    );
}

#[test]
fn columns_map_headers_and_ignore_columns_leaves_them_out() {
    let instrument = Instrument::doe_democratie_2013();
    let csv = "Respondent;Gemeente;Functie;Opmerkingen;Notitie;strategy_use.Betrouwbare samenwerkingspartner\n\
               1;Utrecht;Wijkmanager;ok;x;Vaak\n\
               2;Utrecht;wijkmanagers;;;Soms\n";
    let mut options = ReadOptions {
        columns: [
            ("Respondent", "respondent_id"),
            ("gemeente", "municipality"), // folded: case ignored
            ("Functie", "role"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect(),
        ignore_columns: IgnoreColumns::Listed(vec!["Opmerkingen".into(), "Notitie".into()]),
        ..ReadOptions::default()
    };
    let survey = Survey::read_csv_str(csv, &instrument, &options).unwrap();
    assert_eq!(survey.n_respondents(), 2);
    assert_eq!(
        survey.responses().roles()[0].as_deref(),
        Some("district_manager")
    );
    let t = frequencies(&survey, "strategy_use", &Options::default()).unwrap();
    assert!(t.find(Some("reliable_partner"), "all", "often").is_some());

    // 'unknown' leaves out every header the instrument does not define, and says which.
    options.ignore_columns = IgnoreColumns::Unknown;
    let survey = Survey::read_csv_str(csv, &instrument, &options).unwrap();
    assert_eq!(
        survey.validation_report().ignored_columns,
        ["Opmerkingen", "Notitie"]
    );

    // Two headers for one column are refused, naming both.
    options.columns.insert("Notitie".into(), "role".into());
    let err = Survey::read_csv_str(csv, &instrument, &options).unwrap_err();
    assert!(
        err.to_string()
            .contains("'Functie' (position 3) and this one (position 5) both give 'role'"),
        "{err}"
    );

    // Problems name the column as the file has it; the table's warning, the instrument column.
    let messy = "Respondent;Gemeente;Betrouwbaar\n1;A;Vaak\n2;B;Heel vaak\n";
    let options = ReadOptions {
        strict: false,
        columns: [
            ("Respondent", "respondent_id"),
            ("Gemeente", "municipality"),
            ("Betrouwbaar", "strategy_use.reliable_partner"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect(),
        ..ReadOptions::default()
    };
    let survey = Survey::read_csv_str(messy, &instrument, &options).unwrap();
    let problem = &survey.validation_report().problems[0];
    assert_eq!(
        (
            problem.row,
            problem.column.as_deref(),
            problem.value.as_deref()
        ),
        (Some(3), Some("Betrouwbaar"), Some("Heel vaak"))
    );
    let table = net_shares(&survey, "strategy_use", "top2", &Options::default()).unwrap();
    assert_eq!(
        table.warnings[0].column.as_deref(),
        Some("strategy_use.reliable_partner")
    );

    // A mapping to a column the instrument lacks is reported at the header.
    let options = ReadOptions {
        columns: [("Gemeente".to_string(), "gemeente".to_string())]
            .into_iter()
            .collect(),
        ..ReadOptions::default()
    };
    let err = Survey::read_csv_str(csv, &instrument, &options).unwrap_err();
    assert!(
        err.to_string()
            .contains("columns maps this header to 'gemeente'"),
        "{err}"
    );
}

#[test]
fn encodings_decode_what_excel_writes() {
    let instrument = Instrument::doe_democratie_2013();
    let text = "respondent_id;municipality;province\n1;GM1;Fryslân\n";
    let cp1252: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let dir = std::env::temp_dir().join(format!("dd-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes, encoding) in [
        ("cp1252.csv", cp1252.clone(), Encoding::Windows1252),
        ("latin1.csv", cp1252, Encoding::Latin1),
        ("utf16.csv", utf16, Encoding::Utf16),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let options = ReadOptions {
            encoding,
            ..ReadOptions::default()
        };
        let survey = Survey::read_csv_path(&path, &instrument, &options).unwrap();
        let province = survey.responses().municipalities()[0].province.clone();
        assert_eq!(province.as_deref(), Some("fryslan"), "{name}");
    }
    // A UTF-8 file said to be Windows-1252 is refused when its byte-order mark shows it.
    let path = dir.join("bom.csv");
    std::fs::write(&path, format!("\u{feff}{text}")).unwrap();
    let options = ReadOptions {
        encoding: Encoding::Windows1252,
        ..ReadOptions::default()
    };
    let err = Survey::read_csv_path(&path, &instrument, &options).unwrap_err();
    assert!(err.to_string().contains("read it as 'utf-8'"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
    assert!("cp1252".parse::<Encoding>().is_ok());
    assert!("ebcdic"
        .parse::<Encoding>()
        .unwrap_err()
        .to_string()
        .contains("windows-1252"));
}

#[test]
fn a_profile_round_trips_and_refuses_what_it_does_not_know() {
    let profile = ImportProfile::from_json_path(example("profiel.json")).unwrap();
    assert_eq!(
        ImportProfile::from_json(&profile.to_json()).unwrap(),
        profile
    );
    assert_eq!(profile.encoding, Encoding::Windows1252);
    assert_eq!(profile.columns["Gemeente"], "municipality");
    for (bad, why) in [
        (r#"{"format": "x"}"#, "this version reads only"),
        (
            r#"{"format": "doe_democratie.import_profile/1", "ignore_columns": "all"}"#,
            "the word \"unknown\"",
        ),
        (
            r#"{"format": "doe_democratie.import_profile/1", "delimiter": ";;"}"#,
            "single ASCII character",
        ),
        (
            r#"{"format": "doe_democratie.import_profile/1", "columns": {"A": "role", "B": "role"}}"#,
            "maps both",
        ),
        (
            r#"{"format": "doe_democratie.import_profile/1", "encodng": "utf-8"}"#,
            "unknown field",
        ),
    ] {
        let err = ImportProfile::from_json(bad).unwrap_err().to_string();
        assert!(err.contains(why), "{bad}: {err}");
    }
}

/// A lenient read that dropped answers: every table of that question says how many and why,
/// in its text, CSV, HTML and the item summary (issue 10, deliverable 4).
#[test]
fn tables_carry_a_warning_when_answers_were_dropped() {
    let instrument = Instrument::doe_democratie_2013();
    let csv = "respondent_id;municipality;strategy_use.reliable_partner;strategy_use.seed_money\n\
               1;GM1;Vaak;Soms\n\
               2;GM2;Heel vaak;Soms\n\
               3;GM3;x;Niet\n\
               3;GM4;Vaak;Vaak\n\
               4;GM5;Regelmatig;Soms\n";
    let survey = Survey::read_csv_str(csv, &instrument, &ReadOptions::lenient()).unwrap();
    let table = net_shares(&survey, "strategy_use", "top2", &Options::default()).unwrap();
    let warnings: Vec<(Option<&str>, ProblemKind, usize)> = table
        .warnings
        .iter()
        .map(|w| (w.column.as_deref(), w.reason, w.count))
        .collect();
    assert_eq!(
        warnings,
        [
            (
                Some("strategy_use.reliable_partner"),
                ProblemKind::InvalidCode,
                2
            ),
            (None, ProblemKind::DuplicateRespondent, 1),
        ]
    );
    let text = table.warning_text().unwrap();
    assert_eq!(
        text,
        "Let op: bij het inlezen weggevallen en niet meegeteld: 2 antwoorden in \
         strategy_use.reliable_partner (invalid_code); 1 rij van respondenten overgeslagen \
         (duplicate_respondent)."
    );
    assert!(table.to_csv().starts_with(&format!("# {text}\n")));
    assert!(table
        .to_html(10)
        .contains("2 antwoorden in strategy_use.reliable_partner"));
    assert!(table.to_string().contains(&text));
    // The base shrinks by the dropped answers: 2 of 4 respondents' answers are left.
    let row = table.find(Some("reliable_partner"), "all", "top2").unwrap();
    assert_eq!((row.count, row.base), (2.0, 2.0));

    // Another question of the same survey only carries the skipped rows.
    let other = frequencies(&survey, "forms_occurrence", &Options::default()).unwrap();
    assert_eq!(other.warnings.len(), 1);
    assert_eq!(other.warnings[0].column, None);

    let summary = survey.item_summary();
    let dropped = |c: &str| summary.iter().find(|s| s.column == c).unwrap().dropped;
    assert_eq!(dropped("strategy_use.reliable_partner"), 2);
    assert_eq!(dropped("strategy_use.seed_money"), 0);

    // A strict read has nothing to warn about.
    let clean = "respondent_id;municipality;strategy_use.reliable_partner\n1;GM1;Vaak\n";
    let survey = Survey::read_csv_str(clean, &instrument, &ReadOptions::default()).unwrap();
    let table = net_shares(&survey, "strategy_use", "top2", &Options::default()).unwrap();
    assert!(table.warnings.is_empty() && table.warning_text().is_none());
    assert!(!table.to_csv().starts_with('#'));
}
