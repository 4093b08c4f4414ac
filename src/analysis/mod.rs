//! Measures over a [`Survey`](crate::Survey): frequency distributions with item-specific bases,
//! net shares (top-2 box), mention rankings, breakdowns by respondent attribute — each returning a
//! tidy [`Table`] — and the report's rounding rules.

pub mod inference;
mod measures;
mod round;
mod survey;
mod table;
pub mod weighting;

pub use inference::{
    CiMethod, DesignKind, Estimate, GroupTest, Inference, TableInference, TestMethod,
};
pub use measures::{
    frequencies, mean_scores, mentions, net_shares, Attribute, Base, Breakdown, ItemFilter, Lang,
    Options,
};
pub use round::{largest_remainder, round_half_up};
pub use survey::ItemSummary;
pub(crate) use table::plain_number;
pub use table::{DataWarning, Labels, Row, Table, INFERENCE_FIELDS, NUMERIC_FIELDS, ROW_FIELDS};
pub use weighting::{
    post_stratify, rake, representativeness, Margin, RakeOptions, Representativeness,
    StratumCoverage, WeightingMethod, Weights, COVERAGE_FIELDS,
};
