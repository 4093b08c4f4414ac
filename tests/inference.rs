//! Design-based estimates, standard errors and intervals against R's `survey` package.
//!
//! The reference values in `tests/data/inference/reference_2013.csv` come from
//! `tools/reference/inference_reference.R` (see `tests/data/inference/README.md` for the command
//! and versions) on the bundled 2013 reconstruction, under five designs and two consolidation
//! policies. Estimates must agree to 1e-9, standard errors and interval bounds to 1e-6.

use std::collections::HashMap;
use std::path::PathBuf;

use doe_democratie::analysis::{
    Attribute, Breakdown, CiMethod, DesignKind, Options, RakeOptions, Row, Table,
};
use doe_democratie::consolidate::{Policy, Rules};
use doe_democratie::data::Frame;
use doe_democratie::{datasets, Instrument, Survey};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/inference")
        .join(name)
}

/// One reference row, the columns by name.
struct Ref(HashMap<String, String>);

impl Ref {
    fn s(&self, k: &str) -> &str {
        self.0
            .get(k)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("no column {k}"))
    }
    fn f(&self, k: &str) -> Option<f64> {
        match self.s(k) {
            "NA" | "" => None,
            v => Some(
                v.parse()
                    .unwrap_or_else(|_| panic!("{k} = {v} is no number")),
            ),
        }
    }
}

fn references() -> Vec<Ref> {
    read_refs("reference_2013.csv")
}

fn read_refs(file: &str) -> Vec<Ref> {
    let mut r = csv::Reader::from_path(data(file)).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            Ref(header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_string))
                .collect())
        })
        .collect()
}

fn synthetic_frame(inst: &Instrument) -> Frame {
    Frame::read_csv_path(data("frame_2013_synthetic.csv"), inst).unwrap()
}

/// The synthetic frame with Zeeland (no sampled municipality) merged into Noord-Brabant, as the
/// reference script does, so that raking can reach every province total.
fn rakeable_frame(inst: &Instrument) -> Frame {
    let frame = synthetic_frame(inst);
    let mut provinces = frame.margin("province").unwrap().clone();
    let zeeland = provinces.shift_remove("zeeland").unwrap();
    let brabant = provinces.get_mut("noord_brabant").unwrap();
    brabant.levels.push("zeeland".into());
    brabant.count += zeeland.count;
    frame.with_strata("province", provinces, inst).unwrap()
}

/// The options of one reference design and policy.
fn options(survey: &Survey, design: &str, policy: &str) -> Options {
    let inst = survey.instrument();
    let mut o = Options {
        by: Some(Breakdown::by(Attribute::SizeClass)),
        ..Options::default()
    };
    o.inference.ci = Some(CiMethod::Logit);
    match design {
        "srs" => o.inference.frame = Some(Frame::municipalities_2013()),
        "stratified" => {
            o.inference.frame = Some(Frame::municipalities_2013());
            o.inference.design = DesignKind::Stratified;
        }
        "post_stratified" => {
            o.inference.frame = Some(Frame::municipalities_2013());
            o.inference.design = DesignKind::PostStratified;
        }
        "post_stratified_4" => {
            o.inference.frame = Some(synthetic_frame(inst));
            o.inference.design = DesignKind::PostStratified;
        }
        "raked" => {
            // R raked to convergence; a tight tolerance keeps the weights within 1e-11 of it.
            let tight = RakeOptions {
                tolerance: 1e-13,
                ..RakeOptions::default()
            };
            o.inference.weights = Some(survey.rake(&rakeable_frame(inst), &tight).unwrap());
        }
        other => panic!("unknown design {other}"),
    }
    if policy == "median" {
        o.rules = Rules::default()
            .with(inst, "strategy_use", Policy::Median)
            .unwrap()
            .with(inst, "attention_level", Policy::Median)
            .unwrap()
            .with(inst, "forms_occurrence", Policy::AnyYes)
            .unwrap();
    }
    o
}

fn run(survey: &Survey, question: &str, measure: &str, o: &Options) -> Table {
    match (question, measure) {
        (q, "mean") => survey.mean_scores(q, o),
        ("strategy_use", _) => survey.net_shares("strategy_use", "top2", o),
        ("support_provider", _) => survey.mentions("support_provider", o),
        (q, _) => survey.frequencies(q, o),
    }
    .unwrap()
}

fn close(what: &str, ours: Option<f64>, theirs: Option<f64>, tol: f64, failures: &mut Vec<String>) {
    match (ours, theirs) {
        (_, None) => {}
        (Some(a), Some(b)) if (a - b).abs() <= tol * b.abs().max(1.0) => {}
        (a, b) => failures.push(format!("{what}: ours {a:?}, R {b:?}")),
    }
}

