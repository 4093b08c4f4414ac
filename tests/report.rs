//! The 2013 report as code: its specification runs on the bundled data and every figure table
//! shows the published figure values; specifications round-trip through JSON and users can write
//! their own.

use doe_democratie::analysis::Table;
use doe_democratie::report::{FigureSpec, Measure, ReportSpec};
use doe_democratie::{datasets, Error};
use serde_json::Value;

fn figure_tables() -> Vec<Table> {
    ReportSpec::doe_democratie_2013()
        .run(&datasets::doe_democratie_2013())
        .unwrap()
        .tables
}

#[test]
fn the_2013_spec_covers_every_figure_of_the_report() {
    let spec = ReportSpec::doe_democratie_2013();
    for id in [
        "fig_2_2", "fig_2_3", "fig_3_1", "fig_3_2", "fig_3_3", "fig_3_4", "fig_3_5", "fig_3_6",
        "fig_3_7", "fig_3_8", "fig_3_9", "fig_4_1", "fig_4_2",
    ] {
        let f = spec.figure(id).unwrap();
        assert!(f.title.starts_with("Figuur "), "{id}: {}", f.title);
    }
    assert!(spec.figures.iter().any(|f| f.id.starts_with("kf")));
    assert!(spec.figures.iter().any(|f| f.options.by.is_some()));
}

/// Every published figure number (figures 2.2–4.2: cells, counts, item n's) must appear in the
/// report's own table for that figure, not only in a measure computed on the side.
#[test]
fn figure_tables_show_the_published_figure_values() {
    let tables = figure_tables();
    let doc: Value =
        serde_json::from_str(include_str!("data/published/published_numbers.json")).unwrap();
    let mut checked = 0;
    for r in doc["records"].as_array().unwrap() {
        let figure = r["figure"].as_str().unwrap();
        if !figure.chars().next().unwrap().is_ascii_digit() || r["status"] != "reproduce" {
            continue;
        }
        if !r["breakdown"].is_null() || r["compare"] != "eq" {
            continue;
        }
        let id = format!("fig_{}", figure.replace('.', "_"));
        let table = tables.iter().find(|t| t.id == id).unwrap();
        let item = r["item"].as_str();
        let value = r["value"].as_f64().unwrap();
        let shown = match r["measure"].as_str().unwrap() {
            "pct" if r["rounding"] == "largest_remainder" => {
                let cat = r["category"].as_str().unwrap();
                table.find(item, "all", cat).unwrap().printed.unwrap() as f64
            }
            "mention_count" => table.find(item, "all", "mentioned").unwrap().count,
            "mention_pct" => table
                .find(item, "all", "mentioned")
                .unwrap()
                .printed
                .unwrap() as f64,
            "n" if item.is_some() => {
                table
                    .rows
                    .iter()
                    .find(|row| row.item.as_deref() == item)
                    .unwrap()
                    .base
            }
            _ => continue,
        };
        assert_eq!(shown, value, "{}", r["id"]);
        checked += 1;
    }
    assert!(checked >= 150, "only {checked} figure values checked");
}

/// Every published key-finding percentage (kf1–kf13) appears in the report's own table for that
/// key finding (`kfN` or `kfN_<part>`), at the report's rounding.
#[test]
fn key_finding_tables_show_the_published_key_findings() {
    let tables = figure_tables();
    let doc: Value =
        serde_json::from_str(include_str!("data/published/published_numbers.json")).unwrap();
    let mut checked = 0;
    for r in doc["records"].as_array().unwrap() {
        let kf = r["figure"].as_str().unwrap();
        if !kf.starts_with("kf") || r["status"] != "reproduce" {
            continue;
        }
        let category = match r["measure"].as_str().unwrap() {
            "pct" | "pct_valid" => r["category"].as_str().unwrap(),
            "net" => r["category"].as_str().unwrap(),
            "mention_pct" => "mentioned",
            _ => continue, // counts of items: not a table cell
        };
        let item = r["item"].as_str();
        let group = r["breakdown"]["level"].as_str().unwrap_or("all");
        let candidates: Vec<&Table> = tables
            .iter()
            .filter(|t| t.id == kf || t.id.starts_with(&format!("{kf}_")))
            .collect();
        assert!(!candidates.is_empty(), "no table for {kf}");
        let value = r["value"].as_f64().unwrap();
        let tolerance = r["tolerance"].as_f64().unwrap_or(0.0);
        let shown = candidates
            .iter()
            .filter_map(|t| t.find(item, group, category))
            .filter_map(|row| row.percentage.map(doe_democratie::analysis::round_half_up))
            .any(|p| (p as f64 - value).abs() <= tolerance);
        assert!(shown, "{}: {value} not in the {kf} tables", r["id"]);
        checked += 1;
    }
    assert!(checked >= 35, "only {checked} key-finding numbers checked");
}

