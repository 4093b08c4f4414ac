//! From a measure's [`Inference`] options and a survey to the [`Design`] of its municipalities.

use super::design::{Calibration, Design, DesignKind};
use super::Inference;
use crate::analysis::measures::Attribute;
use crate::analysis::weighting::{post_stratify, WeightingMethod, Weights};
use crate::data::Frame;
use crate::error::{Error, Result};
use crate::survey::Survey;

/// The design of `survey`'s municipalities that `inference` declares.
pub fn resolve(survey: &Survey, inference: &Inference) -> Result<Design> {
    inference.check()?;
    let n = survey.responses().n_municipalities();
    if let Some(weights) = &inference.weights {
        return weighted(survey, weights, inference.fpc);
    }
    let population = inference.frame.as_ref().map(|f| f.total() as f64);
    match inference.design {
        DesignKind::Srs => {
            let mut design = Design::srs(n, population, inference.fpc)?;
            if let Some(note) = inference.frame.as_ref().and_then(Frame::note) {
                design.description.push_str(&format!(" ({note})"));
            }
            Ok(design)
        }
        DesignKind::Stratified => stratified(
            survey,
            need_frame(inference)?,
            inference.strata,
            inference.fpc,
        ),
        DesignKind::PostStratified => {
            let weights = post_stratify(survey, need_frame(inference)?, inference.strata)?;
            weighted(survey, &weights, inference.fpc)
        }
        DesignKind::Raked => Err(Error::InvalidArgument {
            name: "design",
            message: "a raked design needs its weights: pass weights=survey.rake(frame, …) \
                      instead of design='raked'"
                .into(),
        }),
    }
}

fn need_frame(inference: &Inference) -> Result<&Frame> {
    inference
        .frame
        .as_ref()
        .ok_or_else(|| Error::InvalidArgument {
            name: "frame",
            message: format!(
            "a {} design needs a frame with the stratum counts (e.g. Frame::municipalities_2013())",
            inference.design.as_str()
        ),
        })
}

/// A design with calibrated weights: a simple random sample from the weights' frame whose
/// variance is residualised within the calibration margins.
fn weighted(survey: &Survey, weights: &Weights, fpc: bool) -> Result<Design> {
    let n = survey.responses().n_municipalities();
    let ids: Vec<&str> = survey
        .responses()
        .municipalities()
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    if weights.municipality_ids() != ids.as_slice() {
        return Err(Error::InvalidArgument {
            name: "weights",
            message: format!(
                "the weights are for {} other municipalities than this survey's {n}: compute them \
                 on this survey",
                weights.values.len()
            ),
        });
    }
    let population = weights.frame_total as f64;
    let mut design = Design::srs(n, Some(population), fpc)?;
    design.weights.clone_from(&weights.values);
    let of_unit = |i: usize| weights.margins.get(i).map(|m| m.of_unit.clone());
    let (kind, calibration) = match weights.method {
        WeightingMethod::PostStratified => (
            DesignKind::PostStratified,
            Calibration::PostStrata(of_unit(0).unwrap_or_default()),
        ),
        WeightingMethod::Raked => (
            DesignKind::Raked,
            Calibration::Raking(weights.margins.iter().map(|m| m.of_unit.clone()).collect()),
        ),
    };
    let margins: Vec<&str> = weights
        .margins
        .iter()
        .map(|m| m.attribute.as_str())
        .collect();
    design.kind = kind;
    design.calibration = calibration;
    design.description = format!(
        "simple random sample of {n} municipalities from a frame of {population}, {} to {}{}",
        if kind == DesignKind::Raked {
            "raked"
        } else {
            "post-stratified"
        },
        margins.join(" and "),
        if fpc {
            ", finite-population correction"
        } else {
            ", no finite-population correction"
        }
    );
    Ok(design)
}

/// A stratified simple random sample: strata from the frame's margin `by`, weights `N_h/n_h`.
fn stratified(survey: &Survey, frame: &Frame, by: Attribute, fpc: bool) -> Result<Design> {
    let margin = by.as_str();
    let strata = frame.margin(margin)?;
    let munis = survey.responses().municipalities();
    let mut of_unit = Vec::with_capacity(munis.len());
    for m in munis {
        let level = match by {
            Attribute::SizeClass => m.size_class.as_deref(),
            Attribute::Province => m.province.as_deref(),
            Attribute::Role => None,
        };
        let h = level
            .and_then(|l| frame.stratum_of(margin, l))
            .ok_or_else(|| Error::Weighting {
                margin: margin.into(),
                category: level.map(str::to_string),
                message: format!(
                    "municipality '{}' falls in no stratum of the frame ({})",
                    m.id,
                    strata.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            })?;
        of_unit.push(u32::try_from(h).map_err(|_| too_many_strata())?);
    }
    let mut n_h = vec![0usize; strata.len()];
    for &h in &of_unit {
        n_h[h as usize] += 1;
    }
    let mut fpc_h = Vec::with_capacity(strata.len());
    let mut w_h = Vec::with_capacity(strata.len());
    for ((id, stratum), &n) in strata.iter().zip(&n_h) {
        if n < 2 {
            return Err(Error::Weighting {
                margin: margin.into(),
                category: Some(id.clone()),
                message: format!(
                    "stratum has {n} sampled municipalities; a stratified variance needs at least 2"
                ),
            });
        }
        let big_n = stratum.count as f64;
        if n as f64 > big_n {
            return Err(Error::Weighting {
                margin: margin.into(),
                category: Some(id.clone()),
                message: format!("{n} sampled municipalities in a stratum of {big_n} in the frame"),
            });
        }
        w_h.push(big_n / n as f64);
        fpc_h.push(if fpc { 1.0 - n as f64 / big_n } else { 1.0 });
    }
    let n = munis.len();
    let population = frame.total() as f64;
    let mut design = Design::srs(n, Some(population), fpc)?;
    design.kind = DesignKind::Stratified;
    design.weights = of_unit.iter().map(|&h| w_h[h as usize]).collect();
    design.strata = of_unit;
    design.fpc = fpc_h;
    design.n_h.clone_from(&n_h);
    design.description = format!(
        "stratified simple random sample of {n} municipalities from a frame of {population}, \
         strata {} ({}){}",
        margin,
        strata
            .iter()
            .zip(&n_h)
            .map(|((id, s), n)| format!("{id} {n}/{}", s.count))
            .collect::<Vec<_>>()
            .join(", "),
        if fpc {
            ", finite-population correction"
        } else {
            ", no finite-population correction"
        }
    );
    if let Some(note) = frame.note() {
        design.description.push_str(&format!(" ({note})"));
    }
    Ok(design)
}

fn too_many_strata() -> Error {
    Error::InvalidArgument {
        name: "frame",
        message: "more strata than fit in 32 bits".into(),
    }
}
