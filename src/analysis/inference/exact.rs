//! Small-sample tests for contingency tables and group comparisons: Fisher's exact test on r×c
//! tables (full enumeration, or Patefield Monte Carlo when the tables are too many), a generic
//! Monte Carlo permutation test, and Pearson's X² on possibly fractional (weighted) tables.
//!
//! Every Monte Carlo draw comes from a [`ChaCha8Rng`] seeded from the options. Uniforms and bounded
//! integers are made here from the generator's raw 64-bit output rather than through `rand`'s
//! distributions, so a seed gives the same p-value on every platform and across `rand` upgrades.

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Seed used when the options name none; fixed so that reruns of a report agree.
pub const DEFAULT_SEED: u64 = 20_130_101;

/// Tables whose probability is within this relative distance above the observed one count as
/// 'as extreme': it absorbs the rounding in the log-factorial sums, so that tables tied with the
/// observed one in exact arithmetic are counted. R's `fisher.test` uses the same `1 + 1e-7` for
/// 2×2 tables; its r×c network algorithm (FEXACT) and its simulation use tolerances of their own,
/// which can only matter for a table whose probability is within a few 1e-7 of the observed one
/// without being tied with it.
const RELATIVE_TOLERANCE: f64 = 1e-7;

/// Log-factorials up to this argument are tabulated; beyond it `ln Γ(k+1)` is computed, so a
/// table with a huge total cannot make us allocate gigabytes.
const TABULATED_LOG_FACTORIALS: u64 = 1 << 20;

/// How [`fisher_exact`] bounds its work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExactOptions {
    /// Enumerate at most this many tables; a table with more falls back to Monte Carlo.
    pub max_tables: u64,
    /// Number of Monte Carlo tables when falling back.
    pub n_sim: u64,
    /// Seed of the Monte Carlo stream.
    pub seed: u64,
}

impl Default for ExactOptions {
    fn default() -> Self {
        Self {
            max_tables: 10_000_000,
            n_sim: 100_000,
            seed: DEFAULT_SEED,
        }
    }
}

/// How an [`ExactTest`]'s p-value was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExactMethod {
    /// Every table with the observed margins was enumerated: the p-value is exact.
    Enumeration,
    /// Random tables with the observed margins (Patefield's algorithm); the p-value is
    /// `(1 + hits) / (n_sim + 1)` as R's `fisher.test(simulate.p.value = TRUE)` computes it.
    MonteCarlo {
        /// Number of simulated tables.
        n_sim: u64,
        /// Seed of the stream.
        seed: u64,
    },
}

/// Result of [`fisher_exact`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExactTest {
    /// Two-sided p-value: the probability of the tables no more likely than the observed one.
    pub p_value: f64,
    /// Enumeration or Monte Carlo.
    pub method: ExactMethod,
    /// Number of tables whose probability was computed: all tables with the observed margins
    /// under enumeration, the simulated ones under Monte Carlo.
    pub tables: u64,
    /// Probability of the observed table given both margins (multivariate hypergeometric).
    pub observed_probability: f64,
}

/// How [`permutation_test`] draws its permutations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PermutationOptions {
    /// Number of random permutations.
    pub n_perm: u64,
    /// Seed of the stream.
    pub seed: u64,
    /// Block (stratum) of each unit, parallel to the labels: labels are then permuted only among
    /// units of the same block, as a stratified design requires. `None` permutes all units.
    pub blocks: Option<Vec<u32>>,
}

impl Default for PermutationOptions {
    fn default() -> Self {
        Self {
            n_perm: 9_999,
            seed: DEFAULT_SEED,
            blocks: None,
        }
    }
}

/// Result of [`permutation_test`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermutationTest {
    /// `(1 + #{T* ≥ T_obs}) / (n_perm + 1)`, large values of the statistic being extreme.
    pub p_value: f64,
    /// Number of permutations drawn.
    pub n_perm: u64,
    /// Seed of the stream.
    pub seed: u64,
    /// The statistic on the observed labels.
    pub statistic: f64,
}

/// Fisher's exact test of independence on an r×c table of counts (rows = groups, columns =
/// categories), two-sided as R's `fisher.test`: the p-value sums the probabilities, given both
/// margins, of all tables at most `1 + 1e-7` times as probable as the observed one.
///
/// All-zero rows and columns are dropped first. When more than `options.max_tables` tables have
/// the observed margins, the p-value is estimated from `options.n_sim` Patefield tables instead
/// (see [`ExactMethod::MonteCarlo`]).
///
/// # Errors
/// [`Error::InvalidArgument`] for a ragged table, one whose total overflows, fewer than two
/// non-empty rows or columns, or a needed Monte Carlo run with `n_sim == 0`.
pub fn fisher_exact(table: &[Vec<u64>], options: &ExactOptions) -> Result<ExactTest> {
    let table = nonzero_table(table)?;
    let margins = Margins::of(&table)?;
    let lf = LogFactorials::up_to(margins.total);
    let model = Hypergeometric::new(&margins, &lf, &table);
    if let Some((p_value, tables)) = enumerate(&margins, &model, options.max_tables) {
        return Ok(model.result(p_value, ExactMethod::Enumeration, tables));
    }
    if options.n_sim == 0 {
        return Err(invalid(
            "options",
            "n_sim must be positive for the Monte Carlo fallback",
        ));
    }
    let p_value = simulate(&margins, &model, options.n_sim, options.seed);
    let method = ExactMethod::MonteCarlo {
        n_sim: options.n_sim,
        seed: options.seed,
    };
    Ok(model.result(p_value, method, options.n_sim))
}

