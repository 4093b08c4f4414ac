//! Questions and their items.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// The unit the report aggregates a question to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// One answer pattern per municipality (§1.4 of the 2013 report).
    Municipality,
    /// Every respondent counts once.
    Respondent,
}

impl Unit {
    /// `municipality` or `respondent`.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Municipality => "municipality",
            Unit::Respondent => "respondent",
        }
    }
}

/// One item of a grid, or one option of a multi-select question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Stable English identifier, unique within the question.
    pub id: String,
    /// The Dutch label exactly as the report prints it (figure label).
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
    /// A short Dutch label for charts and narrow tables (e.g. `Seed-money` for the report's
    /// two-line label); `None`: the full label is used, wrapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_label_nl: Option<String>,
    /// A short English label; `None`: the full English label is used, wrapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_label_en: Option<String>,
    /// Grouping tags: grouping id → level id, e.g. `rung` → `facilitating`. Each grouping must be
    /// declared in the instrument's `groupings`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tags: IndexMap<String, String>,
}

/// What kind of answer a question takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum QuestionKind {
    /// One answer on a scale; data column `<question_id>`.
    SingleChoice {
        /// Id of the scale.
        scale: String,
    },
    /// Several items sharing one scale; data columns `<question_id>.<item_id>`.
    Grid {
        /// Id of the shared scale.
        scale: String,
        /// The items in questionnaire order.
        items: Vec<Item>,
    },
    /// Pick options from a list; one 0/1 data column `<question_id>.<option_id>` per option.
    MultiSelect {
        /// The options in questionnaire order.
        options: Vec<Item>,
        /// Most options one respondent may pick (3 for "welke drie"); `None` = no limit.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_picks: Option<u32>,
    },
    /// Free text; data column `<question_id>`.
    #[serde(deserialize_with = "no_fields")]
    OpenText,
}

/// `open_text` takes no fields beyond `kind`; without this a unit variant of an internally tagged
/// enum would silently ignore unknown ones.
fn no_fields<'de, D: serde::Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct NoFields {}
    NoFields::deserialize(d).map(|_| ())
}

/// One question of the instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// No `deny_unknown_fields` here: serde does not support it together with `flatten` (every field of
// the flattened `kind` would count as unknown). Unknown fields still fail, in `QuestionKind`, which
// receives every field the struct does not consume.
pub struct Question {
    /// Stable English identifier, e.g. `strategy_use`.
    pub id: String,
    /// The question in Dutch (paraphrased from the report where the questionnaire is lost).
    pub text_nl: String,
    /// The question in English.
    pub text_en: String,
    /// The unit the report aggregates this question to.
    pub unit: Unit,
    /// Answer kind, scale and items.
    #[serde(flatten)]
    pub kind: QuestionKind,
}

impl Question {
    /// Grid items or multi-select options; empty for single-choice and open questions.
    pub fn items(&self) -> &[Item] {
        match &self.kind {
            QuestionKind::Grid { items, .. } => items,
            QuestionKind::MultiSelect { options, .. } => options,
            QuestionKind::SingleChoice { .. } | QuestionKind::OpenText => &[],
        }
    }

    /// The scale id for coded questions (single choice, grid).
    pub fn scale_id(&self) -> Option<&str> {
        match &self.kind {
            QuestionKind::SingleChoice { scale } | QuestionKind::Grid { scale, .. } => Some(scale),
            _ => None,
        }
    }

    /// `single_choice`, `grid`, `multi_select` or `open_text`.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            QuestionKind::SingleChoice { .. } => "single_choice",
            QuestionKind::Grid { .. } => "grid",
            QuestionKind::MultiSelect { .. } => "multi_select",
            QuestionKind::OpenText => "open_text",
        }
    }

    /// The data column names of this question, in item order.
    pub fn column_names(&self) -> Vec<String> {
        match &self.kind {
            QuestionKind::SingleChoice { .. } | QuestionKind::OpenText => vec![self.id.clone()],
            _ => self
                .items()
                .iter()
                .map(|i| format!("{}.{}", self.id, i.id))
                .collect(),
        }
    }
}
