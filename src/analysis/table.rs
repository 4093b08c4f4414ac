//! [`Table`]: the tidy result every measure returns.

use std::fmt;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::inference::{Estimate, TableInference};
use super::measures::Lang;
use crate::data::{CsvDialect, ProblemKind};
use crate::instrument::Unit;

/// One row of a tidy result table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Question id.
    pub question: String,
    /// Item id (grid item or multi-select option); `None` for single-choice questions.
    pub item: Option<String>,
    /// Breakdown group (e.g. a size class id), or `all`.
    pub group: String,
    /// Category id, net id (`top2`), or `mentioned` for multi-select options.
    pub category: String,
    /// The row's Dutch label as the report prints it: the category's or net's, but for mentions
    /// the option's. [`Row::item_label`] and [`Row::category_label`] say each in one meaning.
    pub label_nl: String,
    /// The item's label (grid item or multi-select option) in the table's language; `None` for
    /// single-choice questions.
    #[serde(default)]
    pub item_label: Option<String>,
    /// The category's (or net's; `genoemd`/`mentioned` for mentions) label in the table's
    /// language.
    #[serde(default)]
    pub category_label: String,
    /// Weighted count: whole numbers, or fractions under the `split` consolidation.
    pub count: f64,
    /// The base the percentage is taken of (municipalities or respondents).
    pub base: f64,
    /// Exact percentage `100 · count / base`; `None` for rows outside the base ('weet niet' where
    /// the report leaves it out) and for an empty base.
    pub percentage: Option<f64>,
    /// The percentage as the report would print it (largest remainder within a stacked row,
    /// half up for nets and mentions).
    pub printed: Option<i64>,
    /// Unit of count and base.
    pub unit: Unit,
    /// Whether the row's count is part of the base.
    pub in_base: bool,
    /// Mention rankings: rank by count (1 = most), equal counts share a rank.
    pub rank: Option<u32>,
    /// Mention rankings: whether another option has the same count in this group.
    pub tied: Option<bool>,
    /// Design-based estimate, standard error, interval, design effect and effective n, when the
    /// measure was asked for inference. For a row outside the base ('weet niet' where the scale
    /// leaves it out) the estimate is its share of all who answered the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference: Option<Estimate>,
    /// Letters of the groups whose share this row's group significantly exceeds (see
    /// [`TableInference::letters`]); empty when it exceeds none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letters: Option<String>,
}

/// A tidy table of rows, with a title and the measure that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Short identifier (a figure id such as `fig_3_3`, or the measure and question).
    pub id: String,
    /// Title: the figure title for report figures, else the question text in the table's language.
    pub title: String,
    /// `frequencies`, `net:<id>` or `mentions`.
    pub measure: String,
    /// The rows in questionnaire order (mentions: by rank).
    pub rows: Vec<Row>,
    /// The design, interval method and tests, when the measure was asked for inference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference: Option<TableInference>,
    /// The table's language, and the labels of its groups and items for charts and reports.
    #[serde(default)]
    pub labels: Labels,
    /// Answers of this question that were lost when the data were read (a lenient read of a
    /// file with invalid cells, skipped rows …): the table's numbers leave them out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<DataWarning>,
}

/// Answers a table leaves out because reading the data dropped them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataWarning {
    /// The data column whose answers were dropped (`strategy_use.reliable_partner`); `None` when
    /// whole respondent rows were skipped, with all their answers.
    pub column: Option<String>,
    /// Why, as the validation report names it (`invalid_code`, `duplicate_respondent` …).
    pub reason: ProblemKind,
    /// How many answers (or, without a column, rows) were dropped.
    pub count: usize,
}

impl DataWarning {
    /// One clause: `3 answers in strategy_use.reliable_partner (invalid_code)`.
    pub fn describe(&self, lang: Lang) -> String {
        let (reason, n, one) = (self.reason.as_str(), self.count, self.count == 1);
        match (&self.column, lang) {
            (Some(c), Lang::Nl) => {
                let what = if one { "antwoord" } else { "antwoorden" };
                format!("{n} {what} in {c} ({reason})")
            }
            (Some(c), Lang::En) => {
                let what = if one { "answer" } else { "answers" };
                format!("{n} {what} in {c} ({reason})")
            }
            (None, Lang::Nl) => {
                let what = if one { "rij" } else { "rijen" };
                format!("{n} {what} van respondenten overgeslagen ({reason})")
            }
            (None, Lang::En) => {
                let what = if one { "row" } else { "rows" };
                format!("{n} respondent {what} skipped ({reason})")
            }
        }
    }
}

