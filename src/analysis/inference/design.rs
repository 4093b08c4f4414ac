//! The sampling design of the responding municipalities, and the variance of a linearised
//! estimator under it.
//!
//! Every estimator of this module is a ratio of weighted totals over municipalities
//! (`p = Σ w·y / Σ w·b`); its variance comes from the influence values `u_i` by the formula R's
//! `survey` package uses for a one-stage design (`svyrecvar` → `onestrat`): the weighted values
//! `x_i = w_i·u_i` are first residualised within post-strata or raking margins when the weights
//! are calibrated, then
//! `V = Σ_h (1 − n_h/N_h) · n_h/(n_h − 1) · Σ_{i∈h} (x_i − x̄_h)²` over the variance strata `h`
//! (one stratum unless the design is stratified; no `N_h` means no correction).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The kind of design declared on a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignKind {
    /// A simple random sample of municipalities without replacement from the frame (or, without
    /// a frame, from a population too large for a correction).
    #[default]
    Srs,
    /// A stratified simple random sample: strata from a frame attribute.
    Stratified,
    /// A simple random sample post-stratified to the frame's strata.
    PostStratified,
    /// A simple random sample with weights raked (iterative proportional fitting) to the frame's
    /// margins.
    Raked,
}

impl DesignKind {
    /// Every kind, in declaration order.
    pub const ALL: [DesignKind; 4] = [
        DesignKind::Srs,
        DesignKind::Stratified,
        DesignKind::PostStratified,
        DesignKind::Raked,
    ];

    /// The snake_case name used in files and by Python.
    pub fn as_str(self) -> &'static str {
        match self {
            DesignKind::Srs => "srs",
            DesignKind::Stratified => "stratified",
            DesignKind::PostStratified => "post_stratified",
            DesignKind::Raked => "raked",
        }
    }
}

impl std::str::FromStr for DesignKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        DesignKind::ALL
            .into_iter()
            .find(|k| k.as_str() == t)
            .ok_or_else(|| Error::unknown("design", t, DesignKind::ALL.map(|k| k.as_str())))
    }
}

/// How calibrated weights are taken into account in the variance.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Calibration {
    /// Design weights: nothing to residualise.
    None,
    /// Post-strata: each municipality's post-stratum index.
    PostStrata(Vec<u32>),
    /// Raking margins: each margin's category index per municipality.
    Raking(Vec<Vec<u32>>),
}

/// R's `svyrecvar` sweeps the raking margins ten times; so do we, to give R's numbers.
const RAKING_SWEEPS: usize = 10;

/// A resolved design over the `n` sampled municipalities of one survey.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub(crate) kind: DesignKind,
    pub(crate) weights: Vec<f64>,
    /// Variance stratum of each municipality (all 0 unless stratified).
    pub(crate) strata: Vec<u32>,
    /// `1 − n_h/N_h` per variance stratum (1 without a finite-population correction).
    pub(crate) fpc: Vec<f64>,
    /// Sampled municipalities per variance stratum.
    pub(crate) n_h: Vec<usize>,
    pub(crate) calibration: Calibration,
    /// Per post-stratum: sample count, `Σ w` and `Σ w²` (empty unless post-stratified), so that
    /// a domain's variance needs only its own municipalities.
    pub(crate) post_stratum_totals: Vec<[f64; 3]>,
    /// Frame size, when there is a frame.
    pub(crate) population: Option<f64>,
    /// Human-readable statement of the design, declared on every table.
    pub(crate) description: String,
}

impl Design {
    /// Municipalities in the sample.
    pub fn n_units(&self) -> usize {
        self.weights.len()
    }

    /// The kind of design.
    pub fn kind(&self) -> DesignKind {
        self.kind
    }

    /// Weight of every municipality.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The design as declared on tables.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Whether the weights are calibrated (post-stratified or raked). R keeps every row of a
    /// calibrated design in a domain (with weight zero), which changes its row count.
    pub fn calibrated(&self) -> bool {
        self.calibration != Calibration::None
    }

    /// Overall sampling fraction `n/N` (0 without a frame or correction).
    pub fn sampling_fraction(&self) -> f64 {
        let n = self.n_units() as f64;
        match self.population {
            Some(pop) if pop > 0.0 && self.fpc.iter().any(|&f| f < 1.0) => n / pop,
            _ => 0.0,
        }
    }

