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
    /// Lowest number of inhabitants in the class (inclusive). The next class's minimum is this
    /// class's exclusive upper bound: the report does not say on which side 20.000, 50.000 and
    /// 100.000 fall, so the instrument states it.
    pub min_inhabitants: u32,
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

/// Finds a level by id or by its Dutch or English label (case and surrounding space ignored).
/// Ids are matched first: when one level's label is another level's id, the id wins, so the id a
/// survey stores reads back as the same level.
pub(crate) fn find_level<'a, I>(levels: I, text: &str) -> Option<usize>
where
    I: IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    I::IntoIter: Clone,
{
    let t = text.trim();
    let mut levels = levels.into_iter();
    levels
        .clone()
        .position(|(id, _, _)| same_ignoring_case(id.trim(), t))
        .or_else(|| {
            levels.position(|(_, nl, en)| [nl, en].iter().any(|s| same_ignoring_case(s.trim(), t)))
        })
}

/// Case-insensitive equality that allocates only for non-ASCII text (labels such as "Fryslân").
fn same_ignoring_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}
