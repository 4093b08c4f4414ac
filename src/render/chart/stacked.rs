//! 100%-stacked and diverging bars of a frequency table.

use super::layout::{
    diverging, ink_on, panels, percent, row_rect, sequential, Bar, Frame, BAR_H, MISSING, PAD,
    RULE, VALUE_SIZE,
};
use crate::analysis::{Row, Table};
use crate::render::svg::{num, Anchor, TextStyle, BODY_SIZE};
use crate::render::text::text_width;

/// The categories of a frequency table's scale as the chart colours them: the substantive
/// categories in scale order, then the missing codes that count in the base.
struct Scale<'a> {
    /// Category id, label and colour, in scale order.
    categories: Vec<(&'a str, &'a str, &'static str)>,
    /// Labels of the categories outside the base ('weet niet'), in scale order.
    outside: Vec<&'a str>,
    /// Label of the first missing code inside the base, if any.
    missing_in_base: Option<&'a str>,
}

impl<'a> Scale<'a> {
    fn of(table: &'a Table, diverge: bool) -> Self {
        let mut substantive: Vec<(&str, &str)> = Vec::new();
        let mut missing: Vec<(&str, &str)> = Vec::new();
        let mut outside: Vec<&str> = Vec::new();
        for r in &table.rows {
            let entry = (r.category.as_str(), r.category_label.as_str());
            if !r.in_base {
                if !outside.contains(&entry.1) {
                    outside.push(entry.1);
                }
            } else if table.is_missing(r) {
                if !missing.contains(&entry) {
                    missing.push(entry);
                }
            } else if !substantive.contains(&entry) {
                substantive.push(entry);
            }
        }
        let colours = if diverge {
            diverging(substantive.len())
        } else {
            sequential(substantive.len())
        };
        let mut categories: Vec<_> = substantive
            .iter()
            .zip(colours)
            .map(|(&(id, label), colour)| (id, label, colour))
            .collect();
        let missing_in_base = missing.first().map(|m| m.1);
        if !diverge {
            categories.extend(missing.iter().map(|&(id, label)| (id, label, MISSING)));
        }
        Scale {
            categories,
            outside,
            missing_in_base,
        }
    }

    fn colour(&self, category: &str) -> &'static str {
        self.categories
            .iter()
            .find(|c| c.0 == category)
            .map_or(MISSING, |c| c.2)
    }

    /// Index of a substantive category in scale order.
    fn position(&self, category: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.0 == category)
    }
}

/// What sits right of a bar: its base, and the rows outside the base with their counts.
fn side_text(bar: &Bar<'_>, diverge: bool, table: &Table) -> String {
    let base = bar.rows.first().map_or(0.0, |r| r.base);
    let mut text = format!("n={}", num(base));
    for r in &bar.rows {
        let apart = !r.in_base || (diverge && table.is_missing(r));
        if apart {
            let value = if r.in_base {
                percent(r).unwrap_or_default()
            } else {
                num(r.count)
            };
            text.push_str(&format!(" · {}: {value}", r.category_label));
        }
    }
    text
}

/// Draws every panel of a frequency table as stacked (or diverging) bars, with legend and
/// footnote.
pub(super) fn draw(table: &Table, frame: &mut Frame, diverge: bool) {
    let scale = Scale::of(table, diverge);
    let legend: Vec<(String, &str)> = scale
        .categories
        .iter()
        .map(|&(_, label, colour)| (label.to_string(), colour))
        .collect();
    frame.legend(&legend);
    let panels = panels(table, frame.options.short_labels);
    let side = panels
        .iter()
        .flat_map(|p| p.bars.iter())
        .map(|b| text_width(&side_text(b, diverge, table), VALUE_SIZE, false))
        .fold(0.0, f64::max);
    let left = frame.bars_left();
    let width = (frame.width - PAD - side - 8.0 - left).max(40.0);
    let span = if diverge {
        half_span(&panels, &scale)
    } else {
        100.0
    };
    for panel in &panels {
        if let Some(heading) = &panel.heading {
            frame.heading(heading);
        }
        let top = frame.y;
        for bar in &panel.bars {
            let lines = frame.label_lines(&bar.label);
            let mid = frame.y + Frame::row_height(lines.len()) / 2.0 - 4.0;
            frame.draw_label(&lines, mid);
            let y = mid - BAR_H / 2.0;
            let geometry = Geometry {
                left,
                width,
                y,
                span,
            };
            if diverge {
                diverging_bar(frame, &scale, bar, &geometry);
            } else {
                stacked_bar(frame, &scale, bar, &geometry);
            }
            let text = side_text(bar, diverge, table);
            frame.svg.text(
                left + width + 8.0,
                mid + 4.0,
                &text,
                TextStyle::plain(VALUE_SIZE),
            );
            frame.y += Frame::row_height(lines.len());
        }
        if diverge {
            let centre = left + width / 2.0;
            frame
                .svg
                .line((centre, top - 2.0), (centre, frame.y - 6.0), RULE, 1.0);
        }
    }
    frame.footnote(&notes(table, frame, &scale, diverge));
}

/// Where one bar goes: its left edge, full width, top, and the percentage the width stands for
/// (100 for stacked bars; the widest half for diverging ones).
struct Geometry {
    left: f64,
    width: f64,
    y: f64,
    span: f64,
}

/// One segment: a rect with the row's data, and its printed percentage inside when it fits.
fn segment(frame: &mut Frame, row: &Row, x: f64, w: f64, y: f64, colour: &str) {
    row_rect(frame, row, (x, y, w), colour);
    if let Some(label) = percent(row) {
        if text_width(&label, VALUE_SIZE, false) + 4.0 <= w {
            let style = TextStyle::plain(VALUE_SIZE)
                .anchored(Anchor::Middle)
                .filled(ink_on(colour));
            frame
                .svg
                .text(x + w / 2.0, y + BAR_H / 2.0 + 4.0, &label, style);
        }
    }
}

