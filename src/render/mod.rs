//! The output layer: everything users look at — HTML views for notebooks and the report page,
//! the files a report writes and (feature `xlsx`) Excel workbooks — drawn from
//! [`Table`](crate::analysis::Table)s and [`Report`](crate::report::Report)s. Every piece of text
//! from the data passes through one escaping function, [`esc`], on its way into markup.
//!
//! Charts measure their labels with [`text`] (Liberation Sans advance widths, no fonts needed);
//! with the `png` feature, `png::svg_to_png` rasterises an SVG with the same font, bundled.

pub mod chart;
mod html;
#[cfg(feature = "png")]
pub mod png;
mod report_html;
pub mod svg;
pub mod text;
mod text_metrics;
mod write;
#[cfg(feature = "xlsx")]
mod xlsx;

pub use report_html::{HtmlOptions, TEMPLATES};
#[cfg(feature = "xlsx")]
pub use xlsx::XlsxOptions;

/// How much of an object a notebook shows: one size policy for every `_repr_html_` and
/// `__repr__` of the Python module.
pub mod notebook {
    /// Rows of a table (and of a survey's item summary).
    pub const ROWS: usize = 30;
    /// Tables of a report shown whole; every table is listed by id and title.
    pub const TABLES: usize = 3;
    /// Row lines of a table's text view.
    pub const REPR_ROWS: usize = 20;
}

/// Escapes text for HTML and SVG element content and attribute values; control characters that
/// XML forbids become U+FFFD.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // XML 1.0 forbids these control characters anywhere (a form feed pasted from a PDF
            // would make a chart unreadable); show them as the replacement character.
            c if (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
                || matches!(c, '\u{fffe}' | '\u{ffff}') =>
            {
                out.push('\u{fffd}');
            }
            c => out.push(c),
        }
    }
    out
}
