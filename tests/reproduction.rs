//! The acceptance test: every number the 2013 report publishes
//! (`tests/data/published/published_numbers.json`, transcribed with figure and source line) is
//! computed from the bundled reconstruction with the library's measures and compared at the
//! report's rounding. Prints `published numbers reproduced: N/N` and the text claims that
//! contradict the report's own figures, with the reading taken.

use std::collections::HashMap;

use doe_democratie::analysis::{
    frequencies, largest_remainder, mentions, net_shares, round_half_up, Attribute, Base,
    Breakdown, ItemFilter, Options, Table,
};
use doe_democratie::instrument::NO_ANSWER;
use doe_democratie::{datasets, Survey};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
struct Record {
    id: String,
    figure: String,
    source_line: String,
    question: Option<String>,
    item: Option<String>,
    measure: String,
    category: Option<String>,
    breakdown: Option<Level>,
    value: f64,
    compare: String,
    rounding: String,
    reading: Option<String>,
    status: String,
    #[serde(default)]
    low: Option<f64>,
    #[serde(default)]
    high: Option<f64>,
    #[serde(default)]
    tolerance: Option<f64>,
    #[serde(default)]
    data_value: Option<f64>,
    #[serde(default)]
    population_total: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct Level {
    attribute: String,
    level: String,
}

/// The report's merged size classes ("minder dan 50.000 inwoners" …).
fn merged(level: &str) -> Vec<&'static str> {
    match level {
        "lt_50k" => vec!["lt_20k", "20k_50k"],
        "gt_50k" => vec!["50k_100k", "100k_plus"],
        "lt_100k" => vec!["lt_20k", "20k_50k", "50k_100k"],
        "20k_100k" => vec!["20k_50k", "50k_100k"],
        "20k_plus" => vec!["20k_50k", "50k_100k", "100k_plus"],
        "lt_20k" => vec!["lt_20k"],
        "20k_50k" => vec!["20k_50k"],
        "50k_100k" => vec!["50k_100k"],
        "100k_plus" => vec!["100k_plus"],
        other => panic!("unknown size-class level {other}"),
    }
}

const CLASSES: [&str; 4] = ["lt_20k", "20k_50k", "50k_100k", "100k_plus"];

/// Options for a record: its item, and a breakdown with the record's level as group `level` and
/// every other class as group `rest` (for gap claims).
fn options(r: &Record) -> Options {
    let by = r.breakdown.as_ref().map(|b| {
        assert_eq!(b.attribute, "size_class", "{}", r.id);
        let members = merged(&b.level);
        let rest: Vec<String> = CLASSES
            .iter()
            .filter(|c| !members.contains(c))
            .map(|c| c.to_string())
            .collect();
        Breakdown {
            attribute: Attribute::SizeClass,
            groups: [
                (
                    "level".to_string(),
                    members.iter().map(|m| m.to_string()).collect(),
                ),
                ("rest".to_string(), rest),
            ]
            .into_iter()
            .collect(),
        }
    });
    Options {
        by,
        items: ItemFilter {
            items: r.item.iter().cloned().collect(),
            tag: None,
        },
        ..Options::default()
    }
}

fn group(r: &Record) -> &'static str {
    if r.breakdown.is_some() {
        "level"
    } else {
        "all"
    }
}

fn row_value(t: &Table, r: &Record, group: &str, category: &str) -> doe_democratie::analysis::Row {
    t.find(r.item.as_deref(), group, category)
        .unwrap_or_else(|| panic!("{}: no row {group}/{category}", r.id))
        .clone()
}

