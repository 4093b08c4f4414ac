//! Bundled datasets.
//!
//! The original microdata of the 2013 survey are not public. The bundled set is a **synthetic
//! reconstruction**: 126 invented respondents in 98 invented municipalities (`R001` …
//! `R098`, "Reconstructie 001" …), made by the seeded generator `tools/reconstruct_2013.py` so that
//! aggregating it with the report's rules reproduces every number the report publishes
//! (`tests/data/published/published_numbers.json`). Where the report contradicts itself the data
//! follow one documented reading (`data/README.md`). Never read it as real answers.

use crate::data::{ReadOptions, Survey};
use crate::instrument::Instrument;

/// The reconstructed 2013 microdata as CSV text (the file `data/doe_democratie_2013_reconstructed.csv`).
pub const DOE_DEMOCRATIE_2013_CSV: &str =
    include_str!("../data/doe_democratie_2013_reconstructed.csv");

/// The reconstructed 2013 microdata read against the built-in 2013 instrument.
///
/// ```
/// let survey = doe_democratie::datasets::doe_democratie_2013();
/// assert_eq!((survey.n_respondents(), survey.n_municipalities()), (126, 98));
/// ```
#[allow(clippy::expect_used)] // bundled with the crate and read by the tests: cannot fail at run time
pub fn doe_democratie_2013() -> Survey {
    Survey::read_csv_str(
        DOE_DEMOCRATIE_2013_CSV,
        &Instrument::doe_democratie_2013(),
        &ReadOptions::default(),
    )
    // Bundled with the crate and read by the tests; failing here is a build defect.
    .expect("the bundled reconstruction is valid")
}
