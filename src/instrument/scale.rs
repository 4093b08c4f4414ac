//! Answer scales: ordered categories, missing-value codes and named nets.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::check_id;
use super::names::{fold, Named};
use crate::error::{Error, Result};

/// A numeric answer code as stored in the data (`1` = "Vaak", `9` = "Weet niet", …).
pub type Code = u16;

/// The one code value no scale may use: the columnar store marks an empty cell with it.
pub const NO_ANSWER: Code = Code::MAX;

/// One substantive answer category of a scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// The code stored in the data.
    pub code: Code,
    /// Stable English identifier, e.g. `often`.
    pub id: String,
    /// The Dutch label exactly as the report prints it.
    pub label_nl: String,
    /// English label.
    pub label_en: String,
    /// Other Dutch spellings a data file may use (short forms, singulars), matched like the
    /// labels: case, accents and surrounding space ignored. An alias must name this one only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases_nl: Vec<String>,
    /// Other English spellings, as `aliases_nl`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases_en: Vec<String>,
}

/// What kind of missing answer a [`MissingCode`] stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingKind {
    /// 'Weet niet' (don't know).
    DontKnow,
    /// The respondent declined to answer.
    Refused,
    /// The question did not apply.
    NotApplicable,
}

/// A code that is a valid answer but not a substantive category ('weet niet' and the like).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissingCode {
    /// The code stored in the data.
    pub code: Code,
    /// Stable English identifier, e.g. `dont_know`.
    pub id: String,
    /// Dutch label as printed, e.g. `Weet niet`.
    pub label_nl: String,
    /// English label.
    pub label_en: String,
    /// Other Dutch spellings a data file may use (short forms, singulars), matched like the
    /// labels: case, accents and surrounding space ignored. An alias must name this one only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases_nl: Vec<String>,
    /// Other English spellings, as `aliases_nl`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases_en: Vec<String>,
    /// Which kind of missing answer this is.
    pub kind: MissingKind,
    /// Whether answers with this code count in the base of percentages (Fig 2.2 shows
    /// 'Weet niet' as a category of n=98; the frequency grids leave it out of the item n).
    #[serde(default)]
    pub in_base: bool,
}

/// A named union of substantive categories, e.g. the top-2 box "vaak of regelmatig".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Net {
    /// Stable English identifier, e.g. `top2`.
    pub id: String,
    /// Dutch label, e.g. `vaak of regelmatig`.
    pub label_nl: String,
    /// English label.
    pub label_en: String,
    /// The category codes the net combines.
    pub codes: Vec<Code>,
}

/// An answer scale. Construct with [`Scale::new`], which checks every rule; an invalid scale cannot
/// exist, including one read from a file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "ScaleSpec", into = "ScaleSpec")]
pub struct Scale {
    id: String,
    label_en: String,
    categories: Vec<Category>,
    missing: Vec<MissingCode>,
    nets: Vec<Net>,
    lookup: HashMap<String, Code>,
}

impl PartialEq for Scale {
    fn eq(&self, other: &Self) -> bool {
        // `lookup` is derived from the other fields.
        self.id == other.id
            && self.label_en == other.label_en
            && self.categories == other.categories
            && self.missing == other.missing
            && self.nets == other.nets
    }
}

/// The file form of a [`Scale`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScaleSpec {
    id: String,
    #[serde(default)]
    label_en: String,
    categories: Vec<Category>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    missing: Vec<MissingCode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    nets: Vec<Net>,
}

impl TryFrom<ScaleSpec> for Scale {
    type Error = Error;
    fn try_from(s: ScaleSpec) -> Result<Self> {
        Scale::new(s.id, s.label_en, s.categories, s.missing, s.nets)
    }
}

impl From<Scale> for ScaleSpec {
    fn from(s: Scale) -> Self {
        ScaleSpec {
            id: s.id,
            label_en: s.label_en,
            categories: s.categories,
            missing: s.missing,
            nets: s.nets,
        }
    }
}

/// A cell is read as a number before it is looked up as an id or label, so an id or label that
/// is a whole number other than its own code would make that cell mean two things.
fn not_another_number(at: &str, field: &str, key: &str, code: Code) -> Result<()> {
    match integral_float(key.trim()) {
        Some(number) if number != code => Err(Error::instrument(
            format!("{at}.{field}"),
            format!(
                "{field} '{key}' is the number {number} but names code {code}: a cell '{}' is \
                 read as code {number}",
                key.trim()
            ),
        )),
        _ => Ok(()),
    }
}