#[test]
fn spec_round_trips_through_json_and_user_specs_run() {
    let spec = ReportSpec::doe_democratie_2013();
    assert_eq!(ReportSpec::from_json(&spec.to_json()).unwrap(), spec);

    let mine = r#"{
      "id": "mine", "title": "Mijn rapport",
      "figures": [
        {"id": "facilitating_by_size", "title": "Faciliteren naar grootte", "question": "strategy_use",
         "measure": "net", "net": "top2",
         "options": {"by": {"attribute": "size_class"}, "items": {"tag": ["rung", "facilitating"]}}}
      ]
    }"#;
    let report = ReportSpec::from_json(mine)
        .unwrap()
        .run(&datasets::doe_democratie_2013())
        .unwrap();
    let t = report.table("facilitating_by_size").unwrap();
    assert_eq!(t.rows.len(), 6 * 5); // six strategies × (all + four classes)
                                     // Fig 3.3 top-2 of connecting parties at n = 85: 53 %.
    assert_eq!(
        t.find(Some("connecting_parties"), "all", "top2")
            .unwrap()
            .printed,
        Some(53)
    );
}

#[test]
fn bad_specs_fail_with_the_figure_named() {
    let spec = ReportSpec {
        id: "bad".into(),
        title: "bad".into(),
        figures: vec![FigureSpec {
            id: "oops".into(),
            title: "oops".into(),
            question: "strategy_use".into(),
            measure: Measure::Mentions,
            options: Default::default(),
        }],
    };
    let err = spec.run(&datasets::doe_democratie_2013()).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }));
    assert!(err.to_string().contains("figure 'oops'"), "{err}");
    assert!(matches!(
        ReportSpec::from_json("{\"id\": 1}"),
        Err(Error::InvalidSpec { line: Some(1), .. })
    ));
}

