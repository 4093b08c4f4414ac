//! Multiple-testing adjustment of a family of p-values, as R's `p.adjust` computes it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A multiple-testing adjustment. Its names (serde and [`FromStr`]) are `none`, `holm` and `bh`;
/// `BH`, `fdr` and `benjamini_hochberg` are accepted as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Adjust {
    /// The p-values as they are.
    None,
    /// Holm's step-down method: controls the family-wise error rate under any dependence.
    Holm,
    /// Benjamini–Hochberg step-up method: controls the false discovery rate for independent or
    /// positively dependent tests.
    #[serde(
        rename = "bh",
        alias = "BH",
        alias = "fdr",
        alias = "benjamini_hochberg"
    )]
    BenjaminiHochberg,
}

impl Adjust {
    /// Every method, in the order of [`Adjust::VALID_NAMES`].
    pub const ALL: [Adjust; 3] = [Adjust::None, Adjust::Holm, Adjust::BenjaminiHochberg];

    /// The canonical names, as [`Adjust::as_str`] gives them.
    pub const VALID_NAMES: [&'static str; 3] = ["none", "holm", "bh"];

    /// The canonical name: `none`, `holm` or `bh`.
    pub fn as_str(self) -> &'static str {
        match self {
            Adjust::None => "none",
            Adjust::Holm => "holm",
            Adjust::BenjaminiHochberg => "bh",
        }
    }
}

impl fmt::Display for Adjust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Adjust {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "none" => Ok(Adjust::None),
            "holm" => Ok(Adjust::Holm),
            "bh" | "BH" | "fdr" | "benjamini_hochberg" => Ok(Adjust::BenjaminiHochberg),
            _ => Err(Error::InvalidArgument {
                name: "adjust",
                message: format!(
                    "unknown adjustment '{s}'; valid names are {}",
                    Adjust::VALID_NAMES.join(", ")
                ),
            }),
        }
    }
}

/// Adjusted p-values, exactly as R's `p.adjust(p, "holm")` or `p.adjust(p, "BH")`: `None` (and
/// NaN) entries, tests that could not be done, are left out of the family and come back `None`;
/// the others are adjusted as a family of the remaining size, kept monotone in the order of the
/// raw p-values and capped at 1. [`Adjust::None`] returns `p` unchanged.
pub fn adjust(p: &[Option<f64>], method: Adjust) -> Vec<Option<f64>> {
    let family: Vec<(usize, f64)> = p
        .iter()
        .enumerate()
        .filter_map(|(i, value)| value.filter(|v| !v.is_nan()).map(|v| (i, v)))
        .collect();
    let adjusted = match method {
        Adjust::None => return p.to_vec(),
        Adjust::Holm => holm(&family),
        Adjust::BenjaminiHochberg => benjamini_hochberg(&family),
    };
    let mut out = vec![None; p.len()];
    for (i, value) in adjusted {
        if let Some(slot) = out.get_mut(i) {
            *slot = Some(value);
        }
    }
    out
}

/// `pmin(1, cummax((n - i + 1) * p[o]))` with `o` the ascending order.
fn holm(family: &[(usize, f64)]) -> Vec<(usize, f64)> {
    let n = family.len();
    let mut running = f64::NEG_INFINITY;
    sorted(family, false)
        .into_iter()
        .enumerate()
        .map(|(rank, (i, p))| {
            running = running.max((n - rank) as f64 * p);
            (i, running.min(1.0))
        })
        .collect()
}

/// `pmin(1, cummin(n / i * p[o]))` with `o` the descending order and `i = n, n-1, …, 1`.
fn benjamini_hochberg(family: &[(usize, f64)]) -> Vec<(usize, f64)> {
    let n = family.len();
    let mut running = f64::INFINITY;
    sorted(family, true)
        .into_iter()
        .enumerate()
        .map(|(rank, (i, p))| {
            running = running.min(n as f64 / (n - rank) as f64 * p);
            (i, running.min(1.0))
        })
        .collect()
}

