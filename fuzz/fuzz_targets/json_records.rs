//! JSON records (one object per respondent) against the built-in 2013 instrument, strict and
//! lenient.
#![no_main]

use doe_democratie::Survey;
use doe_democratie_fuzz::{instrument_2013, read_both};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        read_both(text, instrument_2013(), Survey::read_json_str);
    }
});