    /// A simple random sample of `n` municipalities; with `population`, without replacement from
    /// a frame of that size (weights `N/n`, correction `1 − n/N`), else weights 1.
    pub(crate) fn srs(n: usize, population: Option<f64>, fpc: bool) -> Result<Design> {
        check_sample(n, population)?;
        let w = population.map_or(1.0, |pop| pop / n as f64);
        let f = match population {
            Some(pop) if fpc => 1.0 - n as f64 / pop,
            _ => 1.0,
        };
        let description = match population {
            Some(pop) => format!(
                "simple random sample of {n} municipalities from a frame of {pop}{}",
                if fpc {
                    ", finite-population correction"
                } else {
                    ", no finite-population correction"
                }
            ),
            None => format!(
                "simple random sample of {n} municipalities, no frame (weights 1, no \
                 finite-population correction)"
            ),
        };
        Ok(Design {
            kind: DesignKind::Srs,
            weights: vec![w; n],
            strata: vec![0; n],
            fpc: vec![f],
            n_h: vec![n],
            calibration: Calibration::None,
            post_stratum_totals: Vec::new(),
            population,
            description,
        })
    }

    /// `n` municipalities with weight 1 and no correction, without the checks of [`Design::srs`]:
    /// what a mean score uses for its standard error when no inference was asked for.
    pub(crate) fn plain(n: usize) -> Design {
        Design {
            kind: DesignKind::Srs,
            weights: vec![1.0; n],
            strata: vec![0; n],
            fpc: vec![1.0],
            n_h: vec![n],
            calibration: Calibration::None,
            post_stratum_totals: Vec::new(),
            population: None,
            description: format!("simple random sample of {n} municipalities, no frame"),
        }
    }

    /// Variance of the linearised estimator with influence values `u` (one per municipality).
    ///
    /// Without calibration this is one pass over the municipalities with per-stratum sums of
    /// `x` and `x²` (`Σ (x − x̄)² = Σ x² − (Σ x)²/n_h`; municipalities outside the domain add
    /// nothing to either), so a domain costs little more than its count.
    pub(crate) fn variance(&self, u: &[f64]) -> f64 {
        if self.calibrated() {
            let cov = self.covariance(&[u]);
            return cov
                .first()
                .and_then(|r| r.first())
                .copied()
                .unwrap_or(f64::NAN);
        }
        let mut sum = vec![0.0; self.fpc.len()];
        let mut sq = vec![0.0; self.fpc.len()];
        for ((&u, &w), &h) in u.iter().zip(&self.weights).zip(&self.strata) {
            if u != 0.0 {
                let x = u * w;
                sum[h as usize] += x;
                sq[h as usize] += x * x;
            }
        }
        self.stratified_sum(&sum, &sq)
    }

    /// The ratio `p = Σ w y / Σ w b`, its linearised variance and the domain's degrees of freedom
    /// (municipalities with `b > 0` minus their strata), from the values of the municipalities
    /// `index` (the others have `y = b = 0`). Without calibration: two passes over those
    /// municipalities and no allocation per municipality, so inference costs little more than
    /// counting.
    pub(crate) fn ratio_variance(
        &self,
        index: &[u32],
        y: &[f64],
        b: &[f64],
    ) -> Option<(f64, f64, f64)> {
        if let Calibration::PostStrata(of) = &self.calibration {
            if !self.post_stratum_totals.is_empty() && self.fpc.len() == 1 {
                return self.post_stratified_ratio(of, index, y, b);
            }
        }
        if self.calibrated() {
            let (y, b) = (self.scatter(index, y), self.scatter(index, b));
            let (p, u) = super::estimate::ratio(self, &y, &b)?;
            let df = self.df(b.iter().map(|&b| b > 0.0));
            return Some((p, self.variance(&u), df));
        }
        let w = &self.weights;
        let (p, den) = self.sparse_ratio(index, y, b)?;
        let k = self.fpc.len();
        let (mut sum, mut sq, mut seen) = (vec![0.0; k], vec![0.0; k], vec![false; k]);
        let mut units = 0usize;
        for ((&i, y), b) in index.iter().zip(y).zip(b) {
            let h = self.strata[i as usize] as usize;
            if *b > 0.0 {
                units += 1;
                seen[h] = true;
            }
            let x = w[i as usize] * (y - p * b) / den;
            sum[h] += x;
            sq[h] += x * x;
        }
        let df = units as f64 - seen.iter().filter(|&&s| s).count() as f64;
        Some((p, self.stratified_sum(&sum, &sq), df))
    }

    /// `p = Σ w y / Σ w b` over municipalities `index`, and the denominator; `None` without a
    /// base (also for a NaN denominator).
    fn sparse_ratio(&self, index: &[u32], y: &[f64], b: &[f64]) -> Option<(f64, f64)> {
        let (mut num, mut den) = (0.0, 0.0);
        for ((&i, y), b) in index.iter().zip(y).zip(b) {
            let w = self.weights[i as usize];
            num += w * y;
            den += w * b;
        }
        (den.partial_cmp(&0.0) == Some(std::cmp::Ordering::Greater)).then(|| (num / den, den))
    }