/// Stable sort by p-value, as R's `order`; ties keep their input order.
fn sorted(family: &[(usize, f64)], descending: bool) -> Vec<(usize, f64)> {
    let mut sorted = family.to_vec();
    if descending {
        sorted.sort_by(|a, b| b.1.total_cmp(&a.1));
    } else {
        sorted.sort_by(|a, b| a.1.total_cmp(&b.1));
    }
    sorted
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    struct Reference {
        adjust: Vec<AdjustCase>,
    }

    #[derive(Deserialize)]
    struct AdjustCase {
        name: String,
        p: Vec<Option<f64>>,
        holm: Peers,
        bh: Peers,
    }

    #[derive(Deserialize)]
    struct Peers {
        r: Vec<Option<f64>>,
        statsmodels: Vec<Option<f64>>,
    }

    fn reference() -> Reference {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/inference/exact_reference.json"
        );
        let text = std::fs::read_to_string(path).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn assert_close(actual: &[Option<f64>], expected: &[Option<f64>], what: &str) {
        assert_eq!(actual.len(), expected.len(), "{what}");
        for (a, e) in actual.iter().zip(expected) {
            match (a, e) {
                (Some(a), Some(e)) => {
                    assert!((a - e).abs() <= 1e-12, "{what}: {actual:?} vs {expected:?}")
                }
                (None, None) => {}
                _ => panic!("{what}: {actual:?} vs {expected:?}"),
            }
        }
    }

    #[test]
    fn matches_r_and_statsmodels() {
        for case in reference().adjust {
            let holm = adjust(&case.p, Adjust::Holm);
            assert_close(&holm, &case.holm.r, &format!("{} holm (R)", case.name));
            assert_close(
                &holm,
                &case.holm.statsmodels,
                &format!("{} holm (statsmodels)", case.name),
            );
            let bh = adjust(&case.p, Adjust::BenjaminiHochberg);
            assert_close(&bh, &case.bh.r, &format!("{} BH (R)", case.name));
            assert_close(
                &bh,
                &case.bh.statsmodels,
                &format!("{} BH (statsmodels)", case.name),
            );
        }
    }

    #[test]
    fn missing_values_stay_out_of_the_family() {
        let p = [Some(0.01), None, Some(f64::NAN), Some(0.04)];
        assert_eq!(
            adjust(&p, Adjust::Holm),
            vec![Some(0.02), None, None, Some(0.04)]
        );
        assert_eq!(
            adjust(&p, Adjust::BenjaminiHochberg),
            vec![Some(0.02), None, None, Some(0.04)]
        );
        assert_eq!(adjust(&[], Adjust::Holm), vec![]);
        let unchanged = adjust(&p, Adjust::None);
        assert_eq!(unchanged.len(), 4);
        assert_eq!(unchanged.first(), Some(&Some(0.01)));
        assert!(unchanged.get(2).copied().flatten().is_some_and(f64::is_nan));
    }

    #[test]
    fn adjusted_values_are_monotone_and_capped() {
        let p: Vec<Option<f64>> = (1..=30)
            .map(|i| Some(f64::from((i * 37) % 31) / 31.0))
            .collect();
        for method in [Adjust::Holm, Adjust::BenjaminiHochberg] {
            let adjusted = adjust(&p, method);
            let mut pairs: Vec<(f64, f64)> = p
                .iter()
                .zip(&adjusted)
                .map(|(a, b)| (a.unwrap(), b.unwrap()))
                .collect();
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
            for pair in pairs.windows(2) {
                if let [(_, lower), (_, higher)] = pair {
                    assert!(lower <= higher, "{method}: not monotone");
                }
            }
            assert!(
                pairs.iter().all(|(raw, adj)| adj >= raw && *adj <= 1.0),
                "{method}"
            );
        }
    }

    #[test]
    fn names() {
        for method in Adjust::ALL {
            assert_eq!(method.as_str().parse::<Adjust>().unwrap(), method);
            let json = serde_json::to_string(&method).unwrap();
            assert_eq!(json, format!("\"{}\"", method.as_str()));
            assert_eq!(serde_json::from_str::<Adjust>(&json).unwrap(), method);
        }
        for alias in ["BH", "fdr", "benjamini_hochberg"] {
            assert_eq!(alias.parse::<Adjust>().unwrap(), Adjust::BenjaminiHochberg);
            let json = format!("\"{alias}\"");
            assert_eq!(
                serde_json::from_str::<Adjust>(&json).unwrap(),
                Adjust::BenjaminiHochberg
            );
        }
        let err = "bonferroni".parse::<Adjust>().unwrap_err();
        assert!(matches!(
            &err,
            Error::InvalidArgument { name: "adjust", .. }
        ));
        assert!(err.to_string().contains("none, holm, bh"), "{err}");
    }
}
