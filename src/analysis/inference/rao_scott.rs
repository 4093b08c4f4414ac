//! The Rao–Scott corrected chi-square test of a groups × categories table, as R's `svychisq`
//! computes it (first order: `statistic = "Chisq"`; second order: `statistic = "F"`, the
//! default).
//!
//! With cell shares `q` (estimated over the whole domain) and their design covariance `V`, the
//! Pearson statistic of the table is divided by the mean (first order) or the sum (second order,
//! Satterthwaite degrees of freedom `d0 = tr(Δ)²/tr(Δ²)`) of the generalised design effects
//! `Δ = (C' D⁻¹ C)⁻¹ C' D⁻¹ V D⁻¹ C`, where `C` spans the interaction contrasts orthogonal to
//! the main effects and `D = diag(q)`. R scales the table and `D` by the number of rows; both
//! corrected statistics are invariant to that scale, so it is left out here.

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use super::design::Design;
use super::interval::{chisq_sf, f_sf};

/// Both Rao–Scott statistics of one table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RaoScott {
    /// Second order: `F = X²/tr(Δ)` on `(d0, d0·ν)` degrees of freedom.
    pub f: f64,
    /// Numerator degrees of freedom `d0`.
    pub ndf: f64,
    /// Denominator degrees of freedom `d0·ν` (`ν` = design degrees of freedom).
    pub ddf: f64,
    /// p-value of the second-order test (`None` without design degrees of freedom).
    pub p_f: Option<f64>,
    /// First order: `X²/mean(diag Δ)`.
    pub chisq: f64,
    /// Its degrees of freedom `(r − 1)(c − 1)`.
    pub df: f64,
    /// p-value of the first-order test.
    pub p_chisq: f64,
}

/// Per-municipality totals of a groups × categories table: `cells[r + nr·c][i]` is
/// municipality `i`'s weight in group `r` and category `c`; `base[i]` its weight in the table.
pub(crate) struct CellTotals {
    pub nr: usize,
    pub nc: usize,
    pub cells: Vec<Vec<f64>>,
    pub base: Vec<f64>,
}

/// The Rao–Scott statistics, or `None` when fewer than two groups or two categories have any
/// weight, or the design-effect matrix is singular.
pub(crate) fn rao_scott(design: &Design, t: &CellTotals) -> Option<RaoScott> {
    let t = drop_empty(design, t)?;
    let w = design.weights();
    let total: f64 = w.iter().zip(&t.base).map(|(w, b)| w * b).sum();
    let q: Vec<f64> = t
        .cells
        .iter()
        .map(|y| w.iter().zip(y).map(|(w, y)| w * y).sum::<f64>() / total)
        .collect();
    let us: Vec<Vec<f64>> = t
        .cells
        .iter()
        .zip(&q)
        .map(|(y, q)| {
            y.iter()
                .zip(&t.base)
                .map(|(y, b)| (y - q * b) / total)
                .collect()
        })
        .collect();
    let refs: Vec<&[f64]> = us.iter().map(Vec::as_slice).collect();
    let v = design.covariance(&refs);
    let x2 = pearson_of_shares(&q, t.nr, t.nc);
    let delta = delta_matrix(&q, &v, t.nr, t.nc)?;
    let tr = delta.trace();
    let tr2 = (&delta * &delta).trace();
    // R's svychisq counts the clusters of the rows it has: the domain's for an uncalibrated
    // design, every sampled municipality for a calibrated one (whose domains keep all rows).
    let in_domain: Vec<bool> = if design.calibrated() {
        vec![true; t.base.len()]
    } else {
        t.base.iter().map(|&b| b > 0.0).collect()
    };
    let nu = design.df(in_domain);
    let d0 = tr * tr / tr2;
    let dim = ((t.nr - 1) * (t.nc - 1)) as f64;
    let f = x2 / tr;
    let chisq = x2 / (tr / dim);
    Some(RaoScott {
        f,
        ndf: d0,
        ddf: d0 * nu,
        p_f: f_sf(f, d0, d0 * nu),
        chisq,
        df: dim,
        p_chisq: chisq_sf(chisq, dim)?,
    })
}

