//! The report specification: any specification that parses must save and parse back to an
//! equal one, and running it on the bundled 2013 survey gives tables that keep the invariants or a
//! typed error.
#![no_main]

use doe_democratie::report::ReportSpec;
use doe_democratie_fuzz::{check_table, survey_2013};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(spec) = ReportSpec::from_json(text) else {
        return;
    };
    let saved = spec.to_json();
    let again = ReportSpec::from_json(&saved).expect("a saved specification parses again");
    assert_eq!(again, spec, "save -> parse changed the specification");

    let survey = survey_2013();
    let (m, r) = (survey.n_municipalities(), survey.n_respondents());
    for figure in &spec.figures {
        if let Ok(table) = figure.run(survey) {
            let disjoint = figure
                .options
                .by
                .as_ref()
                .is_none_or(|b| b.groups.is_empty());
            check_table(&table, m, r, disjoint);
        }
    }
});
