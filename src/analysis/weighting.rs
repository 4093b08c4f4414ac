//! Municipality weights calibrated to a population [`Frame`]: post-stratification and raking
//! (iterative proportional fitting), and how the responding municipalities compare with the
//! frame ([`representativeness`]).
//!
//! Weights are per municipality, in the order of
//! [`Responses::municipalities`](crate::data::Responses::municipalities); respondents inherit
//! their municipality's weight. `docs/weighting.md` gives the formulas and the R equivalents.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::measures::Attribute;
use crate::data::Survey;
use crate::data::{Frame, Municipality, Strata};
use crate::error::{Error, Result};

/// How weights were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightingMethod {
    /// w = N_h / n_h within the strata of one margin ([`post_stratify`]).
    PostStratified,
    /// Iterative proportional fitting to one or more margins ([`rake`]).
    Raked,
}

impl WeightingMethod {
    /// `post_stratified` or `raked`.
    pub fn as_str(self) -> &'static str {
        match self {
            WeightingMethod::PostStratified => "post_stratified",
            WeightingMethod::Raked => "raked",
        }
    }
}

/// A calibration margin: which category each sample municipality is in, and the category's
/// frame total. Variance estimators for calibrated weights need exactly this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Margin {
    /// The frame attribute (`size_class`, `province`).
    pub attribute: String,
    /// The frame's strata of the attribute (stratum ids), in frame order.
    pub categories: Vec<String>,
    /// Per sample municipality (survey order), the index of its category in `categories`.
    pub of_unit: Vec<u32>,
    /// Per category, the frame total N_h the weights add up to.
    pub targets: Vec<f64>,
}

/// Municipality weights calibrated to a frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// How they were computed.
    pub method: WeightingMethod,
    /// Municipality ids, in the survey's municipality order.
    pub municipality_ids: Vec<String>,
    /// One weight per municipality, in the same order.
    pub values: Vec<f64>,
    /// The margins the weights reproduce, in calibration order.
    pub margins: Vec<Margin>,
    /// Raking cycles (one pass over every margin each) until convergence; 0 for
    /// post-stratification.
    pub iterations: usize,
    /// Weights held at a trimming bound (within a relative 1e-9); 0 without trimming.
    pub trimmed: usize,
    /// Number of municipalities in the frame (N): the weights add up to it.
    pub frame_total: u64,
    /// The frame's note (e.g. the bundled 2013 frame's merged middle stratum), carried so that
    /// tables computed with these weights repeat it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_note: Option<String>,
}

impl Weights {
    /// Municipality ids, in the order of [`Weights::values`].
    pub fn municipality_ids(&self) -> &[String] {
        &self.municipality_ids
    }

    /// Σw.
    pub fn sum(&self) -> f64 {
        self.values.iter().sum()
    }

    /// Kish's design effect of unequal weighting, n Σw² / (Σw)² (1 for equal weights).
    pub fn kish_deff(&self) -> f64 {
        let n = self.values.len() as f64;
        n / self.effective_n()
    }

    /// Kish's effective sample size, (Σw)² / Σw².
    pub fn effective_n(&self) -> f64 {
        let sum = self.sum();
        let squares: f64 = self.values.iter().map(|w| w * w).sum();
        sum * sum / squares
    }
}

impl fmt::Display for Weights {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let margins: Vec<&str> = self.margins.iter().map(|m| m.attribute.as_str()).collect();
        write!(
            f,
            "Weights ({} on {}): {} municipalities, sum {:.4} (frame {}), Kish deff {:.4}, \
             effective n {:.2}",
            self.method.as_str(),
            margins.join(", "),
            self.values.len(),
            self.sum(),
            self.frame_total,
            self.kish_deff(),
            self.effective_n()
        )?;
        if self.method == WeightingMethod::Raked {
            write!(
                f,
                "; {} iterations, {} trimmed",
                self.iterations, self.trimmed
            )?;
        }
        Ok(())
    }
}

