//! Design-based inference: standard errors and intervals on every share and mean, tests between
//! the groups of a breakdown, under a declared design (see `docs/inference.md`).
//!
//! The unit of analysis is the municipality. The responding municipalities are a sample from a
//! [`Frame`]: a simple random sample without replacement (finite-population correction
//! `1 − n/N`), stratified by a frame attribute, post-stratified to it, or with weights raked to
//! the frame's margins ([`crate::analysis::weighting`]). A consolidated answer (fractional under
//! `split`) is the municipality's value; a respondent-level question makes the municipality a
//! cluster of its respondents. Every estimate is a ratio of weighted totals, its variance comes
//! from Taylor linearisation, and each number can be reproduced with R's `survey` package.

pub mod adjust;
mod design;
mod estimate;
pub mod exact;
mod interval;
mod rao_scott;
mod resolve;
mod tests;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

pub use adjust::Adjust;
pub use design::{Design, DesignKind};
pub use estimate::{Estimate, SMALL_BASE};
pub use interval::CiMethod;
pub use rao_scott::RaoScott;
pub use resolve::resolve;

pub(crate) use estimate::{estimate, DomainTotals, Quantity};
pub(crate) use tests::{
    adjust_tests, group_tests, letter, pairwise_letters, GroupCells, TestInput,
};

use super::measures::Attribute;
use super::weighting::Weights;
use crate::data::Frame;
use crate::error::{Error, Result};

/// A test between the groups of a breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestMethod {
    /// Pearson's chi-square on the consolidated counts as if they were a simple random sample
    /// (fractional under `split`): the naive test, for comparison.
    Pearson,
    /// Rao–Scott second-order corrected test, an F statistic (R's `svychisq` default).
    RaoScott,
    /// Rao–Scott first-order corrected chi-square (R's `svychisq(statistic = "Chisq")`).
    RaoScottFirstOrder,
    /// Fisher's exact test on the consolidated counts (whole counts only: not under `split`).
    Fisher,
    /// Permutation test of Pearson's statistic: group labels shuffled over municipalities; works
    /// under every consolidation policy.
    Permutation,
    /// Linear trend across the ordered groups: a design-based test of the contrast
    /// `Σ c_g p_g` with centred scores `c_g`.
    Trend,
}

impl TestMethod {
    /// Every method, in declaration order.
    pub const ALL: [TestMethod; 6] = [
        TestMethod::Pearson,
        TestMethod::RaoScott,
        TestMethod::RaoScottFirstOrder,
        TestMethod::Fisher,
        TestMethod::Permutation,
        TestMethod::Trend,
    ];

    /// The snake_case name used in files and by Python.
    pub fn as_str(self) -> &'static str {
        match self {
            TestMethod::Pearson => "pearson",
            TestMethod::RaoScott => "rao_scott",
            TestMethod::RaoScottFirstOrder => "rao_scott_first_order",
            TestMethod::Fisher => "fisher",
            TestMethod::Permutation => "permutation",
            TestMethod::Trend => "trend",
        }
    }
}

impl std::str::FromStr for TestMethod {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        TestMethod::ALL
            .into_iter()
            .find(|m| m.as_str() == t)
            .ok_or_else(|| Error::unknown("test", t, TestMethod::ALL.map(|m| m.as_str())))
    }
}

/// Inference options of a measure. With none of `frame`, `weights`, `ci`, `test` or a design
/// other than `srs` set, a measure computes no inference at all (and costs nothing extra).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Inference {
    /// The design; with `weights` set it follows from them.
    pub design: DesignKind,
    /// The population frame; without it the sample is treated as drawn from a population too
    /// large for a correction, with weights 1.
    pub frame: Option<Frame>,
    /// The frame attribute that defines strata or post-strata.
    pub strata: Attribute,
    /// Weights from [`post_stratify`](crate::analysis::weighting::post_stratify) or
    /// [`rake`](crate::analysis::weighting::rake); they carry their own frame size.
    pub weights: Option<Weights>,
    /// Apply the finite-population correction when there is a frame.
    pub fpc: bool,
    /// Interval method; `None` gives estimates and standard errors without bounds.
    pub ci: Option<CiMethod>,
    /// Confidence level of intervals, and `1 − level` the significance level of letters.
    pub level: f64,
    /// Test between the groups of the breakdown, per item.
    pub test: Option<TestMethod>,
    /// Multiple-testing correction over the items of a table (and of the pairwise letters).
    pub adjust: Adjust,
    /// Draws of the permutation test and of the Monte Carlo fallback of Fisher's test.
    pub n_perm: u64,
    /// Seed of those draws, so results repeat exactly.
    pub seed: u64,
}

impl Default for Inference {
    fn default() -> Self {
        Inference {
            design: DesignKind::Srs,
            frame: None,
            strata: Attribute::SizeClass,
            weights: None,
            fpc: true,
            ci: None,
            level: 0.95,
            test: None,
            adjust: Adjust::None,
            n_perm: 9_999,
            seed: 20_130_101,
        }
    }
}

impl Inference {
    /// Whether anything is asked for (a design other than the default counts: it needs a frame
    /// and is checked).
    pub fn is_active(&self) -> bool {
        self.frame.is_some()
            || self.weights.is_some()
            || self.ci.is_some()
            || self.test.is_some()
            || self.design != DesignKind::Srs
    }

    pub(crate) fn check(&self) -> Result<()> {
        if !(self.level > 0.0 && self.level < 1.0) {
            return Err(Error::InvalidArgument {
                name: "level",
                message: format!(
                    "a confidence level lies strictly between 0 and 1, not {}",
                    self.level
                ),
            });
        }
        if self.n_perm == 0 {
            return Err(Error::InvalidArgument {
                name: "n_perm",
                message: "a permutation test needs at least one draw".into(),
            });
        }
        Ok(())
    }
}

/// A test between the groups of a breakdown for one item (and, for frequencies, over all its
/// categories).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupTest {
    /// The item tested (`None` for single-choice questions).
    pub item: Option<String>,
    /// The method.
    pub method: TestMethod,
    /// The statistic: X², F, or z for the trend.
    pub statistic: Option<f64>,
    /// Degrees of freedom (numerator for F).
    pub df: Option<f64>,
    /// Denominator degrees of freedom of an F statistic.
    pub ddf: Option<f64>,
    /// p-value (`None` when the test is undefined for this item, see `note`).
    pub p_value: Option<f64>,
    /// p-value after the table's multiple-testing correction.
    pub p_adjusted: Option<f64>,
    /// Why a test is undefined, or how it was computed (Monte Carlo draws, …).
    pub note: Option<String>,
}

/// What a table says about its inference: the design, the interval method, the tests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableInference {
    /// The design in words (sample, frame, strata, weights, correction).
    pub design: String,
    /// The design's kind.
    pub kind: DesignKind,
    /// Interval method of the `lower`/`upper` columns.
    pub ci: Option<CiMethod>,
    /// Confidence level.
    pub level: f64,
    /// What the frame says about itself (e.g. the bundled 2013 frame's merged middle stratum).
    pub frame_note: Option<String>,
    /// Tests between groups, one per item.
    pub tests: Vec<GroupTest>,
    /// Multiple-testing correction of `p_adjusted` and of the letters.
    pub adjust: Adjust,
    /// Group → letter; a row's `letters` name the groups whose share it significantly exceeds
    /// (pairwise design-based z-tests at `1 − level`, corrected by `adjust` within the row's
    /// item and category).
    pub letters: IndexMap<String, String>,
}
