//! Charts of [`Table`]s in the 2013 report's style, drawn as SVG in Rust so that Rust and Python
//! users get the same pictures.
//!
//! - **Stacked** (frequencies): one 100% bar per item, categories in scale order, the printed
//!   percentage inside every segment wide enough to hold it. A missing code that counts in the
//!   base ('weet niet' of figure 2.2) is its own grey segment at the end; one that the scale
//!   leaves out of the base is shown beside the bar with its count, never inside the 100%.
//! - **Diverging** (frequencies, on request): the same bars centred between the upper and the
//!   lower half of the scale, for ordinal scales.
//! - **Bars** (mentions and nets): one bar per option or item, in the table's order (mentions are
//!   ranked), with interval whiskers and significance letters when the table carries inference.
//!
//! A breakdown draws small multiples: one panel per group ('Totaal' first), or, for a question
//! without items, one bar per group. Item labels are the instrument's short labels when it has
//! them, else the full labels, wrapped. The footnote names the base and the unit.
//!
//! Every segment and bar is a `<rect>` with `data-item`, `data-group`, `data-category` and
//! `data-percentage` (the exact percentage), so tests and scripts can read a chart back.

mod bars;
mod layout;
mod stacked;

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::svg::Svg;
use super::write::write_file;
use crate::analysis::Table;
use crate::error::{Error, Result};

pub(crate) use layout::Frame;

/// Which chart to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Stacked bars for frequencies, bars for mentions and nets.
    #[default]
    Auto,
    /// 100%-stacked horizontal bars (frequencies only).
    Stacked,
    /// Bars diverging from the middle of an ordinal scale (frequencies only).
    Diverging,
    /// One bar per row: ranked mentions, net shares.
    Bars,
}

impl ChartKind {
    /// `auto`, `stacked`, `diverging` or `bars`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChartKind::Auto => "auto",
            ChartKind::Stacked => "stacked",
            ChartKind::Diverging => "diverging",
            ChartKind::Bars => "bars",
        }
    }
}

impl std::str::FromStr for ChartKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "auto" => Ok(ChartKind::Auto),
            "stacked" => Ok(ChartKind::Stacked),
            "diverging" => Ok(ChartKind::Diverging),
            "bars" => Ok(ChartKind::Bars),
            other => Err(Error::unknown(
                "chart kind",
                other,
                ["auto", "stacked", "diverging", "bars"],
            )),
        }
    }
}

/// How a chart is drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChartOptions {
    /// The chart kind.
    pub kind: ChartKind,
    /// Width in px (at least [`MIN_WIDTH`], at most [`MAX_WIDTH`]); the height follows from the
    /// rows.
    pub width: f64,
    /// Use the instrument's short item labels where it has them.
    pub short_labels: bool,
    /// Draw the table's title above the chart (reports show it as a heading instead).
    pub title: bool,
}

/// Narrowest chart drawn: a label column and a bar still fit.
pub const MIN_WIDTH: f64 = 320.0;
/// Widest chart drawn.
pub const MAX_WIDTH: f64 = 2400.0;

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            kind: ChartKind::Auto,
            width: 720.0,
            short_labels: true,
            title: true,
        }
    }
}

/// A drawn chart: the SVG document and its size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// The `<svg>` element, self-contained (no external fonts or images).
    pub svg: String,
    /// Width in px.
    pub width: f64,
    /// Height in px.
    pub height: f64,
}

impl Table {
    /// The table as a chart; see the [module docs](self) for what each kind shows.
    ///
    /// [`Error::Render`] for a table without rows, a kind that does not fit the measure
    /// (stacked or diverging bars of mentions), mean scores (not drawn yet), or a width outside
    /// [`MIN_WIDTH`]..=[`MAX_WIDTH`].
    pub fn chart(&self, options: &ChartOptions) -> Result<Chart> {
        check_width(self, options.width)?;
        if self.rows.is_empty() {
            return Err(refuse(self, "the table has no rows"));
        }
        let kind = match (options.kind, self.measure.as_str()) {
            (ChartKind::Auto, "frequencies") => ChartKind::Stacked,
            (ChartKind::Auto, _) => ChartKind::Bars,
            (kind, _) => kind,
        };
        let mut frame = Frame::new(self, options);
        match kind {
            _ if self.measure == "mean" => {
                return Err(refuse(
                    self,
                    "mean scores have no chart; draw the frequencies of the question instead",
                ))
            }
            ChartKind::Stacked | ChartKind::Diverging if self.measure != "frequencies" => {
                return Err(refuse(
                    self,
                    &format!(
                        "a {} chart shows frequencies; this table holds {} (use kind 'bars')",
                        kind.as_str(),
                        self.measure
                    ),
                ))
            }
            ChartKind::Bars if self.measure == "frequencies" => {
                return Err(refuse(
                    self,
                    "a frequency table has several categories per item; use kind 'stacked' or \
                     'diverging', or the net shares of the question for bars",
                ))
            }
            ChartKind::Diverging => stacked::draw(self, &mut frame, true),
            ChartKind::Stacked => stacked::draw(self, &mut frame, false),
            ChartKind::Bars | ChartKind::Auto => bars::draw(self, &mut frame),
        }
        let (width, height) = (frame.width, frame.height());
        let svg: Svg = frame.finish();
        Ok(Chart {
            svg: svg.finish(&self.title),
            width,
            height,
        })
    }
}

impl Chart {
    /// Writes the chart to `path` as SVG, or as PNG at twice its size when the name ends in
    /// `.png` (with the `png` feature). A symbolic link or folder at `path` is refused.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("svg") => write_file(path, self.svg.as_bytes(), "path"),
            #[cfg(feature = "png")]
            Some("png") => write_file(path, &self.to_png(2.0)?, "path"),
            _ => Err(Error::InvalidArgument {
                name: "path",
                message: format!(
                    "'{}' does not end in {}; the format follows the file name",
                    path.display(),
                    if cfg!(feature = "png") {
                        "'.svg' or '.png'"
                    } else {
                        "'.svg' (PNG needs the 'png' feature)"
                    }
                ),
            }),
        }
    }

    /// The chart as PNG, `scale` pixels per px, drawn with the bundled font.
    #[cfg(feature = "png")]
    pub fn to_png(&self, scale: f32) -> Result<Vec<u8>> {
        super::png::svg_to_png(&self.svg, scale)
    }
}

/// [`Table::chart`] as a function: the chart's SVG element.
pub fn chart_svg(table: &Table, options: &ChartOptions) -> Result<String> {
    table.chart(options).map(|c| c.svg)
}

fn check_width(table: &Table, width: f64) -> Result<()> {
    if width.is_finite() && (MIN_WIDTH..=MAX_WIDTH).contains(&width) {
        Ok(())
    } else {
        Err(refuse(
            table,
            &format!("width {width} px is outside {MIN_WIDTH}..={MAX_WIDTH}"),
        ))
    }
}

fn refuse(table: &Table, message: &str) -> Error {
    Error::Render {
        what: format!("chart of '{}'", table.id),
        message: message.to_string(),
    }
}