#[test]
fn report_writes_csv_json_and_html() {
    let dir = std::env::temp_dir().join(format!("doe_democratie_report_{}", std::process::id()));
    let report = ReportSpec::doe_democratie_2013()
        .run(&datasets::doe_democratie_2013())
        .unwrap();
    let written = report.write_dir(&dir).unwrap();
    assert!(written.contains(&"fig_3_3.csv".to_string()));
    let csv = std::fs::read_to_string(dir.join("fig_3_3.csv")).unwrap();
    assert!(csv.starts_with(
        "question,item,group,category,label_nl,item_label,category_label,count,base,percentage,printed"
    ));
    assert!(csv.contains("strategy_use,seed_money,all,sometimes,\"Soms, op beperkte schaal\","));
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(html.contains("Figuur 3.3"));
    let back: doe_democratie::report::Report =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(back, report);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn documented_example_runs() {
    let doc = include_str!("../docs/report-format.md");
    let start = doc.find("```json\n").unwrap() + "```json\n".len();
    let end = start + doc[start..].find("```").unwrap();
    let spec = ReportSpec::from_json(&doc[start..end]).unwrap();
    let report = spec.run(&datasets::doe_democratie_2013()).unwrap();
    let facilitating = report.table("facilitating").unwrap();
    let groups: Vec<&str> = facilitating
        .rows
        .iter()
        .map(|r| r.group.as_str())
        .take(3)
        .collect();
    assert_eq!(groups, ["all", "lt_50k", "gt_50k"]);
    // prefer_role takes one respondent per municipality: still 98 municipalities in the base.
    let council = report.table("council_attention").unwrap();
    assert_eq!(council.rows[0].base, 98.0);
    assert_eq!(report.table("providers").unwrap().rows[0].count, 71.0); // Fig 4.2: VNG
}

/// A one-figure specification whose figure is `figure` (JSON object text).
fn spec_with(figure: &str) -> String {
    format!(r#"{{"id": "s", "title": "s", "figures": [{figure}]}}"#)
}

fn figure_with_id(id: &str) -> String {
    let id = serde_json::to_string(id).unwrap();
    format!(r#"{{"id": {id}, "title": "t", "question": "strategy_use", "measure": "frequencies"}}"#)
}

fn spec_error(text: &str) -> String {
    match ReportSpec::from_json(text) {
        Err(e @ Error::InvalidSpec { .. }) => e.to_string(),
        other => panic!("expected InvalidSpec, got {other:?}"),
    }
}

/// Figure ids name files: anything but a plain, unique file-name stem is refused on reading,
/// with the figure named (defect 3 of issue 6: `../escaped` wrote outside the output folder).
#[test]
fn unsafe_figure_ids_are_refused_when_read() {
    let long = "x".repeat(65);
    for (id, needle) in [
        (
            "../escaped",
            "figure '../escaped' (figures[0]): the id contains '/'",
        ),
        (
            "/tmp/abs",
            "figure '/tmp/abs' (figures[0]): the id contains '/'",
        ),
        ("", "figures[0]: the id is empty"),
        ("a/b", "the id contains '/'"),
        ("a\\b", "the id contains '\\\\'"),
        ("C:x", "the id contains ':'"),
        ("..", "the id starts with '.'"),
        (".hidden", "the id starts with '.'"),
        ("fig 1", "the id contains ' '"),
        (
            "fig\u{1b}[31m",
            "figure 'fig\\u{1b}[31m' (figures[0]): the id contains '\\u{1b}'",
        ),
        ("fig_é", "the id contains 'é'"),
        (long.as_str(), "the id has 65 characters; at most 64"),
    ] {
        let message = spec_error(&spec_with(&figure_with_id(id)));
        assert!(message.contains(needle), "{id:?}: {message}");
    }
    let ok = "x".repeat(64) + "";
    assert!(ReportSpec::from_json(&spec_with(&figure_with_id(&ok))).is_ok());
    assert!(ReportSpec::from_json(&spec_with(&figure_with_id("Fig-3.3_b"))).is_ok());
}

#[test]
fn duplicate_figure_ids_are_refused() {
    let twice = |a: &str, b: &str| {
        let (a, b) = (figure_with_id(a), figure_with_id(b));
        spec_error(&format!(
            r#"{{"id": "s", "title": "s", "figures": [{a}, {b}]}}"#
        ))
    };
    let message = twice("fig", "fig");
    assert!(
        message.contains("figure 'fig' (figures[1]): figures[0] has the same id"),
        "{message}"
    );
    // One file on case-insensitive file systems.
    let message = twice("fig", "FIG");
    assert!(
        message.contains("figure 'FIG' (figures[1]): figures[0] has 'fig'"),
        "{message}"
    );
}

fn one_figure_spec(id: &str) -> ReportSpec {
    ReportSpec {
        id: "built".into(),
        title: "built".into(),
        figures: vec![FigureSpec {
            id: id.into(),
            title: "t".into(),
            question: "strategy_use".into(),
            measure: Measure::Frequencies,
            options: Default::default(),
        }],
    }
}

/// A scratch directory with an `out` folder to write into; its parent shows escapes.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("doe_democratie_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Specifications and reports built in code are checked too, and writing never leaves the
/// output directory, whatever the table ids say.
#[test]
fn built_specs_and_reports_cannot_write_outside_the_output_dir() {
    let survey = datasets::doe_democratie_2013();
    for id in ["../escaped", "/tmp/abs", "", "a/b"] {
        let spec = one_figure_spec(id);
        assert!(
            matches!(spec.check(), Err(Error::InvalidSpec { line: None, .. })),
            "{id:?}"
        );
        assert!(
            matches!(spec.run(&survey), Err(Error::InvalidSpec { .. })),
            "{id:?}"
        );
    }

    let dir = scratch("escape");
    let abs = dir.join("abs");
    let mut report = one_figure_spec("fine").run(&survey).unwrap();
    for id in [
        "../escaped".to_string(),
        abs.display().to_string(),
        "a/b".into(),
        "".into(),
    ] {
        report.tables[0].id = id.clone();
        let err = report.write_dir(dir.join("out")).unwrap_err();
        assert!(matches!(err, Error::InvalidSpec { .. }), "{id:?}: {err}");
    }
    report.tables.push(report.tables[0].clone());
    report.tables[0].id = "same".into();
    report.tables[1].id = "same".into();
    assert!(report.write_dir(dir.join("out")).is_err());
    // Nothing written anywhere, not even the output folder.
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Misspelt keys used to be ignored (defect 8 of issue 6: `options.itemz` and
/// `"items": {"item": [...]}` produced every item); every object of the format refuses them,
/// naming the figure and the key.
#[test]
fn unknown_keys_are_refused_with_the_figure_and_key_named() {
    let figure = |extra: &str| {
        format!(
            r#"{{"id": "seed", "title": "t", "question": "strategy_use", "measure": "net", "net": "top2"{extra}}}"#
        )
    };
    for (extra, key) in [
        (
            r#", "options": {"itemz": {"items": ["seed_money"]}}"#,
            "`itemz`",
        ),
        (
            r#", "options": {"items": {"item": ["seed_money"]}}"#,
            "`item`",
        ),
        (
            r#", "options": {"items": {"items": ["seed_money"], "tags": ["rung", "x"]}}"#,
            "`tags`",
        ),
        (
            r#", "options": {"by": {"attribute": "size_class", "group": {}}}"#,
            "`group`",
        ),
        (r#", "options": {"rules": {"override": {}}}"#, "`override`"),
        (r#", "option": {}"#, "`option`"),
        (r#", "titel": "x""#, "`titel`"),
    ] {
        let message = spec_error(&spec_with(&figure(extra)));
        assert!(
            message.contains("figure 'seed' (figures[0]): unknown field"),
            "{message}"
        );
        assert!(message.contains(key), "{key}: {message}");
        assert!(message.contains("(line 1, column"), "{message}");
    }
    // The second figure is named, not the first.
    let two = format!(
        r#"{{"id": "s", "title": "s", "figures": [{}, {}]}}"#,
        figure_with_id("ok"),
        figure(r#", "optoins": {}"#)
    );
    assert!(spec_error(&two).contains("figure 'seed' (figures[1]): unknown field `optoins`"));
    let top = r#"{"id": "s", "title": "s", "figures": [], "figurez": []}"#;
    assert!(spec_error(top).contains("unknown field `figurez`"));
    // A fault outside the figures is not blamed on a faulty figure after it.
    let both = format!(
        r#"{{"id": 1, "title": "s", "figures": [{}]}}"#,
        figure(r#", "optoins": {}"#)
    );
    let message = spec_error(&both);
    assert!(
        message.contains("(line 1, column 8): invalid type: integer `1`"),
        "{message}"
    );
    assert!(!message.contains("figure"), "{message}");
    // `net` belongs to measure net only, and measure net needs it.
    let freq = r#"{"id": "f", "title": "t", "question": "strategy_use", "measure": "frequencies", "net": "top2"}"#;
    assert!(spec_error(&spec_with(freq)).contains("`net` applies only to measure `net`"));
    let net = r#"{"id": "f", "title": "t", "question": "strategy_use", "measure": "net"}"#;
    assert!(spec_error(&spec_with(net)).contains("figure 'f' (figures[0]): measure `net` needs"));
    // Reports read back (report.json, pickles) are strict too.
    let report = one_figure_spec("fine")
        .run(&datasets::doe_democratie_2013())
        .unwrap();
    let mut value = serde_json::to_value(&report).unwrap();
    value["extra"] = Value::Bool(true);
    assert!(serde_json::from_value::<doe_democratie::report::Report>(value).is_err());
}

/// Unknown questions, nets and items name the figure, and stay `UnknownId` (defect 13 of
/// issue 6: the figure id the format documentation promises was missing).
#[test]
fn unknown_ids_in_a_figure_name_the_figure() {
    let survey = datasets::doe_democratie_2013();
    for (figure, kind, id) in [
        (
            r#""question": "strategy_usage", "measure": "frequencies""#,
            "question",
            "strategy_usage",
        ),
        (
            r#""question": "strategy_use", "measure": "net", "net": "top9""#,
            "net",
            "top9",
        ),
        (
            r#""question": "strategy_use", "measure": "frequencies", "options": {"items": {"items": ["seed_mony"]}}"#,
            "item",
            "seed_mony",
        ),
    ] {
        let text = spec_with(&format!(r#"{{"id": "f1", "title": "t", {figure}}}"#));
        let spec = ReportSpec::from_json(&text).unwrap();
        // By default the figure is left out, with the reason; strict mode raises it.
        let report = spec.run(&survey).unwrap();
        assert!(report.tables.is_empty());
        assert_eq!(report.skipped[0].figure, "f1");
        let strict = doe_democratie::report::RunOptions { strict: true };
        let err = spec.run_with(&survey, &strict).unwrap_err();
        let message = err.to_string();
        match err {
            Error::UnknownId {
                kind: k,
                id: i,
                figure,
                ..
            } => {
                assert_eq!((k, i.as_str(), figure.as_deref()), (kind, id, Some("f1")));
            }
            other => panic!("{other:?}"),
        }
        assert!(
            message.starts_with(&format!("figure 'f1': unknown {kind} '{id}'")),
            "{message}"
        );
    }
}

#[cfg(unix)]
#[test]
fn write_dir_does_not_follow_a_symbolic_link_out_of_the_folder() {
    let root = scratch("symlink");
    let out = root.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let outside = root.join("outside.json");
    std::os::unix::fs::symlink(&outside, out.join("report.json")).unwrap();
    let report = ReportSpec::doe_democratie_2013()
        .run(&doe_democratie::datasets::doe_democratie_2013())
        .unwrap();
    let err = report.write_dir(&out).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert!(!outside.exists(), "wrote through the link");
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        1,
        "nothing written"
    );
}

/// Issue 11, deliverable 3: a report specification run on a survey that lacks some of its
/// questions (a later wave dropped them, or the file left them out) leaves exactly those figures
/// out, each named with the reason; in strict mode the first one is an error naming it.
#[test]
fn figures_whose_question_the_survey_lacks_are_skipped_and_named() {
    use doe_democratie::data::IgnoreColumns;
    use doe_democratie::report::RunOptions;
    use doe_democratie::{Instrument, ReadOptions, Survey};

    let bundled = datasets::doe_democratie_2013();
    let csv = bundled.respondents().unwrap().to_csv();
    // A later instrument without two questions; the data still has their columns, left out.
    let mut json: serde_json::Value =
        serde_json::from_str(&Instrument::doe_democratie_2013().to_json()).unwrap();
    let dropped = ["attention_change", "challenges"];
    json["questions"]
        .as_array_mut()
        .unwrap()
        .retain(|q| !dropped.contains(&q["id"].as_str().unwrap()));
    json["id"] = "later_wave".into();
    let later = Instrument::from_json(&json.to_string()).unwrap();
    let options = ReadOptions {
        ignore_columns: IgnoreColumns::Unknown,
        ..ReadOptions::default()
    };
    let survey = Survey::read_csv_str(&csv, &later, &options).unwrap();
    // And a question of the instrument that the data does not have at all.
    let support: Vec<String> = Instrument::doe_democratie_2013()
        .columns()
        .iter()
        .filter(|c| c.name.starts_with("support_need."))
        .map(|c| c.name.clone())
        .collect();
    let options = ReadOptions {
        ignore_columns: IgnoreColumns::Listed(support),
        ..ReadOptions::default()
    };
    let survey_b =
        Survey::read_csv_str(&csv, &Instrument::doe_democratie_2013(), &options).unwrap();

    let spec = ReportSpec::doe_democratie_2013();
    for (survey, missing, why) in [
        (&survey, &dropped[..], "is not in instrument 'later_wave'"),
        (&survey_b, &["support_need"][..], "was not asked"),
    ] {
        let report = spec.run(survey).unwrap();
        let expected: Vec<&str> = spec
            .figures
            .iter()
            .filter(|f| missing.contains(&f.question.as_str()))
            .map(|f| f.id.as_str())
            .collect();
        assert!(!expected.is_empty());
        let skipped: Vec<&str> = report.skipped.iter().map(|s| s.figure.as_str()).collect();
        assert_eq!(skipped, expected);
        assert!(
            report.skipped.iter().all(|s| s.reason.contains(why)),
            "{:?}",
            report.skipped
        );
        assert_eq!(report.tables.len() + skipped.len(), spec.figures.len());
        // The figures that ran are the bundled report's, unchanged.
        let full = spec.run(&bundled).unwrap();
        for t in &report.tables {
            assert_eq!(t.rows, full.table(&t.id).unwrap().rows, "{}", t.id);
        }
        let html = report.to_html().unwrap();
        assert!(html.contains("Overgeslagen figuren"));
        assert!(html.contains(&format!("data-figure=\"{}\"", expected[0])));
        let err = spec
            .run_with(survey, &RunOptions { strict: true })
            .unwrap_err();
        assert!(
            err.to_string()
                .contains(&format!("figure '{}'", expected[0])),
            "{err}"
        );
    }
}