/// Draws one random table with the given margins, uniformly under independence (multivariate
/// hypergeometric), by Patefield's algorithm (Applied Statistics AS 159, 1981).
///
/// # Errors
/// [`Error::InvalidArgument`] if either margin is empty, the totals differ or overflow.
pub fn patefield(row_sums: &[u64], col_sums: &[u64], rng: &mut impl Rng) -> Result<Vec<Vec<u64>>> {
    let margins = Margins::new(row_sums.to_vec(), col_sums.to_vec())?;
    let lf = LogFactorials::up_to(margins.total);
    let mut sampler = Patefield::new(&margins, &lf);
    sampler.draw(rng);
    Ok(sampler
        .cells
        .chunks(margins.cols.len())
        .map(<[u64]>::to_vec)
        .collect())
}

/// Monte Carlo permutation test: the p-value is `(1 + #{T* ≥ T_obs}) / (n_perm + 1)`, where `T*`
/// is `statistic` on the labels after a random permutation (within blocks if given) and ties
/// within `1e-12·max(1, |T_obs|)` count as extreme. A permuted statistic that is NaN counts as
/// extreme too, so that it can only make the test more conservative.
///
/// # Errors
/// [`Error::InvalidArgument`] for no labels, `n_perm == 0`, blocks whose length differs from the
/// labels', or an observed statistic that is not finite.
pub fn permutation_test(
    labels: &[u32],
    mut statistic: impl FnMut(&[u32]) -> f64,
    options: &PermutationOptions,
) -> Result<PermutationTest> {
    check_permutation_input(labels, options)?;
    let observed = statistic(labels);
    if !observed.is_finite() {
        return Err(invalid(
            "statistic",
            format!("the statistic on the observed labels is {observed}, not a finite number"),
        ));
    }
    let limit = observed - 1e-12 * observed.abs().max(1.0);
    let hits = count_extreme_permutations(labels, statistic, limit, options);
    Ok(PermutationTest {
        p_value: monte_carlo_p(hits, options.n_perm),
        n_perm: options.n_perm,
        seed: options.seed,
        statistic: observed,
    })
}

/// Pearson's X² without continuity correction, and its degrees of freedom `(r'-1)(c'-1)`, on a
/// table of possibly fractional (weighted) counts after dropping all-zero rows and columns.
///
/// `None` when the table is ragged, has a negative or non-finite cell, or fewer than two non-zero
/// rows or columns remain.
pub fn pearson_statistic(table: &[Vec<f64>]) -> Option<(f64, u32)> {
    let width = table.first()?.len();
    let valid =
        |row: &Vec<f64>| row.len() == width && row.iter().all(|v| v.is_finite() && *v >= 0.0);
    if !table.iter().all(valid) {
        return None;
    }
    let row_sums: Vec<f64> = table.iter().map(|row| row.iter().sum()).collect();
    let col_sums: Vec<f64> = (0..width)
        .map(|j| table.iter().filter_map(|row| row.get(j)).sum())
        .collect();
    let kept_rows = row_sums.iter().filter(|s| **s > 0.0).count();
    let kept_cols = col_sums.iter().filter(|s| **s > 0.0).count();
    if kept_rows < 2 || kept_cols < 2 {
        return None;
    }
    let total: f64 = row_sums.iter().sum();
    let mut statistic = 0.0;
    for (row, row_sum) in table.iter().zip(&row_sums).filter(|(_, s)| **s > 0.0) {
        for (observed, col_sum) in row.iter().zip(&col_sums).filter(|(_, s)| **s > 0.0) {
            let expected = row_sum * col_sum / total;
            statistic += (observed - expected).powi(2) / expected;
        }
    }
    let df = u32::try_from((kept_rows - 1) * (kept_cols - 1)).ok()?;
    Some((statistic, df))
}

fn invalid(name: &'static str, message: impl Into<String>) -> Error {
    Error::InvalidArgument {
        name,
        message: message.into(),
    }
}

fn monte_carlo_p(hits: u64, draws: u64) -> f64 {
    (1 + hits) as f64 / (draws as f64 + 1.0)
}

// ---------------------------------------------------------------------------------------------
// Tables and margins

/// The table without its all-zero rows and columns, checked to be rectangular and at least 2×2.
fn nonzero_table(table: &[Vec<u64>]) -> Result<Vec<Vec<u64>>> {
    let width = table.first().map_or(0, Vec::len);
    if let Some(i) = table.iter().position(|row| row.len() != width) {
        return Err(invalid(
            "table",
            format!(
                "row {} has {} cells, the first row {width}",
                i + 1,
                table.get(i).map_or(0, Vec::len)
            ),
        ));
    }
    let nonzero_col: Vec<bool> = (0..width)
        .map(|j| table.iter().any(|row| row.get(j).is_some_and(|x| *x > 0)))
        .collect();
    let kept: Vec<Vec<u64>> = table
        .iter()
        .filter(|row| row.iter().any(|x| *x > 0))
        .map(|row| {
            row.iter()
                .zip(&nonzero_col)
                .filter(|(_, keep)| **keep)
                .map(|(x, _)| *x)
                .collect()
        })
        .collect();
    let cols = kept.first().map_or(0, Vec::len);
    if kept.len() < 2 || cols < 2 {
        return Err(invalid(
            "table",
            format!(
                "needs at least 2 rows and 2 columns with a non-zero total; {}×{} remain of {}×{width}",
                kept.len(),
                cols,
                table.len()
            ),
        ));
    }
    Ok(kept)
}

/// Row and column totals of a table, and the grand total.
struct Margins {
    rows: Vec<u64>,
    cols: Vec<u64>,
    total: u64,
}

impl Margins {
    fn new(rows: Vec<u64>, cols: Vec<u64>) -> Result<Self> {
        if rows.is_empty() || cols.is_empty() {
            return Err(invalid(
                "margins",
                "row and column totals must both be non-empty",
            ));
        }
        let total = checked_sum(rows.iter().copied())?;
        let col_total = checked_sum(cols.iter().copied())?;
        if total != col_total {
            return Err(invalid(
                "margins",
                format!("row totals sum to {total} but column totals to {col_total}"),
            ));
        }
        Ok(Self { rows, cols, total })
    }

