//! Respondent data: a columnar store validated against an [`Instrument`](crate::Instrument).

mod problem;

pub use problem::{Problem, ProblemKind, ValidationReport};
