//! What every chart shares: the frame (title, label column, legend, footnote), the grouping of a
//! table's rows into panels and bars, and the palette.

use super::ChartOptions;
use crate::analysis::{Lang, Row, Table};
use crate::instrument::Unit;
use crate::render::svg::{Anchor, Svg, TextStyle, BODY_SIZE};
use crate::render::text::{text_width, wrap};

/// Outer margin.
pub(super) const PAD: f64 = 12.0;
/// Height of one bar.
pub(super) const BAR_H: f64 = 18.0;
/// Space between two bars.
pub(super) const GAP: f64 = 8.0;
/// Line height of body text.
pub(super) const LINE_H: f64 = 14.0;
/// Size of the numbers inside and beside bars.
pub(super) const VALUE_SIZE: f64 = 11.0;
/// Size of the footnote.
const NOTE_SIZE: f64 = 10.5;
/// Size of the title.
const TITLE_SIZE: f64 = 14.0;
/// The label column takes at most this share of the width.
const LABEL_SHARE: f64 = 0.38;
/// Grey of 'weet niet' and other missing codes.
pub(super) const MISSING: &str = "#b3b3b3";
/// Colour of axis and whisker lines.
pub(super) const RULE: &str = "#4d4d4d";

/// The drawing in progress: a cursor running down the page, and the label column's width.
pub(crate) struct Frame {
    pub(super) width: f64,
    pub(super) svg: Svg,
    /// Top of the next thing drawn.
    pub(super) y: f64,
    pub(super) lang: Lang,
    pub(super) options: ChartOptions,
    /// Width of the label column left of the bars.
    pub(super) label_width: f64,
}

impl Frame {
    /// A frame for `table`, with its title drawn when the options ask for it.
    pub(super) fn new(table: &Table, options: &ChartOptions) -> Self {
        let width = options.width;
        let mut frame = Frame {
            width,
            svg: Svg::new(width, 0.0),
            y: PAD,
            lang: table.labels.lang,
            options: options.clone(),
            label_width: 0.0,
        };
        frame.label_width = frame.label_column(table);
        if options.title && !table.title.is_empty() {
            let style = TextStyle::plain(TITLE_SIZE).bold();
            for line in wrap(&table.title, width - 2.0 * PAD, TITLE_SIZE, true) {
                frame.svg.text(PAD, frame.y + TITLE_SIZE, &line, style);
                frame.y += TITLE_SIZE + 4.0;
            }
            frame.y += 6.0;
        }
        frame
    }

    /// The widest label, capped at [`LABEL_SHARE`] of the width (longer labels wrap).
    fn label_column(&self, table: &Table) -> f64 {
        let widest = panels(table, self.options.short_labels)
            .iter()
            .flat_map(|p| p.bars.iter())
            .map(|b| text_width(&b.label, BODY_SIZE, false))
            .fold(0.0, f64::max);
        (widest + 6.0).clamp(40.0, LABEL_SHARE * self.width)
    }

    /// Left edge of the bars.
    pub(super) fn bars_left(&self) -> f64 {
        PAD + self.label_width + 8.0
    }

    /// Height so far, with the bottom margin.
    pub(super) fn height(&self) -> f64 {
        self.y + PAD
    }

    /// The drawing, its height fixed.
    pub(super) fn finish(mut self) -> Svg {
        let h = self.height();
        self.svg.set_height(h);
        self.svg
    }

    /// The lines of a bar's label in the label column.
    pub(super) fn label_lines(&self, label: &str) -> Vec<String> {
        wrap(label, self.label_width, BODY_SIZE, false)
    }

    /// Height of a bar row whose label has `lines` lines.
    pub(super) fn row_height(lines: usize) -> f64 {
        BAR_H.max(lines as f64 * LINE_H) + GAP
    }