    fn of(table: &[Vec<u64>]) -> Result<Self> {
        let rows = table
            .iter()
            .map(|row| checked_sum(row.iter().copied()))
            .collect::<Result<_>>()?;
        let width = table.first().map_or(0, Vec::len);
        let cols = (0..width)
            .map(|j| checked_sum(table.iter().filter_map(|row| row.get(j).copied())))
            .collect::<Result<_>>()?;
        Self::new(rows, cols)
    }
}

fn checked_sum(mut values: impl Iterator<Item = u64>) -> Result<u64> {
    values
        .try_fold(0_u64, u64::checked_add)
        .ok_or_else(|| invalid("table", "the counts' total overflows a 64-bit integer"))
}

/// `ln k!` for the `k` a table can hold.
struct LogFactorials(Vec<f64>);

impl LogFactorials {
    fn up_to(n: u64) -> Self {
        let len = n.min(TABULATED_LOG_FACTORIALS) + 1;
        let mut sum = CompensatedSum::default();
        // Compensated so that ln n! for n in the thousands stays accurate to a few ulps: the
        // p-value subtracts such sums, and plain accumulation would lose digits there.
        let values = (0..len)
            .map(|k| {
                if k > 1 {
                    sum.add((k as f64).ln());
                }
                sum.value()
            })
            .collect();
        Self(values)
    }

    fn get(&self, k: u64) -> f64 {
        usize::try_from(k)
            .ok()
            .and_then(|i| self.0.get(i).copied())
            .unwrap_or_else(|| statrs::function::gamma::ln_gamma(k as f64 + 1.0))
    }

    /// `Σ ln x!` over the cells: minus the log-probability of a table up to a constant.
    fn cost<'a>(&self, cells: impl IntoIterator<Item = &'a u64>) -> f64 {
        cells.into_iter().map(|x| self.get(*x)).sum()
    }
}

/// Neumaier's compensated summation: sums of many small probabilities keep their digits.
#[derive(Default)]
struct CompensatedSum {
    sum: f64,
    compensation: f64,
}

impl CompensatedSum {
    fn add(&mut self, x: f64) {
        let t = self.sum + x;
        self.compensation += if self.sum.abs() >= x.abs() {
            (self.sum - t) + x
        } else {
            (x - t) + self.sum
        };
        self.sum = t;
    }

    fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// The null distribution of tables with fixed margins, in the form the tests need: a table's
/// probability is `exp(log_constant - cost)` with `cost = Σ ln x!`, and a table is as extreme as
/// the observed one when its cost is at least `min_cost`.
struct Hypergeometric<'a> {
    lf: &'a LogFactorials,
    log_constant: f64,
    observed_cost: f64,
    min_cost: f64,
}

impl<'a> Hypergeometric<'a> {
    fn new(margins: &Margins, lf: &'a LogFactorials, table: &[Vec<u64>]) -> Self {
        let log_constant = lf.cost(&margins.rows) + lf.cost(&margins.cols) - lf.get(margins.total);
        let observed_cost = lf.cost(table.iter().flatten());
        let min_cost = observed_cost - RELATIVE_TOLERANCE.ln_1p();
        Self {
            lf,
            log_constant,
            observed_cost,
            min_cost,
        }
    }

    fn probability(&self, cost: f64) -> f64 {
        (self.log_constant - cost).exp()
    }

