//! Tests between the groups of a breakdown, and the letters that mark pairwise differences.

use super::adjust::{adjust, Adjust};
use super::design::Design;
use super::estimate::ratio;
use super::exact::{
    fisher_exact, pearson_statistic, permutation_test, ExactMethod, ExactOptions,
    PermutationOptions,
};
use super::interval::{chisq_sf, normal_two_sided};
use super::rao_scott::{rao_scott, CellTotals};
use super::{GroupTest, Inference, TestMethod};
use crate::error::{Error, Result};

/// One item's table of groups × categories, per municipality.
pub(crate) struct GroupCells {
    /// `y[g][c][i]`: municipality `i`'s weight in group `g`, category `c`.
    pub y: Vec<Vec<Vec<f64>>>,
    /// `b[g][i]`: municipality `i`'s base in group `g`.
    pub b: Vec<Vec<f64>>,
    /// Permutation units: municipalities (for a breakdown by role, a municipality's respondents
    /// of one role), each with its group and its weight per category.
    pub units: Vec<(u32, Vec<f64>)>,
}

/// What a test of one item needs besides its cells.
pub(crate) struct TestInput<'a> {
    pub design: &'a Design,
    pub inference: &'a Inference,
    pub item: Option<String>,
    /// Whether the counts are whole (no `split` fractions).
    pub whole_counts: bool,
    /// Whether the cells are a mean score (one "category": the sum of codes).
    pub mean: bool,
}

/// The test the options ask for, of one item.
pub(crate) fn group_tests(input: &TestInput<'_>, cells: &GroupCells) -> Result<GroupTest> {
    let Some(method) = input.inference.test else {
        return Err(Error::InvalidArgument {
            name: "test",
            message: "no test asked for".into(),
        });
    };
    if input.mean && method != TestMethod::Trend {
        return Err(Error::InvalidArgument {
            name: "test",
            message: format!(
                "a mean score has no contingency table; only test='trend' applies, not '{}'",
                method.as_str()
            ),
        });
    }
    let categories = cells.y.first().map_or(0, Vec::len);
    if method == TestMethod::Trend && !input.mean && categories > 2 {
        return Err(Error::InvalidArgument {
            name: "test",
            message: format!(
                "a trend test follows one share or mean across the groups, and this table has \
                 {categories} categories: use net_shares, mentions or mean_scores"
            ),
        });
    }
    let mut test = GroupTest {
        item: input.item.clone(),
        method,
        statistic: None,
        df: None,
        ddf: None,
        p_value: None,
        p_adjusted: None,
        note: None,
    };
    match method {
        TestMethod::Pearson => pearson(&mut test, cells),
        TestMethod::RaoScott | TestMethod::RaoScottFirstOrder => {
            rao_scott_test(&mut test, input.design, cells)
        }
        TestMethod::Fisher => fisher(&mut test, input, cells)?,
        TestMethod::Permutation => permutation(&mut test, input.inference, cells)?,
        TestMethod::Trend => trend(&mut test, input.design, cells),
    }
    Ok(test)
}

/// The consolidated (unweighted) counts table, groups × categories.
fn counts(cells: &GroupCells) -> Vec<Vec<f64>> {
    cells
        .y
        .iter()
        .map(|cats| cats.iter().map(|y| y.iter().sum()).collect())
        .collect()
}

fn pearson(test: &mut GroupTest, cells: &GroupCells) {
    match pearson_statistic(&counts(cells)) {
        Some((x2, df)) => {
            test.statistic = Some(x2);
            test.df = Some(f64::from(df));
            test.p_value = chisq_sf(x2, f64::from(df));
        }
        None => test.note = Some(too_small()),
    }
}

fn too_small() -> String {
    "fewer than two groups or two categories with answers".into()
}

