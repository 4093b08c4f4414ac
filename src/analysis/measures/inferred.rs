//! The inference columns of a measure: per item, one more pass over the consolidated column
//! that sums each municipality's weights per code and group (the municipality is the cluster of
//! its respondents at respondent unit), then estimates, letters and the test from those totals.

use super::{Grouping, Options};
use crate::analysis::inference::{
    estimate, group_tests, pairwise_letters, resolve, Design, DomainTotals, Estimate, GroupCells,
    GroupTest, Inference, Quantity, TableInference, TestInput,
};
use crate::consolidate::WeightedColumn;
use crate::data::Survey;
use crate::error::{Error, Result};
use crate::instrument::{Code, Unit};

/// What one row of a measure estimates: `Σ coef·weight(code)` over the numerator codes, divided
/// by the weight of the base.
#[derive(Debug, Clone)]
pub(super) struct Spec {
    pub num: Vec<(Code, f64)>,
    pub base: SpecBase,
    pub quantity: Quantity,
    /// Whether the row gets pairwise letters (rows outside the base do not).
    pub letters: bool,
}

/// The base of a row: the weight of some codes, or every unit of the group (mentions, where a
/// blank means 'not picked').
#[derive(Debug, Clone)]
pub(super) enum SpecBase {
    Codes(Vec<Code>),
    Members,
}

/// The contingency table a test of one item runs on: categories as code sets over a base.
#[derive(Debug, Clone)]
pub(super) struct TestTable {
    pub categories: Vec<Vec<(Code, f64)>>,
    pub base: SpecBase,
    /// Add a last category: the base minus the others (mentions: 'not picked', blanks included).
    pub complement: bool,
    pub mean: bool,
}

/// A measure's inference over one survey: the design and every unit's municipality.
pub(super) struct Run<'a> {
    pub design: Design,
    pub inference: &'a Inference,
    unit: Unit,
    cluster_of: Vec<u32>,
    /// Per group slot: the municipalities with units in it, compactly.
    slots: Vec<Slot>,
    /// Elementary units (rows, as R counts them) in the whole sample.
    total_rows: f64,
}

/// The municipalities of one group slot: a slot's totals are stored for these only (a size
/// class holds a fraction of the municipalities), in this order.
struct Slot {
    /// Municipality indices, ascending.
    members: Vec<u32>,
    /// Municipality → position in `members` (`u32::MAX` when not in the slot).
    local: Vec<u32>,
    /// Per member: how many of its units are in the slot.
    units: Vec<f64>,
}

impl Slot {
    fn build(n: usize, units: &[f64]) -> Slot {
        let members: Vec<u32> = (0..n)
            .filter(|&c| units[c] > 0.0)
            .map(|c| u32::try_from(c).unwrap_or(u32::MAX))
            .collect();
        let mut local = vec![u32::MAX; n];
        for (k, &c) in members.iter().enumerate() {
            local[c as usize] = u32::try_from(k).unwrap_or(u32::MAX);
        }
        let units = members.iter().map(|&c| units[c as usize]).collect();
        Slot {
            members,
            local,
            units,
        }
    }
}

/// Per item: estimates and letters per slot and spec, and the test.
pub(super) struct ItemInference {
    pub estimates: Vec<Vec<Option<Estimate>>>,
    pub letters: Vec<Vec<Option<String>>>,
    pub test: Option<GroupTest>,
}

