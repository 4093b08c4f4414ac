//! Confidence intervals for a design-based share, and the quantiles and tail probabilities they
//! and the tests need (from `statrs`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use statrs::distribution::{Beta, ChiSquared, ContinuousCDF, FisherSnedecor, Normal, StudentsT};

use crate::error::{Error, Result};

/// How the interval of a share is computed. Every method starts from the design-based estimate
/// `p` and its standard error; see `docs/inference.md` for the formulas and R equivalents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CiMethod {
    /// `p ± z·SE`: R's `confint(svymean(...))`.
    Wald,
    /// Wilson's score interval on the binomial-equivalent sample size.
    Wilson,
    /// Clopper–Pearson on the binomial-equivalent sample size (no degrees-of-freedom correction).
    ClopperPearson,
    /// `expit(logit(p) ± t_df · SE/(p(1−p)))`: R's `svyciprop(method = "logit")`, its default.
    Logit,
    /// Korn and Graubard's interval: Clopper–Pearson on R's effective sample size with the
    /// degrees-of-freedom correction, R's `svyciprop(method = "beta")`.
    KornGraubard,
}

impl CiMethod {
    /// Every method, in declaration order.
    pub const ALL: [CiMethod; 5] = [
        CiMethod::Wald,
        CiMethod::Wilson,
        CiMethod::ClopperPearson,
        CiMethod::Logit,
        CiMethod::KornGraubard,
    ];

    /// The snake_case name used in files and by Python.
    pub fn as_str(self) -> &'static str {
        match self {
            CiMethod::Wald => "wald",
            CiMethod::Wilson => "wilson",
            CiMethod::ClopperPearson => "clopper_pearson",
            CiMethod::Logit => "logit",
            CiMethod::KornGraubard => "korn_graubard",
        }
    }
}

impl fmt::Display for CiMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CiMethod {
    type Err = Error;

    /// Parses [`CiMethod::as_str`]'s names; `beta` (R's name) means Korn–Graubard.
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        if t == "beta" {
            return Ok(CiMethod::KornGraubard);
        }
        CiMethod::ALL
            .into_iter()
            .find(|m| m.as_str() == t)
            .ok_or_else(|| Error::unknown("interval method", t, CiMethod::ALL.map(|m| m.as_str())))
    }
}

/// What an interval is computed from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ShareInput {
    /// The estimate.
    pub p: f64,
    /// Its design-based standard error.
    pub se: f64,
    /// Design degrees of freedom (units minus strata in the domain).
    pub df: f64,
    /// Rows of the domain as R's `nrow(design)` counts them (for Korn–Graubard).
    pub rows: f64,
    /// Binomial-equivalent sample size for Wilson and Clopper–Pearson.
    pub m: f64,
    /// Confidence level, e.g. 0.95.
    pub level: f64,
}

/// The method an interval is actually computed by: `logit` and `korn_graubard` are undefined at
/// `p = 0` or `1` (no standard error) and give the Clopper–Pearson interval there.
pub(crate) fn method_used(method: CiMethod, p: f64, se: f64) -> CiMethod {
    let degenerate = se <= 0.0 || p <= 0.0 || p >= 1.0;
    match method {
        CiMethod::Logit | CiMethod::KornGraubard if degenerate => CiMethod::ClopperPearson,
        m => m,
    }
}

/// The two-sided interval of a share by `method`. `None` when it is undefined (no degrees of
/// freedom, or an empty base).
pub(crate) fn share_interval(method: CiMethod, x: &ShareInput) -> Option<(f64, f64)> {
    if !(x.p.is_finite() && x.se.is_finite()) {
        return None;
    }
    let alpha = 1.0 - x.level;
    match method_used(method, x.p, x.se) {
        CiMethod::Wald => {
            let z = z_quantile(1.0 - alpha / 2.0)?;
            Some((x.p - z * x.se, x.p + z * x.se))
        }
        CiMethod::Wilson => wilson(x.p, x.m, x.level),
        // R's glm cannot fit p = 0 or 1 (the logit is infinite) and R's beta interval divides
        // 0 by 0 there: the exact bound is the one defined interval, so `method_used` sends both
        // here.
        CiMethod::ClopperPearson => clopper_pearson(x.p * x.m, x.m, x.level),
        CiMethod::Logit => {
            let t = t_quantile(1.0 - alpha / 2.0, x.df)?;
            let eta = (x.p / (1.0 - x.p)).ln();
            let se_eta = x.se / (x.p * (1.0 - x.p));
            Some((expit(eta - t * se_eta), expit(eta + t * se_eta)))
        }
        CiMethod::KornGraubard => {
            let n_eff = x.p * (1.0 - x.p) / (x.se * x.se);
            let ratio = t_quantile(alpha / 2.0, x.rows - 1.0)? / t_quantile(alpha / 2.0, x.df)?;
            let n = n_eff * ratio * ratio;
            clopper_pearson(n * x.p, n, x.level)
        }
    }
}

/// `x > 0`, false for NaN.
fn positive(x: f64) -> bool {
    x.partial_cmp(&0.0) == Some(std::cmp::Ordering::Greater)
}

fn expit(eta: f64) -> f64 {
    1.0 / (1.0 + (-eta).exp())
}

