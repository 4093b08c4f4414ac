//! The benchmark workload (`../shared/bench/WORKLOAD.md`, sections dist, top2 and flag) from
//! Rust: reads a CSV of `gen.py` data with the library's column names, runs every measure, prints
//! the times as JSON on stdout and writes the tidy rows to `OUT`.
//!
//! ```text
//! cargo run --release --example workload -- tests/data/workload_instrument.json survey.csv out.csv
//! ```
//!
//! `bench/compare.py` runs it next to pandas and polars and checks that every row agrees.

use std::error::Error;
use std::fmt::Write as _;
use std::time::Instant;

use doe_democratie::analysis::{
    frequencies, mentions, net_shares, Attribute, Breakdown, Options, Table,
};
use doe_democratie::consolidate::{Policy, Rules};
use doe_democratie::data::Limits;
use doe_democratie::instrument::QuestionKind;
use doe_democratie::{Instrument, ReadOptions, Survey};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [instrument, csv, out] = args.as_slice() else {
        return Err("usage: workload INSTRUMENT.json SURVEY.csv OUT.csv".into());
    };
    let instrument = Instrument::from_json(&std::fs::read_to_string(instrument)?)?;
    let options = ReadOptions {
        limits: Limits {
            max_input_bytes: u64::MAX,
            ..Limits::default()
        },
        ..ReadOptions::default()
    };
    let start = Instant::now();
    let survey = Survey::read_csv_path(csv, &instrument, &options)?;
    let read = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let tables = measures(&survey)?;
    let measured = start.elapsed().as_secs_f64();
    std::fs::write(out, rows_csv(&survey, &tables))?;
    println!(
        "{{\"read_csv\": {read}, \"measures\": {measured}, \"respondents\": {}, \"peak_kb\": {}}}",
        survey.n_respondents(),
        peak_kb()
    );
    Ok(())
}

/// This process's peak resident memory in kB (VmHWM; 0 where /proc is not there).
fn peak_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// WORKLOAD.md step a: occurrence items 'ja if any ja', every other grid the floored median.
fn rules(instrument: &Instrument) -> Result<Rules, Box<dyn Error>> {
    let mut rules = Rules::default();
    for q in instrument.questions().values() {
        if matches!(q.kind, QuestionKind::Grid { .. }) {
            let policy = if q.id == "occ" {
                Policy::AnyYes
            } else {
                Policy::Median
            };
            rules = rules.with(instrument, &q.id, policy)?;
        }
    }
    Ok(rules)
}

/// Every section's tables: (section, table).
fn measures(survey: &Survey) -> Result<Vec<(&'static str, Table)>, Box<dyn Error>> {
    let options = Options {
        rules: rules(survey.instrument())?,
        by: Some(Breakdown::by(Attribute::SizeClass)),
        ..Options::default()
    };
    let mut tables = Vec::new();
    for q in survey.instrument().questions().values() {
        if matches!(q.kind, QuestionKind::Grid { .. }) {
            tables.push(("dist", frequencies(survey, &q.id, &options)?));
            if q.id != "occ" {
                tables.push(("top2", net_shares(survey, &q.id, "top2", &options)?));
            }
        } else {
            tables.push(("flag", mentions(survey, &q.id, &options)?));
        }
    }
    Ok(tables)
}

/// The tidy rows: section, item, group, category (the code), n, count, pct.
fn rows_csv(survey: &Survey, tables: &[(&str, Table)]) -> String {
    let mut out = String::from("section,item,group,category,n,count,pct\n");
    for (section, table) in tables {
        for row in table.rows.iter().filter(|r| r.in_base) {
            let item = row.item.as_deref().unwrap_or_default();
            let category = match *section {
                "dist" => code_of(survey, &row.question, &row.category),
                "top2" => "top2".to_string(),
                _ => "1".to_string(),
            };
            let pct = row
                .percentage
                .map_or(String::new(), |p| format!("{p:.17e}"));
            let _ = writeln!(
                out,
                "{section},{}_{item},{},{category},{},{},{pct}",
                row.question, row.group, row.base, row.count
            );
        }
    }
    out
}

/// A category id's code in its question's scale, as text.
fn code_of(survey: &Survey, question: &str, category: &str) -> String {
    let instrument = survey.instrument();
    instrument
        .question(question)
        .ok()
        .and_then(|q| instrument.scale_of(q))
        .and_then(|s| s.categories().iter().find(|c| c.id == category))
        .map_or_else(|| category.to_string(), |c| c.code.to_string())
}