/// Groups and categories without weight are left out, as R's `factor()` drops unused levels.
fn drop_empty(design: &Design, t: &CellTotals) -> Option<CellTotals> {
    let w = design.weights();
    let weight = |y: &[f64]| w.iter().zip(y).map(|(w, y)| w * y).sum::<f64>();
    let cell_w: Vec<f64> = t.cells.iter().map(|y| weight(y)).collect();
    let rows: Vec<usize> = (0..t.nr)
        .filter(|&r| (0..t.nc).any(|c| cell_w[r + t.nr * c] > 0.0))
        .collect();
    let cols: Vec<usize> = (0..t.nc)
        .filter(|&c| (0..t.nr).any(|r| cell_w[r + t.nr * c] > 0.0))
        .collect();
    if rows.len() < 2 || cols.len() < 2 {
        return None;
    }
    let mut cells = Vec::with_capacity(rows.len() * cols.len());
    for &c in &cols {
        for &r in &rows {
            cells.push(t.cells[r + t.nr * c].clone());
        }
    }
    Some(CellTotals {
        nr: rows.len(),
        nc: cols.len(),
        cells,
        base: t.base.clone(),
    })
}

/// Pearson's statistic of a table of shares summing to 1 (R's, divided by its total).
fn pearson_of_shares(q: &[f64], nr: usize, nc: usize) -> f64 {
    let row: Vec<f64> = (0..nr)
        .map(|r| (0..nc).map(|c| q[r + nr * c]).sum())
        .collect();
    let col: Vec<f64> = (0..nc)
        .map(|c| (0..nr).map(|r| q[r + nr * c]).sum())
        .collect();
    let mut x2 = 0.0;
    for c in 0..nc {
        for r in 0..nr {
            let e = row[r] * col[c];
            if e > 0.0 {
                x2 += (q[r + nr * c] - e).powi(2) / e;
            }
        }
    }
    x2
}

/// `Δ = (C' D⁻¹ C)⁻¹ C' D⁻¹ V D⁻¹ C`.
fn delta_matrix(q: &[f64], v: &[Vec<f64>], nr: usize, nc: usize) -> Option<DMatrix<f64>> {
    let k = nr * nc;
    let c = interaction_contrasts(nr, nc);
    let inv_d = DMatrix::from_fn(k, k, |i, j| {
        if i == j && q[i] > 0.0 {
            1.0 / q[i]
        } else {
            0.0
        }
    });
    let v = DMatrix::from_fn(k, k, |i, j| v[i][j]);
    let ct = c.transpose();
    let denom = &ct * &inv_d * &c;
    let numr = &ct * &inv_d * v * &inv_d * &c;
    denom.lu().solve(&numr)
}

/// The interaction columns of the saturated model `~rows * cols` (cells ordered rows fastest,
/// as R's `expand.grid`), with the main-effects space `~rows + cols` projected out.
fn interaction_contrasts(nr: usize, nc: usize) -> DMatrix<f64> {
    let k = nr * nc;
    let main = DMatrix::from_fn(k, nr + nc - 1, |cell, j| {
        let (r, c) = (cell % nr, cell / nr);
        match j {
            0 => 1.0,
            j if j < nr => f64::from(u8::from(r == j)),
            j => f64::from(u8::from(c == j - nr + 1)),
        }
    });
    let inter = DMatrix::from_fn(k, (nr - 1) * (nc - 1), |cell, j| {
        let (r, c) = (cell % nr, cell / nr);
        let (jr, jc) = (j % (nr - 1) + 1, j / (nr - 1) + 1);
        f64::from(u8::from(r == jr && c == jc))
    });
    let q = main.qr().q();
    let proj = &q * (q.transpose() * &inter);
    inter - proj
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrasts_are_orthogonal_to_main_effects() {
        let c = interaction_contrasts(3, 4);
        assert_eq!(c.shape(), (12, 6));
        // every column sums to zero over each row group and each column group
        for j in 0..6 {
            for r in 0..3 {
                let s: f64 = (0..4).map(|c2| c[(r + 3 * c2, j)]).sum();
                assert!(s.abs() < 1e-12);
            }
        }
    }

    #[test]
    fn pearson_of_independent_shares_is_zero() {
        let q = [0.06, 0.14, 0.24, 0.56]; // rows (0.3, 0.7) × cols (0.2, 0.8)
        assert!(pearson_of_shares(&q, 2, 2).abs() < 1e-15);
    }
}
