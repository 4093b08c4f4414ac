//! [`Table`]: the tidy result every measure returns.

use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};

use super::inference::{Estimate, TableInference};
use crate::data::CsvDialect;
use crate::instrument::Unit;
use crate::survey::esc;

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
    /// Title (Dutch figure title for report figures).
    pub title: String,
    /// `frequencies`, `net:<id>` or `mentions`.
    pub measure: String,
    /// The rows in questionnaire order (mentions: by rank).
    pub rows: Vec<Row>,
    /// The design, interval method and tests, when the measure was asked for inference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference: Option<TableInference>,
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

fn num(x: f64) -> String {
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
            num(self.count),
            num(self.base),
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
        dialect.write(&header, rows, &numeric)
    }

    /// An HTML table of the first `max_rows` rows, for notebooks and reports; with inference
    /// also the interval, the small-base flag and the letters, and the design and tests beneath.
    pub fn to_html(&self, max_rows: usize) -> String {
        let with = self.inference.is_some();
        let mut h = format!(
            "<div class=\"doe-democratie-table\"><p><strong>{}</strong> <code>{}</code></p><table><thead><tr>",
            esc(&self.title),
            esc(&self.measure)
        );
        let extra: &[&str] = if with {
            &["estimate", "interval", "n", ""]
        } else {
            &[]
        };
        for c in [
            "item", "group", "category", "count", "base", "%", "printed", "unit",
        ]
        .iter()
        .chain(extra)
        {
            let _ = write!(h, "<th>{c}</th>");
        }
        h.push_str("</tr></thead><tbody>");
        for r in self.rows.iter().take(max_rows) {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td title=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                esc(r.item.as_deref().unwrap_or("")),
                esc(&r.group),
                esc(&r.label_nl),
                esc(&r.category),
                num(r.count),
                num(r.base),
                r.percentage.map(|p| format!("{p:.1}")).unwrap_or_default(),
                r.printed.map(|p| p.to_string()).unwrap_or_default(),
                r.unit.as_str()
            );
            if with {
                h.push_str(&inference_cells_html(r));
            }
            h.push_str("</tr>");
        }
        h.push_str("</tbody></table>");
        if self.rows.len() > max_rows {
            let _ = write!(h, "<p>… {} more rows</p>", self.rows.len() - max_rows);
        }
        if let Some(i) = &self.inference {
            h.push_str(&inference_footer_html(i));
        }
        h.push_str("</div>");
        h
    }
}

/// Estimate, interval, effective n and letters of one row (a small base marked with †).
fn inference_cells_html(r: &Row) -> String {
    let Some(e) = &r.inference else {
        return "<td></td><td></td><td></td><td></td>".into();
    };
    let interval = match (e.lower, e.upper) {
        (Some(l), Some(u)) => format!("{l:.3}–{u:.3}"),
        _ => String::new(),
    };
    format!(
        "<td>{:.3}</td><td>{}</td><td>{:.0}{}</td><td>{}</td>",
        e.estimate,
        interval,
        e.n_eff,
        if e.small_base { " †" } else { "" },
        esc(r.letters.as_deref().unwrap_or(""))
    )
}

/// The design, the tests and the letters' legend.
fn inference_footer_html(i: &TableInference) -> String {
    let mut h = format!("<p class=\"design\">Design: {}", esc(&i.design));
    if let Some(ci) = i.ci {
        let _ = write!(h, "; {} interval, level {}", ci.as_str(), i.level);
    }
    h.push_str(". † small base (fewer than 30 units or effective units).</p>");
    if !i.letters.is_empty() {
        let legend: Vec<String> = i
            .letters
            .iter()
            .map(|(g, l)| format!("{} = {}", esc(l), esc(g)))
            .collect();
        let _ = write!(
            h,
            "<p>Letters: the groups whose share this one exceeds significantly ({}; {}).</p>",
            legend.join(", "),
            i.adjust.as_str()
        );
    }
    if !i.tests.is_empty() {
        h.push_str("<table class=\"tests\"><thead><tr><th>item</th><th>test</th><th>statistic</th><th>df</th><th>p</th><th>p adjusted</th></tr></thead><tbody>");
        let f = |x: Option<f64>| x.map(|v| format!("{v:.4}")).unwrap_or_default();
        for t in &i.tests {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(t.item.as_deref().unwrap_or("")),
                t.method.as_str(),
                f(t.statistic),
                f(t.df),
                f(t.p_value),
                f(t.p_adjusted)
            );
        }
        h.push_str("</tbody></table>");
    }
    h
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
        for r in &self.rows {
            writeln!(
                f,
                "  {:<40} {:<10} {:<14} {:>7} / {:<6} {:>4}",
                r.item.as_deref().unwrap_or(&r.question),
                r.group,
                r.category,
                num(r.count),
                num(r.base),
                r.printed.map(|p| format!("{p}%")).unwrap_or_default()
            )?;
        }
        Ok(())
    }
}
