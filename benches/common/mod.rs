//! Seeded synthetic data shared by the benchmarks.

use doe_democratie::instrument::{ColumnKind, QuestionKind};
use doe_democratie::Instrument;

/// A small deterministic generator (64-bit LCG), so the data is a pure function of `n`.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn below(&mut self, k: u64) -> u64 {
        self.next() % k
    }
}

/// CSV text for `n` respondents, about 1.3 per municipality, every column of the instrument.
pub fn synthetic_csv(inst: &Instrument, n: usize) -> String {
    let mut rng = Lcg(20240101);
    let classes = ["lt_20k", "20k_50k", "50k_100k", "100k_plus"];
    let mut out = String::from("respondent_id,municipality,size_class");
    for c in inst.columns() {
        if c.kind != ColumnKind::Text {
            out.push(',');
            out.push_str(&c.name);
        }
    }
    out.push('\n');
    let mut muni = 0;
    for r in 0..n {
        if rng.below(10) < 7 || r == 0 {
            muni += 1;
        }
        out.push_str(&format!("{r},M{muni},{}", classes[muni % 4]));
        let mut picks = vec![0u64; inst.questions().len()];
        for c in inst.columns() {
            let q = &inst.questions()[c.question];
            let cell = match (&q.kind, c.kind) {
                (_, ColumnKind::Text) => continue,
                (QuestionKind::MultiSelect { max_picks, .. }, _) => {
                    // Sparse picks, never more than max_picks per respondent.
                    let limit = max_picks.map_or(3, |m| m as u64);
                    let pick = rng.below(q.items().len() as u64 * 2) < limit / 2
                        && picks[c.question] < limit;
                    picks[c.question] += u64::from(pick);
                    u64::from(pick)
                }
                _ => {
                    let scale = inst.scale_of(q).unwrap();
                    let k = scale.categories().len() as u64;
                    match rng.below(k * 5 + 1) {
                        0 if !scale.missing().is_empty() => u64::from(scale.missing()[0].code),
                        x => u64::from(scale.categories()[(x % k) as usize].code),
                    }
                }
            };
            out.push(',');
            out.push_str(&cell.to_string());
        }
        out.push('\n');
    }
    out
}
