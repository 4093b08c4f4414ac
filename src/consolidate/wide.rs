//! One row per municipality: its attributes and its consolidated answers, for users and for
//! peers (the R reference script reads exactly this table).

use super::{consolidate_all, Policy, Rules, WeightedColumn};
use crate::data::Survey;
use crate::data::{Column, DataTable};
use crate::error::Result;
use crate::instrument::{Code, ColumnKind, Instrument, Unit};

/// The municipalities of `survey` with their attributes (see [`Survey::municipalities`]) and,
/// per municipality-unit column, the consolidated answer under `rules`:
///
/// - a whole-number policy gives one column `<question>.<item>` with the code the municipality
///   got (a missing code such as 9 'weet niet' included; empty when nobody answered);
/// - `split` gives one column per category and per missing code counting in the base,
///   `<question>.<item>:<category id>`, with the municipality's share (summing to 1 over a
///   municipality with a base, all empty without).
///
/// Respondent-unit questions are not consolidated and are left out.
pub fn consolidated_table(survey: &Survey, rules: &Rules) -> Result<DataTable> {
    let instrument = survey.instrument();
    let mut table = survey.municipalities();
    let n = table.n_rows();
    let columns = consolidate_all(survey, rules)?;
    let coded = instrument
        .columns()
        .iter()
        .filter(|c| c.kind != ColumnKind::Text);
    for (col, weighted) in coded.zip(&columns) {
        if weighted.unit != Unit::Municipality {
            continue;
        }
        let question = &instrument.questions()[col.question];
        if rules.policy_for(question) == Some(Policy::Split) {
            let categories = split_categories(instrument, col.question, col.kind);
            let base: Vec<Code> = categories.iter().map(|(_, c)| *c).collect();
            for (suffix, code) in &categories {
                let name = format!("{}:{suffix}", col.name);
                table.push(name, Column::Number(shares(weighted, *code, &base, n)))?;
            }
        } else {
            table.push(col.name.clone(), Column::Number(codes(weighted, n)))?;
        }
    }
    Ok(table)
}

/// Category ids and codes that get a share column under `split`: the categories and the missing
/// codes counting in the base (flags: `0` and `1`).
fn split_categories(
    instrument: &Instrument,
    question: usize,
    kind: ColumnKind,
) -> Vec<(String, Code)> {
    if kind == ColumnKind::Flag {
        return vec![("0".into(), 0), ("1".into(), 1)];
    }
    let Some(scale) = instrument.scale_of(&instrument.questions()[question]) else {
        return Vec::new();
    };
    scale
        .categories()
        .iter()
        .map(|k| (k.id.clone(), k.code))
        .chain(
            scale
                .missing()
                .iter()
                .filter(|m| m.in_base)
                .map(|m| (m.id.clone(), m.code)),
        )
        .collect()
}

/// Every municipality's share of `code` among its entries in the base (`base_codes`); empty
/// for a municipality without such an entry (nobody answered, or only outside the base).
fn shares(col: &WeightedColumn, code: Code, base_codes: &[Code], n: usize) -> Vec<Option<f64>> {
    let mut out: Vec<Option<f64>> = vec![None; n];
    for ((&u, &c), &w) in col.units.iter().zip(&col.codes).zip(&col.weights) {
        let Some(o) = out.get_mut(u as usize) else {
            continue;
        };
        if base_codes.contains(&c) {
            let share = if c == code { w } else { 0.0 };
            *o = Some(o.unwrap_or(0.0) + share);
        }
    }
    out
}

/// The one code each municipality got (whole-number policies).
fn codes(col: &WeightedColumn, n: usize) -> Vec<Option<f64>> {
    let mut out = vec![None; n];
    for (&u, &c) in col.units.iter().zip(&col.codes) {
        if let Some(o) = out.get_mut(u as usize) {
            *o = Some(f64::from(c));
        }
    }
    out
}

impl Survey {
    /// [`consolidate::consolidated_table`](crate::consolidate::consolidated_table): one row per
    /// municipality with its attributes and consolidated answers under `rules`.
    pub fn consolidated(&self, rules: &crate::consolidate::Rules) -> Result<DataTable> {
        crate::consolidate::consolidated_table(self, rules)
    }
}