    /// Draws a label's lines right-aligned in the label column, centred on `mid`.
    pub(super) fn draw_label(&mut self, lines: &[String], mid: f64) {
        let top = mid - lines.len() as f64 * LINE_H / 2.0;
        let x = PAD + self.label_width;
        let style = TextStyle::plain(BODY_SIZE).anchored(Anchor::End);
        for (i, line) in lines.iter().enumerate() {
            self.svg
                .text(x, top + (i as f64 + 1.0) * LINE_H - 3.0, line, style);
        }
    }

    /// A panel heading (a group of a breakdown).
    pub(super) fn heading(&mut self, text: &str) {
        self.y += 4.0;
        self.svg.text(
            PAD,
            self.y + BODY_SIZE,
            text,
            TextStyle::plain(BODY_SIZE).bold(),
        );
        self.y += LINE_H + 6.0;
    }

    /// Colour swatches with their labels, flowing into as many lines as the width needs.
    pub(super) fn legend(&mut self, entries: &[(String, &str)]) {
        const SWATCH: f64 = 10.0;
        let (left, right) = (PAD, self.width - PAD);
        let mut x = left;
        for (label, colour) in entries {
            let w = SWATCH + 4.0 + text_width(label, BODY_SIZE, false);
            if x > left && x + w > right {
                x = left;
                self.y += LINE_H + 4.0;
            }
            self.svg.rect(
                x,
                self.y + 2.0,
                SWATCH,
                SWATCH,
                colour,
                &[("legend", label)],
            );
            self.svg.text(
                x + SWATCH + 4.0,
                self.y + BODY_SIZE,
                label,
                TextStyle::plain(BODY_SIZE),
            );
            x += w + 14.0;
        }
        self.y += LINE_H + 10.0;
    }

    /// The footnote, wrapped to the width.
    pub(super) fn footnote(&mut self, notes: &[String]) {
        self.y += 2.0;
        let style = TextStyle::plain(NOTE_SIZE).filled("#555555");
        for note in notes {
            for line in wrap(note, self.width - 2.0 * PAD, NOTE_SIZE, false) {
                self.svg.text(PAD, self.y + NOTE_SIZE, &line, style);
                self.y += NOTE_SIZE + 3.0;
            }
        }
    }

    /// The Dutch or the English text, as the table's language says.
    pub(super) fn say(&self, nl: String, en: String) -> String {
        match self.lang {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }

    /// The unit in words, plural.
    pub(super) fn units(&self, unit: Unit) -> &'static str {
        match unit {
            Unit::Municipality => self.lang.pick("gemeenten", "municipalities"),
            Unit::Respondent => self.lang.pick("respondenten", "respondents"),
        }
    }
}

/// One bar: its label and the table's rows of one item in one group, in table order.
pub(super) struct Bar<'a> {
    pub(super) label: String,
    pub(super) rows: Vec<&'a Row>,
}

/// A group of bars under one heading (none when the table has one group).
pub(super) struct Panel<'a> {
    pub(super) heading: Option<String>,
    pub(super) bars: Vec<Bar<'a>>,
}

/// The table's rows as panels of bars: one panel per group with a bar per item; a question
/// without items (or with one item) in a breakdown gets one panel with a bar per group instead.
pub(super) fn panels(table: &Table, short: bool) -> Vec<Panel<'_>> {
    let groups = distinct(table.rows.iter().map(|r| r.group.as_str()));
    let items = distinct(table.rows.iter().map(|r| r.item.as_deref()));
    let item_label = |row: &Row| {
        if short {
            table.item_short_label(row)
        } else {
            row.item_label.as_deref()
        }
        .unwrap_or_default()
        .to_string()
    };
    if groups.len() > 1 && items.len() == 1 {
        let bars = groups
            .iter()
            .map(|g| Bar {
                label: table.group_label(g).to_string(),
                rows: table.rows.iter().filter(|r| r.group == *g).collect(),
            })
            .collect();
        // One item of a grid broken down: the heading names the item, the bars the groups.
        let heading = table
            .rows
            .first()
            .filter(|r| r.item.is_some())
            .map(item_label);
        return vec![Panel { heading, bars }];
    }
    groups
        .iter()
        .map(|g| {
            let rows: Vec<&Row> = table.rows.iter().filter(|r| r.group == *g).collect();
            let bars = distinct(rows.iter().map(|r| r.item.as_deref()))
                .into_iter()
                .map(|item| {
                    let rows: Vec<&Row> = rows
                        .iter()
                        .copied()
                        .filter(|r| r.item.as_deref() == item)
                        .collect();
                    Bar {
                        label: rows.first().map(|r| item_label(r)).unwrap_or_default(),
                        rows,
                    }
                })
                .collect();
            Panel {
                heading: (groups.len() > 1).then(|| heading(table, g)),
                bars,
            }
        })
        .collect()
}

