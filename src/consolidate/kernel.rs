//! The consolidation kernel: one pass over the municipality groups per column.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{to_u32, Groups, Policy, Rules};
use crate::data::Survey;
use crate::error::{Error, Result};
use crate::instrument::{Code, ColumnKind, Instrument, Unit};

/// Answers of one data column at the question's unit of analysis, in long form: entry `i` says
/// that unit `units[i]` answered `codes[i]` with weight `weights[i]`.
///
/// Entries are ordered by unit index. At municipality unit a unit is an index into
/// [`Responses::municipalities`](crate::data::Responses::municipalities); under
/// [`Policy::Split`] one municipality may have several entries (one per distinct code, in scale
/// order: categories, then missing codes), under every other policy at most one. At respondent
/// unit a unit is a respondent index and every answering respondent has one entry of weight 1.
/// Entries may carry missing codes ('weet niet'); measures decide from the scale whether they
/// count in a base. Empty cells never produce an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightedColumn {
    /// Data column name, `<question>.<item>` or `<question>`.
    pub column: String,
    /// [`Unit::Municipality`] when consolidated, [`Unit::Respondent`] when not.
    pub unit: Unit,
    /// Per entry: municipality index or respondent index (see [`WeightedColumn::unit`]).
    pub units: Vec<u32>,
    /// Per entry: the answer code.
    pub codes: Vec<Code>,
    /// Per entry: the weight, 1.0 except under [`Policy::Split`], where the entries of one
    /// municipality that count in the base have weights `count / k` adding up to exactly 1.0.
    pub weights: Vec<f64>,
    /// Number of units with at least one entry.
    pub n_units: usize,
}

/// Where the kernel puts each consolidated answer: a [`WeightedColumn`], or a measure's counts
/// directly (no column in between when nothing else needs one).
pub trait AnswerSink {
    /// Unit `unit` answered `code` with weight `weight`; entries come in unit order.
    fn push(&mut self, unit: u32, code: Code, weight: f64);
    /// The unit just pushed is complete and had at least one entry.
    fn unit_done(&mut self) {}
}

impl AnswerSink for WeightedColumn {
    fn push(&mut self, unit: u32, code: Code, weight: f64) {
        self.units.push(unit);
        self.codes.push(code);
        self.weights.push(weight);
    }

    fn unit_done(&mut self) {
        self.n_units += 1;
    }
}