    fn result(&self, p_value: f64, method: ExactMethod, tables: u64) -> ExactTest {
        ExactTest {
            p_value: p_value.clamp(0.0, 1.0),
            method,
            tables,
            observed_probability: self.probability(self.observed_cost),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Enumeration

/// The exact p-value and the number of tables, or `None` once more than `max_tables` tables turn
/// up.
fn enumerate(margins: &Margins, model: &Hypergeometric<'_>, max_tables: u64) -> Option<(f64, u64)> {
    let mut walk = Enumeration::new(margins, model, max_tables);
    match walk.column(0, 0.0) {
        ControlFlow::Continue(()) => Some((walk.p_value.value(), walk.tables)),
        ControlFlow::Break(()) => None,
    }
}

/// Depth-first walk over the tables with the given margins, column by column and within a column
/// row by row. Each cell ranges only over values that leave the rest of the table fillable, so
/// every branch ends in a table and the work is proportional to the number of tables. The last row
/// of a column and the whole last column are determined by the margins.
struct Enumeration<'a> {
    model: &'a Hypergeometric<'a>,
    cols: &'a [u64],
    /// `col_suffix[j] = Σ cols[j..]`: the units still to place when column `j` starts.
    col_suffix: Vec<u64>,
    /// Row totals not yet placed.
    rows_left: Vec<u64>,
    p_value: CompensatedSum,
    tables: u64,
    max_tables: u64,
}

impl<'a> Enumeration<'a> {
    fn new(margins: &'a Margins, model: &'a Hypergeometric<'a>, max_tables: u64) -> Self {
        let mut col_suffix: Vec<u64> = margins
            .cols
            .iter()
            .rev()
            .scan(0, |acc, c| {
                *acc += c;
                Some(*acc)
            })
            .collect();
        col_suffix.reverse();
        Self {
            model,
            cols: &margins.cols,
            col_suffix,
            rows_left: margins.rows.clone(),
            p_value: CompensatedSum::default(),
            tables: 0,
            max_tables,
        }
    }

    fn column(&mut self, j: usize, cost: f64) -> ControlFlow<()> {
        match (self.cols.get(j), self.col_suffix.get(j)) {
            (Some(&need), Some(&left)) if j + 1 < self.cols.len() => {
                self.cell(0, j, need, left, cost)
            }
            _ => self.last_column(cost),
        }
    }

    /// Places row `i`'s count in column `j`; `need` units of the column are still unplaced and
    /// `left` units remain in rows `i..`.
    // Indices stay in range: `i` < number of rows by the recursion's stop at the last row.
    #[allow(clippy::indexing_slicing)]
    fn cell(&mut self, i: usize, j: usize, need: u64, left: u64, cost: f64) -> ControlFlow<()> {
        let row = self.rows_left[i];
        if i + 1 == self.rows_left.len() {
            self.rows_left[i] = row - need;
            let flow = self.column(j + 1, cost + self.model.lf.get(need));
            self.rows_left[i] = row;
            return flow;
        }
        let below = left - row;
        for x in need.saturating_sub(below)..=row.min(need) {
            self.rows_left[i] = row - x;
            self.cell(i + 1, j, need - x, below, cost + self.model.lf.get(x))?;
        }
        self.rows_left[i] = row;
        ControlFlow::Continue(())
    }

    fn last_column(&mut self, cost: f64) -> ControlFlow<()> {
        self.tables += 1;
        if self.tables > self.max_tables {
            return ControlFlow::Break(());
        }
        let cost = cost + self.model.lf.cost(&self.rows_left);
        if cost >= self.model.min_cost {
            self.p_value.add(self.model.probability(cost));
        }
        ControlFlow::Continue(())
    }
}

// ---------------------------------------------------------------------------------------------
// Monte Carlo

fn simulate(margins: &Margins, model: &Hypergeometric<'_>, n_sim: u64, seed: u64) -> f64 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut sampler = Patefield::new(margins, model.lf);
    let mut hits = 0_u64;
    for _ in 0..n_sim {
        sampler.draw(&mut rng);
        if model.lf.cost(&sampler.cells) >= model.min_cost {
            hits += 1;
        }
    }
    monte_carlo_p(hits, n_sim)
}

/// Patefield's sampler: row by row, each cell but the row's last is drawn from its hypergeometric
/// distribution given the cells already drawn; the last column and the last row follow from the
/// margins.
struct Patefield<'a> {
    margins: &'a Margins,
    lf: &'a LogFactorials,
    /// Column totals over the rows not yet drawn.
    cols_left: Vec<u64>,
    /// The drawn table, row-major.
    cells: Vec<u64>,
}

impl<'a> Patefield<'a> {
    fn new(margins: &'a Margins, lf: &'a LogFactorials) -> Self {
        let cells = vec![0; margins.rows.len() * margins.cols.len()];
        Self {
            margins,
            lf,
            cols_left: margins.cols.clone(),
            cells,
        }
    }

    fn draw(&mut self, rng: &mut impl Rng) {
        self.cols_left.clone_from(&self.margins.cols);
        let width = self.margins.cols.len();
        let mut units_left = self.margins.total;
        let (last_row, rows) = match self.margins.rows.split_last() {
            Some(split) => split,
            None => return,
        };
        let mut chunks = self.cells.chunks_mut(width);
        for (&row_total, cells) in rows.iter().zip(chunks.by_ref()) {
            draw_row(
                row_total,
                units_left,
                &mut self.cols_left,
                cells,
                self.lf,
                rng,
            );
            units_left -= row_total;
        }
        if let Some(cells) = chunks.next() {
            cells.copy_from_slice(&self.cols_left);
            debug_assert_eq!(cells.iter().sum::<u64>(), *last_row);
        }
    }
}

/// Draws one row of `row_total` units among the columns, `units_left` units being left in this row
/// and those below it; `cols_left` loses what the row takes.
fn draw_row(
    row_total: u64,
    units_left: u64,
    cols_left: &mut [u64],
    cells: &mut [u64],
    lf: &LogFactorials,
    rng: &mut impl Rng,
) {
    let mut row_left = row_total;
    // Units of this row and the rows below it in the columns not yet drawn.
    let mut pool = units_left;
    let last = cells.len().saturating_sub(1);
    for (m, (cell, col_left)) in cells.iter_mut().zip(cols_left.iter_mut()).enumerate() {
        let x = if m == last {
            row_left
        } else {
            hypergeometric(row_left, *col_left, pool, lf, rng)
        };
        pool -= *col_left;
        *cell = x;
        *col_left -= x;
        row_left -= x;
    }
}

/// One draw of the number of successes in `draws` draws without replacement from `population`
/// units of which `successes` are successes.
fn hypergeometric(
    draws: u64,
    successes: u64,
    population: u64,
    lf: &LogFactorials,
    rng: &mut impl Rng,
) -> u64 {
    let cell = CellDistribution::new(draws, successes, population);
    if cell.lo == cell.hi {
        return cell.lo;
    }
    let start = cell.mean().clamp(cell.lo, cell.hi);
    let p_start = cell.probability(start, lf);
    let mut u = unit(rng);
    loop {
        match cell.walk_outward(start, p_start, u) {
            Ok(x) => return x,
            // Rounding left the total probability short of `u`: rescale it, as AS 159 does.
            Err(total) => u = total * unit(rng),
        }
    }
}

/// The hypergeometric distribution of one cell, support `lo..=hi`.
struct CellDistribution {
    draws: u64,
    successes: u64,
    failures: u64,
    lo: u64,
    hi: u64,
}

impl CellDistribution {
    fn new(draws: u64, successes: u64, population: u64) -> Self {
        let failures = population - successes;
        let lo = draws.saturating_sub(failures);
        let hi = draws.min(successes);
        Self {
            draws,
            successes,
            failures,
            lo,
            hi,
        }
    }

    /// The mean rounded to the nearest integer, where AS 159 starts its search.
    fn mean(&self) -> u64 {
        let population = (self.successes + self.failures) as f64;
        (self.draws as f64 * (self.successes as f64 / population) + 0.5) as u64
    }

