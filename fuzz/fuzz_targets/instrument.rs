//! The instrument format: any instrument that loads must save and load back to an equal
//! instrument with the same text, and must be usable: a CSV with its own header reads, and every
//! measure that fits a question runs on it.
#![no_main]

use doe_democratie::analysis::Options;
use doe_democratie::instrument::QuestionKind;
use doe_democratie::{Instrument, ReadOptions, Survey};
use doe_democratie_fuzz::{check_survey, check_table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(instrument) = Instrument::from_json(text) else {
        return;
    };
    let saved = instrument.to_json();
    let again = Instrument::from_json(&saved).expect("a saved instrument loads again");
    assert!(again == instrument, "save -> load changed the instrument");
    assert_eq!(
        again.to_json(),
        saved,
        "save -> load -> save changed the text"
    );

    let header: Vec<&str> = ["respondent_id", "municipality"]
        .into_iter()
        .chain(instrument.columns().iter().map(|c| c.name.as_str()))
        .collect();
    let empties = ",".repeat(instrument.columns().len());
    let csv = format!(
        "{}\nr1,GM0001{empties}\nr2,GM0002{empties}\n",
        csv_row(&header)
    );
    let Ok(survey) = Survey::read_csv_str(&csv, &instrument, &ReadOptions::lenient()) else {
        return;
    };
    check_survey(&survey);
    let (m, r) = (survey.n_municipalities(), survey.n_respondents());
    for q in instrument.questions().values() {
        let options = Options::default();
        if matches!(q.kind, QuestionKind::MultiSelect { .. }) {
            if let Ok(t) = survey.mentions(&q.id, &options) {
                check_table(&t, m, r, true);
            }
        } else if instrument.scale_of(q).is_some() {
            if let Ok(t) = survey.frequencies(&q.id, &options) {
                check_table(&t, m, r, true);
            }
        }
    }
});

fn csv_row(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(",")
}
