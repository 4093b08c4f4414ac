//! One bar per row: ranked mentions and net shares, with interval whiskers and significance
//! letters when the table carries inference.

use super::layout::{panels, percent, row_rect, Bar, Frame, BAR_H, PAD, RULE, VALUE_SIZE};
use crate::analysis::{Row, Table};
use crate::render::svg::{num, TextStyle};
use crate::render::text::text_width;

/// Fill of the bars.
const FILL: &str = "#4292c6";
/// Half the height of a whisker's end caps.
const CAP: f64 = 4.0;

/// Draws every panel of a mentions or net table as horizontal bars, with footnote.
pub(super) fn draw(table: &Table, frame: &mut Frame) {
    let panels = panels(table, frame.options.short_labels);
    let span = axis_max(table);
    let value_width = panels
        .iter()
        .flat_map(|p| p.bars.iter())
        .filter_map(|b| b.rows.first())
        .map(|r| {
            text_width(&value_text(r, is_mentions(table)), VALUE_SIZE, false)
                + text_width(r.letters.as_deref().unwrap_or(""), VALUE_SIZE, true)
                + 6.0
        })
        .fold(0.0, f64::max);
    let left = frame.bars_left();
    let width = (frame.width - PAD - value_width - 8.0 - left).max(40.0);
    for panel in &panels {
        if let Some(heading) = &panel.heading {
            frame.heading(heading);
        }
        let top = frame.y;
        for bar in &panel.bars {
            draw_bar(frame, table, bar, (left, width, span));
        }
        frame
            .svg
            .line((left, top - 2.0), (left, frame.y - 6.0), RULE, 1.0);
    }
    frame.footnote(&notes(table, frame));
}

fn is_mentions(table: &Table) -> bool {
    table.measure == "mentions"
}

/// The largest percentage or upper interval bound, rounded up to ten: the bars' full width.
fn axis_max(table: &Table) -> f64 {
    let top = table
        .rows
        .iter()
        .flat_map(|r| {
            let upper = r
                .inference
                .as_ref()
                .and_then(|e| e.upper)
                .map(|u| 100.0 * u);
            [r.percentage, upper]
        })
        .flatten()
        .fold(0.0, f64::max);
    ((top / 10.0).ceil() * 10.0).clamp(10.0, 100.0)
}

/// The number beside a bar: the printed percentage, and for mentions the count.
fn value_text(row: &Row, mentions: bool) -> String {
    let pct = percent(row).unwrap_or_else(|| "–".into());
    if mentions {
        format!("{pct} ({})", num(row.count))
    } else {
        format!("{pct}  n={}", num(row.base))
    }
}

fn draw_bar(frame: &mut Frame, table: &Table, bar: &Bar<'_>, (left, width, span): (f64, f64, f64)) {
    let lines = frame.label_lines(&bar.label);
    let height = Frame::row_height(lines.len());
    let mid = frame.y + height / 2.0 - 4.0;
    frame.draw_label(&lines, mid);
    let y = mid - BAR_H / 2.0;
    let Some(row) = bar.rows.first().copied() else {
        frame.y += height;
        return;
    };
    let per = width / span;
    let w = row.percentage.unwrap_or(0.0) * per;
    // A zero share has no bar; its "0%" stands at the axis.
    if w > 0.0 {
        row_rect(frame, row, (left, y, w), FILL);
    }
    let mut end = left + w;
    if let Some((lower, upper)) = row.inference.as_ref().and_then(|e| e.lower.zip(e.upper)) {
        let (x1, x2) = (left + 100.0 * lower * per, left + 100.0 * upper * per);
        frame.svg.line((x1, mid), (x2, mid), RULE, 1.2);
        frame.svg.line((x1, mid - CAP), (x1, mid + CAP), RULE, 1.2);
        frame.svg.line((x2, mid - CAP), (x2, mid + CAP), RULE, 1.2);
        end = end.max(x2);
    }
    let text = value_text(row, is_mentions(table));
    let x = end + 6.0;
    frame
        .svg
        .text(x, mid + 4.0, &text, TextStyle::plain(VALUE_SIZE));
    if let Some(letters) = row.letters.as_deref().filter(|l| !l.is_empty()) {
        let x = x + text_width(&text, VALUE_SIZE, false) + 4.0;
        frame.svg.text(
            x,
            mid + 4.0,
            letters,
            TextStyle::plain(VALUE_SIZE).bold().filled("#a63603"),
        );
    }
    frame.y += height;
}

/// The footnote: what the bars are a share of, and the inference when there is some.
fn notes(table: &Table, frame: &Frame) -> Vec<String> {
    let Some(first) = table.rows.first() else {
        return Vec::new();
    };
    let units = frame.units(first.unit);
    let lang = frame.lang;
    let mut notes = Vec::new();
    if is_mentions(table) {
        let bases: Vec<String> = distinct_bases(table)
            .into_iter()
            .map(|(group, base)| {
                if table.rows.iter().any(|r| r.group != first.group) {
                    format!("{} n={}", table.group_label(group), num(base))
                } else {
                    format!("n={}", num(base))
                }
            })
            .collect();
        notes.push(
            lang.pick(
                &format!(
                    "Percentage van alle {units} ({}) dat de optie noemde, met het aantal tussen \
                     haakjes; gerangschikt naar aantal.",
                    bases.join(", ")
                ),
                &format!(
                    "Share of all {units} ({}) that mentioned the option, count in brackets; \
                     ranked by count.",
                    bases.join(", ")
                ),
            )
            .to_string(),
        );
    } else {
        notes.push(
            lang.pick(
                &format!(
                    "‘{}’: percentage van de {units} die het item beantwoordden (n per balk).",
                    first.category_label
                ),
                &format!(
                    "‘{}’: share of the {units} that answered the item (n per bar).",
                    first.category_label
                ),
            )
            .to_string(),
        );
    }
    if let Some(i) = &table.inference {
        let level = num(100.0 * i.level);
        let method = i.ci.map(|c| c.as_str()).unwrap_or("");
        notes.push(
            lang.pick(
                &format!(
                    "Lijnen: {level}%-betrouwbaarheidsinterval ({method}); letters: significant \
                     hoger dan de groep met die letter ({}).",
                    i.adjust.as_str()
                ),
                &format!(
                    "Lines: {level}% confidence interval ({method}); letters: significantly \
                     higher than the group with that letter ({}).",
                    i.adjust.as_str()
                ),
            )
            .to_string(),
        );
    }
    notes
}

/// Each group's base, in table order (mentions share one base per group).
fn distinct_bases(table: &Table) -> Vec<(&str, f64)> {
    let mut out: Vec<(&str, f64)> = Vec::new();
    for r in &table.rows {
        if !out.iter().any(|(g, _)| *g == r.group) {
            out.push((&r.group, r.base));
        }
    }
    out
}