/// A panel's heading: the group's label and its significance letter, if any.
fn heading(table: &Table, group: &str) -> String {
    let label = table.group_label(group);
    match table.inference.as_ref().and_then(|i| i.letters.get(group)) {
        Some(letter) => format!("{label} ({letter})"),
        None => label.to_string(),
    }
}

/// The distinct values in first-seen order.
fn distinct<T: PartialEq + Copy>(values: impl Iterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// Shades of blue from dark to light, the report's colours for the categories of a scale in
/// order (most to least).
const BLUES: [&str; 6] = [
    "#08519c", "#2171b5", "#4292c6", "#6baed6", "#9ecae1", "#c6dbef",
];
/// Shades of orange from light to dark, for the lower half of a diverging scale.
const ORANGES: [&str; 4] = ["#fdd0a2", "#fdae6b", "#f16913", "#a63603"];
/// The neutral middle of a diverging scale with an odd number of categories.
const NEUTRAL: &str = "#d9d9d9";

/// `n` colours spread evenly over `list`, first and last included.
fn spread(list: &[&'static str], n: usize) -> Vec<&'static str> {
    match n {
        0 => vec![],
        1 => vec![list[list.len() / 2]],
        _ => (0..n)
            .map(|i| list[i * (list.len() - 1) / (n - 1)])
            .collect(),
    }
}

/// `k` colours for a scale's categories in order, from dark to light blue.
pub(super) fn sequential(k: usize) -> Vec<&'static str> {
    spread(&BLUES, k)
}

/// Colours of a diverging scale of `k` categories: blues for the upper half (darkest first), a
/// neutral grey for an odd middle, oranges for the lower half (darkest last).
pub(super) fn diverging(k: usize) -> Vec<&'static str> {
    let half = k / 2;
    let mut out = spread(&BLUES[..5], half);
    if k % 2 == 1 {
        out.push(NEUTRAL);
    }
    out.extend(spread(&ORANGES, half));
    out
}

/// Black or white, whichever reads better on `fill` (`#rrggbb`).
pub(super) fn ink_on(fill: &str) -> &'static str {
    let channel = |i: usize| {
        fill.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .map_or(0.0, |v| f64::from(v) / 255.0)
    };
    let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    if luminance < 0.5 {
        "#ffffff"
    } else {
        "#1a1a1a"
    }
}

/// The `<rect>` of a row's segment or bar, carrying the row's item, group, category and exact and
/// printed percentage as `data-*` attributes, so that the chart can be read back.
pub(super) fn row_rect(frame: &mut Frame, row: &Row, (x, y, w): (f64, f64, f64), fill: &str) {
    let pct = row.percentage.map(|p| p.to_string()).unwrap_or_default();
    let printed = row.printed.map(|p| p.to_string()).unwrap_or_default();
    frame.svg.rect(
        x,
        y,
        w,
        BAR_H,
        fill,
        &[
            ("item", row.item.as_deref().unwrap_or("")),
            ("group", &row.group),
            ("category", &row.category),
            ("percentage", &pct),
            ("printed", &printed),
        ],
    );
}

/// A printed percentage as the chart labels it.
pub(super) fn percent(row: &Row) -> Option<String> {
    row.printed.map(|p| format!("{p}%"))
}
