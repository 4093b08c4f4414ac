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
        Err(Error::InvalidSpec { line: 1, .. })
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
    assert!(csv.starts_with("question,item,group,category,label_nl,count,base,percentage,printed"));
    assert!(csv.contains("strategy_use,seed_money,all,sometimes,\"Soms, op beperkte schaal\""));
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