impl WeightedColumn {
    fn new(column: &str, unit: Unit, capacity: usize) -> Self {
        WeightedColumn {
            column: column.to_string(),
            unit,
            units: Vec::with_capacity(capacity),
            codes: Vec::with_capacity(capacity),
            weights: Vec::with_capacity(capacity),
            n_units: 0,
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The entries as `(unit, code, weight)`.
    pub fn iter(&self) -> impl Iterator<Item = (u32, Code, f64)> + '_ {
        self.units
            .iter()
            .zip(&self.codes)
            .zip(&self.weights)
            .map(|((&u, &c), &w)| (u, c, w))
    }

    /// Sum of the weights of the entries with `code`: the (possibly fractional) count of units
    /// that answered it.
    pub fn weighted_count(&self, code: Code) -> f64 {
        self.iter()
            .filter(|&(_, c, _)| c == code)
            .map(|(_, _, w)| w)
            .sum()
    }
}

/// Consolidates the data column `column` with the policy `rules` give its question
/// ([`Rules::policy_for`]); respondent-unit questions come back per respondent.
///
/// Errors: [`Error::UnknownId`] for an unknown column; [`Error::InvalidArgument`] for an open-text
/// column or a policy that does not fit the column (`AnyYes` on a scale without two categories).
pub fn consolidate(survey: &Survey, column: &str, rules: &Rules) -> Result<WeightedColumn> {
    let instrument = survey.instrument();
    let position = column_position(instrument, column)?;
    let question = &instrument.questions()[instrument.columns()[position].question];
    consolidate_position(survey, position, rules.policy_for(question))
}

/// Consolidates the column at instrument column `position` with `policy`; `None` leaves it at
/// respondent level (one entry per answering respondent, weight 1), whatever the question's unit.
/// Builds [`Groups`] for the survey; to consolidate many columns build them once and call
/// [`consolidate_with_groups`].
pub fn consolidate_position(
    survey: &Survey,
    position: usize,
    policy: Option<Policy>,
) -> Result<WeightedColumn> {
    match policy {
        None => consolidate_columns(survey, None, position, None),
        Some(_) => {
            let groups = Groups::shared(survey)?;
            consolidate_with_groups(survey, &groups, position, policy)
        }
    }
}

/// [`consolidate_position`] with respondent groups built beforehand by [`Groups::of`] for the
/// same survey ([`Error::InvalidArgument`] if they do not fit it).
pub fn consolidate_with_groups(
    survey: &Survey,
    groups: &Groups,
    position: usize,
    policy: Option<Policy>,
) -> Result<WeightedColumn> {
    check_groups(survey, groups)?;
    consolidate_columns(survey, Some(groups), position, policy)
}

fn check_groups(survey: &Survey, groups: &Groups) -> Result<()> {
    if groups.fits(survey) {
        return Ok(());
    }
    Err(Error::InvalidArgument {
        name: "groups",
        message: format!(
            "groups of {} respondents in {} municipalities do not fit a survey of {} \
             respondents in {} municipalities",
            groups.n_respondents(),
            groups.n_groups(),
            survey.n_respondents(),
            survey.n_municipalities()
        ),
    })
}

/// Every coded and flag column of the survey, in questionnaire order, each with the policy
/// `rules` give its question (open-text columns are left out). Groups respondents once.
pub fn consolidate_all(survey: &Survey, rules: &Rules) -> Result<Vec<WeightedColumn>> {
    let instrument = survey.instrument();
    let groups = Groups::shared(survey)?;
    instrument
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind != ColumnKind::Text)
        .map(|(pos, c)| {
            let policy = rules.policy_for(&instrument.questions()[c.question]);
            consolidate_columns(survey, Some(&groups), pos, policy)
        })
        .collect()
}

pub(super) fn column_position(instrument: &Instrument, column: &str) -> Result<usize> {
    instrument.column_position(column).ok_or_else(|| {
        Error::unknown(
            "column",
            column,
            instrument.columns().iter().map(|c| c.name.as_str()),
        )
    })
}

/// How the codes of one column are classified: slots `0..n_sub` are the substantive categories
/// in scale order (position = slot), the rest the missing codes in listed order.
pub(super) struct Layout {
    /// Code → slot; codes the column does not have (and every code past the last entry, such as
    /// [`NO_ANSWER`](crate::instrument::NO_ANSWER)) map to the dump slot `slot_code.len()`.
    lut: Vec<u16>,
    /// Slot → code.
    slot_code: Vec<Code>,
    /// Slot → counts in the base.
    in_base: Vec<bool>,
    n_sub: usize,
    /// Slots `AnyYes` picks first and second.
    yes: usize,
    no: usize,
}

impl Layout {
    pub(super) fn of(instrument: &Instrument, position: usize) -> Result<Layout> {
        let col = &instrument.columns()[position];
        let question = &instrument.questions()[col.question];
        let (slot_code, in_base, n_sub, yes, no) = match col.kind {
            ColumnKind::Text => {
                return Err(Error::InvalidArgument {
                    name: "column",
                    message: format!(
                        "'{}' is an open-text column, which is not consolidated",
                        col.name
                    ),
                })
            }
            ColumnKind::Flag => (vec![0, 1], vec![true, true], 2, 1, 0),
            ColumnKind::Coded => {
                let scale = instrument.scale_of(question).ok_or_else(|| {
                    Error::instrument(&col.name, "a coded column without a scale")
                })?;
                let mut codes: Vec<Code> = scale.categories().iter().map(|c| c.code).collect();
                let mut base = vec![true; codes.len()];
                let n_sub = codes.len();
                for m in scale.missing() {
                    codes.push(m.code);
                    base.push(m.in_base);
                }
                (codes, base, n_sub, 0, 1)
            }
        };
        let max = usize::from(slot_code.iter().copied().max().unwrap_or(0));
        // Codes are unique u16 values below NO_ANSWER, so a scale has at most 65,535 and every
        // slot, the dump slot included, fits a u16; the check only guards that rule.
        let dump = u16::try_from(slot_code.len()).map_err(|_| {
            Error::instrument(
                format!("questions[{}]", question.id),
                format!("{} codes do not fit a u16 slot", slot_code.len()),
            )
        })?;
        let mut lut = vec![dump; max + 2];
        for (slot, &code) in (0..dump).zip(&slot_code) {
            lut[usize::from(code)] = slot;
        }
        Ok(Layout {
            lut,
            slot_code,
            in_base,
            n_sub,
            yes,
            no,
        })
    }