/// Options of [`rake`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RakeOptions {
    /// The margins, raked in this order (at least one).
    pub margins: Vec<Attribute>,
    /// Cycles before raking gives up with [`Error::Weighting`].
    pub max_iterations: usize,
    /// Converged when no margin category's weighted total deviates from its target by more than
    /// this fraction of the target.
    pub tolerance: f64,
    /// R's stopping rule instead of `tolerance`, as `survey::rake(control = list(epsilon = …))`:
    /// stop when no cell of the weighted cross-table of all margins changes by `epsilon` or more
    /// between two cycles (below 1: that fraction of the frame total N). R's default, 1, stops
    /// early: the margins then hold only roughly (on the 2013 reference case a target of 142
    /// ends at 143.85). `None`: the `tolerance` rule.
    pub epsilon: Option<f64>,
    /// Bounds on the weights as multiples of the mean weight N/n, e.g. `(0.3, 3.0)`: after each
    /// cycle weights outside are set to the bound, and raking goes on until the margins and the
    /// bounds hold together.
    pub trim: Option<(f64, f64)>,
}

impl Default for RakeOptions {
    fn default() -> Self {
        RakeOptions {
            margins: vec![Attribute::SizeClass, Attribute::Province],
            max_iterations: 100,
            tolerance: 1e-10,
            epsilon: None,
            trim: None,
        }
    }
}

/// The sample municipalities placed in the strata of one frame margin (also the strata of a
/// stratified design).
pub(crate) struct Placed {
    pub(crate) margin: Margin,
    /// Sample municipalities per stratum.
    pub(crate) counts: Vec<usize>,
}

fn weighting_error(margin: &str, category: Option<&str>, message: String) -> Error {
    Error::Weighting {
        margin: margin.to_string(),
        category: category.map(str::to_string),
        message,
    }
}

fn level_of(m: &Municipality, by: Attribute) -> Option<&str> {
    match by {
        Attribute::SizeClass => m.size_class.as_deref(),
        _ => m.province.as_deref(),
    }
}

