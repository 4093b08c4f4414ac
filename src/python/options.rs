//! Python option values → [`Options`], [`Rules`], [`Policy`]: the one place that reads the
//! keyword arguments of the measures and of consolidation.
//!
//! | keyword | Python value | Rust |
//! |---|---|---|
//! | `by` | `None`, `"size_class"` / `"province"` / `"role"`, or `{"attribute": ..., "groups": {group: [levels]}}` | [`Breakdown`] |
//! | `rules` | `None` or `{question_id: policy name}` | [`Rules`] (each entry checked by [`Rules::with`]) |
//! | `items` | `None` or a list of item ids | [`ItemFilter::items`] |
//! | `tag` | `None` or a `(grouping, level)` pair | [`ItemFilter::tag`] |
//! | `base` | `"scale"` or `"substantive"` | [`Base`] |
//! | `policy` | `None` or `split`, `any_yes`, `median`, `max`, `mode`, `prefer_role` | [`Policy`] |
//!
//! Wrong values raise `InvalidArgumentError` (a `ValueError`) naming the keyword; ids that name
//! nothing in the instrument raise `UnknownIdError` (a `KeyError`), as the Rust API does. Nothing
//! here panics on user input.

use indexmap::IndexMap;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use super::frame::{PyFrame, PyWeights};
use crate::analysis::inference::Adjust;
use crate::analysis::{
    Attribute, Base, Breakdown, CiMethod, DesignKind, Inference, ItemFilter, Lang, Options,
    TestMethod,
};
use crate::{Error, Instrument, Policy, Rules};

fn invalid(name: &'static str, message: impl Into<String>) -> PyErr {
    Error::InvalidArgument {
        name,
        message: message.into(),
    }
    .into()
}

/// The Python type name of a value, for messages.
fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A `str`, or `InvalidArgumentError` saying what `what` should have been.
fn text(name: &'static str, what: &str, value: &Bound<'_, PyAny>) -> PyResult<String> {
    match value.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?.into_owned()),
        Err(_) => Err(invalid(
            name,
            format!("{what} must be a str, not {}", type_name(value)),
        )),
    }
}

/// A list or tuple of `str` (a bare string is refused: it is a sequence of characters).
fn texts(name: &'static str, what: &str, value: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if value.is_instance_of::<PyString>() || value.cast::<PyDict>().is_ok() {
        return Err(invalid(
            name,
            format!("{what} must be a list of str, not {}", type_name(value)),
        ));
    }
    let Ok(iter) = value.try_iter() else {
        return Err(invalid(
            name,
            format!("{what} must be a list of str, not {}", type_name(value)),
        ));
    };
    iter.map(|v| text(name, &format!("each of {what}"), &v?))
        .collect()
}