fn rao_scott_test(test: &mut GroupTest, design: &Design, cells: &GroupCells) {
    let nr = cells.y.len();
    let nc = cells.y.first().map_or(0, Vec::len);
    let n = design.n_units();
    let mut table = CellTotals {
        nr,
        nc,
        cells: vec![Vec::new(); nr * nc],
        base: vec![0.0; n],
    };
    for (r, (cats, b)) in cells.y.iter().zip(&cells.b).enumerate() {
        for (c, y) in cats.iter().enumerate() {
            table.cells[r + nr * c].clone_from(y);
        }
        for (t, b) in table.base.iter_mut().zip(b) {
            *t += b;
        }
    }
    match rao_scott(design, &table) {
        Some(rs) if test.method == TestMethod::RaoScott => {
            test.statistic = Some(rs.f);
            test.df = Some(rs.ndf);
            test.ddf = Some(rs.ddf);
            test.p_value = rs.p_f;
            if rs.p_f.is_none() {
                test.note = Some("no design degrees of freedom for the F test".into());
            }
        }
        Some(rs) => {
            test.statistic = Some(rs.chisq);
            test.df = Some(rs.df);
            test.p_value = Some(rs.p_chisq);
        }
        None => {
            test.note = Some(format!(
                "{}, or a singular design-effect matrix",
                too_small()
            ))
        }
    }
}

