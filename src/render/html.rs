//! HTML views of surveys, tables and reports, for notebooks and the report page; every one
//! escapes what it shows through [`esc`].

use std::fmt::Write as _;

use super::{esc, notebook};
use crate::analysis::{plain_number, Row, Table, TableInference};
use crate::data::Survey;
use crate::report::Report;

impl Survey {
    /// An HTML overview for notebooks: counts and the first `max_rows` item summaries.
    pub fn to_html(&self, max_rows: usize) -> String {
        let summary = self.item_summary();
        let mut h = String::new();
        h.push_str("<div class=\"doe-democratie-survey\">");
        h.push_str(&format!(
            "<p><strong>Survey</strong> <code>{}</code>: {} respondents in {} municipalities; {} problems reported</p>",
            esc(self.instrument().id()),
            self.n_respondents(),
            self.n_municipalities(),
            self.validation_report().len()
        ));
        h.push_str("<table><thead><tr><th>column</th><th>asked</th><th>answered</th><th>weet niet</th><th>missing</th><th>picked</th></tr></thead><tbody>");
        for s in summary.iter().take(max_rows) {
            h.push_str(&format!(
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&s.column),
                if s.asked { "yes" } else { "no" },
                s.answered,
                s.dont_know,
                s.missing,
                s.picked.map_or(String::new(), |p| p.to_string())
            ));
        }
        h.push_str("</tbody></table>");
        if summary.len() > max_rows {
            h.push_str(&format!(
                "<p>… {} more columns</p>",
                summary.len() - max_rows
            ));
        }
        h.push_str("</div>");
        h
    }
}

impl Table {
    /// An HTML table of the first `max_rows` rows, for notebooks and reports; with inference
    /// also the interval, the small-base flag and the letters, and the design and tests beneath.
    pub fn to_html(&self, max_rows: usize) -> String {
        let with = self.inference.is_some();
        let mut h = format!(
            "<div class=\"doe-democratie-table\"><p><strong>{}</strong> <code>{}</code></p><table><thead><tr>",
            esc(&self.title),
            esc(&self.measure)
        );
        if let Some(w) = self.warning_text() {
            let _ = write!(
                h,
                "<p class=\"doe-democratie-warning\" style=\"color:#8a1c00\"><strong>⚠</strong> {}</p>",
                esc(&w)
            );
        }
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
            let item = r.item.as_deref().unwrap_or("");
            let _ = write!(
                h,
                "<tr><td title=\"{}\">{}</td><td title=\"{}\">{}</td><td title=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                esc(item),
                esc(r.item_label.as_deref().unwrap_or(item)),
                esc(&r.group),
                esc(self.group_label(&r.group)),
                esc(&r.category),
                esc(category_label(r)),
                plain_number(r.count),
                plain_number(r.base),
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
            h.push_str(&inference_footer_html(self, i));
        }
        h.push_str("</div>");
        h
    }
}

/// The category's label in the table's language (the report's Dutch label for tables read from
/// files written before tables carried one).
fn category_label(r: &Row) -> &str {
    if r.category_label.is_empty() {
        &r.label_nl
    } else {
        &r.category_label
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

/// An item's label from the table's rows (its id when no row has one).
fn item_label<'a>(table: &'a Table, item: Option<&'a str>) -> &'a str {
    let Some(item) = item else { return "" };
    table
        .rows
        .iter()
        .find(|r| r.item.as_deref() == Some(item))
        .and_then(|r| r.item_label.as_deref())
        .unwrap_or(item)
}

/// The design, the tests and the letters' legend.
fn inference_footer_html(table: &Table, i: &TableInference) -> String {
    let mut h = format!("<p class=\"design\">Design: {}", esc(&i.design));
    if let Some(ci) = i.ci {
        let _ = write!(h, "; {} interval, level {}", ci.as_str(), i.level);
    }
    h.push_str(". † small base (fewer than 30 units or effective units).</p>");
    if !i.letters.is_empty() {
        let legend: Vec<String> = i
            .letters
            .iter()
            .map(|(g, l)| format!("{} = {}", esc(l), esc(table.group_label(g))))
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
                "<tr><td title=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(t.item.as_deref().unwrap_or("")),
                esc(item_label(table, t.item.as_deref())),
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

impl Report {
    /// A bounded view of the report for notebooks: its title, every figure listed by id and
    /// title, and the first [`notebook::TABLES`] tables with at most [`notebook::ROWS`] rows each
    /// (a whole report is well over 100,000 characters).
    pub fn summary_html(&self) -> String {
        let mut h = format!(
            "<div class=\"doe-democratie-report\"><p><strong>{}</strong>: {} tables</p><ol>",
            esc(&self.spec.title),
            self.tables.len()
        );
        for t in &self.tables {
            let _ = write!(h, "<li><code>{}</code> {}</li>", esc(&t.id), esc(&t.title));
        }
        h.push_str("</ol>");
        for t in self.tables.iter().take(notebook::TABLES) {
            let _ = write!(
                h,
                "<section id=\"{}\">{}</section>",
                esc(&t.id),
                t.to_html(notebook::ROWS)
            );
        }
        if self.tables.len() > notebook::TABLES {
            let _ = write!(
                h,
                "<p>… {} more tables: <code>report.table(id)</code>, <code>report.to_html()</code> \
                 or <code>report.write_dir(path)</code> show them all.</p>",
                self.tables.len() - notebook::TABLES
            );
        }
        h.push_str("</div>");
        h
    }
}
