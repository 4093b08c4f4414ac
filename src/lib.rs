//! # doe_democratie
//!
//! Survey ontology, validated ingestion and aggregation rules for surveys among Dutch
//! municipalities, with the 2013 BZK 'doe-democratie' instrument built in.
//!
//! The layers, each in its own module:
//!
//! - [`instrument`]: the ontology — [`Scale`](instrument::Scale)s with 'weet niet' codes and nets,
//!   [`Question`](instrument::Question)s (single choice, grid, multi-select, open text), item
//!   groupings such as the ROB participation ladder, respondent attributes. Validated on
//!   construction; saved to and loaded from a documented JSON format.
//! - [`data`]: readers for CSV, JSON records and in-memory columns, validated against an
//!   instrument into a columnar store; every problem carries its file, row, column and value.
//! - [`Survey`]: instrument + responses, the front door for Rust and Python alike.
//!
//! ```
//! use doe_democratie::{Instrument, ReadOptions, Survey};
//!
//! let instrument = Instrument::doe_democratie_2013();
//! let csv = "respondent_id,municipality,size_class,strategy_use.seed_money\n\
//!            r1,GM0001,lt_20k,often\n\
//!            r2,GM0001,lt_20k,weet niet\n\
//!            r3,GM0002,100k_plus,7\n";
//!
//! // Strict reading stops at the first problem: 7 is no code of the frequency scale.
//! let err = Survey::read_csv_str(csv, &instrument, &ReadOptions::default()).unwrap_err();
//! assert!(err.to_string().contains("row 4, column 'strategy_use.seed_money', value '7'"));
//!
//! // Lenient reading keeps every valid value and reports the rest.
//! let survey = Survey::read_csv_str(csv, &instrument, &ReadOptions::lenient()).unwrap();
//! assert_eq!(survey.n_respondents(), 3);
//! assert_eq!(survey.n_municipalities(), 2);
//! assert_eq!(survey.validation_report().len(), 1);
//! ```

// No panic may cross into Python: library code returns typed errors instead of unwrapping, and
// each place that cannot fail says why where it is allowed. Unit tests may unwrap (clippy.toml);
// integration tests are other crates and not covered.
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod analysis;
pub mod consolidate;
pub mod data;
pub mod datasets;
mod error;
pub mod instrument;
#[cfg(feature = "python")]
mod python;
pub mod render;
pub mod report;

pub use analysis::ItemSummary;
pub use analysis::Weights;
pub use consolidate::{Policy, Rules, WeightedColumn};
pub use data::Frame;
pub use data::LimeSurvey;
pub use data::{ReadOptions, Survey};
pub use error::{Error, Result};
pub use instrument::Instrument;

// The README's Rust examples run as doctests, so the quick start cannot drift from the API.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