    /// The slot of `code`, or the dump slot (`slot_code.len()`) for an empty cell or a code the column
    /// does not have. Branch-free, so the kernel's inner loop does not mispredict on the data.
    #[inline]
    pub(super) fn slot_or_dump(&self, code: Code) -> usize {
        usize::from(self.slot_or_dump_u16(code))
    }

    /// [`Layout::slot_or_dump`] in the lookup table's own width, for the kernel's slot array.
    #[inline]
    fn slot_or_dump_u16(&self, code: Code) -> u16 {
        self.lut[usize::from(code).min(self.lut.len() - 1)]
    }

    /// The slot of `code`, if the column has it (never for an empty cell).
    #[inline]
    pub(super) fn slot(&self, code: Code) -> Option<usize> {
        let s = self.slot_or_dump(code);
        (s < self.slot_code.len()).then_some(s)
    }
}

/// The codes of a column as one slice (borrowed from the column-major store).
pub(super) fn column_codes(survey: &Survey, position: usize) -> Result<Cow<'_, [Code]>> {
    let view = survey.responses().codes(position).ok_or_else(|| {
        Error::instrument(
            format!("columns[{position}]"),
            "the column is not stored as codes",
        )
    })?;
    Ok(match view.to_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(view.to_vec()),
    })
}

fn consolidate_columns(
    survey: &Survey,
    groups: Option<&Groups>,
    position: usize,
    policy: Option<Policy>,
) -> Result<WeightedColumn> {
    let name = column_name(survey, position)?;
    let capacity = groups.map_or(survey.n_respondents(), Groups::n_groups);
    let mut out = WeightedColumn::new(name, Unit::Respondent, capacity);
    out.unit = consolidate_into(survey, groups, position, policy, &mut out)?;
    Ok(out)
}

fn column_name(survey: &Survey, position: usize) -> Result<&str> {
    let instrument = survey.instrument();
    instrument
        .columns()
        .get(position)
        .map(|c| c.name.as_str())
        .ok_or_else(|| Error::InvalidArgument {
            name: "position",
            message: format!(
                "column position {position} is out of range; the instrument has {} columns",
                instrument.columns().len()
            ),
        })
}

/// [`consolidate_with_groups`] into any [`AnswerSink`]; returns the unit of the entries.
pub fn consolidate_into_sink<S: AnswerSink>(
    survey: &Survey,
    groups: &Groups,
    position: usize,
    policy: Option<Policy>,
    sink: &mut S,
) -> Result<Unit> {
    check_groups(survey, groups)?;
    consolidate_into(survey, Some(groups), position, policy, sink)
}

fn consolidate_into<S: AnswerSink>(
    survey: &Survey,
    groups: Option<&Groups>,
    position: usize,
    policy: Option<Policy>,
    out: &mut S,
) -> Result<Unit> {
    let instrument = survey.instrument();
    let Some(col) = instrument.columns().get(position) else {
        return Err(Error::InvalidArgument {
            name: "position",
            message: format!(
                "column position {position} is out of range; the instrument has {} columns",
                instrument.columns().len()
            ),
        });
    };
    let layout = Layout::of(instrument, position)?;
    if policy == Some(Policy::AnyYes) && layout.n_sub != 2 {
        return Err(Error::InvalidArgument {
            name: "policy",
            message: format!(
                "'any_yes' needs a scale with exactly 2 categories (ja/nee); column '{}' has {}",
                col.name, layout.n_sub
            ),
        });
    }
    let unit = if policy.is_some() && groups.is_some() {
        Unit::Municipality
    } else {
        Unit::Respondent
    };
    if !survey.responses().is_asked(position) {
        // Not in the input: every cell is empty.
        return Ok(unit);
    }
    let codes = column_codes(survey, position)?;
    let (Some(policy), Some(groups)) = (policy, groups) else {
        per_respondent(&codes, &layout, out)?;
        return Ok(unit);
    };
    per_municipality(&codes, &layout, groups, policy, out)?;
    Ok(unit)
}