fn stacked_bar(frame: &mut Frame, scale: &Scale<'_>, bar: &Bar<'_>, g: &Geometry) {
    let in_base: Vec<&Row> = bar.rows.iter().copied().filter(|r| r.in_base).collect();
    if in_base.iter().all(|r| r.percentage.is_none()) {
        no_answers(frame, g);
        return;
    }
    let mut x = g.left;
    for row in in_base {
        let w = row.percentage.unwrap_or(0.0) / g.span * g.width;
        if w > 0.0 {
            segment(frame, row, x, w, g.y, scale.colour(&row.category));
        }
        x += w;
    }
}

/// The widest side of any diverging bar, in percent: the scale both halves are drawn on.
fn half_span(panels: &[super::layout::Panel<'_>], scale: &Scale<'_>) -> f64 {
    panels
        .iter()
        .flat_map(|p| p.bars.iter())
        .map(|b| {
            let (lower, middle, upper) = halves(scale, b);
            (sum(&lower) + sum(&middle) / 2.0).max(sum(&upper) + sum(&middle) / 2.0)
        })
        .fold(10.0, f64::max)
}

fn sum(rows: &[&Row]) -> f64 {
    rows.iter().filter_map(|r| r.percentage).sum()
}

/// A bar's substantive rows split into the upper half of the scale (strongest first), the middle
/// category of an odd scale, and the lower half (weakest last).
fn halves<'a>(scale: &Scale<'_>, bar: &Bar<'a>) -> (Vec<&'a Row>, Vec<&'a Row>, Vec<&'a Row>) {
    let k = scale.categories.len();
    let (mut lower, mut middle, mut upper) = (Vec::new(), Vec::new(), Vec::new());
    for &r in &bar.rows {
        match scale.position(&r.category) {
            Some(i) if r.in_base && i < k / 2 => upper.push(r),
            Some(i) if r.in_base && k % 2 == 1 && i == k / 2 => middle.push(r),
            Some(_) if r.in_base => lower.push(r),
            _ => {}
        }
    }
    (lower, middle, upper)
}

fn diverging_bar(frame: &mut Frame, scale: &Scale<'_>, bar: &Bar<'_>, g: &Geometry) {
    if bar.rows.iter().all(|r| r.percentage.is_none()) {
        no_answers(frame, g);
        return;
    }
    let centre = g.left + g.width / 2.0;
    let per = g.width / 2.0 / g.span;
    let (lower, middle, upper) = halves(scale, bar);
    let half_middle = sum(&middle) / 2.0 * per;
    for row in middle {
        let w = row.percentage.unwrap_or(0.0) * per;
        segment(
            frame,
            row,
            centre - w / 2.0,
            w,
            g.y,
            scale.colour(&row.category),
        );
    }
    // Upper half: from the centre outwards to the strongest category.
    let mut x = centre + half_middle;
    for row in upper.iter().rev() {
        let w = row.percentage.unwrap_or(0.0) * per;
        if w > 0.0 {
            segment(frame, row, x, w, g.y, scale.colour(&row.category));
        }
        x += w;
    }
    let mut x = centre - half_middle;
    for row in lower {
        let w = row.percentage.unwrap_or(0.0) * per;
        x -= w;
        if w > 0.0 {
            segment(frame, row, x, w, g.y, scale.colour(&row.category));
        }
    }
}

fn no_answers(frame: &mut Frame, g: &Geometry) {
    let text = frame.lang.pick("geen antwoorden", "no answers");
    frame.svg.text(
        g.left + 4.0,
        g.y + BAR_H / 2.0 + 4.0,
        text,
        TextStyle::plain(BODY_SIZE).filled("#777777"),
    );
}

/// The footnote: the base and unit, rounding, and where 'weet niet' went.
fn notes(table: &Table, frame: &Frame, scale: &Scale<'_>, diverge: bool) -> Vec<String> {
    let unit = table
        .rows
        .first()
        .map_or(crate::instrument::Unit::Municipality, |r| r.unit);
    let units = frame.units(unit);
    let mut notes = vec![frame.say(
        format!(
            "n = aantal {units} dat de vraag beantwoordde (de basis van de percentages); \
             percentages afgerond zoals in het rapport, per balk samen 100%."
        ),
        format!(
            "n = number of {units} that answered the item (the base of the percentages); \
             percentages rounded as the report prints them, adding up to 100% per bar."
        ),
    )];
    if !scale.outside.is_empty() {
        let labels = scale
            .outside
            .iter()
            .map(|l| format!("‘{l}’"))
            .collect::<Vec<_>>()
            .join(", ");
        let (nl, en) = if scale.outside.len() == 1 {
            (
                "telt niet mee in de basis; het aantal staat",
                "is outside the base; its count is shown",
            )
        } else {
            (
                "tellen niet mee in de basis; de aantallen staan",
                "are outside the base; their counts are shown",
            )
        };
        notes.push(frame.say(
            format!("{labels} {nl} naast de balk."),
            format!("{labels} {en} beside the bar."),
        ));
    }
    if let Some(label) = scale.missing_in_base {
        notes.push(if diverge {
            frame.say(
                format!("‘{label}’ telt mee in de basis; het percentage staat naast de balk."),
                format!("‘{label}’ counts in the base; its share is shown beside the bar."),
            )
        } else {
            frame.say(
                format!("‘{label}’ telt mee in de basis (grijs)."),
                format!("‘{label}’ counts in the base (grey)."),
            )
        });
    }
    notes
}