/// `by`: an attribute name or a breakdown dict.
pub(crate) fn breakdown(by: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Breakdown>> {
    let Some(by) = by.filter(|b| !b.is_none()) else {
        return Ok(None);
    };
    if let Ok(s) = by.cast::<PyString>() {
        let attribute: Attribute = s.to_cow()?.parse()?;
        return Ok(Some(Breakdown::by(attribute)));
    }
    let Ok(d) = by.cast::<PyDict>() else {
        return Err(invalid(
            "by",
            format!(
                "must be 'size_class', 'province', 'role' or a dict {{'attribute': ..., 'groups': \
                 {{group: [levels]}}}}, not {}",
                type_name(by)
            ),
        ));
    };
    let mut attribute = None;
    let mut groups = IndexMap::new();
    for (key, value) in d.iter() {
        match text("by", "a key of the breakdown dict", &key)?.as_str() {
            "attribute" => {
                attribute = Some(text("by", "'attribute'", &value)?.parse::<Attribute>()?);
            }
            "groups" => {
                if value.is_none() {
                    continue;
                }
                let Ok(g) = value.cast::<PyDict>() else {
                    return Err(invalid(
                        "by",
                        format!(
                            "'groups' must be a dict of group name → list of levels, not {}",
                            type_name(&value)
                        ),
                    ));
                };
                for (name, levels) in g.iter() {
                    let name = text("by", "a group name", &name)?;
                    let levels = texts("by", &format!("the levels of group '{name}'"), &levels)?;
                    if levels.is_empty() {
                        return Err(invalid("by", format!("group '{name}' has no levels")));
                    }
                    groups.insert(name, levels);
                }
            }
            other => {
                return Err(invalid(
                    "by",
                    format!("unknown key '{other}' in the breakdown dict; expected 'attribute' and 'groups'"),
                ))
            }
        }
    }
    let attribute = attribute.ok_or_else(|| {
        invalid(
            "by",
            "the breakdown dict needs an 'attribute' ('size_class', 'province' or 'role')",
        )
    })?;
    Ok(Some(Breakdown { attribute, groups }))
}

/// A policy name.
pub(crate) fn policy(name: &str) -> PyResult<Policy> {
    Ok(name.parse::<Policy>()?)
}

/// `rules`: `{question_id: policy name}`, each entry checked against `instrument`.
pub(crate) fn rules(instrument: &Instrument, rules: Option<&Bound<'_, PyAny>>) -> PyResult<Rules> {
    let Some(rules) = rules.filter(|r| !r.is_none()) else {
        return Ok(Rules::default());
    };
    let Ok(d) = rules.cast::<PyDict>() else {
        return Err(invalid(
            "rules",
            format!(
                "must be a dict of question id → policy name (split, any_yes, median, max, mode, \
                 prefer_role), not {}",
                type_name(rules)
            ),
        ));
    };
    let mut out = Rules::default();
    for (question, name) in d.iter() {
        let question = text("rules", "a question id", &question)?;
        let name = text("rules", &format!("the policy of '{question}'"), &name)?;
        out = out.with(instrument, &question, policy(&name)?)?;
    }
    Ok(out)
}

/// `items` and `tag`.
pub(crate) fn item_filter(
    items: Option<&Bound<'_, PyAny>>,
    tag: Option<&Bound<'_, PyAny>>,
) -> PyResult<ItemFilter> {
    let items = match items.filter(|i| !i.is_none()) {
        None => Vec::new(),
        Some(items) => {
            let items = texts("items", "items", items)?;
            if items.is_empty() {
                return Err(invalid(
                    "items",
                    "an empty list selects nothing; pass None for every item",
                ));
            }
            items
        }
    };
    let tag = match tag.filter(|t| !t.is_none()) {
        None => None,
        Some(tag) => {
            let pair = texts("tag", "tag", tag)
                .ok()
                .and_then(|p| <[String; 2]>::try_from(p).ok());
            let Some([grouping, level]) = pair else {
                return Err(invalid(
                    "tag",
                    "must be a (grouping, level) pair of str, e.g. ('rung', 'facilitating')",
                ));
            };
            Some((grouping, level))
        }
    };
    Ok(ItemFilter { items, tag })
}

/// `base`.
pub(crate) fn base(base: &str) -> PyResult<Base> {
    match base {
        "scale" => Ok(Base::Scale),
        "substantive" => Ok(Base::Substantive),
        other => Err(invalid(
            "base",
            format!("unknown base '{other}'; expected 'scale' or 'substantive'"),
        )),
    }
}

/// The inference keywords every measure takes (see [`Inference`]).
pub(crate) struct InferenceArgs<'a, 'py> {
    pub frame: Option<&'a Bound<'py, PyAny>>,
    pub design: &'a str,
    pub strata: &'a str,
    pub weights: Option<&'a Bound<'py, PyAny>>,
    pub fpc: bool,
    pub ci: Option<&'a str>,
    pub level: f64,
    pub test: Option<&'a str>,
    pub adjust: &'a str,
    pub n_perm: u64,
    pub seed: u64,
}

/// The inference keywords as [`Inference`].
pub(crate) fn inference(a: &InferenceArgs<'_, '_>) -> PyResult<Inference> {
    let frame = match a.frame {
        None => None,
        Some(f) => Some(
            f.cast::<PyFrame>()
                .map_err(|_| invalid("frame", format!("expected a Frame, got {}", type_name(f))))?
                .get()
                .inner
                .clone(),
        ),
    };
    let weights = match a.weights {
        None => None,
        Some(w) => Some(
            w.cast::<PyWeights>()
                .map_err(|_| {
                    invalid(
                        "weights",
                        format!(
                            "expected Weights from survey.post_stratify() or survey.rake(), got {}",
                            type_name(w)
                        ),
                    )
                })?
                .get()
                .inner
                .clone(),
        ),
    };
    Ok(Inference {
        design: a.design.parse::<DesignKind>()?,
        frame,
        strata: a.strata.parse::<Attribute>()?,
        weights,
        fpc: a.fpc,
        ci: a.ci.map(str::parse::<CiMethod>).transpose()?,
        level: a.level,
        test: a.test.map(str::parse::<TestMethod>).transpose()?,
        adjust: a.adjust.parse::<Adjust>()?,
        n_perm: a.n_perm,
        seed: a.seed,
    })
}

/// The keyword arguments of a measure as [`Options`].
#[allow(clippy::too_many_arguments)] // the measure's keyword options, one for one
pub(crate) fn measure_options(
    instrument: &Instrument,
    by: Option<&Bound<'_, PyAny>>,
    rules_: Option<&Bound<'_, PyAny>>,
    items: Option<&Bound<'_, PyAny>>,
    tag: Option<&Bound<'_, PyAny>>,
    base_: &str,
    lang: &str,
    inference_: &InferenceArgs<'_, '_>,
) -> PyResult<Options> {
    Ok(Options {
        lang: lang.parse::<Lang>()?,
        rules: rules(instrument, rules_)?,
        by: breakdown(by)?,
        items: item_filter(items, tag)?,
        base: base(base_)?,
        inference: inference(inference_)?,
    })
}
