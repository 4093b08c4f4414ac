//! End to end: a lenient CSV read against the built-in 2013 instrument, then the measures with a
//! breakdown by size class and the built-in 2013 report. Whatever the input, every table keeps
//! its invariants (counts within the base, stacked rows totalling 100, groups within `all`) and
//! the report runs on any survey that was read.
#![no_main]

use doe_democratie::analysis::{Attribute, Breakdown, Options};
use doe_democratie::{ReadOptions, Survey};
use doe_democratie_fuzz::{check_survey, check_table, instrument_2013, spec_2013};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(survey) = Survey::read_csv_str(text, instrument_2013(), &ReadOptions::lenient()) else {
        return;
    };
    check_survey(&survey);
    let (m, r) = (survey.n_municipalities(), survey.n_respondents());
    let by_size = Options {
        by: Some(Breakdown::by(Attribute::SizeClass)),
        ..Options::default()
    };
    for options in [Options::default(), by_size] {
        let tables = [
            survey.frequencies("strategy_use", &options),
            survey.frequencies("forms_occurrence", &options),
            survey.frequencies("support_need", &options),
            survey.frequencies("citizen_support_need_insight", &options),
            survey.net_shares("strategy_use", "top2", &options),
            survey.mentions("strategy_most_successful", &options),
            survey.mentions("challenge_sectors", &options),
        ];
        for table in tables {
            let table = table.expect("a measure of the built-in instrument fails on read data");
            check_table(&table, m, r, true);
        }
    }

    let report = spec_2013()
        .run(&survey)
        .expect("the 2013 report fails on data that was read");
    // Figures whose question the data lacks are left out and listed, never lost.
    assert_eq!(
        report.tables.len() + report.skipped.len(),
        spec_2013().figures.len(),
        "a figure is neither in the report nor listed as skipped"
    );
    for table in &report.tables {
        let figure = spec_2013()
            .figure(&table.id)
            .expect("every table of the report is a figure of its specification");
        let disjoint = figure
            .options
            .by
            .as_ref()
            .is_none_or(|b| b.groups.is_empty());
        check_table(table, m, r, disjoint);
    }
    // The built-in templates render any report the data produce.
    report
        .to_html()
        .expect("the HTML report fails on a report that was computed");
});
