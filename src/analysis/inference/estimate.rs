//! The design-based ratio estimator every share and mean score uses, with its standard error,
//! design effect, effective sample size and interval.

use serde::{Deserialize, Serialize};

use super::design::Design;
use super::interval::{method_used, share_interval, z_quantile, CiMethod, ShareInput};

/// A base smaller than this (in units, or in effective units) is flagged on the row.
pub const SMALL_BASE: f64 = 30.0;

/// Inference for one row of a table: a share (or mean) estimated under the table's design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The estimate: a proportion in [0, 1], or a mean score.
    pub estimate: f64,
    /// Its design-based standard error (Taylor linearisation).
    pub se: f64,
    /// Lower bound of the interval (`None` where it is undefined).
    pub lower: Option<f64>,
    /// Upper bound of the interval.
    pub upper: Option<f64>,
    /// The method the interval was computed by: the table's, except Wald for a mean, and
    /// Clopper–Pearson where `logit` or `korn_graubard` are undefined (p = 0 or 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<CiMethod>,
    /// Design effect: the variance over that of a simple random sample of the same number of
    /// units from the same frame (`None` where that variance is 0).
    pub deff: Option<f64>,
    /// Effective number of units, `units / deff` (the units themselves where `deff` is `None`).
    pub n_eff: f64,
    /// Design degrees of freedom of the domain.
    pub df: f64,
    /// Units in the base (municipalities or respondents; whole units even under `split`).
    pub units: f64,
    /// Whether the base is small: fewer than [`SMALL_BASE`] units or effective units.
    pub small_base: bool,
}

/// The per-municipality totals of one domain: numerator `y` and base `b` of the municipalities
/// `index` (every other municipality has neither), and the number of elementary units
/// (municipalities, or respondents at respondent unit) in the base.
pub(crate) struct DomainTotals<'a> {
    pub index: &'a [u32],
    pub y: &'a [f64],
    pub b: &'a [f64],
    pub units: f64,
    /// Whether the units are respondents clustered in municipalities.
    pub clustered: bool,
    /// Rows of the domain as R counts them (elementary units; all of them if calibrated).
    pub rows: f64,
}

/// What kind of quantity the ratio is: a share gets a binomial reference variance and any
/// interval method; a mean gets its own variance and a Wald interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quantity {
    Share,
    Mean,
}

/// The ratio `Σ w y / Σ w b` and its influence values `(y_i − p b_i) / Σ w b`.
pub(crate) fn ratio(design: &Design, y: &[f64], b: &[f64]) -> Option<(f64, Vec<f64>)> {
    let w = design.weights();
    let num: f64 = w.iter().zip(y).map(|(w, y)| w * y).sum();
    let den: f64 = w.iter().zip(b).map(|(w, b)| w * b).sum();
    // `den > 0` is false for NaN too: no base, no ratio.
    if den.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return None;
    }
    let p = num / den;
    let u = y.iter().zip(b).map(|(y, b)| (y - p * b) / den).collect();
    Some((p, u))
}

/// Estimate, SE, design effect, effective n and interval of one domain.
pub(crate) fn estimate(
    design: &Design,
    totals: &DomainTotals<'_>,
    quantity: Quantity,
    ci: Option<CiMethod>,
    level: f64,
) -> Option<Estimate> {
    let (p, var, df) = design.ratio_variance(totals.index, totals.y, totals.b)?;
    let se = var.max(0.0).sqrt();
    let units = totals.units;
    let f = design.sampling_fraction();
    let srs_var = match quantity {
        Quantity::Share => (units > 1.0).then(|| (1.0 - f) * p * (1.0 - p) / (units - 1.0)),
        // The respondents' own scores are not at hand (only municipality totals), so a
        // respondent-level mean gets no reference variance and no design effect.
        Quantity::Mean if totals.clustered => None,
        Quantity::Mean => unit_variance(design, totals, p).map(|s2| (1.0 - f) * s2 / units),
    };
    let deff = srs_var
        .filter(|&v| v > 0.0 && se > 0.0)
        .map(|v| se * se / v);
    let n_eff = deff.map_or(units, |d| units / d);
    let method = match (quantity, ci) {
        (_, None) => None,
        (Quantity::Mean, Some(_)) => Some(CiMethod::Wald),
        (Quantity::Share, Some(m)) => Some(method_used(m, p, se)),
    };
    let (lower, upper) = match (quantity, ci) {
        (_, None) => (None, None),
        (Quantity::Mean, Some(_)) => wald(p, se, level),
        (Quantity::Share, Some(method)) => {
            let input = ShareInput {
                p,
                se,
                df,
                rows: totals.rows,
                m: n_eff / (1.0 - f),
                level,
            };
            share_interval(method, &input).map_or((None, None), |(l, h)| (Some(l), Some(h)))
        }
    };
    Some(Estimate {
        estimate: p,
        se,
        lower,
        upper,
        method,
        deff,
        n_eff,
        df,
        units,
        small_base: units < SMALL_BASE || n_eff < SMALL_BASE,
    })
}

/// A mean's Wald interval uses the normal quantile, as R's `confint(svymean(...))` does.
fn wald(p: f64, se: f64, level: f64) -> (Option<f64>, Option<f64>) {
    match z_quantile(1.0 - (1.0 - level) / 2.0) {
        Some(z) => (Some(p - z * se), Some(p + z * se)),
        None => (None, None),
    }
}

/// Weighted variance of the municipalities' own means `y_i / b_i` in the domain, with R's
/// `svyvar` factor `n/(n − 1)`: the reference variance of a mean score's design effect.
fn unit_variance(design: &Design, totals: &DomainTotals<'_>, mean: f64) -> Option<f64> {
    let mut sw = 0.0;
    let mut ss = 0.0;
    let mut n = 0.0;
    let weights = design.weights();
    for ((&i, y), b) in totals.index.iter().zip(totals.y).zip(totals.b) {
        let w = weights[i as usize];
        if *b > 0.0 {
            let d = y / b - mean;
            sw += w * b;
            ss += w * b * d * d;
            n += 1.0;
        }
    }
    (n > 1.0 && sw > 0.0).then(|| ss / sw * n / (n - 1.0))
}