impl<'a> Run<'a> {
    /// The run for `options`, or `None` when they ask for no inference and `force` is off.
    pub fn new(
        survey: &Survey,
        unit: Unit,
        grouping: &Grouping,
        options: &'a Options,
        force: bool,
    ) -> Result<Option<Run<'a>>> {
        let inference = &options.inference;
        if !(force || inference.is_active()) {
            return Ok(None);
        }
        if inference.test.is_some() && grouping.names.len() < 3 {
            return Err(Error::InvalidArgument {
                name: "test",
                message: "a test compares the groups of a breakdown: give `by` with at least two \
                          groups"
                    .into(),
            });
        }
        if inference.test.is_some()
            && (0..grouping.offsets.len() - 1).any(|u| grouping.of(u).len() > 2)
        {
            return Err(Error::InvalidArgument {
                name: "test",
                message: "a test compares groups that do not overlap, and this breakdown puts \
                          some units in two groups (a level merged into several groups)"
                    .into(),
            });
        }
        let design = if inference.is_active() {
            resolve(survey, inference)?
        } else {
            Design::plain(survey.responses().n_municipalities())
        };
        let responses = survey.responses();
        let cluster_of: Vec<u32> = match unit {
            Unit::Municipality => (0..responses.n_municipalities())
                .map(|m| u32::try_from(m).unwrap_or(u32::MAX))
                .collect(),
            Unit::Respondent => responses.municipality_index().to_vec(),
        };
        let n = design.n_units();
        let mut units = vec![vec![0.0; n]; grouping.names.len()];
        for (u, &c) in cluster_of.iter().enumerate() {
            for &slot in grouping.of(u) {
                units[slot as usize][c as usize] += 1.0;
            }
        }
        let slots = units.iter().map(|u| Slot::build(n, u)).collect();
        Ok(Some(Run {
            design,
            inference,
            unit,
            total_rows: cluster_of.len() as f64,
            cluster_of,
            slots,
        }))
    }

    /// Per slot, per member municipality × code: the summed weights of one column.
    pub fn tally(&self, col: &WeightedColumn, grouping: &Grouping, width: usize) -> Vec<Vec<f64>> {
        let mut data: Vec<Vec<f64>> = self
            .slots
            .iter()
            .map(|s| vec![0.0; s.members.len() * width])
            .collect();
        for ((&u, &code), &w) in col.units.iter().zip(&col.codes).zip(&col.weights) {
            let c = self.cluster_of[u as usize] as usize;
            for &slot in grouping.of(u as usize) {
                let k = self.slots[slot as usize].local[c] as usize;
                data[slot as usize][k * width + code as usize] += w;
            }
        }
        data
    }

    /// A slot's compact values over all municipalities (0 outside the slot).
    fn full(&self, slot: usize, values: &[f64]) -> Vec<f64> {
        self.design.scatter(&self.slots[slot].members, values)
    }

    /// Per municipality: `Σ coef·weight(code)`.
    fn column(data: &[f64], width: usize, num: &[(Code, f64)]) -> Vec<f64> {
        data.chunks_exact(width)
            .map(|row| num.iter().map(|&(c, k)| k * row[c as usize]).sum())
            .collect()
    }

    fn base(&self, data: &[f64], width: usize, slot: usize, base: &SpecBase) -> Vec<f64> {
        match base {
            SpecBase::Codes(codes) => {
                let num: Vec<(Code, f64)> = codes.iter().map(|&c| (c, 1.0)).collect();
                Self::column(data, width, &num)
            }
            SpecBase::Members => self.slots[slot].units.clone(),
        }
    }

    /// Elementary units in a domain: municipalities with a base, or respondents in the base.
    fn units(&self, b: &[f64]) -> f64 {
        match self.unit {
            Unit::Municipality => b.iter().filter(|&&b| b > 0.0).count() as f64,
            Unit::Respondent => b.iter().sum(),
        }
    }

    /// Everything the rows and the test of one item need.
    pub fn item(
        &self,
        data: &[Vec<f64>],
        width: usize,
        specs: &[Spec],
        test: Option<(&TestTable, Option<String>, bool)>,
    ) -> Result<ItemInference> {
        let mut ys = Vec::with_capacity(data.len());
        let mut estimates = Vec::with_capacity(data.len());
        for (slot, d) in data.iter().enumerate() {
            let mut per_spec = Vec::with_capacity(specs.len());
            let mut spec_yb = Vec::with_capacity(specs.len());
            for spec in specs {
                let y = Self::column(d, width, &spec.num);
                let b = self.base(d, width, slot, &spec.base);
                let units = self.units(&b);
                let totals = DomainTotals {
                    index: &self.slots[slot].members,
                    y: &y,
                    b: &b,
                    units,
                    // R's `nrow()` of the domain: its elementary units, or, for a calibrated
                    // design (whose domains keep every row), all of them.
                    rows: if self.design.calibrated() {
                        self.total_rows
                    } else {
                        units
                    },
                    clustered: self.unit == Unit::Respondent,
                };
                let i = self.inference;
                per_spec.push(estimate(
                    &self.design,
                    &totals,
                    spec.quantity,
                    i.ci,
                    i.level,
                ));
                spec_yb.push((y, b));
            }
            estimates.push(per_spec);
            ys.push(spec_yb);
        }
        let letters = self.letters(&ys, specs);
        let test = match (self.inference.test, test) {
            (Some(_), Some((table, item, whole))) if data.len() > 2 => {
                Some(self.test(data, width, table, item, whole)?)
            }
            _ => None,
        };
        Ok(ItemInference {
            estimates,
            letters,
            test,
        })
    }

    /// Pairwise letters per spec over the breakdown's groups (slot 0, `all`, takes no part).
    fn letters(
        &self,
        ys: &[Vec<(Vec<f64>, Vec<f64>)>],
        specs: &[Spec],
    ) -> Vec<Vec<Option<String>>> {
        let mut out = vec![vec![None; specs.len()]; ys.len()];
        if self.inference.test.is_none() || ys.len() < 3 {
            return out;
        }
        let alpha = 1.0 - self.inference.level;
        for (s, spec) in specs.iter().enumerate() {
            if !spec.letters {
                continue;
            }
            // The pairwise differences need every group on all municipalities.
            let y: Vec<Vec<f64>> = (1..ys.len()).map(|g| self.full(g, &ys[g][s].0)).collect();
            let b: Vec<Vec<f64>> = (1..ys.len()).map(|g| self.full(g, &ys[g][s].1)).collect();
            let y: Vec<&[f64]> = y.iter().map(Vec::as_slice).collect();
            let b: Vec<&[f64]> = b.iter().map(Vec::as_slice).collect();
            let found = pairwise_letters(&self.design, &y, &b, alpha, self.inference.adjust);
            for (slot, l) in found.into_iter().enumerate() {
                out[slot + 1][s] = Some(l);
            }
        }
        out
    }

    fn test(
        &self,
        data: &[Vec<f64>],
        width: usize,
        table: &TestTable,
        item: Option<String>,
        whole_counts: bool,
    ) -> Result<GroupTest> {
        let mut cells = GroupCells {
            y: Vec::new(),
            b: Vec::new(),
            units: Vec::new(),
        };
        for (g, d) in data.iter().enumerate().skip(1) {
            let mut y: Vec<Vec<f64>> = table
                .categories
                .iter()
                .map(|num| Self::column(d, width, num))
                .collect();
            let b = self.base(d, width, g, &table.base);
            if table.complement {
                let rest = (0..b.len())
                    .map(|i| b[i] - y.iter().map(|y| y[i]).sum::<f64>())
                    .collect();
                y.push(rest);
            }
            for i in 0..b.len() {
                if b[i] > 0.0 {
                    let label = u32::try_from(g - 1).unwrap_or(u32::MAX);
                    cells.units.push((label, y.iter().map(|y| y[i]).collect()));
                }
            }
            cells.y.push(y.iter().map(|y| self.full(g, y)).collect());
            cells.b.push(self.full(g, &b));
        }
        let input = TestInput {
            design: &self.design,
            inference: self.inference,
            item,
            whole_counts,
            mean: table.mean,
        };
        group_tests(&input, &cells)
    }

    /// What the table declares.
    pub fn declare(&self, tests: Vec<GroupTest>, groups: &[String]) -> TableInference {
        let i = self.inference;
        let frame_note = match (&i.frame, &i.weights) {
            (Some(frame), _) => frame.note().map(str::to_string),
            (None, Some(weights)) => weights.frame_note.clone(),
            (None, None) => None,
        };
        TableInference {
            design: self.design.description().to_string(),
            kind: self.design.kind(),
            ci: i.ci,
            level: i.level,
            frame_note,
            tests,
            adjust: i.adjust,
            letters: if i.test.is_some() {
                groups
                    .iter()
                    .skip(1)
                    .enumerate()
                    .map(|(k, g)| (g.clone(), crate::analysis::inference::letter(k)))
                    .collect()
            } else {
                Default::default()
            },
        }
    }
}