/// The record's number computed from the survey, before rounding.
fn exact(s: &Survey, r: &Record) -> f64 {
    let q = r.question.as_deref().unwrap_or("");
    let o = options(r);
    let cat = r.category.as_deref().unwrap_or("");
    let g = group(r);
    match r.measure.as_str() {
        "n_respondents" => s.n_respondents() as f64,
        "n_municipalities" => s.n_municipalities() as f64,
        "response_rate_pct" => {
            100.0 * s.n_municipalities() as f64 / r.population_total.expect("population")
        }
        "pct" | "pct_valid" => {
            let o = Options {
                base: if r.measure == "pct_valid" {
                    Base::Substantive
                } else {
                    Base::Scale
                },
                ..o
            };
            let t = frequencies(s, q, &o).unwrap();
            if r.rounding == "largest_remainder" {
                return row_value(&t, r, g, cat).printed.unwrap() as f64;
            }
            row_value(&t, r, g, cat).percentage.unwrap()
        }
        "net" => row_value(&net_shares(s, q, cat, &o).unwrap(), r, g, cat)
            .percentage
            .unwrap(),
        "net_count" => row_value(&net_shares(s, q, cat, &o).unwrap(), r, g, cat).count,
        "net_gap" => {
            let t = net_shares(s, q, cat, &o).unwrap();
            row_value(&t, r, "level", cat).percentage.unwrap()
                - row_value(&t, r, "rest", cat).percentage.unwrap()
        }
        "mention_count" | "mention_pct" | "mention_gap" => {
            let t = mentions(s, q, &o).unwrap();
            let row = |g: &str| row_value(&t, r, g, "mentioned");
            match r.measure.as_str() {
                "mention_count" => row(g).count,
                "mention_pct" => row(g).percentage.unwrap(),
                _ => row("level").percentage.unwrap() - row("rest").percentage.unwrap(),
            }
        }
        "n" if r.item.is_none() && s.instrument().question(q).unwrap().items().is_empty() => {
            frequencies(s, q, &o).unwrap().rows[0].base
        }
        "n" if r.item.is_none() => {
            // Question-level n of a multi-select list: the respondents it is taken of.
            mentions(s, q, &o).unwrap().rows[0].base
        }
        "n" => item_bases(s, q, &o)[0],
        "n_items" => s.instrument().question(q).unwrap().items().len() as f64,
        "n_min" => item_bases(s, q, &o)
            .into_iter()
            .fold(f64::INFINITY, f64::min),
        "n_max" => item_bases(s, q, &o).into_iter().fold(0.0, f64::max),
        "mean_not_in_base_pct" => {
            let n = s.n_municipalities() as f64;
            let bases = item_bases(s, q, &o);
            bases.iter().map(|b| 100.0 * (n - b) / n).sum::<f64>() / bases.len() as f64
        }
        "all_items_net_pct" => all_items_net_pct(s, q, cat),
        "n_nonempty_municipalities" => nonempty_municipalities(s, q),
        other => panic!("{}: unknown measure {other}", r.id),
    }
}

/// Base of every selected item (one per item, group `all`).
fn item_bases(s: &Survey, q: &str, o: &Options) -> Vec<f64> {
    let question = s.instrument().question(q).unwrap();
    if question.kind_name() == "multi_select" {
        return mentions(s, q, o)
            .unwrap()
            .rows
            .iter()
            .filter(|r| r.group == "all")
            .map(|r| r.base)
            .collect();
    }
    let t = frequencies(s, q, o).unwrap();
    let mut bases: Vec<f64> = Vec::new();
    let mut seen = Vec::new();
    for row in t.rows.iter().filter(|r| r.group == "all") {
        if !seen.contains(&row.item) {
            seen.push(row.item.clone());
            bases.push(row.base);
        }
    }
    bases
}

/// Share of respondents whose answer is in the net on every item of the question.
fn all_items_net_pct(s: &Survey, q: &str, net: &str) -> f64 {
    let inst = s.instrument();
    let question = inst.question(q).unwrap();
    let codes = &inst.scale_of(question).unwrap().net(net).unwrap().codes;
    let columns: Vec<Vec<u16>> = question
        .column_names()
        .iter()
        .map(|c| {
            s.responses()
                .codes(inst.column_position(c).unwrap())
                .unwrap()
                .to_vec()
        })
        .collect();
    let n = s.n_respondents();
    let hits = (0..n)
        .filter(|&i| columns.iter().all(|col| codes.contains(&col[i])))
        .count();
    100.0 * hits as f64 / n as f64
}

fn nonempty_municipalities(s: &Survey, q: &str) -> f64 {
    let pos = s.instrument().column_position(q).unwrap();
    let text = s.responses().text(pos).unwrap();
    let mut munis: Vec<u32> = s
        .responses()
        .municipality_index()
        .iter()
        .zip(text)
        .filter(|(_, t)| t.is_some())
        .map(|(m, _)| *m)
        .collect();
    munis.sort_unstable();
    munis.dedup();
    munis.len() as f64
}

fn rounded(r: &Record, x: f64) -> f64 {
    match r.rounding.as_str() {
        "half_up" => round_half_up(x) as f64,
        // Already the printed cell of its stacked row (see `exact`).
        "largest_remainder" | "none" => x,
        other => panic!("{}: unknown rounding {other}", r.id),
    }
}