/// No consolidation: one entry per answering respondent.
fn per_respondent<S: AnswerSink>(codes: &[Code], layout: &Layout, out: &mut S) -> Result<()> {
    let n = to_u32(codes.len(), "survey", "respondents")?;
    for (r, &c) in (0..n).zip(codes) {
        if layout.slot(c).is_some() {
            out.push(r, c, 1.0);
            out.unit_done();
        }
    }
    Ok(())
}

/// The kernel: per municipality, count the answers by slot (a small reused array), then pick.
fn per_municipality<S: AnswerSink>(
    codes: &[Code],
    layout: &Layout,
    groups: &Groups,
    policy: Policy,
    out: &mut S,
) -> Result<()> {
    let n_groups = groups.n_groups();
    let n_slots = layout.slot_code.len();
    let n_sub = layout.n_sub;
    let ranks = groups.role_ranks();
    // One counter per slot plus the dump slot, reused for every municipality.
    let mut counts = vec![0u32; n_slots + 1];

    // Pass 1, sequential over the CSR order: each respondent's slot, so that pass 2 reads every
    // municipality's answers as one contiguous run. The random reads of `codes` here carry no
    // data-dependent branches, so the processor overlaps them.
    let members = groups.all_members();
    let slots: Vec<u16> = members
        .iter()
        .map(|&r| layout.slot_or_dump_u16(codes[r as usize]))
        .collect();
    let offsets = groups.offsets();

    for m in 0..n_groups {
        let unit = to_u32(m, "survey", "municipalities")?;
        let (lo, hi) = (offsets[m] as usize, offsets[m + 1] as usize);
        let group = &slots[lo..hi];
        if let [only] = group {
            // One respondent (most municipalities): every policy gives their answer, weight 1.
            let slot = *only as usize;
            if slot < n_slots {
                out.push(unit, layout.slot_code[slot], 1.0);
                out.unit_done();
            }
            continue;
        }
        let best = count_answers(&mut counts, group, &members[lo..hi], ranks, policy, n_sub);
        let answered = if policy == Policy::Split {
            push_split(out, unit, &counts, layout)
        } else {
            let code = match pick_slot(policy, &counts, layout, best) {
                Some(s) => Some(layout.slot_code[s]),
                None => missing_rule(&counts, layout),
            };
            if let Some(code) = code {
                out.push(unit, code, 1.0);
            }
            code.is_some()
        };
        if answered {
            out.unit_done();
        }
    }
    Ok(())
}

/// Counts one municipality's answers by slot into `counts`; under `PreferRole` also returns the
/// (rank, slot) of the best-ranked respondent's substantive answer.
#[inline]
fn count_answers(
    counts: &mut [u32],
    group: &[u16],
    members: &[u32],
    ranks: &[u32],
    policy: Policy,
    n_sub: usize,
) -> Option<(u32, usize)> {
    counts.fill(0);
    let mut best: Option<(u32, usize)> = None;
    if policy == Policy::PreferRole {
        for (&slot, &r) in group.iter().zip(members) {
            let slot = slot as usize;
            counts[slot] += 1;
            let rank = ranks[r as usize];
            if slot < n_sub && best.is_none_or(|(b, _)| rank < b) {
                best = Some((rank, slot));
            }
        }
    } else {
        for &slot in group {
            counts[slot as usize] += 1;
        }
    }
    best
}