impl Scale {
    /// Builds a scale and checks it: at least one category; codes and ids unique across categories
    /// and missing codes (so a missing code cannot also be substantive); non-empty labels; no id or
    /// label that is a whole number other than its own code (a cell `"2"` must mean one thing);
    /// nets that name only substantive codes of this scale; no code equal to [`NO_ANSWER`].
    ///
    /// ```
    /// use doe_democratie::instrument::{Category, MissingCode, MissingKind, Net, Scale};
    /// let cat = |code, id: &str, nl: &str| Category {
    ///     code, id: id.into(), label_nl: nl.into(), label_en: id.into(),
    ///     aliases_nl: vec![], aliases_en: vec![] };
    /// let scale = Scale::new(
    ///     "yes_no", "Yes / no",
    ///     vec![cat(1, "yes", "Ja"), cat(2, "no", "Nee")],
    ///     vec![MissingCode { code: 9, id: "dont_know".into(), label_nl: "Weet niet".into(),
    ///          label_en: "Don't know".into(), aliases_nl: vec!["wn".into()], aliases_en: vec![],
    ///          kind: MissingKind::DontKnow, in_base: true }],
    ///     vec![],
    /// ).unwrap();
    /// assert_eq!(scale.parse_cell("Weet niet"), Some(9));
    /// assert_eq!(scale.parse_cell(" WN "), Some(9)); // an alias, case ignored
    ///
    /// // A net that names a code outside the scale is refused.
    /// let bad = Scale::new("s", "", vec![cat(1, "a", "A")], vec![],
    ///     vec![Net { id: "top".into(), label_nl: "top".into(), label_en: "top".into(), codes: vec![7] }]);
    /// assert!(bad.is_err());
    /// ```
    pub fn new(
        id: impl Into<String>,
        label_en: impl Into<String>,
        categories: Vec<Category>,
        missing: Vec<MissingCode>,
        nets: Vec<Net>,
    ) -> Result<Self> {
        let id = id.into();
        let at = format!("scales[{id}]");
        check_id(&at, &id)?;
        if categories.is_empty() {
            return Err(Error::instrument(
                &at,
                "a scale needs at least one category",
            ));
        }
        let mut lookup: HashMap<String, Code> = HashMap::new();
        let mut codes: HashMap<Code, &str> = HashMap::new();
        let entries = categories
            .iter()
            .map(|c| (c.code, c as &dyn Named, "categories"))
            .chain(missing.iter().map(|m| (m.code, m as &dyn Named, "missing")));
        for (code, named, part) in entries {
            let cid = named.id();
            // A category's or missing code's label (it has no short label).
            let nl = named.labels_nl().first().copied().unwrap_or_default();
            let en = named.labels_en().first().copied().unwrap_or_default();
            let at = format!("{at}.{part}[{cid}]");
            check_id(&at, cid)?;
            if code == NO_ANSWER {
                return Err(Error::instrument(
                    &at,
                    format!("code {NO_ANSWER} is reserved for an empty cell"),
                ));
            }
            if let Some(prev) = codes.insert(code, cid) {
                let what = if part == "missing" {
                    "a missing code may not also be a substantive category"
                } else {
                    "codes must be unique within a scale"
                };
                return Err(Error::instrument(
                    &at,
                    format!("code {code} is used by both '{prev}' and '{cid}': {what}"),
                ));
            }
            if nl.trim().is_empty() {
                return Err(Error::instrument(&at, "empty Dutch label (label_nl)"));
            }
            if en.trim().is_empty() {
                return Err(Error::instrument(&at, "empty English label (label_en)"));
            }
            let names = [("id", cid), ("label_nl", nl), ("label_en", en)]
                .into_iter()
                .chain(named.aliases().into_iter().map(|a| ("aliases", a)));
            for (field, key) in names {
                not_another_number(&at, field, key, code)?;
                if field == "aliases" && fold(key).is_empty() {
                    return Err(Error::instrument(&at, "empty alias"));
                }
                match lookup.insert(fold(key), code) {
                    Some(other) if other != code => {
                        return Err(Error::instrument(
                            &at,
                            format!(
                                "'{key}' names both code {other} and code {code} (names are \
                                 compared ignoring case and accents)"
                            ),
                        ))
                    }
                    _ => {}
                }
            }
        }
        let mut net_ids = std::collections::HashSet::new();
        for net in &nets {
            let at = format!("{at}.nets[{}]", net.id);
            check_id(&at, &net.id)?;
            if !net_ids.insert(net.id.as_str()) {
                return Err(Error::instrument(&at, "duplicate net id"));
            }
            if net.codes.is_empty() {
                return Err(Error::instrument(&at, "a net needs at least one code"));
            }
            if net.label_nl.trim().is_empty() {
                return Err(Error::instrument(&at, "empty Dutch label (label_nl)"));
            }
            for code in &net.codes {
                if !categories.iter().any(|c| c.code == *code) {
                    let why = if missing.iter().any(|m| m.code == *code) {
                        "is a missing code, not a substantive category"
                    } else {
                        "is not a code of this scale"
                    };
                    return Err(Error::instrument(&at, format!("code {code} {why}")));
                }
            }
        }
        Ok(Scale {
            id,
            label_en: label_en.into(),
            categories,
            missing,
            nets,
            lookup,
        })
    }