fn fisher(test: &mut GroupTest, input: &TestInput<'_>, cells: &GroupCells) -> Result<()> {
    if !input.whole_counts {
        return Err(Error::InvalidArgument {
            name: "test",
            message: "Fisher's exact test needs whole counts, and 'split' consolidation gives \
                      fractions: use test='permutation', or a whole-number policy such as \
                      'median' or 'mode'"
                .into(),
        });
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // whole, non-negative
    let table: Vec<Vec<u64>> = counts(cells)
        .iter()
        .map(|row| row.iter().map(|&x| x.round() as u64).collect())
        .collect();
    let options = ExactOptions {
        n_sim: input.inference.n_perm,
        seed: input.inference.seed,
        ..ExactOptions::default()
    };
    match fisher_exact(&table, &options) {
        Ok(exact) => {
            test.p_value = Some(exact.p_value);
            test.note = Some(match exact.method {
                ExactMethod::Enumeration => format!("exact: {} tables enumerated", exact.tables),
                ExactMethod::MonteCarlo { n_sim, seed } => format!(
                    "too many tables to enumerate: Monte Carlo p-value from {n_sim} tables \
                     (Patefield), seed {seed}"
                ),
            });
        }
        Err(_) => test.note = Some(too_small()),
    }
    Ok(())
}

fn permutation(test: &mut GroupTest, inference: &Inference, cells: &GroupCells) -> Result<()> {
    let n_groups = cells.y.len();
    let n_cats = cells.y.first().map_or(0, Vec::len);
    let labels: Vec<u32> = cells.units.iter().map(|(g, _)| *g).collect();
    let statistic = |labels: &[u32]| {
        let mut table = vec![vec![0.0; n_cats]; n_groups];
        for (&g, (_, w)) in labels.iter().zip(&cells.units) {
            if let Some(row) = table.get_mut(g as usize) {
                for (t, w) in row.iter_mut().zip(w) {
                    *t += w;
                }
            }
        }
        pearson_statistic(&table).map_or(f64::NAN, |(x2, _)| x2)
    };
    let observed = statistic(&labels);
    if observed.is_nan() {
        test.note = Some(too_small());
        return Ok(());
    }
    let options = PermutationOptions {
        n_perm: inference.n_perm,
        seed: inference.seed,
        ..PermutationOptions::default()
    };
    let result = permutation_test(&labels, statistic, &options)?;
    test.statistic = Some(result.statistic);
    test.p_value = Some(result.p_value);
    test.note = Some(format!(
        "Pearson's X² against {} permutations of the groups over the units, seed {}",
        result.n_perm, result.seed
    ));
    Ok(())
}

/// Centred integer scores `2g − (G + 1)`: −3, −1, 1, 3 for four groups, as R's
/// `svycontrast(…, c(-3, -1, 1, 3))`.
fn trend_scores(n: usize) -> Vec<f64> {
    (1..=n).map(|g| 2.0 * g as f64 - (n as f64 + 1.0)).collect()
}

fn trend(test: &mut GroupTest, design: &Design, cells: &GroupCells) {
    let scores = trend_scores(cells.y.len());
    let n = design.n_units();
    let mut estimate = 0.0;
    let mut u = vec![0.0; n];
    for ((cats, b), c) in cells.y.iter().zip(&cells.b).zip(&scores) {
        let Some((p, ug)) = cats.first().and_then(|y| ratio(design, y, b)) else {
            test.note = Some("a group has no answers: no trend".into());
            return;
        };
        estimate += c * p;
        for (u, ug) in u.iter_mut().zip(&ug) {
            *u += c * ug;
        }
    }
    let se = design.variance(&u).max(0.0).sqrt();
    let z = estimate / se;
    test.statistic = Some(z);
    test.p_value = normal_two_sided(z);
    test.note = Some(format!(
        "contrast {} of the groups' estimates = {estimate}, SE {se}; z against the normal",
        scores
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
}

/// Fills `p_adjusted` of every test by the table's correction.
pub(crate) fn adjust_tests(tests: &mut [GroupTest], method: Adjust) {
    let p: Vec<Option<f64>> = tests.iter().map(|t| t.p_value).collect();
    for (t, a) in tests.iter_mut().zip(adjust(&p, method)) {
        t.p_adjusted = a;
    }
}

/// Letters of one row across groups: group `a` gets the letter of every group `b` whose share
/// it exceeds significantly (design-based z-test of the difference, corrected within the row).
pub(crate) fn pairwise_letters(
    design: &Design,
    y: &[&[f64]],
    b: &[&[f64]],
    alpha: f64,
    method: Adjust,
) -> Vec<String> {
    let g = y.len();
    let fits: Vec<Option<(f64, Vec<f64>)>> =
        y.iter().zip(b).map(|(y, b)| ratio(design, y, b)).collect();
    let mut pairs = Vec::new();
    let mut p = Vec::new();
    for a in 0..g {
        for c in a + 1..g {
            let (Some((pa, ua)), Some((pc, uc))) = (&fits[a], &fits[c]) else {
                continue;
            };
            let u: Vec<f64> = ua.iter().zip(uc).map(|(x, y)| x - y).collect();
            let se = design.variance(&u).max(0.0).sqrt();
            pairs.push((a, c, pa - pc));
            p.push(
                (se > 0.0)
                    .then(|| normal_two_sided((pa - pc) / se))
                    .flatten(),
            );
        }
    }
    let adjusted = adjust(&p, method);
    let mut beaten: Vec<Vec<usize>> = vec![Vec::new(); g];
    for ((a, c, diff), p) in pairs.into_iter().zip(adjusted) {
        if p.is_some_and(|p| p < alpha) {
            let (hi, lo) = if diff > 0.0 { (a, c) } else { (c, a) };
            beaten[hi].push(lo);
        }
    }
    beaten
        .into_iter()
        .map(|mut lo| {
            lo.sort_unstable();
            lo.into_iter().map(letter).collect()
        })
        .collect()
}

/// `A`, `B`, … `Z`, then `AA`, `AB`, … for the groups in order.
pub(crate) fn letter(i: usize) -> String {
    let mut s = String::new();
    let mut i = i + 1;
    while i > 0 {
        let r = (i - 1) % 26;
        s.insert(0, char::from(b'A' + u8::try_from(r).unwrap_or(0)));
        i = (i - 1) / 26;
    }
    s
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn letters_run_past_z() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
    }

    #[test]
    fn trend_scores_are_centred() {
        assert_eq!(trend_scores(4), vec![-3.0, -1.0, 1.0, 3.0]);
        assert_eq!(trend_scores(3), vec![-2.0, 0.0, 2.0]);
    }
}