    /// R's `onestrat` factor of variance stratum `h`: `(1 − n_h/N_h) · n_h/(n_h − 1)` (without
    /// the second factor for a single municipality).
    fn scale(&self, h: usize) -> f64 {
        let nh = self.n_h[h] as f64;
        if self.n_h[h] > 1 {
            self.fpc[h] * nh / (nh - 1.0)
        } else {
            self.fpc[h]
        }
    }

    /// Calibrates to post-strata `of` (one index per municipality), keeping the per-stratum
    /// totals the domain-only variance needs.
    pub(crate) fn post_stratify_on(&mut self, of: Vec<u32>) {
        let k = of.iter().max().map_or(0, |&g| g as usize + 1);
        let mut totals = vec![[0.0; 3]; k];
        for (&g, &w) in of.iter().zip(&self.weights) {
            let t = &mut totals[g as usize];
            t[0] += 1.0;
            t[1] += w;
            t[2] += w * w;
        }
        self.post_stratum_totals = totals;
        self.calibration = Calibration::PostStrata(of);
    }

    /// [`Design::ratio_variance`] of a post-stratified simple random sample from sums over the
    /// domain: with `ū_g` the mean influence of post-stratum `g` (over all its municipalities),
    /// the residuals `r_i = x_i − w_i ū_g` have `Σr = Σx − Σ_g ū_g W_g` and
    /// `Σr² = Σx² − 2 Σ_g ū_g Σ_{i∈g} w_i x_i + Σ_g ū_g² W2_g` — R's `svyrecvar` result.
    fn post_stratified_ratio(
        &self,
        of: &[u32],
        index: &[u32],
        y: &[f64],
        b: &[f64],
    ) -> Option<(f64, f64, f64)> {
        let w = &self.weights;
        let (p, den) = self.sparse_ratio(index, y, b)?;
        let k = self.post_stratum_totals.len();
        let (mut su, mut swx) = (vec![0.0; k], vec![0.0; k]);
        let (mut sx, mut sx2, mut units) = (0.0, 0.0, 0usize);
        for ((&i, y), b) in index.iter().zip(y).zip(b) {
            let (g, wi) = (of[i as usize] as usize, w[i as usize]);
            let u = (y - p * b) / den;
            su[g] += u;
            swx[g] += wi * wi * u;
            sx += wi * u;
            sx2 += wi * wi * u * u;
            units += usize::from(*b > 0.0);
        }
        let (mut sr, mut sr2) = (sx, sx2);
        for (g, t) in self.post_stratum_totals.iter().enumerate() {
            let mean = su[g] / t[0].max(1.0);
            sr -= mean * t[1];
            sr2 += mean * mean * t[2] - 2.0 * mean * swx[g];
        }
        let n = self.n_units() as f64;
        let df = units as f64 - f64::from(u8::from(units > 0));
        Some((p, (self.scale(0) * (sr2 - sr * sr / n)).max(0.0), df))
    }

    /// The values of municipalities `index` spread over all municipalities (0 elsewhere).
    pub(crate) fn scatter(&self, index: &[u32], values: &[f64]) -> Vec<f64> {
        let mut full = vec![0.0; self.n_units()];
        for (&i, &v) in index.iter().zip(values) {
            full[i as usize] = v;
        }
        full
    }

    /// `Σ_h scale_h (Σx² − (Σx)²/n_h)` from per-stratum sums.
    fn stratified_sum(&self, sum: &[f64], sq: &[f64]) -> f64 {
        (0..self.fpc.len())
            .map(|h| {
                let nh = self.n_h[h] as f64;
                self.scale(h) * (sq[h] - sum[h] * sum[h] / nh.max(1.0))
            })
            .sum::<f64>()
            .max(0.0)
    }

    /// Covariance matrix of several linearised estimators (one influence vector each).
    pub(crate) fn covariance(&self, us: &[&[f64]]) -> Vec<Vec<f64>> {
        let mut xs: Vec<Vec<f64>> = us
            .iter()
            .map(|u| u.iter().zip(&self.weights).map(|(u, w)| u * w).collect())
            .collect();
        for x in &mut xs {
            self.residualise(x);
        }
        self.stratified_crossprod(&xs)
    }

    /// Removes from `x` what the calibration fixes: within each post-stratum (or, ten sweeps
    /// over the raking margins) `x_i − w_i · mean(x/w)`, as R's `svyrecvar` does.
    fn residualise(&self, x: &mut [f64]) {
        match &self.calibration {
            Calibration::None => {}
            Calibration::PostStrata(of) => self.sweep(x, of),
            Calibration::Raking(margins) => {
                for _ in 0..RAKING_SWEEPS {
                    for of in margins {
                        self.sweep(x, of);
                    }
                }
            }
        }
    }

