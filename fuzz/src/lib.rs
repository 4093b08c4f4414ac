//! Invariants shared by the fuzz targets. A target that breaks one panics, which libFuzzer
//! reports as a crash and saves the input; errors returned by the library are fine (hostile input
//! must get a typed error, not a panic).

use std::sync::OnceLock;

use doe_democratie::analysis::{Row, Table};
use doe_democratie::instrument::Unit;
use doe_democratie::report::ReportSpec;
use doe_democratie::{Instrument, ReadOptions, Survey};

/// The built-in 2013 instrument, parsed once per process rather than once per input.
pub fn instrument_2013() -> &'static Instrument {
    static INSTRUMENT: OnceLock<Instrument> = OnceLock::new();
    INSTRUMENT.get_or_init(Instrument::doe_democratie_2013)
}

/// The built-in 2013 report specification.
pub fn spec_2013() -> &'static ReportSpec {
    static SPEC: OnceLock<ReportSpec> = OnceLock::new();
    SPEC.get_or_init(ReportSpec::doe_democratie_2013)
}

/// The bundled 2013 survey, the data report specifications are run on.
pub fn survey_2013() -> &'static Survey {
    static SURVEY: OnceLock<Survey> = OnceLock::new();
    SURVEY.get_or_init(doe_democratie::datasets::doe_democratie_2013)
}

/// Reads `text` strictly and leniently with the same parser and checks that the two readings
/// agree: a strict success has no problems, so the lenient reading must give the same survey.
pub fn read_both(
    text: &str,
    instrument: &Instrument,
    read: impl Fn(&str, &Instrument, &ReadOptions) -> doe_democratie::Result<Survey>,
) -> Option<Survey> {
    let strict = read(text, instrument, &ReadOptions::default());
    let lenient = read(text, instrument, &ReadOptions::lenient());
    if let Ok(s) = &strict {
        assert!(
            s.validation_report().is_empty(),
            "strict read kept problems"
        );
        let l = lenient
            .as_ref()
            .expect("lenient read failed where the strict read succeeded");
        assert_eq!(s.n_respondents(), l.n_respondents());
        assert_eq!(s.n_municipalities(), l.n_municipalities());
        assert!(
            l.validation_report().is_empty(),
            "lenient read found problems strict missed"
        );
    }
    let survey = lenient.ok()?;
    check_survey(&survey);
    Some(survey)
}

/// Invariants of any survey that was read successfully.
pub fn check_survey(survey: &Survey) {
    let n = survey.n_respondents();
    assert!(
        survey.n_municipalities() <= n,
        "more municipalities than respondents"
    );
    assert_eq!(survey.responses().respondent_ids().len(), n);
    for s in survey.item_summary() {
        assert_eq!(
            s.answered + s.dont_know + s.missing,
            n,
            "item summary of {}",
            s.column
        );
        if let Some(p) = s.picked {
            assert!(p <= s.answered, "more picks than answers in {}", s.column);
        }
    }
    let _ = survey.to_string();
    let _ = survey.to_html(20);
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Invariants of a measure's table on a survey with these counts of municipalities and
/// respondents; `disjoint`: whether the breakdown's groups cannot overlap.
pub fn check_table(table: &Table, n_municipalities: usize, n_respondents: usize, disjoint: bool) {
    for r in &table.rows {
        let n_units = match r.unit {
            Unit::Municipality => n_municipalities,
            Unit::Respondent => n_respondents,
        } as f64;
        let ctx = || format!("{} {:?} {} {}", table.id, r.item, r.group, r.category);
        assert!(
            r.count.is_finite() && r.count >= 0.0,
            "count {} in {}",
            r.count,
            ctx()
        );
        assert!(
            r.base.is_finite() && r.base >= 0.0,
            "base {} in {}",
            r.base,
            ctx()
        );
        assert!(
            r.base <= n_units + 1e-9,
            "base {} > {n_units} units in {}",
            r.base,
            ctx()
        );
        assert!(
            r.count <= n_units + 1e-9,
            "count {} > {n_units} units in {}",
            r.count,
            ctx()
        );
        if r.in_base {
            assert!(
                r.count <= r.base + 1e-9,
                "count {} > base {} in {}",
                r.count,
                r.base,
                ctx()
            );
        }
        if let Some(p) = r.percentage {
            assert!(r.in_base, "percentage outside the base in {}", ctx());
            assert!(
                (0.0..=100.0 + 1e-9).contains(&p),
                "percentage {p} in {}",
                ctx()
            );
        }
        if let Some(p) = r.printed {
            assert!((0..=100).contains(&p), "printed {p} in {}", ctx());
        }
        assert_eq!(
            r.percentage.is_some(),
            r.in_base && r.base > 0.0,
            "percentage in {}",
            ctx()
        );
    }
    if table.measure == "frequencies" {
        check_stacked(table);
    }
    if disjoint {
        check_groups_within_all(table);
    }
    let _ = table.to_csv();
    let _ = table.to_html(50);
}

/// Frequencies: per item and group the in-base counts add up to the base and the printed
/// percentages to exactly 100.
fn check_stacked(table: &Table) {
    let mut cells: Vec<(&Option<String>, &str, f64, f64, i64)> = Vec::new();
    for r in table.rows.iter().filter(|r| r.in_base) {
        match cells.iter_mut().find(|c| c.0 == &r.item && c.1 == r.group) {
            Some(c) => {
                c.3 += r.count;
                c.4 += r.printed.unwrap_or(0);
            }
            None => cells.push((&r.item, &r.group, r.base, r.count, r.printed.unwrap_or(0))),
        }
    }
    for (item, group, base, sum, printed) in cells {
        assert!(
            close(base, sum),
            "{}: {item:?}/{group} counts sum to {sum}, base {base}",
            table.id
        );
        let want = if base > 0.0 { 100 } else { 0 };
        assert_eq!(printed, want, "{}: {item:?}/{group} printed sum", table.id);
    }
}

/// With groups that cannot overlap (every level its own group), the groups' counts and bases add
/// up to at most those of `all` (units without the attribute are only in `all`).
fn check_groups_within_all(table: &Table) {
    for all in table.rows.iter().filter(|r| r.group == "all") {
        let same = |r: &&Row| r.group != "all" && r.item == all.item && r.category == all.category;
        let count: f64 = table.rows.iter().filter(same).map(|r| r.count).sum();
        let base: f64 = table.rows.iter().filter(same).map(|r| r.base).sum();
        assert!(
            count <= all.count + 1e-9 * all.count.max(1.0),
            "{}: groups count {count} > all {}",
            table.id,
            all.count
        );
        assert!(
            base <= all.base + 1e-9 * all.base.max(1.0),
            "{}: groups base {base} > all {}",
            table.id,
            all.base
        );
    }
}
