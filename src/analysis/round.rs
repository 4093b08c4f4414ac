//! Rounding as the 2013 report prints: whole percentages, stacked rows that total 100.

/// Exact shares computed in floating point sit a hair below `x.5` (0.145·100 = 14.499…); this
/// tolerance lets them round the way the exact fraction does.
const EPS: f64 = 1e-9;

/// Rounds half up (`12.5` → 13), as percentages quoted on their own in the report's text are.
///
/// ```
/// use doe_democratie::analysis::round_half_up;
/// assert_eq!(round_half_up(12.5), 13);
/// assert_eq!(round_half_up(100.0 * 29.0 / 200.0), 15); // 14.5, stored as 14.499…
/// assert_eq!(round_half_up(48.41), 48);
/// ```
pub fn round_half_up(x: f64) -> i64 {
    whole((x + 0.5 + EPS).floor())
}

/// A value already rounded to a whole number, as an integer. The measures pass percentages
/// (0–100); outside the `i64` range a float-to-integer `as` saturates (NaN gives 0), it never
/// wraps, and there is no fraction left to truncate.
#[allow(clippy::cast_possible_truncation)]
fn whole(floored: f64) -> i64 {
    floored as i64
}

/// Largest-remainder rounding of `values` to whole numbers that add up to `total`: every value is
/// rounded down, then the points still missing go to the largest remainders; equal remainders go
/// to the earlier value (questionnaire order). The report's stacked rows all total exactly 100,
/// which only this rule can produce at their printed bases (inconsistencies.md C1).
///
/// ```
/// use doe_democratie::analysis::largest_remainder;
/// // Fig 3.3 seed money at n = 82: counts 2, 8, 25.5, 46.5 (a municipality split in two).
/// let pct: Vec<f64> = [2.0, 8.0, 25.5, 46.5].iter().map(|c| 100.0 * c / 82.0).collect();
/// assert_eq!(largest_remainder(&pct, 100), [2, 10, 31, 57]);
/// ```
pub fn largest_remainder(values: &[f64], total: i64) -> Vec<i64> {
    let mut out: Vec<i64> = values.iter().map(|v| whole((v + EPS).floor())).collect();
    let missing = total - out.iter().sum::<i64>();
    if missing <= 0 || values.is_empty() {
        return out;
    }
    let mut order: Vec<usize> = (0..values.len()).collect();
    // Stable sort keeps earlier categories first among equal remainders.
    order.sort_by(|&a, &b| {
        let ra = values[a] - out[a] as f64;
        let rb = values[b] - out[b] as f64;
        rb.partial_cmp(&ra).unwrap_or(std::cmp::Ordering::Equal)
    });
    // Point by point round the order, in whole rounds plus the first `extra` values: the same as
    // cycling through the order `missing` times, without a loop as long as `total`. A slice is at
    // most isize::MAX long, so its length fits an i64.
    let n = i64::try_from(order.len()).unwrap_or(i64::MAX);
    let (each, extra) = (missing / n, missing % n);
    for (&i, rank) in order.iter().zip(0i64..) {
        out[i] += each + i64::from(rank < extra);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_up_and_floating_noise() {
        assert_eq!(round_half_up(0.5), 1);
        assert_eq!(round_half_up(1.4999), 1);
        assert_eq!(round_half_up(100.0 * 61.0 / 126.0), 48);
        assert_eq!(round_half_up(100.0 * 7.0 / 126.0), 6);
    }

    #[test]
    fn largest_remainder_totals_and_ties() {
        // Three equal thirds: the leftover point goes to the first.
        assert_eq!(largest_remainder(&[100.0 / 3.0; 3], 100), [34, 33, 33]);
        // Already whole: unchanged.
        assert_eq!(largest_remainder(&[50.0, 50.0], 100), [50, 50]);
        // Fig 3.1 executive board at n = 98: counts 29.5, 41, 26.5, 1 (hand-computed).
        let pct: Vec<f64> = [29.5, 41.0, 26.5, 1.0]
            .iter()
            .map(|c| 100.0 * c / 98.0)
            .collect();
        assert_eq!(largest_remainder(&pct, 100), [30, 42, 27, 1]);
        assert!(largest_remainder(&[], 100).is_empty());
    }

    #[test]
    fn largest_remainder_hands_out_many_points_without_one_loop_per_point() {
        // 2 × 1.5 floors to 2; the 10^15 - 2 points left go round the order, the first value
        // (equal remainders keep their order) getting the odd one.
        let total = 1_000_000_000_000_000;
        let out = largest_remainder(&[1.5, 1.5], total);
        assert_eq!(out, [total / 2, total / 2]);
        let out = largest_remainder(&[0.2, 0.9, 0.1], 10);
        assert_eq!(out, [3, 4, 3]);
        assert_eq!(out.iter().sum::<i64>(), 10);
    }

    #[test]
    fn non_finite_and_huge_values_saturate() {
        assert_eq!(round_half_up(f64::NAN), 0);
        assert_eq!(round_half_up(1e300), i64::MAX);
        assert_eq!(round_half_up(-1e300), i64::MIN);
    }
}