    fn sweep(&self, x: &mut [f64], of: &[u32]) {
        let k = of.iter().max().map_or(0, |&m| m as usize + 1);
        let mut sum = vec![0.0; k];
        let mut count = vec![0.0; k];
        for ((&c, xi), w) in of.iter().zip(x.iter()).zip(&self.weights) {
            if let (Some(s), Some(n)) = (sum.get_mut(c as usize), count.get_mut(c as usize)) {
                *s += xi / w;
                *n += 1.0;
            }
        }
        for ((&c, xi), w) in of.iter().zip(x.iter_mut()).zip(&self.weights) {
            if let (Some(s), Some(n)) = (sum.get(c as usize), count.get(c as usize)) {
                *xi -= w * s / n;
            }
        }
    }

    /// `Σ_h (1 − f_h) n_h/(n_h − 1) Σ_{i∈h} (x_i − x̄_h)(x_i − x̄_h)'`.
    fn stratified_crossprod(&self, xs: &[Vec<f64>]) -> Vec<Vec<f64>> {
        let k = xs.len();
        let mut mean = vec![vec![0.0; k]; self.fpc.len()];
        for (i, &h) in self.strata.iter().enumerate() {
            for (a, x) in xs.iter().enumerate() {
                mean[h as usize][a] += x[i];
            }
        }
        for (h, m) in mean.iter_mut().enumerate() {
            for v in m.iter_mut() {
                *v /= self.n_h[h].max(1) as f64;
            }
        }
        let mut cov = vec![vec![0.0; k]; k];
        for (i, &h) in self.strata.iter().enumerate() {
            let h = h as usize;
            let scale = self.scale(h);
            for a in 0..k {
                let da = xs[a][i] - mean[h][a];
                for b in a..k {
                    cov[a][b] += scale * da * (xs[b][i] - mean[h][b]);
                }
            }
        }
        for a in 1..k {
            let (upper, lower) = cov.split_at_mut(a);
            for (b, row) in upper.iter().enumerate() {
                lower[0][b] = row[a];
            }
        }
        cov
    }

    /// Design degrees of freedom of a domain, as R's `degf` counts them: the municipalities in
    /// the domain minus the variance strata they fall in.
    pub(crate) fn df(&self, in_domain: impl IntoIterator<Item = bool>) -> f64 {
        let mut units = 0usize;
        let mut seen = vec![false; self.fpc.len()];
        for (d, &h) in in_domain.into_iter().zip(&self.strata) {
            if d {
                units += 1;
                seen[h as usize] = true;
            }
        }
        units as f64 - seen.iter().filter(|&&s| s).count() as f64
    }
}

fn check_sample(n: usize, population: Option<f64>) -> Result<()> {
    if n < 2 {
        return Err(Error::InvalidArgument {
            name: "design",
            message: format!(
                "a variance needs at least 2 sampled municipalities; the survey has {n}"
            ),
        });
    }
    if let Some(pop) = population {
        if pop < n as f64 {
            return Err(Error::InvalidArgument {
                name: "frame",
                message: format!(
                    "the frame has {pop} municipalities but the survey has {n}: the sample \
                     cannot be larger than its frame"
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand calculation: SRS of 4 from 10, u = (1, −1, 2, −2)/4, weights 10/4.
    #[test]
    fn srs_variance_by_hand() {
        let d = Design::srs(4, Some(10.0), true).unwrap();
        let u = [0.25, -0.25, 0.5, -0.5];
        // x = 2.5·u = (0.625, −0.625, 1.25, −1.25), mean 0; Σx² = 3.90625
        // V = (1 − 0.4) · 4/3 · 3.90625 = 3.125
        assert!((d.variance(&u) - 3.125).abs() < 1e-12);
        let no_fpc = Design::srs(4, Some(10.0), false).unwrap();
        assert!((no_fpc.variance(&u) - 3.90625 * 4.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn post_strata_remove_stratum_means() {
        let mut d = Design::srs(4, Some(10.0), true).unwrap();
        d.calibration = Calibration::PostStrata(vec![0, 0, 1, 1]);
        // u constant within post-strata → nothing left
        assert!(d.variance(&[1.0, 1.0, -3.0, -3.0]).abs() < 1e-24);
    }

    #[test]
    fn sample_larger_than_frame_is_refused() {
        assert!(Design::srs(5, Some(4.0), true).is_err());
        assert!(Design::srs(1, None, true).is_err());
    }
}
