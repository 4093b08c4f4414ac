//! Criterion benchmarks of the pure API on seeded synthetic data shaped like the 2013 survey:
//! reading and validating CSV, consolidating to municipalities, and the report's measures.

#![allow(missing_docs)] // criterion_group! and criterion_main! generate undocumented public items

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use doe_democratie::analysis::{
    frequencies, mentions, net_shares, Attribute, Breakdown, CiMethod, DesignKind, Options,
    TestMethod,
};
use doe_democratie::data::{Frame, FrameStratum};
use doe_democratie::{Instrument, ReadOptions, Survey};

mod common;

use common::synthetic_csv;

fn bench(c: &mut Criterion) {
    let inst = Instrument::doe_democratie_2013();
    let mut group = c.benchmark_group("survey");
    for n in [126usize, 10_000] {
        let csv = synthetic_csv(&inst, n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("read_csv", n), &csv, |b, csv| {
            b.iter(|| Survey::read_csv_str(csv, &inst, &ReadOptions::default()).unwrap())
        });
        let survey = Survey::read_csv_str(&csv, &inst, &ReadOptions::default()).unwrap();
        let by_class = Options {
            by: Some(Breakdown::by(Attribute::SizeClass)),
            ..Options::default()
        };
        group.bench_with_input(
            BenchmarkId::new("strategy_frequencies", n),
            &survey,
            |b, s| b.iter(|| frequencies(s, "strategy_use", &by_class).unwrap()),
        );
        group.bench_with_input(BenchmarkId::new("challenge_top2", n), &survey, |b, s| {
            b.iter(|| net_shares(s, "challenges", "top2", &by_class).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("provider_mentions", n), &survey, |b, s| {
            b.iter(|| mentions(s, "support_provider", &by_class).unwrap())
        });
        bench_inference(&mut group, &inst, &survey, &by_class, n);
    }
    group.finish();
}

/// A frame four times the sample in every size class.
fn frame_for(inst: &Instrument, survey: &Survey) -> Frame {
    let mut strata = indexmap::IndexMap::new();
    for class in &inst.attributes().size_classes {
        let n = survey
            .responses()
            .municipalities()
            .iter()
            .filter(|m| m.size_class.as_deref() == Some(class.id.as_str()))
            .count() as u64;
        strata.insert(
            class.id.clone(),
            FrameStratum {
                levels: vec![class.id.clone()],
                count: 4 * n,
            },
        );
    }
    Frame::from_strata("size_class", strata, inst).unwrap()
}

/// The same top-2 table as `challenge_top2`, with a frame and logit intervals (SRS with fpc),
/// post-stratified, and post-stratified with a Rao–Scott test and letters per item: what
/// inference adds to counting.
fn bench_inference(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    inst: &Instrument,
    survey: &Survey,
    by_class: &Options,
    n: usize,
) {
    let mut ci = by_class.clone();
    ci.inference.frame = Some(frame_for(inst, survey));
    ci.inference.ci = Some(CiMethod::Logit);
    group.bench_with_input(BenchmarkId::new("challenge_top2_ci", n), survey, |b, s| {
        b.iter(|| net_shares(s, "challenges", "top2", &ci).unwrap())
    });
    let mut post = ci.clone();
    post.inference.design = DesignKind::PostStratified;
    group.bench_with_input(
        BenchmarkId::new("challenge_top2_poststrat", n),
        survey,
        |b, s| b.iter(|| net_shares(s, "challenges", "top2", &post).unwrap()),
    );
    let mut tested = post.clone();
    tested.inference.test = Some(TestMethod::RaoScott);
    group.bench_with_input(
        BenchmarkId::new("challenge_top2_poststrat_rao_scott", n),
        survey,
        |b, s| b.iter(|| net_shares(s, "challenges", "top2", &tested).unwrap()),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
