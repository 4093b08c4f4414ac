//! LimeSurvey structure files (`.lss` XML and the tab-separated `.txt`): any structure that
//! parses must draft an instrument or say why not, the draft must save and load back equal, and
//! a response export with the draft's own headings and one answer per column must read (the
//! draft's ids are what the responses are matched by).
#![no_main]

use doe_democratie::data::{LimeSurvey, ResponseOptions};
use doe_democratie::{Instrument, ReadOptions};
use doe_democratie_fuzz::check_survey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for parsed in [
        LimeSurvey::from_lss_str(text, "<fuzz.lss>"),
        LimeSurvey::from_tsv_str(text, "<fuzz.txt>"),
    ] {
        let Ok(ls) = parsed else { continue };
        let _ = ls.not_converted();
        let Ok(instrument) = ls.instrument() else {
            continue;
        };
        let again = Instrument::from_json(&instrument.to_json()).expect("a draft loads again");
        assert!(again == instrument, "save -> load changed the draft");
        let headings: Vec<String> = ls.questions.iter().map(|q| q.code.clone()).collect();
        let csv = format!(
            "id,GEM,{}\n1,GM0001,{}\n",
            headings.join(","),
            ",".repeat(headings.len().saturating_sub(1))
        );
        let mut options = ResponseOptions::new("GEM");
        options.read = ReadOptions::lenient();
        if let Ok(survey) = ls.read_responses_csv_str(&csv, &instrument, &options) {
            check_survey(&survey);
        }
    }
});