/// Fails with the first disagreements, if any.
fn assert_agree(failures: &[String], compared: usize) {
    assert!(
        failures.is_empty(),
        "{} of {compared} comparisons differ from R, e.g.:\n{}",
        failures.len(),
        failures
            .iter()
            .take(25)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn compare(row: &Row, r: &Ref, ci: CiMethod, failures: &mut Vec<String>) {
    let what = format!(
        "{} {} {}.{} {} {}",
        r.s("design"),
        r.s("policy"),
        r.s("question"),
        r.s("item"),
        r.s("group"),
        r.s("category")
    );
    let e = row.inference.as_ref().expect("inference on every row");
    close(
        &format!("{what} estimate"),
        Some(e.estimate),
        r.f("estimate"),
        1e-9,
        failures,
    );
    close(&format!("{what} se"), Some(e.se), r.f("se"), 1e-6, failures);
    close(&format!("{what} df"), Some(e.df), r.f("df"), 0.0, failures);
    let (lo, hi) = match ci {
        CiMethod::Logit => ("logit_low", "logit_high"),
        CiMethod::KornGraubard => ("kg_low", "kg_high"),
        CiMethod::ClopperPearson => ("cp_low", "cp_high"),
        CiMethod::Wilson => ("wilson_low", "wilson_high"),
        _ => ("wald_low", "wald_high"),
    };
    if e.se > 0.0 {
        close(&format!("{what} {lo}"), e.lower, r.f(lo), 1e-6, failures);
        close(&format!("{what} {hi}"), e.upper, r.f(hi), 1e-6, failures);
    }
}

/// Every reference row and interval method: logit and Korn–Graubard from R's `svyciprop`,
/// Clopper–Pearson and Wilson by their formulas in R from R's estimate and SE, Wald for means.
#[test]
fn estimates_ses_and_intervals_match_r_survey() {
    let survey = datasets::doe_democratie_2013();
    let refs = references();
    let mut tables: HashMap<(String, String, String, String, CiMethod), Table> = HashMap::new();
    let mut failures = Vec::new();
    let mut compared = 0;
    for r in &refs {
        let measure = r.s("measure");
        let methods: &[CiMethod] = if measure == "mean" {
            &[CiMethod::Wald]
        } else {
            &[
                CiMethod::Logit,
                CiMethod::KornGraubard,
                CiMethod::ClopperPearson,
                CiMethod::Wilson,
            ]
        };
        for &ci in methods {
            let key = (
                r.s("design").to_string(),
                r.s("policy").to_string(),
                r.s("question").to_string(),
                measure.to_string(),
                ci,
            );
            let table = tables.entry(key).or_insert_with(|| {
                let mut o = options(&survey, r.s("design"), r.s("policy"));
                o.inference.ci = Some(ci);
                run(&survey, r.s("question"), measure, &o)
            });
            let row = table
                .find(Some(r.s("item")), r.s("group"), r.s("category"))
                .unwrap_or_else(|| {
                    panic!(
                        "no row for {} {} {}",
                        r.s("item"),
                        r.s("group"),
                        r.s("category")
                    )
                });
            compare(row, r, ci, &mut failures);
            compared += 1;
        }
    }
    assert_agree(&failures, compared);
    assert!(compared > 10_000, "only {compared} comparisons");
    println!("values compared with R: {compared} rows × estimate, SE, df and bounds");
}

fn test_references() -> Vec<Ref> {
    read_refs("reference_2013_tests.csv")
}

/// The test of one item from a table.
fn test_of<'a>(t: &'a Table, item: &str) -> &'a doe_democratie::analysis::GroupTest {
    let i = t.inference.as_ref().expect("inference");
    i.tests
        .iter()
        .find(|g| g.item.as_deref() == Some(item))
        .unwrap_or_else(|| panic!("no test of {item}"))
}