/// The frame's margin of `by`, every sample municipality in one of its strata.
pub(crate) fn place(survey: &Survey, frame: &Frame, by: Attribute) -> Result<Placed> {
    let name = by.as_str();
    if by == Attribute::Role {
        return Err(weighting_error(
            name,
            None,
            "role is a respondent attribute; municipality weights calibrate to size_class or \
             province"
                .into(),
        ));
    }
    let strata: &Strata = frame.margin(name).map_err(|_| {
        weighting_error(
            name,
            None,
            format!(
                "the frame has no {name} margin; it has {}",
                frame.attributes().join(", ")
            ),
        )
    })?;
    let mut index: HashMap<&str, u32> = HashMap::new();
    for (h, stratum) in (0u32..).zip(strata.values()) {
        for level in &stratum.levels {
            index.insert(level, h);
        }
    }
    let mut counts = vec![0usize; strata.len()];
    let mut of_unit = Vec::with_capacity(survey.n_municipalities());
    for m in survey.responses().municipalities() {
        let Some(level) = level_of(m, by) else {
            return Err(weighting_error(
                name,
                None,
                format!(
                    "sample municipality '{}' has no {name}; give it in the data (for size_class: \
                     inhabitants or size_class)",
                    m.id
                ),
            ));
        };
        let Some(&h) = index.get(level) else {
            return Err(weighting_error(
                name,
                Some(level),
                format!(
                    "sample municipality '{}' is in no stratum of the frame's {name} margin \
                     (strata: {})",
                    m.id,
                    strata.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        if let Some(c) = counts.get_mut(h as usize) {
            *c += 1;
        }
        of_unit.push(h);
    }
    let margin = Margin {
        attribute: name.to_string(),
        categories: strata.keys().cloned().collect(),
        of_unit,
        targets: strata.values().map(|s| s.count as f64).collect(),
    };
    Ok(Placed { margin, counts })
}

/// [`place`], refusing a stratum without sample municipalities: no weight can reach its target.
fn place_for_weighting(survey: &Survey, frame: &Frame, by: Attribute) -> Result<Placed> {
    let placed = place(survey, frame, by)?;
    let m = &placed.margin;
    let empty = (m.categories.iter().zip(&m.targets)).zip(&placed.counts);
    if let Some(((category, target), _)) = empty.into_iter().find(|(_, &n)| n == 0) {
        return Err(weighting_error(
            &m.attribute,
            Some(category),
            format!(
                "no sample municipality is in this stratum of {target} frame municipalities, so \
                 no weights can reach its total; merge it with a neighbouring stratum \
                 (Frame::from_strata)"
            ),
        ));
    }
    let sizes = m.categories.iter().zip(&m.targets).zip(&placed.counts);
    if let Some(((category, target), n)) = sizes.into_iter().find(|((_, &t), &n)| n as f64 > t) {
        return Err(weighting_error(
            &m.attribute,
            Some(category),
            format!(
                "{n} sample municipalities in a stratum of {target} frame municipalities: the \
                 frame is too small for the sample (weights would fall below 1)"
            ),
        ));
    }
    Ok(placed)
}

/// Post-stratification to the frame's margin of `by`: every sample municipality in stratum h
/// gets w = N_h / n_h, so the weights of each stratum add up to its frame count.
pub fn post_stratify(survey: &Survey, frame: &Frame, by: Attribute) -> Result<Weights> {
    let placed = place_for_weighting(survey, frame, by)?;
    let m = &placed.margin;
    let values = m
        .of_unit
        .iter()
        .map(|&h| {
            let h = h as usize;
            let target = m.targets.get(h).copied().unwrap_or(0.0);
            target / placed.counts.get(h).copied().unwrap_or(1) as f64
        })
        .collect();
    Ok(Weights {
        method: WeightingMethod::PostStratified,
        municipality_ids: municipality_ids(survey),
        values,
        margins: vec![placed.margin],
        iterations: 0,
        trimmed: 0,
        frame_total: frame.total(),
        frame_note: frame.note().map(str::to_string),
    })
}

fn municipality_ids(survey: &Survey) -> Vec<String> {
    survey
        .responses()
        .municipalities()
        .iter()
        .map(|m| m.id.clone())
        .collect()
}

/// Raking (iterative proportional fitting) of the municipality weights to the frame margins in
/// `options.margins`, as R's `survey::rake()`: starting from N/n, each cycle post-stratifies to
/// every margin in turn. Converged when every margin category's weighted total is within
/// `options.tolerance` (relative) of its target — or, with `options.epsilon`, by R's rule — and,
/// with trimming, every weight within its bounds. Fails with [`Error::Weighting`], never with
/// weights short of convergence, on a category without sample municipalities, a target that
/// empty cells make unreachable, trim bounds a category cannot meet, or no convergence within
/// `options.max_iterations`.
pub fn rake(survey: &Survey, frame: &Frame, options: &RakeOptions) -> Result<Weights> {
    check_options(options)?;
    let placed = options
        .margins
        .iter()
        .map(|&by| place_for_weighting(survey, frame, by))
        .collect::<Result<Vec<_>>>()?;
    check_cells(&placed)?;
    let n = survey.n_municipalities();
    let mean = frame.total() as f64 / n as f64;
    let bounds = options.trim.map(|(lo, hi)| Bounds {
        lo: lo * mean,
        hi: hi * mean,
        mean,
    });
    if let Some(bounds) = &bounds {
        check_trim_reachable(&placed, bounds)?;
    }
    let margins: Vec<Margin> = placed.into_iter().map(|p| p.margin).collect();
    let mut w = vec![mean; n];
    let mut r_rule = options
        .epsilon
        .map(|e| CellChange::new(&margins, &w, e, frame.total() as f64));
    let mut worst = Deviation::default();
    for iteration in 1..=options.max_iterations {
        for margin in &margins {
            scale_to_margin(&mut w, margin)?;
        }
        worst = worst_deviation(&w, &margins);
        let settled = match &mut r_rule {
            Some(rule) => rule.settled(&w),
            None => worst.relative <= options.tolerance,
        };
        if settled && bounds.as_ref().is_none_or(|b| b.outside(&w) == 0) {
            return Ok(Weights {
                method: WeightingMethod::Raked,
                municipality_ids: municipality_ids(survey),
                trimmed: bounds.as_ref().map_or(0, |b| b.at_bound(&w)),
                values: w,
                margins,
                iterations: iteration,
                frame_total: frame.total(),
                frame_note: frame.note().map(str::to_string),
            });
        }
        if let Some(bounds) = &bounds {
            bounds.clip(&mut w);
        }
    }
    let fail = Failure {
        worst: &worst,
        bounds: bounds.as_ref(),
        r_rule: r_rule.as_ref(),
    };
    Err(not_converged(&w, &margins, &fail, options))
}

/// R's `survey::rake()` stopping rule: the weighted cross-table of all margins (one cell per
/// combination of categories) changes by less than `epsilon` in every cell between two cycles.
struct CellChange {
    cell_of_unit: Vec<usize>,
    epsilon: f64,
    previous: Vec<f64>,
    last_change: f64,
}

impl CellChange {
    /// `epsilon` below 1 is, as in R, a fraction of the sum of the starting weights (N).
    fn new(margins: &[Margin], w: &[f64], epsilon: f64, total: f64) -> Self {
        let mut cells: HashMap<Vec<u32>, usize> = HashMap::new();
        let cell_of_unit = (0..w.len())
            .map(|i| {
                let key: Vec<u32> = margins
                    .iter()
                    .map(|m| m.of_unit.get(i).copied().unwrap_or(0))
                    .collect();
                let next = cells.len();
                *cells.entry(key).or_insert(next)
            })
            .collect();
        let mut rule = CellChange {
            cell_of_unit,
            epsilon: if epsilon < 1.0 {
                epsilon * total
            } else {
                epsilon
            },
            previous: vec![0.0; cells.len()],
            last_change: f64::INFINITY,
        };
        rule.previous = rule.table(w);
        rule
    }

    fn table(&self, w: &[f64]) -> Vec<f64> {
        let mut t = vec![0.0; self.previous.len()];
        for (&c, &wi) in self.cell_of_unit.iter().zip(w) {
            if let Some(x) = t.get_mut(c) {
                *x += wi;
            }
        }
        t
    }

    /// Whether the last cycle changed no cell by `epsilon` or more; remembers the table.
    fn settled(&mut self, w: &[f64]) -> bool {
        let table = self.table(w);
        self.last_change = table
            .iter()
            .zip(&self.previous)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        self.previous = table;
        self.last_change < self.epsilon
    }
}

fn check_options(options: &RakeOptions) -> Result<()> {
    let invalid = |name, message: &str| {
        Err(Error::InvalidArgument {
            name,
            message: message.to_string(),
        })
    };
    if options.margins.is_empty() {
        return invalid("margins", "give at least one margin (size_class, province)");
    }
    let distinct: HashSet<Attribute> = options.margins.iter().copied().collect();
    if distinct.len() != options.margins.len() {
        return invalid("margins", "a margin is given twice");
    }
    if options.max_iterations == 0 {
        return invalid("max_iterations", "must be at least 1");
    }
    if !(options.tolerance.is_finite() && options.tolerance > 0.0) {
        return invalid("tolerance", "must be a positive number, e.g. 1e-10");
    }
    if options.epsilon.is_some_and(|e| !(e.is_finite() && e > 0.0)) {
        return invalid("epsilon", "must be a positive number, e.g. 1 as in R");
    }
    if let Some((lo, hi)) = options.trim {
        if !(lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo <= hi) {
            return invalid(
                "trim",
                "bounds are (lower, upper) multiples of the mean weight with 0 <= lower <= upper, \
                 e.g. (0.3, 3.0)",
            );
        }
    }
    Ok(())
}

/// Multiplies the weights of every category of `margin` by target / current total.
fn scale_to_margin(w: &mut [f64], margin: &Margin) -> Result<()> {
    let totals = category_totals(w, margin);
    let factors: Vec<f64> = totals
        .iter()
        .zip(&margin.targets)
        .map(|(&total, &target)| target / total)
        .collect();
    if let Some(h) = factors.iter().position(|f| !f.is_finite()) {
        return Err(weighting_error(
            &margin.attribute,
            margin.categories.get(h).map(String::as_str),
            "the weights of this category add up to 0, so they cannot be scaled to its target"
                .into(),
        ));
    }
    for (wi, &h) in w.iter_mut().zip(&margin.of_unit) {
        *wi *= factors.get(h as usize).copied().unwrap_or(1.0);
    }
    Ok(())
}

fn category_totals(w: &[f64], margin: &Margin) -> Vec<f64> {
    let mut totals = vec![0.0; margin.categories.len()];
    for (&wi, &h) in w.iter().zip(&margin.of_unit) {
        if let Some(t) = totals.get_mut(h as usize) {
            *t += wi;
        }
    }
    totals
}

/// The margin category furthest from its target.
#[derive(Debug, Default)]
struct Deviation {
    relative: f64,
    margin: usize,
    category: usize,
    total: f64,
    target: f64,
}

fn worst_deviation(w: &[f64], margins: &[Margin]) -> Deviation {
    let mut worst = Deviation::default();
    for (k, margin) in margins.iter().enumerate() {
        let totals = category_totals(w, margin);
        for (h, (&total, &target)) in totals.iter().zip(&margin.targets).enumerate() {
            let relative = (total - target).abs() / target;
            // NaN must count as the worst, not be skipped by the comparison.
            if relative > worst.relative || relative.is_nan() && !worst.relative.is_nan() {
                worst = Deviation {
                    relative,
                    margin: k,
                    category: h,
                    total,
                    target,
                };
            }
        }
    }
    worst
}

/// Trim bounds in weight units.
struct Bounds {
    lo: f64,
    hi: f64,
    mean: f64,
}

impl Bounds {
    /// Slack for floating point: a weight clipped to a bound and rescaled by a factor within
    /// the tolerance still counts as within.
    const SLACK: f64 = 1e-12;
    const AT_BOUND: f64 = 1e-9;

    fn outside(&self, w: &[f64]) -> usize {
        w.iter()
            .filter(|&&x| x < self.lo * (1.0 - Self::SLACK) || x > self.hi * (1.0 + Self::SLACK))
            .count()
    }

    fn at_bound(&self, w: &[f64]) -> usize {
        w.iter()
            .filter(|&&x| {
                (x - self.lo).abs() <= Self::AT_BOUND * self.lo
                    || (x - self.hi).abs() <= Self::AT_BOUND * self.hi
            })
            .count()
    }

    fn clip(&self, w: &mut [f64]) {
        for x in w {
            *x = x.clamp(self.lo, self.hi);
        }
    }
}

/// Every category's sample municipalities must be able to carry its target within the bounds:
/// n_h·lower ≤ N_h ≤ n_h·upper.
fn check_trim_reachable(placed: &[Placed], bounds: &Bounds) -> Result<()> {
    for p in placed {
        let m = &p.margin;
        for ((category, &target), &n) in m.categories.iter().zip(&m.targets).zip(&p.counts) {
            let average = target / n as f64;
            let slack = 1.0 + Bounds::SLACK;
            if average * slack < bounds.lo || average > bounds.hi * slack {
                return Err(weighting_error(
                    &m.attribute,
                    Some(category),
                    format!(
                        "the trim bounds cannot be met: its {n} sample municipalities carry \
                         {target} frame municipalities, {average:.4} each on average, outside \
                         the bounds [{:.4}, {:.4}] ({:.4} and {:.4} times the mean weight \
                         {:.4})",
                        bounds.lo,
                        bounds.hi,
                        bounds.lo / bounds.mean,
                        bounds.hi / bounds.mean,
                        bounds.mean
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Empty cells: if the sample municipalities of category a of one margin all sit in categories
/// S of another margin, a's weighted total can be at most the targets of S together. A target
/// above that is unreachable, however long one rakes.
fn check_cells(placed: &[Placed]) -> Result<()> {
    for a in placed {
        for b in placed {
            if std::ptr::eq(a, b) {
                continue;
            }
            check_cell_pair(&a.margin, &b.margin)?;
        }
    }
    Ok(())
}

fn check_cell_pair(a: &Margin, b: &Margin) -> Result<()> {
    let mut reach: Vec<HashSet<u32>> = vec![HashSet::new(); a.categories.len()];
    for (&ha, &hb) in a.of_unit.iter().zip(&b.of_unit) {
        if let Some(set) = reach.get_mut(ha as usize) {
            set.insert(hb);
        }
    }
    for ((category, &target), set) in a.categories.iter().zip(&a.targets).zip(&reach) {
        let mut linked: Vec<u32> = set.iter().copied().collect();
        linked.sort_unstable();
        let most: f64 = linked
            .iter()
            .filter_map(|&h| b.targets.get(h as usize))
            .sum();
        if target > most * (1.0 + 1e-9) {
            let names: Vec<&str> = linked
                .iter()
                .filter_map(|&h| b.categories.get(h as usize).map(String::as_str))
                .collect();
            return Err(weighting_error(
                &a.attribute,
                Some(category),
                format!(
                    "its target of {target} cannot be reached: its sample municipalities are all \
                     in {} {}, which hold {most} frame municipalities together (the other cells \
                     are empty); merge categories or rake on fewer margins",
                    b.attribute,
                    names.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Where raking stood when it gave up.
struct Failure<'a> {
    worst: &'a Deviation,
    bounds: Option<&'a Bounds>,
    r_rule: Option<&'a CellChange>,
}

fn not_converged(
    w: &[f64],
    margins: &[Margin],
    fail: &Failure<'_>,
    options: &RakeOptions,
) -> Error {
    let worst = fail.worst;
    let margin = margins.get(worst.margin);
    let attribute = margin.map_or("", |m| m.attribute.as_str());
    let category = margin.and_then(|m| m.categories.get(worst.category));
    let mut message = format!(
        "raking did not converge in {} iterations: the largest remaining relative deviation is \
         {:.3e} (weighted total {} against the target {})",
        options.max_iterations, worst.relative, worst.total, worst.target
    );
    match fail.r_rule {
        Some(rule) => message.push_str(&format!(
            "; the last cycle changed a cell of the margins' cross-table by {:.3e} (epsilon \
             {:.3e})",
            rule.last_change, rule.epsilon
        )),
        None => message.push_str(&format!("; tolerance {:.1e}", options.tolerance)),
    }
    if let Some(b) = fail.bounds {
        let outside = b.outside(w);
        if outside > 0 {
            message.push_str(&format!(
                "; {outside} weights outside the trim bounds [{:.4}, {:.4}]",
                b.lo, b.hi
            ));
        }
        message.push_str("; the trim bounds may be too tight for these margins together");
    }
    weighting_error(attribute, category.map(String::as_str), message)
}

/// How the responding municipalities are spread over one stratum of a frame margin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StratumCoverage {
    /// Stratum id.
    pub stratum: String,
    /// The levels it merges.
    pub levels: Vec<String>,
    /// Sample municipalities in the stratum (n_h).
    pub sample: usize,
    /// Frame municipalities in the stratum (N_h).
    pub frame: u64,
    /// n_h / N_h.
    pub response_rate: f64,
    /// n_h / n.
    pub sample_share: f64,
    /// N_h / N.
    pub frame_share: f64,
    /// n · N_h / N: the count expected if the sample followed the frame.
    pub expected: f64,
}

/// The sample against the frame on one margin, with Pearson's goodness-of-fit test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Representativeness {
    /// The frame attribute.
    pub attribute: String,
    /// One entry per stratum, in frame order.
    pub strata: Vec<StratumCoverage>,
    /// Sample municipalities (n).
    pub n_sample: usize,
    /// Frame municipalities (N).
    pub frame_total: u64,
    /// Pearson's X² = Σ (n_h − e_h)² / e_h.
    pub statistic: f64,
    /// Degrees of freedom, strata − 1.
    pub df: usize,
    /// P(χ²_df ≥ X²); 1 with a single stratum.
    pub p_value: f64,
    /// The smallest expected count: below 5 the χ² approximation is rough.
    pub min_expected: f64,
    /// Sample municipalities whose code is not in the frame's table (empty for a frame of
    /// counts only).
    pub not_in_frame: Vec<String>,
}

/// Columns of [`Representativeness::to_csv`].
pub const COVERAGE_FIELDS: [&str; 8] = [
    "stratum",
    "levels",
    "sample",
    "frame",
    "response_rate",
    "sample_share",
    "frame_share",
    "expected",
];

impl Representativeness {
    /// One row per stratum (levels joined by `+`), comma-separated with a header row.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        // Writing to memory fails only on an allocation failure, which aborts anyway.
        let _ = w.write_record(COVERAGE_FIELDS);
        for s in &self.strata {
            let _ = w.write_record([
                s.stratum.clone(),
                s.levels.join("+"),
                s.sample.to_string(),
                s.frame.to_string(),
                s.response_rate.to_string(),
                s.sample_share.to_string(),
                s.frame_share.to_string(),
                s.expected.to_string(),
            ]);
        }
        let bytes = w.into_inner().unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl fmt::Display for Representativeness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Representativeness on {}: {} of {} municipalities; X² = {:.4}, df = {}, p = {:.4}",
            self.attribute, self.n_sample, self.frame_total, self.statistic, self.df, self.p_value
        )?;
        for s in &self.strata {
            write!(
                f,
                "\n  {}: {} of {} ({:.1}% response), sample share {:.3}, frame share {:.3}",
                s.stratum,
                s.sample,
                s.frame,
                100.0 * s.response_rate,
                s.sample_share,
                s.frame_share
            )?;
        }
        if !self.not_in_frame.is_empty() {
            write!(f, "\n  not in the frame: {}", self.not_in_frame.join(", "))?;
        }
        Ok(())
    }
}

/// Compares the responding municipalities with the frame's margin of `by`: per stratum the
/// sample and frame counts, response rate and shares, and Pearson's χ² goodness-of-fit test of
/// the sample counts against the frame shares (df = strata − 1). A sample municipality that
/// fits no stratum is an [`Error::Weighting`]; one whose code the frame's table lacks is listed
/// in `not_in_frame`.
pub fn representativeness(
    survey: &Survey,
    frame: &Frame,
    by: Attribute,
) -> Result<Representativeness> {
    let placed = place(survey, frame, by)?;
    let n = survey.n_municipalities();
    if n == 0 {
        return Err(Error::InvalidArgument {
            name: "survey",
            message: "the survey has no municipalities to compare with the frame".into(),
        });
    }
    let strata = frame.margin(by.as_str())?;
    let big_n = frame.total() as f64;
    let coverage: Vec<StratumCoverage> = strata
        .iter()
        .zip(&placed.counts)
        .map(|((id, s), &n_h)| StratumCoverage {
            stratum: id.clone(),
            levels: s.levels.clone(),
            sample: n_h,
            frame: s.count,
            response_rate: n_h as f64 / s.count as f64,
            sample_share: n_h as f64 / n as f64,
            frame_share: s.count as f64 / big_n,
            expected: n as f64 * s.count as f64 / big_n,
        })
        .collect();
    let statistic = coverage
        .iter()
        .map(|c| (c.sample as f64 - c.expected).powi(2) / c.expected)
        .sum();
    let df = coverage.len().saturating_sub(1);
    let p_value = match ChiSquared::new(df as f64) {
        Ok(chi2) if df > 0 => chi2.sf(statistic),
        _ => 1.0,
    };
    let min_expected = coverage
        .iter()
        .map(|c| c.expected)
        .fold(f64::INFINITY, f64::min);
    Ok(Representativeness {
        attribute: by.as_str().to_string(),
        strata: coverage,
        n_sample: n,
        frame_total: frame.total(),
        statistic,
        df,
        p_value,
        min_expected,
        not_in_frame: not_in_frame(survey, frame),
    })
}

fn not_in_frame(survey: &Survey, frame: &Frame) -> Vec<String> {
    let Some(table) = frame.municipalities() else {
        return Vec::new();
    };
    let codes: HashSet<&str> = table.iter().map(|m| m.code.as_str()).collect();
    survey
        .responses()
        .municipalities()
        .iter()
        .filter(|m| !codes.contains(m.id.as_str()))
        .map(|m| m.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn margin(attribute: &str, of_unit: &[u32], targets: &[f64]) -> Margin {
        Margin {
            attribute: attribute.into(),
            categories: (0..targets.len()).map(|h| format!("c{h}")).collect(),
            of_unit: of_unit.to_vec(),
            targets: targets.to_vec(),
        }
    }

    #[test]
    fn an_empty_cell_bounds_a_target() {
        // Units 0 and 1 are in a0 and b0; unit 2 in a1 and b1. a0 can carry at most b0's 5.
        let a = margin("a", &[0, 0, 1], &[6.0, 4.0]);
        let b = margin("b", &[0, 0, 1], &[5.0, 5.0]);
        let err = check_cell_pair(&a, &b).unwrap_err();
        assert!(
            matches!(err, Error::Weighting { ref category, .. } if category.as_deref() == Some("c0"))
        );
        let b = margin("b", &[0, 1, 1], &[5.0, 5.0]);
        assert!(check_cell_pair(&a, &b).is_ok());
    }

    #[test]
    fn r_rule_scales_a_small_epsilon_by_the_total() {
        let m = margin("a", &[0, 1], &[1.0, 1.0]);
        let mut rule = CellChange::new(&[m], &[1.0, 1.0], 0.01, 200.0);
        assert_eq!(rule.epsilon, 2.0);
        assert!(!rule.settled(&[1.0, 4.0]));
        assert_eq!(rule.last_change, 3.0);
        assert!(rule.settled(&[2.0, 3.0]));
    }

    #[test]
    fn scaling_a_margin_hits_its_targets() {
        let m = margin("a", &[0, 0, 1], &[10.0, 2.0]);
        let mut w = vec![1.0, 3.0, 1.0];
        scale_to_margin(&mut w, &m).unwrap();
        assert_eq!(w, [2.5, 7.5, 2.0]);
        assert_eq!(worst_deviation(&w, &[m]).relative, 0.0);
    }
}
