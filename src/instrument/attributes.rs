//! Respondent attributes and item groupings.

use serde::{Deserialize, Serialize};

/// A named level of an attribute or grouping (a role, a province, a ladder rung …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Stable English identifier.
    pub id: String,
    /// Dutch label as printed.
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

/// A size class of municipalities by number of inhabitants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeClass {
    /// Stable English identifier, e.g. `20k_50k`.
    pub id: String,
    /// Dutch label as printed, e.g. `20.000 tot 50.000 inwoners`.
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
    /// Lowest number of inhabitants in the class (inclusive). The next class's minimum is this
    /// class's exclusive upper bound: the report does not say on which side 20.000, 50.000 and
    /// 100.000 fall, so the instrument states it.
    pub min_inhabitants: u32,
}

/// A size class as a level, so it is matched like roles and provinces.
impl From<&SizeClass> for Level {
    fn from(c: &SizeClass) -> Level {
        Level {
            id: c.id.clone(),
            label_nl: c.label_nl.clone(),
            label_en: c.label_en.clone(),
            aliases_nl: c.aliases_nl.clone(),
            aliases_en: c.aliases_en.clone(),
        }
    }
}

/// A way to group the items of questions, e.g. the ROB participation ladder (`rung`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grouping {
    /// Identifier used as the tag key on items, e.g. `rung`.
    pub id: String,
    /// Dutch name.
    pub label_nl: String,
    /// English name.
    pub label_en: String,
    /// Levels in their natural order (ladder order for rungs).
    pub levels: Vec<Level>,
}

/// The respondent attributes an instrument knows beside `respondent_id` and `municipality`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attributes {
    /// Respondent roles, highest rank first (the `prefer role` consolidation rule uses this
    /// order). Empty: any text is accepted as a role.
    #[serde(default)]
    pub roles: Vec<Level>,
    /// Size classes in ascending order; the first starts at 0 inhabitants.
    #[serde(default)]
    pub size_classes: Vec<SizeClass>,
    /// Provinces (or regions). Empty: any text is accepted.
    #[serde(default)]
    pub provinces: Vec<Level>,
}

impl Attributes {
    /// Index of the size class that `inhabitants` falls in.
    pub fn size_class_of(&self, inhabitants: u32) -> Option<usize> {
        self.size_classes
            .iter()
            .rposition(|c| inhabitants >= c.min_inhabitants)
    }
}