    fn probability(&self, x: u64, lf: &LogFactorials) -> f64 {
        let (n, k, f) = (self.draws, self.successes, self.failures);
        (lf.get(k) - lf.get(x) - lf.get(k - x) + lf.get(f) - lf.get(n - x) - lf.get(f + x - n)
            + lf.get(n)
            + lf.get(k + f - n)
            - lf.get(k + f))
        .exp()
    }

    /// `P(x + 1) / P(x)`.
    fn ratio_up(&self, x: u64) -> f64 {
        ((self.successes - x) as f64 * (self.draws - x) as f64)
            / ((x + 1) as f64 * (self.failures + x + 1 - self.draws) as f64)
    }

    /// `P(x - 1) / P(x)`.
    fn ratio_down(&self, x: u64) -> f64 {
        (x as f64 * (self.failures + x - self.draws) as f64)
            / ((self.successes - x + 1) as f64 * (self.draws - x + 1) as f64)
    }

    /// Cumulates probabilities from `start` outward, alternating up and down, and returns the
    /// value at which the sum reaches `u`, or the total if it never does.
    fn walk_outward(&self, start: u64, p_start: f64, u: f64) -> std::result::Result<u64, f64> {
        let (mut above, mut below) = (start, start);
        let (mut p_above, mut p_below) = (p_start, p_start);
        let mut cumulated = p_start;
        if cumulated >= u {
            return Ok(start);
        }
        while above < self.hi || below > self.lo {
            if above < self.hi {
                p_above *= self.ratio_up(above);
                above += 1;
                cumulated += p_above;
                if cumulated >= u {
                    return Ok(above);
                }
            }
            if below > self.lo {
                p_below *= self.ratio_down(below);
                below -= 1;
                cumulated += p_below;
                if cumulated >= u {
                    return Ok(below);
                }
            }
        }
        Err(cumulated)
    }
}

// ---------------------------------------------------------------------------------------------
// Permutations

fn check_permutation_input(labels: &[u32], options: &PermutationOptions) -> Result<()> {
    if labels.is_empty() {
        return Err(invalid("labels", "no units to permute"));
    }
    if options.n_perm == 0 {
        return Err(invalid("options", "n_perm must be positive"));
    }
    match &options.blocks {
        Some(blocks) if blocks.len() != labels.len() => Err(invalid(
            "options",
            format!(
                "{} blocks given for {} labels; give one block per unit",
                blocks.len(),
                labels.len()
            ),
        )),
        _ => Ok(()),
    }
}

/// Number of random permutations whose statistic is at least `limit` or NaN.
fn count_extreme_permutations(
    labels: &[u32],
    mut statistic: impl FnMut(&[u32]) -> f64,
    limit: f64,
    options: &PermutationOptions,
) -> u64 {
    let strata = strata(labels.len(), options.blocks.as_deref());
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut permuted = labels.to_vec();
    let mut hits = 0_u64;
    for _ in 0..options.n_perm {
        for stratum in &strata {
            shuffle_positions(&mut permuted, stratum, &mut rng);
        }
        let value = statistic(&permuted);
        if value >= limit || value.is_nan() {
            hits += 1;
        }
    }
    hits
}

/// Positions of the units that may exchange labels: all of them, or those of each block.
fn strata(n: usize, blocks: Option<&[u32]>) -> Vec<Vec<usize>> {
    let Some(blocks) = blocks else {
        return vec![(0..n).collect()];
    };
    let mut strata: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (position, block) in blocks.iter().enumerate() {
        strata.entry(*block).or_default().push(position);
    }
    strata
        .into_values()
        .filter(|positions| positions.len() > 1)
        .collect()
}

/// Fisher–Yates shuffle of the values at `positions` among themselves.
fn shuffle_positions(values: &mut [u32], positions: &[usize], rng: &mut impl Rng) {
    for k in (1..positions.len()).rev() {
        let j = below(rng, k as u64 + 1) as usize;
        if let (Some(&a), Some(&b)) = (positions.get(k), positions.get(j)) {
            values.swap(a, b);
        }
    }
}

/// A uniform in [0, 1) with 53 random bits.
fn unit(rng: &mut impl Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1_u64 << 53) as f64)
}

