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
    (x + 0.5 + EPS).floor() as i64
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
    let mut out: Vec<i64> = values.iter().map(|v| (v + EPS).floor() as i64).collect();
    let missing = total - out.iter().sum::<i64>();
    if missing <= 0 {
        return out;
    }
    let mut order: Vec<usize> = (0..values.len()).collect();
    // Stable sort keeps earlier categories first among equal remainders.
    order.sort_by(|&a, &b| {
        let ra = values[a] - out[a] as f64;
        let rb = values[b] - out[b] as f64;
        rb.partial_cmp(&ra).unwrap_or(std::cmp::Ordering::Equal)
    });
    for &i in order.iter().cycle().take(missing as usize) {
        out[i] += 1;
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
}
