//! From a measure's [`Inference`] options and a survey to the [`Design`] of its municipalities.

use super::design::{Calibration, Design, DesignKind};
use super::Inference;
use crate::analysis::measures::Attribute;
use crate::analysis::weighting::{place, post_stratify, WeightingMethod, Weights};
use crate::data::Frame;
use crate::data::Survey;
use crate::error::{Error, Result};

/// The design of `survey`'s municipalities that `inference` declares.
pub fn resolve(survey: &Survey, inference: &Inference) -> Result<Design> {
    inference.check()?;
    let n = survey.responses().n_municipalities();
    if let Some(weights) = &inference.weights {
        if inference.frame.is_some() || inference.design != DesignKind::Srs {
            return Err(Error::InvalidArgument {
                name: "weights",
                message: "weights carry their own frame and design (post-stratified or raked): \
                          give weights alone, without frame or design"
                    .into(),
            });
        }
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
    check_weights(survey, weights)?;
    let n = survey.responses().n_municipalities();
    let population = weights.frame_total as f64;
    let mut design = Design::srs(n, Some(population), fpc)?;
    design.weights.clone_from(&weights.values);
    let margins: Vec<Vec<u32>> = weights.margins.iter().map(|m| m.of_unit.clone()).collect();
    let verb = match weights.method {
        WeightingMethod::PostStratified => {
            design.kind = DesignKind::PostStratified;
            design.post_stratify_on(margins.into_iter().next().unwrap_or_default());
            "post-stratified"
        }
        WeightingMethod::Raked => {
            design.kind = DesignKind::Raked;
            design.calibration = Calibration::Raking(margins);
            "raked"
        }
    };
    let names: Vec<&str> = weights
        .margins
        .iter()
        .map(|m| m.attribute.as_str())
        .collect();
    design.description = format!(
        "simple random sample of {n} municipalities from a frame of {population}, {verb} to {}{}",
        names.join(" and "),
        correction(fpc)
    );
    if let Some(note) = &weights.frame_note {
        design.description.push_str(&format!(" ({note})"));
    }
    Ok(design)
}

/// Weights are plain data (a user may build or unpickle them): they must be this survey's, one
/// finite positive weight per municipality, each margin placing every municipality in one of
/// its categories — else the variance would index out of range or divide by zero.
fn check_weights(survey: &Survey, weights: &Weights) -> Result<()> {
    let ids = survey
        .responses()
        .municipalities()
        .iter()
        .map(|m| m.id.as_str());
    let n = survey.responses().n_municipalities();
    let bad = |message: String| Error::InvalidArgument {
        name: "weights",
        message,
    };
    if weights.values.len() != n
        || !weights
            .municipality_ids()
            .iter()
            .map(String::as_str)
            .eq(ids)
    {
        return Err(bad(format!(
            "the weights are for {} municipalities, not this survey's {n}: compute them on this \
             survey",
            weights.values.len()
        )));
    }
    if let Some((id, w)) = weights
        .municipality_ids()
        .iter()
        .zip(&weights.values)
        .find(|(_, w)| !(w.is_finite() && **w > 0.0))
    {
        return Err(bad(format!(
            "municipality '{id}' has weight {w}; weights must be positive"
        )));
    }
    for m in &weights.margins {
        let k = m.categories.len();
        if m.of_unit.len() != n || m.of_unit.iter().any(|&c| c as usize >= k) {
            return Err(bad(format!(
                "margin '{}' does not place every municipality in one of its {k} categories",
                m.attribute
            )));
        }
    }
    if weights.method == WeightingMethod::PostStratified && weights.margins.len() != 1 {
        return Err(bad("post-stratified weights have exactly one margin".into()));
    }
    Ok(())
}

/// A stratified simple random sample: strata from the frame's margin `by`, weights `N_h/n_h`.
fn stratified(survey: &Survey, frame: &Frame, by: Attribute, fpc: bool) -> Result<Design> {
    let placed = place(survey, frame, by)?;
    let m = &placed.margin;
    let mut fpc_h = Vec::with_capacity(m.targets.len());
    let mut w_h = Vec::with_capacity(m.targets.len());
    for ((id, &big_n), &n) in m.categories.iter().zip(&m.targets).zip(&placed.counts) {
        check_stratum(id, n, big_n)?;
        w_h.push(big_n / n as f64);
        fpc_h.push(if fpc { 1.0 - n as f64 / big_n } else { 1.0 });
    }
    let n = survey.responses().n_municipalities();
    let mut design = Design::srs(n, Some(frame.total() as f64), fpc)?;
    design.kind = DesignKind::Stratified;
    design.weights = m.of_unit.iter().map(|&h| w_h[h as usize]).collect();
    design.strata.clone_from(&m.of_unit);
    design.fpc = fpc_h;
    design.n_h.clone_from(&placed.counts);
    let strata: Vec<String> = m
        .categories
        .iter()
        .zip(&m.targets)
        .zip(&placed.counts)
        .map(|((id, big_n), n)| format!("{id} {n}/{big_n}"))
        .collect();
    design.description = format!(
        "stratified simple random sample of {n} municipalities from a frame of {}, strata {} \
         ({}){}",
        frame.total(),
        m.attribute,
        strata.join(", "),
        correction(fpc)
    );
    if let Some(note) = frame.note() {
        design.description.push_str(&format!(" ({note})"));
    }
    Ok(design)
}

/// A stratum of a stratified design needs two sampled municipalities for its variance (R's
/// default `lonely.psu = "fail"`) and cannot hold more than the frame's.
fn check_stratum(id: &str, n: usize, big_n: f64) -> Result<()> {
    let message = if n < 2 {
        format!("stratum '{id}' has {n} sampled municipalities; a stratified variance needs 2")
    } else if n as f64 > big_n {
        format!("stratum '{id}' has {n} sampled municipalities but {big_n} in the frame")
    } else {
        return Ok(());
    };
    Err(Error::InvalidArgument {
        name: "design",
        message,
    })
}

/// How a description states the correction.
pub(super) fn correction(fpc: bool) -> &'static str {
    if fpc {
        ", finite-population correction"
    } else {
        ", no finite-population correction"
    }
}