fn holds(r: &Record, x: f64) -> bool {
    const EPS: f64 = 1e-9;
    match r.compare.as_str() {
        "eq" => (x - r.value).abs() < EPS,
        "ge" => x >= r.value - EPS,
        "le" => x <= r.value + EPS,
        "range" => x >= r.low.unwrap() - EPS && x <= r.high.unwrap() + EPS,
        "approx" => (x - r.value).abs() <= r.tolerance.unwrap() + EPS,
        other => panic!("{}: unknown comparison {other}", r.id),
    }
}

fn records() -> Vec<Record> {
    let text = include_str!("data/published/published_numbers.json");
    let doc: Value = serde_json::from_str(text).unwrap();
    assert_eq!(doc["format"], "doe_democratie.published_numbers/1");
    let records: Vec<Record> = serde_json::from_value(doc["records"].clone()).unwrap();
    assert_eq!(records.len() as u64, doc["n_records"].as_u64().unwrap());
    records
}

#[test]
fn every_published_number_is_reproduced_from_the_bundled_data() {
    let survey = datasets::doe_democratie_2013();
    let records = records();
    let mut failures = Vec::new();
    let mut reproduced = 0;
    let mut total = 0;
    let mut readings: HashMap<&str, usize> = HashMap::new();
    for r in records.iter().filter(|r| r.status == "reproduce") {
        total += 1;
        let x = rounded(r, exact(&survey, r));
        if holds(r, x) {
            reproduced += 1;
        } else {
            failures.push(format!(
                "{} (fig {}, {}): published {} ({}), computed {x}",
                r.id, r.figure, r.source_line, r.value, r.compare
            ));
        }
        if r.reading.is_some() {
            *readings.entry(r.figure.as_str()).or_default() += 1;
        }
    }
    println!("published numbers reproduced: {reproduced}/{total}");
    println!(
        "numbers that rest on a reading of an ambiguous or contradictory passage: {}",
        readings.values().sum::<usize>()
    );
    println!("text claims that contradict the report's own figures (recorded, not reproduced):");
    for r in records
        .iter()
        .filter(|r| r.status == "text_claim_inconsistent")
    {
        let x = rounded(r, exact(&survey, r));
        println!(
            "  {} (fig {}, {}): text says {}, the data give {x}; {}",
            r.id,
            r.figure,
            r.source_line,
            r.value,
            r.reading.as_deref().unwrap_or("")
        );
        // The data follow the figure, as the generator recorded.
        assert_eq!(Some(x), r.data_value, "{}", r.id);
        assert!(!holds(r, x), "{} should contradict the data", r.id);
    }
    assert!(
        failures.is_empty(),
        "{} not reproduced:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(total >= 350, "only {total} records to reproduce");
}

#[test]
fn stacked_rows_are_printed_with_largest_remainder_rounding() {
    // Recompute every largest-remainder row independently from exact percentages and check the
    // table's printed cells equal them and total 100.
    let survey = datasets::doe_democratie_2013();
    for q in [
        "forms_occurrence",
        "attention_level",
        "attention_change",
        "strategy_use",
    ] {
        let t = frequencies(&survey, q, &Options::default()).unwrap();
        let mut by_item: Vec<(Option<String>, Vec<f64>, Vec<i64>)> = Vec::new();
        for row in t.rows.iter().filter(|r| r.in_base && r.group == "all") {
            match by_item.last_mut() {
                Some((item, exact, printed)) if *item == row.item => {
                    exact.push(row.percentage.unwrap());
                    printed.push(row.printed.unwrap());
                }
                _ => by_item.push((
                    row.item.clone(),
                    vec![row.percentage.unwrap()],
                    vec![row.printed.unwrap()],
                )),
            }
        }
        for (item, exact, printed) in by_item {
            assert_eq!(printed.iter().sum::<i64>(), 100, "{q}.{item:?}");
            assert_eq!(largest_remainder(&exact, 100), printed, "{q}.{item:?}");
        }
    }
}

#[test]
fn the_bundled_data_are_labelled_as_a_reconstruction() {
    let survey = datasets::doe_democratie_2013();
    for m in survey.responses().municipalities() {
        assert!(m.id.starts_with('R'), "{}", m.id);
        assert!(m.name.as_deref().unwrap().starts_with("Reconstructie "));
    }
    // Multi-respondent municipalities exist, some disagree, as the report's half counts need.
    let pos = survey
        .instrument()
        .column_position("strategy_use.align_with_initiatives")
        .unwrap();
    let codes = survey.responses().codes(pos).unwrap();
    assert!(codes.iter().any(|&c| c == NO_ANSWER || c == 9));
}