/// A uniform integer in `0..n` (`n > 0`), unbiased by Lemire's multiply-and-reject method.
fn below(rng: &mut impl Rng, n: u64) -> u64 {
    let mut product = u128::from(rng.next_u64()) * u128::from(n);
    if (product as u64) < n {
        let threshold = n.wrapping_neg() % n;
        while (product as u64) < threshold {
            product = u128::from(rng.next_u64()) * u128::from(n);
        }
    }
    (product >> 64) as u64
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    struct Reference {
        fisher: Vec<FisherCase>,
        pearson: Vec<PearsonCase>,
    }

    #[derive(Deserialize)]
    struct FisherCase {
        name: String,
        table: Vec<Vec<u64>>,
        p_value: FisherPeers,
    }

    #[derive(Deserialize)]
    struct FisherPeers {
        r: f64,
        scipy: Option<f64>,
    }

    #[derive(Deserialize)]
    struct PearsonCase {
        name: String,
        table: Vec<Vec<f64>>,
        r: PearsonValue,
        scipy: PearsonValue,
    }

    #[derive(Deserialize)]
    struct PearsonValue {
        statistic: f64,
        df: u32,
    }

    fn reference() -> Reference {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/inference/exact_reference.json"
        );
        let text = std::fs::read_to_string(path).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn assert_relative(actual: f64, expected: f64, tolerance: f64, what: &str) {
        let error = (actual - expected).abs() / expected.abs().max(f64::MIN_POSITIVE);
        assert!(
            error <= tolerance,
            "{what}: {actual:e} vs {expected:e} (relative error {error:e})"
        );
    }

    /// Half-width of the band a Monte Carlo p-value must fall in: 4 binomial standard deviations
    /// around the exact value, plus the `1/(n+1)` that the `1 + hits` rule adds.
    fn monte_carlo_band(p: f64, draws: u64) -> f64 {
        4.0 * (p * (1.0 - p) / draws as f64).sqrt() + 1.0 / (draws as f64 + 1.0)
    }

    #[test]
    fn enumeration_matches_r_and_scipy() {
        // The table beyond the bound is `default_monte_carlo_for_a_table_beyond_the_bound`'s.
        for case in reference()
            .fisher
            .into_iter()
            .filter(|c| c.name != "too_heavy_4x4")
        {
            let test = fisher_exact(&case.table, &ExactOptions::default()).unwrap();
            assert_eq!(test.method, ExactMethod::Enumeration, "{}", case.name);
            assert_relative(test.p_value, case.p_value.r, 1e-9, &case.name);
            if let Some(scipy) = case.p_value.scipy {
                assert_relative(test.p_value, scipy, 1e-9, &format!("{} (scipy)", case.name));
            }
        }
    }

    #[test]
    fn enumeration_counts_and_observed_probability() {
        // Tea tasting: x11 ranges over 0..=4, P(x11 = 3) = C(4,3)·C(4,1)/C(8,4) = 16/70.
        let test = fisher_exact(&[vec![3, 1], vec![1, 3]], &ExactOptions::default()).unwrap();
        assert_eq!(test.tables, 5);
        assert_relative(test.observed_probability, 16.0 / 70.0, 1e-12, "P(observed)");
        // Transposing or dropping an empty row changes nothing.
        let transposed = fisher_exact(&[vec![3, 1], vec![1, 3]], &ExactOptions::default()).unwrap();
        assert_eq!(test, transposed);
        let with_empty_row = fisher_exact(
            &[vec![3, 1], vec![0, 0], vec![1, 3]],
            &ExactOptions::default(),
        )
        .unwrap();
        assert_eq!(test, with_empty_row);
    }

    #[test]
    fn monte_carlo_falls_within_band_of_r() {
        let options = ExactOptions {
            max_tables: 10,
            n_sim: 20_000,
            seed: 7,
        };
        for case in reference()
            .fisher
            .iter()
            .filter(|c| c.name != "too_heavy_4x4")
        {
            let test = fisher_exact(&case.table, &options).unwrap();
            let exact = case.p_value.r;
            if matches!(test.method, ExactMethod::Enumeration) {
                assert!(test.tables <= 10, "{}", case.name);
                continue;
            }
            assert_eq!(test.tables, 20_000);
            let band = monte_carlo_band(exact, options.n_sim);
            assert!(
                (test.p_value - exact).abs() <= band,
                "{}: {} vs {exact} ± {band}",
                case.name,
                test.p_value
            );
        }
    }

    #[test]
    fn default_monte_carlo_for_a_table_beyond_the_bound() {
        let case = reference()
            .fisher
            .into_iter()
            .find(|c| c.name == "too_heavy_4x4")
            .unwrap();
        let test = fisher_exact(&case.table, &ExactOptions::default()).unwrap();
        assert_eq!(
            test.method,
            ExactMethod::MonteCarlo {
                n_sim: 100_000,
                seed: DEFAULT_SEED
            }
        );
        let band = monte_carlo_band(case.p_value.r, 100_000);
        assert!(
            (test.p_value - case.p_value.r).abs() <= band,
            "{} vs {}",
            test.p_value,
            case.p_value.r
        );
    }

    #[test]
    fn identical_seeds_give_identical_p_values() {
        let table = [
            vec![5, 3, 2],
            vec![12, 13, 10],
            vec![10, 12, 11],
            vec![3, 9, 10],
        ];
        for seed in [0, 1, DEFAULT_SEED, u64::MAX] {
            let options = ExactOptions {
                max_tables: 0,
                n_sim: 2_000,
                seed,
            };
            let first = fisher_exact(&table, &options).unwrap();
            let second = fisher_exact(&table, &options).unwrap();
            assert_eq!(first, second);
        }
        let differ = |seed| {
            fisher_exact(
                &table,
                &ExactOptions {
                    max_tables: 0,
                    n_sim: 2_000,
                    seed,
                },
            )
            .unwrap()
            .p_value
        };
        assert_ne!(
            differ(1),
            differ(2),
            "different seeds should give different streams"
        );
    }

    #[test]
    fn bad_tables_are_rejected() {
        let options = ExactOptions::default();
        let cases: [&[Vec<u64>]; 5] = [
            &[],
            &[vec![1, 2], vec![3]],
            &[vec![1, 2, 3]],
            &[vec![1, 0], vec![2, 0]],
            &[vec![0, 0], vec![0, 0]],
        ];
        for table in cases {
            let err = fisher_exact(table, &options).unwrap_err();
            assert!(
                matches!(err, Error::InvalidArgument { name: "table", .. }),
                "{table:?}: {err}"
            );
        }
        let overflow = [vec![u64::MAX, 1], vec![1, 1]];
        assert!(fisher_exact(&overflow, &options).is_err());
        let no_draws = ExactOptions {
            max_tables: 0,
            n_sim: 0,
            seed: 1,
        };
        assert!(fisher_exact(&[vec![1, 2], vec![3, 4]], &no_draws).is_err());
    }

    #[test]
    fn serde_names_of_the_method() {
        let method = ExactMethod::MonteCarlo { n_sim: 5, seed: 9 };
        let json = serde_json::to_string(&method).unwrap();
        assert_eq!(json, r#"{"kind":"monte_carlo","n_sim":5,"seed":9}"#);
        assert_eq!(serde_json::from_str::<ExactMethod>(&json).unwrap(), method);
        let json = serde_json::to_string(&ExactMethod::Enumeration).unwrap();
        assert_eq!(json, r#"{"kind":"enumeration"}"#);
        let options: ExactOptions = serde_json::from_str(r#"{"n_sim": 10}"#).unwrap();
        assert_eq!(
            options,
            ExactOptions {
                n_sim: 10,
                ..ExactOptions::default()
            }
        );
    }

    #[test]
    fn patefield_keeps_the_margins() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let margins: [(&[u64], &[u64]); 4] = [
            (&[3, 7, 10, 5], &[6, 4, 15]),
            (&[0, 4, 0], &[2, 0, 2]),
            (&[1], &[1]),
            (&[1000, 1, 250], &[400, 0, 851]),
        ];
        for (rows, cols) in margins {
            for _ in 0..500 {
                let table = patefield(rows, cols, &mut rng).unwrap();
                let row_sums: Vec<u64> = table.iter().map(|r| r.iter().sum()).collect();
                let col_sums: Vec<u64> = (0..cols.len())
                    .map(|j| table.iter().map(|r| r.get(j).unwrap()).sum())
                    .collect();
                assert_eq!(row_sums, rows);
                assert_eq!(col_sums, cols);
            }
        }
        assert!(patefield(&[1, 2], &[4], &mut rng).is_err());
        assert!(patefield(&[], &[], &mut rng).is_err());
    }

    #[test]
    fn patefield_cell_means_approach_independence() {
        let (rows, cols) = ([3_u64, 7, 10, 5], [6_u64, 4, 15]);
        let n = 25.0;
        let draws = 20_000;
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut sums = [[0_u64; 3]; 4];
        for _ in 0..draws {
            let table = patefield(&rows, &cols, &mut rng).unwrap();
            for (sum_row, row) in sums.iter_mut().zip(&table) {
                for (sum, x) in sum_row.iter_mut().zip(row) {
                    *sum += x;
                }
            }
        }
        for (&r, sum_row) in rows.iter().zip(&sums) {
            for (&c, &sum) in cols.iter().zip(sum_row) {
                let (r, c) = (r as f64, c as f64);
                let mean = r * c / n;
                let variance = r * c * (n - r) * (n - c) / (n * n * (n - 1.0));
                let se = (variance / draws as f64).sqrt();
                let observed = sum as f64 / draws as f64;
                assert!(
                    (observed - mean).abs() <= 5.0 * se,
                    "cell ({r},{c}): {observed} vs {mean}"
                );
            }
        }
    }

    #[test]
    fn patefield_draws_each_table_with_its_probability() {
        let (rows, cols) = ([2_u64, 3, 2], [3_u64, 1, 3]);
        let draws = 40_000_u64;
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut counts: HashMap<Vec<Vec<u64>>, u64> = HashMap::new();
        for _ in 0..draws {
            *counts
                .entry(patefield(&rows, &cols, &mut rng).unwrap())
                .or_default() += 1;
        }
        let mut total_probability = 0.0;
        for (table, count) in &counts {
            // The exact probability of a table, rows and columns kept as drawn.
            let margins = Margins::of(table).unwrap();
            let lf = LogFactorials::up_to(margins.total);
            let p = Hypergeometric::new(&margins, &lf, table)
                .probability(lf.cost(table.iter().flatten()));
            total_probability += p;
            let se = (p * (1.0 - p) / draws as f64).sqrt();
            let frequency = *count as f64 / draws as f64;
            assert!(
                (frequency - p).abs() <= 5.0 * se,
                "{table:?}: {frequency} vs {p}"
            );
        }
        // Every table with these margins turned up.
        assert!(
            (total_probability - 1.0).abs() < 1e-12,
            "{total_probability}"
        );
    }

    fn mean_difference(values: &[f64]) -> impl FnMut(&[u32]) -> f64 + '_ {
        move |labels| {
            let mean = |group| {
                let (sum, n) = labels
                    .iter()
                    .zip(values)
                    .filter(|(l, _)| **l == group)
                    .fold((0.0, 0.0), |(s, n), (_, v)| (s + v, n + 1.0));
                sum / n
            };
            mean(1) - mean(0)
        }
    }

    /// Exact permutation p-value by enumerating the ways to pick the units of group 1.
    fn exact_permutation_p(labels: &[u32], values: &[f64]) -> f64 {
        let n = labels.len();
        let ones = labels.iter().filter(|l| **l == 1).count();
        let mut statistic = mean_difference(values);
        let observed = statistic(labels);
        let (mut extreme, mut total) = (0_u32, 0_u32);
        for mask in 0_u32..(1 << n) {
            if mask.count_ones() as usize != ones {
                continue;
            }
            let permuted: Vec<u32> = (0..n).map(|i| (mask >> i) & 1).collect();
            total += 1;
            if statistic(&permuted) >= observed - 1e-12 * observed.abs().max(1.0) {
                extreme += 1;
            }
        }
        f64::from(extreme) / f64::from(total)
    }

    #[test]
    fn permutation_test_matches_the_exact_permutation_distribution() {
        let values = [2.1, 3.4, 1.9, 5.6, 4.8, 6.1, 3.9, 5.0, 2.7, 4.4];
        let labels = [0, 0, 0, 1, 1, 1, 0, 1, 0, 1];
        let exact = exact_permutation_p(&labels, &values);
        let options = PermutationOptions::default();
        let test = permutation_test(&labels, mean_difference(&values), &options).unwrap();
        assert_eq!((test.n_perm, test.seed), (9_999, DEFAULT_SEED));
        // (5.6 + 4.8 + 6.1 + 5.0 + 4.4) / 5 - (2.1 + 3.4 + 1.9 + 3.9 + 2.7) / 5
        assert_relative(test.statistic, 2.38, 1e-12, "observed statistic");
        let band = monte_carlo_band(exact, test.n_perm);
        assert!(
            (test.p_value - exact).abs() <= band,
            "{} vs {exact} ± {band}",
            test.p_value
        );
    }

    #[test]
    fn permutation_within_blocks_keeps_each_blocks_labels() {
        let labels = [0, 1, 1, 0, 1, 0, 0, 1, 1, 1];
        let blocks = vec![7, 7, 7, 7, 3, 3, 3, 9, 9, 9];
        let block_counts = |l: &[u32]| -> Vec<(u32, u32)> {
            let mut counts: BTreeMap<u32, u32> = BTreeMap::new();
            for (b, x) in blocks.iter().zip(l) {
                *counts.entry(*b).or_default() += x;
            }
            counts.into_iter().collect()
        };
        let expected = block_counts(&labels);
        let mut seen = std::collections::HashSet::new();
        let options = PermutationOptions {
            n_perm: 2_000,
            blocks: Some(blocks.clone()),
            ..Default::default()
        };
        permutation_test(
            &labels,
            |l| {
                assert_eq!(block_counts(l), expected);
                seen.insert(l.to_vec());
                0.0
            },
            &options,
        )
        .unwrap();
        // C(4,2)·C(3,1)·C(3,3) = 18 arrangements respect the blocks; all turn up.
        assert_eq!(seen.len(), 18);
    }

    #[test]
    fn blocked_permutation_matches_its_exact_distribution() {
        // Two strata: the exact p enumerates the labelings with each stratum's count kept.
        let values = [1.0, 2.5, 0.5, 3.0, 10.0, 12.0, 11.5, 9.0];
        let labels = [0, 1, 0, 1, 0, 1, 1, 0];
        let blocks = vec![0, 0, 0, 0, 1, 1, 1, 1];
        let mut statistic = mean_difference(&values);
        let observed = statistic(&labels);
        let (mut extreme, mut total) = (0_u32, 0_u32);
        for mask in 0_u32..256 {
            if (mask & 0x0f).count_ones() != 2 || (mask & 0xf0).count_ones() != 2 {
                continue;
            }
            let permuted: Vec<u32> = (0..8).map(|i| (mask >> i) & 1).collect();
            total += 1;
            extreme += u32::from(statistic(&permuted) >= observed - 1e-12);
        }
        let exact = f64::from(extreme) / f64::from(total);
        let options = PermutationOptions {
            blocks: Some(blocks),
            ..Default::default()
        };
        let test = permutation_test(&labels, mean_difference(&values), &options).unwrap();
        let band = monte_carlo_band(exact, test.n_perm);
        assert!(
            (test.p_value - exact).abs() <= band,
            "{} vs {exact} ± {band}",
            test.p_value
        );
    }

    #[test]
    fn permutation_seeds_reproduce() {
        let values = [2.1, 3.4, 1.9, 5.6, 4.8, 6.1, 3.9, 5.0];
        let labels = [0, 0, 0, 1, 1, 1, 0, 1];
        for seed in [0, 42, DEFAULT_SEED] {
            let options = PermutationOptions {
                n_perm: 999,
                seed,
                blocks: None,
            };
            let first = permutation_test(&labels, mean_difference(&values), &options).unwrap();
            let second = permutation_test(&labels, mean_difference(&values), &options).unwrap();
            assert_eq!(first, second);
        }
    }

    #[test]
    fn permutation_input_is_checked() {
        let options = PermutationOptions::default();
        assert!(permutation_test(&[], |_| 0.0, &options).is_err());
        let err = permutation_test(&[0, 1], |_| f64::NAN, &options).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    name: "statistic",
                    ..
                }
            ),
            "{err}"
        );
        let short_blocks = PermutationOptions {
            blocks: Some(vec![0]),
            ..Default::default()
        };
        assert!(permutation_test(&[0, 1], |_| 0.0, &short_blocks).is_err());
        let none = PermutationOptions {
            n_perm: 0,
            ..Default::default()
        };
        assert!(permutation_test(&[0, 1], |_| 0.0, &none).is_err());
        // A NaN permuted statistic counts as extreme: here every draw does.
        let mut first = true;
        let nan_after_first = |_: &[u32]| {
            if std::mem::take(&mut first) {
                1.0
            } else {
                f64::NAN
            }
        };
        let test = permutation_test(&[0, 1], nan_after_first, &options).unwrap();
        assert_eq!(test.p_value, 1.0);
    }

    #[test]
    fn pearson_matches_r_and_scipy() {
        for case in reference().pearson {
            let (statistic, df) = pearson_statistic(&case.table).unwrap();
            assert_relative(statistic, case.r.statistic, 1e-12, &case.name);
            assert_relative(statistic, case.scipy.statistic, 1e-12, &case.name);
            assert_eq!((df, df), (case.r.df, case.scipy.df), "{}", case.name);
        }
    }

    #[test]
    fn pearson_needs_a_two_by_two_table() {
        assert_eq!(pearson_statistic(&[]), None);
        assert_eq!(pearson_statistic(&[vec![1.0, 2.0]]), None);
        assert_eq!(pearson_statistic(&[vec![1.0, 0.0], vec![2.0, 0.0]]), None);
        assert_eq!(pearson_statistic(&[vec![1.0, 2.0], vec![2.0]]), None);
        assert_eq!(pearson_statistic(&[vec![1.0, -2.0], vec![2.0, 1.0]]), None);
        assert_eq!(
            pearson_statistic(&[vec![1.0, f64::NAN], vec![2.0, 1.0]]),
            None
        );
        let (statistic, df) = pearson_statistic(&[vec![10.0, 0.0], vec![0.0, 10.0]]).unwrap();
        assert_eq!((statistic, df), (20.0, 1));
    }
}
