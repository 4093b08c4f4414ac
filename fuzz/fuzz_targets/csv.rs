//! Respondent CSV against the built-in 2013 instrument: strict and lenient reading of the text,
//! and lenient reading of the raw bytes from a file (which decodes UTF-8 and spots UTF-16 and
//! Windows-1252 first).
#![no_main]

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::OnceLock;

use doe_democratie::{ReadOptions, Survey};
use doe_democratie_fuzz::{instrument_2013, read_both};
use libfuzzer_sys::fuzz_target;

fn scratch_file() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("doe-democratie-fuzz-{}.csv", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let instrument = instrument_2013();
    let from_text = std::str::from_utf8(data)
        .ok()
        .and_then(|text| read_both(text, instrument, Survey::read_csv_str));

    let path = scratch_file();
    let mut file = std::fs::File::create(path).expect("scratch file");
    file.write_all(data).expect("scratch file");
    drop(file);
    let from_file = Survey::read_csv_path(path, instrument, &ReadOptions::lenient());
    if let Some(t) = &from_text {
        let f = from_file
            .as_ref()
            .expect("the file reading failed where the text reading succeeded");
        assert_eq!(
            t.n_respondents(),
            f.n_respondents(),
            "file and text readings differ"
        );
        assert_eq!(t.validation_report().len(), f.validation_report().len());
    }
});