/// Wilson's score interval for a proportion `p` of `n` (which may be fractional).
pub(crate) fn wilson(p: f64, n: f64, level: f64) -> Option<(f64, f64)> {
    if !positive(n) {
        return None;
    }
    let z = z_quantile(1.0 - (1.0 - level) / 2.0)?;
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n);
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let denom = 1.0 + z2 / n;
    Some((
        ((centre - half) / denom).max(0.0),
        ((centre + half) / denom).min(1.0),
    ))
}

/// Clopper–Pearson's interval for `x` successes of `n` (both may be fractional): beta quantiles
/// as R's `qbeta(alpha/2, x, n - x + 1)` and `qbeta(1 - alpha/2, x + 1, n - x)`.
pub(crate) fn clopper_pearson(x: f64, n: f64, level: f64) -> Option<(f64, f64)> {
    if !positive(n) || !(0.0..=n).contains(&x) {
        return None;
    }
    let alpha = 1.0 - level;
    let lower = if x <= 0.0 {
        0.0
    } else {
        Beta::new(x, n - x + 1.0).ok()?.inverse_cdf(alpha / 2.0)
    };
    let upper = if x >= n {
        1.0
    } else {
        Beta::new(x + 1.0, n - x)
            .ok()?
            .inverse_cdf(1.0 - alpha / 2.0)
    };
    Some((lower, upper))
}

/// Standard normal quantile.
pub(crate) fn z_quantile(q: f64) -> Option<f64> {
    (0.0 < q && q < 1.0).then(|| Normal::standard().inverse_cdf(q))
}

/// Student's t quantile with `df` degrees of freedom (the normal one for infinite `df`).
pub(crate) fn t_quantile(q: f64, df: f64) -> Option<f64> {
    if df.is_infinite() {
        return z_quantile(q);
    }
    if !positive(df) {
        return None;
    }
    // statrs inverts the t distribution by iteration (microseconds); a table asks for the same
    // few (quantile, df) pairs hundreds of times, so they are remembered per thread.
    let key = (q.to_bits(), df.to_bits());
    if let Some(t) = T_QUANTILES.with(|c| c.borrow().get(&key).copied()) {
        return Some(t);
    }
    let t = StudentsT::new(0.0, 1.0, df).ok()?.inverse_cdf(q);
    T_QUANTILES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= T_CACHE_SIZE {
            c.clear();
        }
        c.insert(key, t);
    });
    Some(t)
}

/// Entries kept by the t-quantile cache before it starts afresh.
const T_CACHE_SIZE: usize = 4096;

thread_local! {
    static T_QUANTILES: std::cell::RefCell<std::collections::HashMap<(u64, u64), f64>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Upper tail of the chi-square distribution.
pub(crate) fn chisq_sf(x: f64, df: f64) -> Option<f64> {
    (df > 0.0 && x.is_finite()).then_some(())?;
    Some(ChiSquared::new(df).ok()?.sf(x.max(0.0)))
}

/// Upper tail of the F distribution.
pub(crate) fn f_sf(x: f64, df1: f64, df2: f64) -> Option<f64> {
    (df1 > 0.0 && df2 > 0.0 && x.is_finite()).then_some(())?;
    Some(FisherSnedecor::new(df1, df2).ok()?.sf(x.max(0.0)))
}

/// Two-sided p-value of a standard normal statistic.
pub(crate) fn normal_two_sided(z: f64) -> Option<f64> {
    z.is_finite().then(|| 2.0 * Normal::standard().sf(z.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // R 4.2.2: qnorm(0.975), qt(0.975, 97), qt(0.025, 9), pchisq(7.815, 3, lower.tail = FALSE).
    #[test]
    fn quantiles_match_r() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * b.abs().max(1.0);
        assert!(close(z_quantile(0.975).unwrap(), 1.959963984540054));
        assert!(close(
            t_quantile(0.975, 97.0).unwrap(),
            1.984_723_186_013_984_5
        ));
        assert!(close(
            t_quantile(0.025, 9.0).unwrap(),
            -2.262_157_162_798_205
        ));
        assert!(close(
            chisq_sf(7.815, 3.0).unwrap(),
            0.049_993_902_974_883_9
        ));
    }

    #[test]
    fn clopper_pearson_edges() {
        let (lo, hi) = clopper_pearson(0.0, 10.0, 0.95).unwrap();
        assert_eq!(lo, 0.0);
        // 1 - 0.025^(1/10)
        assert!((hi - (1.0 - 0.025_f64.powf(0.1))).abs() < 1e-12);
        let (lo, hi) = clopper_pearson(10.0, 10.0, 0.95).unwrap();
        assert!((lo - 0.025_f64.powf(0.1)).abs() < 1e-12);
        assert_eq!(hi, 1.0);
        assert!(clopper_pearson(1.0, 0.0, 0.95).is_none());
    }

    #[test]
    fn names_round_trip() {
        for m in CiMethod::ALL {
            assert_eq!(m.as_str().parse::<CiMethod>().unwrap(), m);
        }
        assert_eq!("beta".parse::<CiMethod>().unwrap(), CiMethod::KornGraubard);
        assert!("exact".parse::<CiMethod>().is_err());
    }
}