impl Table {
    /// The warnings as one sentence in the table's language, `None` when no data were dropped:
    /// what a report footnote, a CSV comment or the command line shows.
    pub fn warning_text(&self) -> Option<String> {
        if self.warnings.is_empty() {
            return None;
        }
        let lang = self.labels.lang;
        let parts: Vec<String> = self.warnings.iter().map(|w| w.describe(lang)).collect();
        let lead = match lang {
            Lang::Nl => "Let op: bij het inlezen weggevallen en niet meegeteld",
            Lang::En => "Warning: dropped when the data were read and not counted",
        };
        Some(format!("{lead}: {}.", parts.join("; ")))
    }
}

/// What a [`Table`] needs to show itself beyond its rows: the language of its labels, the labels
/// of its groups and the short labels of its items in that language, and which of its
/// categories are missing codes ('weet niet'), which charts draw apart from the answers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Labels {
    /// Language of the labels (and of the rows' `item_label` and `category_label`).
    pub lang: Lang,
    /// Group id → label (`all` → `Totaal`/`Total`; a size class → its label).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub groups: IndexMap<String, String>,
    /// Item id → short label, for the items that have one in the instrument.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub short_items: IndexMap<String, String>,
    /// Category ids of the rows that are missing codes of the scale ('weet niet', 'n.v.t.').
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// The fields of a [`Row`], in declaration order: the header of [`Table::to_csv`] and the columns
/// of the Python `Table.to_pandas()`.
pub const ROW_FIELDS: [&str; 15] = [
    "question",
    "item",
    "group",
    "category",
    "label_nl",
    "item_label",
    "category_label",
    "count",
    "base",
    "percentage",
    "printed",
    "unit",
    "in_base",
    "rank",
    "tied",
];

/// The inference columns [`Table::to_csv`] and the Python `Table.to_pandas()` add after
/// [`ROW_FIELDS`] when the table carries inference.
pub const INFERENCE_FIELDS: [&str; 11] = [
    "estimate",
    "se",
    "lower",
    "upper",
    "method",
    "deff",
    "n_eff",
    "df",
    "units",
    "small_base",
    "letters",
];

/// Columns of [`ROW_FIELDS`] and [`INFERENCE_FIELDS`] that hold numbers with decimals (floats in
/// DataFrames; the CSV dialect's decimal separator applies to them).
pub const NUMERIC_FIELDS: [&str; 11] = [
    "count",
    "base",
    "percentage",
    "estimate",
    "se",
    "lower",
    "upper",
    "deff",
    "n_eff",
    "df",
    "units",
];

/// A count or base as the CSV and HTML views write it: whole numbers without decimals, others
/// in full precision.
pub(crate) fn plain_number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

impl Row {
    fn cells(&self) -> [String; 15] {
        [
            self.question.clone(),
            self.item.clone().unwrap_or_default(),
            self.group.clone(),
            self.category.clone(),
            self.label_nl.clone(),
            self.item_label.clone().unwrap_or_default(),
            self.category_label.clone(),
            plain_number(self.count),
            plain_number(self.base),
            self.percentage.map(|p| format!("{p}")).unwrap_or_default(),
            self.printed.map(|p| p.to_string()).unwrap_or_default(),
            self.unit.as_str().to_string(),
            self.in_base.to_string(),
            self.rank.map(|r| r.to_string()).unwrap_or_default(),
            self.tied.map(|t| t.to_string()).unwrap_or_default(),
        ]
    }