/// `Split`: the municipality's answers in the base, each with its share of them as weight (the
/// weights add up to exactly 1.0); without any, the missing-code rule. Whether it pushed any.
#[inline]
fn push_split<S: AnswerSink>(out: &mut S, unit: u32, counts: &[u32], layout: &Layout) -> bool {
    let k: u32 = counts
        .iter()
        .zip(&layout.in_base)
        .filter(|(_, &base)| base)
        .map(|(&c, _)| c)
        .sum();
    if k == 0 {
        let code = missing_rule(counts, layout);
        if let Some(code) = code {
            out.push(unit, code, 1.0);
        }
        return code.is_some();
    }
    let kf = f64::from(k);
    let answered = || {
        counts
            .iter()
            .zip(&layout.in_base)
            .zip(&layout.slot_code)
            .filter(|((&c, &base), _)| base && c > 0)
            .map(|((&c, _), &code)| (code, f64::from(c) / kf))
    };
    let sum: f64 = answered().map(|(_, w)| w).sum();
    let last = answered().count() - 1;
    // Rounding: when the shares do not add up to exactly 1.0, the last takes the rest (it
    // differs from count / k by an ulp or so).
    let mut others = 0.0;
    for (i, (code, w)) in answered().enumerate() {
        let w = if i == last && sum != 1.0 {
            1.0 - others
        } else {
            w
        };
        others += w;
        out.push(unit, code, w);
    }
    true
}

/// The slot a whole-answer policy picks from a municipality's substantive answers; `None` when
/// it has none. `best` is [`count_answers`]'s pick under `PreferRole`.
#[inline]
fn pick_slot(
    policy: Policy,
    counts: &[u32],
    layout: &Layout,
    best: Option<(u32, usize)>,
) -> Option<usize> {
    let n_sub = layout.n_sub;
    let n: u32 = counts[..n_sub].iter().sum();
    if n == 0 {
        return None;
    }
    Some(match policy {
        Policy::AnyYes => {
            if counts[layout.yes] > 0 {
                layout.yes
            } else {
                layout.no
            }
        }
        Policy::Median => {
            if n % 2 == 1 {
                slot_at_rank(&counts[..n_sub], (n - 1) / 2)
            } else {
                let a = slot_at_rank(&counts[..n_sub], n / 2 - 1);
                let b = slot_at_rank(&counts[..n_sub], n / 2);
                (a + b) / 2
            }
        }
        Policy::Max => (0..n_sub).rev().find(|&s| counts[s] > 0).unwrap_or(0),
        Policy::Mode => {
            let mut top = 0;
            for s in 1..n_sub {
                if counts[s] > counts[top] {
                    top = s;
                }
            }
            top
        }
        Policy::PreferRole => best.map_or(0, |(_, s)| s),
        // Split weighs every answer instead of picking one (push_split).
        Policy::Split => return None,
    })
}

/// The slot holding the answer of 0-based rank `rank` when the answers are sorted by position.
fn slot_at_rank(counts: &[u32], rank: u32) -> usize {
    let mut seen = 0;
    for (s, &c) in counts.iter().enumerate() {
        seen += c;
        if seen > rank {
            return s;
        }
    }
    counts.len() - 1
}

/// The most frequent missing code given (tie → the lowest code), if any.
fn missing_rule(counts: &[u32], layout: &Layout) -> Option<Code> {
    let mut pick: Option<(u32, Code)> = None;
    let missing = counts.iter().zip(&layout.slot_code).skip(layout.n_sub);
    for (&c, &code) in missing {
        if c == 0 {
            continue;
        }
        if pick.is_none_or(|(pc, pcode)| c > pc || (c == pc && code < pcode)) {
            pick = Some((c, code));
        }
    }
    pick.map(|(_, code)| code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::NO_ANSWER;

    #[test]
    fn rank_lookup() {
        // answers at positions 0, 0, 2, 3
        let counts = [2, 0, 1, 1];
        assert_eq!(slot_at_rank(&counts, 0), 0);
        assert_eq!(slot_at_rank(&counts, 1), 0);
        assert_eq!(slot_at_rank(&counts, 2), 2);
        assert_eq!(slot_at_rank(&counts, 3), 3);
    }

    #[test]
    fn no_answer_has_no_slot() {
        let inst = Instrument::doe_democratie_2013();
        let pos = inst.column_position("strategy_use.seed_money").unwrap();
        let layout = Layout::of(&inst, pos).unwrap();
        assert_eq!(layout.slot(NO_ANSWER), None);
        assert_eq!(layout.slot(1), Some(0));
        assert_eq!(layout.slot(9), Some(4));
        assert_eq!(layout.slot(5), None);
    }
}
