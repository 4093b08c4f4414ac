//! Criterion benchmarks of the engine at 1e3–1e6 respondents (seeded synthetic data shaped like
//! the 2013 survey): ingest (CSV in MB/s; typed in-memory columns, the path Arrow and pandas
//! buffers take), consolidation under every policy, and frequencies, nets and mentions with and
//! without a breakdown. `DD_BENCH_SIZES=1000,10000` picks sizes; CI runs each once
//! (`cargo bench --bench engine -- --test`).

#![allow(missing_docs)] // criterion_group! and criterion_main! generate undocumented public items

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use doe_democratie::analysis::{frequencies, mentions, net_shares, Attribute, Breakdown, Options};
use doe_democratie::consolidate::{consolidate_with_groups, Groups};
use doe_democratie::data::{parse_csv, ColumnData, Limits, RawTable};
use doe_democratie::{Instrument, Policy, ReadOptions, Survey};

fn sizes() -> Vec<usize> {
    std::env::var("DD_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000, 1_000_000])
}

fn unlimited() -> ReadOptions {
    ReadOptions {
        limits: Limits {
            max_input_bytes: u64::MAX,
            ..Limits::default()
        },
        ..ReadOptions::default()
    }
}

/// The CSV's columns as typed in-memory columns: integers for codes and ids, text otherwise.
fn typed_columns(csv: &str) -> Vec<(String, ColumnData)> {
    let table = parse_csv(csv, "<bench>", Some(b','), &unlimited().limits).unwrap();
    (0..table.names().len())
        .map(|j| {
            let ints: Option<Vec<i64>> = (0..table.len())
                .map(|r| table.cell(j, r).as_text().and_then(|t| t.parse().ok()))
                .collect();
            let data = match ints {
                Some(ints) => ColumnData::ints(&ints),
                None => ColumnData::cells(
                    (0..table.len())
                        .map(|r| table.cell(j, r).to_cell())
                        .collect(),
                ),
            };
            (table.names()[j].clone(), data)
        })
        .collect()
}

fn ingest(c: &mut Criterion, inst: &Instrument, n: usize, csv: &str) {
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(csv.len() as u64));
    group.bench_with_input(BenchmarkId::new("read_csv", n), csv, |b, csv| {
        b.iter(|| Survey::read_csv_str(csv, inst, &unlimited()).unwrap())
    });
    let columns = typed_columns(csv);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_with_input(BenchmarkId::new("typed_columns", n), &columns, |b, cols| {
        b.iter(|| {
            let table = RawTable::from_column_data("<bench>", cols.clone()).unwrap();
            Survey::from_table(table, inst, &ReadOptions::default()).unwrap()
        })
    });
    group.finish();
}

fn consolidation(c: &mut Criterion, inst: &Instrument, n: usize, survey: &Survey) {
    let mut group = c.benchmark_group("consolidate");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    let groups = Groups::of(survey).unwrap();
    // A 4-point grid item; 'any_yes' needs a ja/nee item.
    let ordinal = inst.column_position("strategy_use.civil_service_support");
    let yes_no = inst.column_position("forms_occurrence.social_entrepreneurship");
    for policy in Policy::ALL {
        let column = if policy == Policy::AnyYes {
            yes_no
        } else {
            ordinal
        };
        let column = column.expect("a column of the 2013 instrument");
        group.bench_with_input(
            BenchmarkId::new(format!("{policy:?}").to_lowercase(), n),
            &policy,
            |b, &p| b.iter(|| consolidate_with_groups(survey, &groups, column, Some(p)).unwrap()),
        );
    }
    group.finish();
}

fn measures(c: &mut Criterion, n: usize, survey: &Survey) {
    let mut group = c.benchmark_group("measures");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    let by_class = Options {
        by: Some(Breakdown::by(Attribute::SizeClass)),
        ..Options::default()
    };
    for (name, options) in [("total", Options::default()), ("by_size_class", by_class)] {
        group.bench_with_input(
            BenchmarkId::new(format!("frequencies_{name}"), n),
            survey,
            |b, s| b.iter(|| frequencies(s, "strategy_use", &options).unwrap()),
        );
        group.bench_with_input(
            BenchmarkId::new(format!("top2_{name}"), n),
            survey,
            |b, s| b.iter(|| net_shares(s, "challenges", "top2", &options).unwrap()),
        );
        group.bench_with_input(
            BenchmarkId::new(format!("mentions_{name}"), n),
            survey,
            |b, s| b.iter(|| mentions(s, "support_provider", &options).unwrap()),
        );
    }
    group.finish();
}

fn engine(c: &mut Criterion) {
    let inst = Instrument::doe_democratie_2013();
    for n in sizes() {
        let csv = common::synthetic_csv(&inst, n);
        ingest(c, &inst, n, &csv);
        let survey = Survey::read_csv_str(&csv, &inst, &unlimited()).unwrap();
        consolidation(c, &inst, n, &survey);
        measures(c, n, &survey);
    }
}

criterion_group!(benches, engine);
criterion_main!(benches);