    fn inference_cells(&self) -> [String; 11] {
        let opt = |x: Option<f64>| x.map(|v| format!("{v}")).unwrap_or_default();
        let e = self.inference.as_ref();
        [
            opt(e.map(|e| e.estimate)),
            opt(e.map(|e| e.se)),
            opt(e.and_then(|e| e.lower)),
            opt(e.and_then(|e| e.upper)),
            e.and_then(|e| e.method)
                .map(|m| m.as_str().to_string())
                .unwrap_or_default(),
            opt(e.and_then(|e| e.deff)),
            opt(e.map(|e| e.n_eff)),
            opt(e.map(|e| e.df)),
            opt(e.map(|e| e.units)),
            e.map(|e| e.small_base.to_string()).unwrap_or_default(),
            self.letters.clone().unwrap_or_default(),
        ]
    }
}

impl Table {
    /// The label of a group, or its id when the table has none.
    pub fn group_label<'a>(&'a self, group: &'a str) -> &'a str {
        self.labels.groups.get(group).map_or(group, String::as_str)
    }

    /// The label of an item to show where space is short: its short label when the instrument
    /// has one, else its full label in the table's language.
    pub fn item_short_label<'a>(&'a self, row: &'a Row) -> Option<&'a str> {
        let item = row.item.as_deref()?;
        self.labels
            .short_items
            .get(item)
            .map(String::as_str)
            .or(row.item_label.as_deref())
    }

    /// Whether a row's category is a missing code ('weet niet').
    pub fn is_missing(&self, row: &Row) -> bool {
        self.labels.missing.contains(&row.category)
    }

    /// Rows of one item and group.
    pub fn rows_for<'a>(
        &'a self,
        item: Option<&'a str>,
        group: &'a str,
    ) -> impl Iterator<Item = &'a Row> {
        self.rows
            .iter()
            .filter(move |r| r.item.as_deref() == item && r.group == group)
    }

    /// The row of one item, group and category.
    pub fn find(&self, item: Option<&str>, group: &str, category: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.item.as_deref() == item && r.group == group && r.category == category)
    }

    /// The table as CSV (comma-separated, header row, full precision); with inference, the
    /// [`INFERENCE_FIELDS`] follow the [`ROW_FIELDS`].
    pub fn to_csv(&self) -> String {
        self.to_csv_with(&CsvDialect::default())
    }

    /// The table as CSV in `dialect` (e.g. [`CsvDialect::dutch_excel`]: `;`, decimal comma,
    /// byte-order mark); the numeric columns take the dialect's decimal separator.
    pub fn to_csv_with(&self, dialect: &CsvDialect) -> String {
        let with = self.inference.is_some();
        let header: Vec<&str> = ROW_FIELDS
            .iter()
            .chain(INFERENCE_FIELDS.iter().filter(|_| with))
            .copied()
            .collect();
        let numeric: Vec<bool> = header.iter().map(|h| NUMERIC_FIELDS.contains(h)).collect();
        let rows = self.rows.iter().map(|r| {
            let mut cells = r.cells().to_vec();
            if with {
                cells.extend(r.inference_cells());
            }
            cells
        });
        let csv = dialect.write(&header, rows, &numeric);
        match self.warning_text() {
            // A comment line ahead of the header: readers that skip `#` lines (pandas'
            // `comment='#'`) still parse the table, and nobody opens it without seeing it.
            Some(w) => {
                let bom = csv.strip_prefix('\u{feff}');
                let body = bom.unwrap_or(&csv);
                let lead = if bom.is_some() { "\u{feff}" } else { "" };
                format!("{lead}# {}\n{body}", w.replace(['\n', '\r'], " "))
            }
            None => csv,
        }
    }
}

impl fmt::Display for Table {
    /// A compact text view: one line per row with the printed percentage.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} [{}], {} rows",
            self.title,
            self.measure,
            self.rows.len()
        )?;
        if let Some(w) = self.warning_text() {
            writeln!(f, "{w}")?;
        }
        for r in &self.rows {
            writeln!(
                f,
                "  {:<40} {:<10} {:<14} {:>7} / {:<6} {:>4}",
                r.item.as_deref().unwrap_or(&r.question),
                r.group,
                r.category,
                plain_number(r.count),
                plain_number(r.base),
                r.printed.map(|p| format!("{p}%")).unwrap_or_default()
            )?;
        }
        Ok(())
    }
}