/// Rao–Scott first- and second-order tests (R's `svychisq`) and the linear trend over the size
/// classes (R's `svycontrast` of `svyby`) for 26 items, 3 designs, 2 policies.
#[test]
fn rao_scott_and_trend_match_r_survey() {
    use doe_democratie::analysis::TestMethod;
    let survey = datasets::doe_democratie_2013();
    let mut failures = Vec::new();
    let mut compared = 0;
    for r in test_references() {
        let (design, policy, q, item) =
            (r.s("design"), r.s("policy"), r.s("question"), r.s("item"));
        let what = format!("{design} {policy} {q}.{item}");
        let mut tests = vec![TestMethod::RaoScott, TestMethod::RaoScottFirstOrder];
        if r.f("trend_estimate").is_some() {
            tests.push(TestMethod::Trend);
        }
        for method in tests {
            let mut o = options(&survey, design, policy);
            o.inference.test = Some(method);
            let t = run(&survey, q, "share", &o);
            let g = test_of(&t, item);
            match method {
                TestMethod::RaoScott => {
                    close(
                        &format!("{what} F"),
                        g.statistic,
                        r.f("rs2_f"),
                        1e-6,
                        &mut failures,
                    );
                    close(
                        &format!("{what} ndf"),
                        g.df,
                        r.f("rs2_ndf"),
                        1e-6,
                        &mut failures,
                    );
                    close(
                        &format!("{what} ddf"),
                        g.ddf,
                        r.f("rs2_ddf"),
                        1e-6,
                        &mut failures,
                    );
                    close(
                        &format!("{what} p(F)"),
                        g.p_value,
                        r.f("rs2_p"),
                        1e-6,
                        &mut failures,
                    );
                }
                TestMethod::RaoScottFirstOrder => {
                    close(
                        &format!("{what} df"),
                        g.df,
                        r.f("rs1_df"),
                        0.0,
                        &mut failures,
                    );
                    close(
                        &format!("{what} p(X²)"),
                        g.p_value,
                        r.f("rs1_p"),
                        1e-6,
                        &mut failures,
                    );
                }
                _ => {
                    let z = r.f("trend_estimate").unwrap() / r.f("trend_se").unwrap();
                    close(
                        &format!("{what} trend z"),
                        g.statistic,
                        Some(z),
                        1e-6,
                        &mut failures,
                    );
                }
            }
            compared += 1;
        }
    }
    assert_agree(&failures, compared);
    assert!(compared >= 156 * 2, "only {compared} tests compared");
    println!("tests compared with R: {compared}");
}

/// Weights are plain data: ones that do not fit the survey are refused, never indexed past.
#[test]
fn inconsistent_weights_are_refused() {
    use doe_democratie::Error;
    let survey = datasets::doe_democratie_2013();
    let frame = Frame::municipalities_2013();
    let good = survey.post_stratify(&frame, Attribute::SizeClass).unwrap();
    let run = |w: doe_democratie::analysis::Weights| {
        let mut o = Options::default();
        o.inference.weights = Some(w);
        survey.net_shares("strategy_use", "top2", &o)
    };
    assert!(run(good.clone()).is_ok());
    let mut short = good.clone();
    short.values.pop();
    let mut zero = good.clone();
    zero.values[3] = 0.0;
    let mut nan = good.clone();
    nan.values[0] = f64::NAN;
    let mut off = good.clone();
    off.margins[0].of_unit[5] = 99;
    for (what, w) in [("short", short), ("zero", zero), ("nan", nan), ("off", off)] {
        match run(w) {
            Err(Error::InvalidArgument {
                name: "weights", ..
            }) => {}
            other => panic!("{what}: {other:?}"),
        }
    }
    // weights carry their own frame: giving one as well is refused
    let mut o = Options::default();
    o.inference.weights = Some(good);
    o.inference.frame = Some(frame);
    assert!(matches!(
        survey.net_shares("strategy_use", "top2", &o),
        Err(Error::InvalidArgument {
            name: "weights",
            ..
        })
    ));
}

/// A stratified design refuses a stratum with more sampled municipalities than the frame has,
/// naming it.
#[test]
fn a_stratum_smaller_than_its_sample_is_refused() {
    use doe_democratie::data::FrameStratum;
    use doe_democratie::Error;
    let survey = datasets::doe_democratie_2013();
    let stratum = |levels: &[&str], count| FrameStratum {
        levels: levels.iter().map(|l| l.to_string()).collect(),
        count,
    };
    let strata = [
        ("lt_20k", stratum(&["lt_20k"], 142)),
        ("20k_100k", stratum(&["20k_50k", "50k_100k"], 239)),
        ("100k_plus", stratum(&["100k_plus"], 5)),
    ]
    .into_iter()
    .map(|(id, s)| (id.to_string(), s))
    .collect();
    let frame = Frame::from_strata("size_class", strata, survey.instrument()).unwrap();
    let mut o = Options::default();
    o.inference.frame = Some(frame);
    o.inference.design = DesignKind::Stratified;
    match survey.net_shares("strategy_use", "top2", &o) {
        Err(Error::InvalidArgument {
            name: "design",
            message,
        }) => {
            assert!(message.contains("'100k_plus' has 10 sampled"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    // Post-stratified to it, the weights would fall below 1: a weighting error naming it.
    o.inference.design = DesignKind::PostStratified;
    match survey.net_shares("strategy_use", "top2", &o) {
        Err(Error::Weighting { category, .. }) => {
            assert_eq!(category.as_deref(), Some("100k_plus"))
        }
        other => panic!("{other:?}"),
    }
}