    /// The scale's id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// English description of the scale.
    pub fn label_en(&self) -> &str {
        &self.label_en
    }
    /// Substantive categories in scale order.
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }
    /// Missing-value codes ('weet niet' …).
    pub fn missing(&self) -> &[MissingCode] {
        &self.missing
    }
    /// Named nets (top-2 box …).
    pub fn nets(&self) -> &[Net] {
        &self.nets
    }
    /// A net by id.
    pub fn net(&self, id: &str) -> Result<&Net> {
        self.nets
            .iter()
            .find(|n| n.id == id)
            .ok_or_else(|| Error::unknown("net", id, self.nets.iter().map(|n| n.id.as_str())))
    }
    /// Whether `code` is a substantive category.
    pub fn is_substantive(&self, code: Code) -> bool {
        self.categories.iter().any(|c| c.code == code)
    }
    /// The missing-code definition of `code`, if it is one.
    pub fn missing_code(&self, code: Code) -> Option<&MissingCode> {
        self.missing.iter().find(|m| m.code == code)
    }
    /// Whether `code` is any valid code of this scale (substantive or missing).
    pub fn is_valid(&self, code: Code) -> bool {
        self.is_substantive(code) || self.missing_code(code).is_some()
    }
    /// Largest valid code: the size of a dense per-code counting array is `max_code() + 1`.
    pub fn max_code(&self) -> Code {
        self.categories
            .iter()
            .map(|c| c.code)
            .chain(self.missing.iter().map(|m| m.code))
            .max()
            .unwrap_or(0)
    }

    /// Reads one data cell: a numeric code (digits, optionally followed by `.` and zeros, as
    /// spreadsheets write whole numbers: `3`, `3.0`), a category id, or its Dutch or English label
    /// or alias (compared [`fold`]ed: case, accents and surrounding space ignored). `None` if it
    /// names nothing in this scale.
    pub fn parse_cell(&self, cell: &str) -> Option<Code> {
        let t = cell.trim();
        if let Some(code) = integral_float(t) {
            return self.is_valid(code).then_some(code);
        }
        self.lookup.get(&fold(t)).copied()
    }

    /// The Dutch label of a code (substantive or missing).
    pub fn label_nl(&self, code: Code) -> Option<&str> {
        self.categories
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.label_nl.as_str())
            .or_else(|| self.missing_code(code).map(|m| m.label_nl.as_str()))
    }
}

/// A code written as a whole number: ASCII digits, optionally followed by `.` and one or more
/// zeros (`"3"`, `"3.0"`, `"3.00"` → 3), as spreadsheets and pandas write whole codes. Decided on
/// the text, never through an `f64`, which would round `"0.99999999999999999"` to 1; exponents,
/// signs and any other fraction are not whole numbers. `None` also past the largest code.
pub(crate) fn integral_float(t: &str) -> Option<Code> {
    let (whole, zeros) = match t.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (t, None),
    };
    let digits = |s: &str, ok: fn(&u8) -> bool| !s.is_empty() && s.as_bytes().iter().all(ok);
    if !digits(whole, u8::is_ascii_digit) || !zeros.is_none_or(|z| digits(z, |b| *b == b'0')) {
        return None;
    }
    whole.parse::<Code>().ok().filter(|&code| code != NO_ANSWER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_with_or_without_zero_fraction() {
        assert_eq!(integral_float("3"), Some(3));
        assert_eq!(integral_float("3.0"), Some(3));
        assert_eq!(integral_float("3.00"), Some(3));
        assert_eq!(integral_float("0"), Some(0));
        assert_eq!(integral_float("007"), Some(7));
        assert_eq!(integral_float("65534"), Some(65534));
    }

    #[test]
    fn near_integers_exponents_signs_and_the_empty_code_are_refused() {
        for t in [
            "0.99999999999999999",
            "1.0000000000000001",
            "1e0",
            "1.0e0",
            "+1",
            "-0",
            "1.",
            ".0",
            "1.01",
            "1..0",
            "1.0.0",
            " 1",
            "",
            "65535",
            "65536",
            "99999999999999999999",
            "NaN",
            "١",
        ] {
            assert_eq!(integral_float(t), None, "{t:?}");
        }
    }
}
