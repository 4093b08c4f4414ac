//! Excel workbooks of tables and reports (cargo feature `xlsx`): one formatted sheet per table,
//! laid out as the report prints the figure, and for a report an index sheet first.
//!
//! A table is first laid out as a [`Grid`] of typed cells (text, share, count, score, rank), then
//! written; the layout knows nothing of the xlsx writer, and the writer nothing of measures.
//! Shares are written as the exact fractions of the [`Table`] (`percentage / 100`) with a
//! percentage number format, never the report's rounding. A sheet's grid ends at a known row and
//! column, so something drawn beside it (a chart image) has a free place.

use std::path::Path;

use rust_xlsxwriter::utility::quote_sheet_name;
use rust_xlsxwriter::{
    DocProperties, Format, FormatAlign, Image, Url, Workbook, Worksheet, XlsxError,
};

use super::write::check_target;
use crate::analysis::{Lang, Row, Table};
use crate::error::{Error, Result};
use crate::instrument::Unit;
use crate::report::Report;

/// Excel's longest sheet name, in UTF-16 code units.
const MAX_SHEET_NAME: usize = 31;
/// Where a figure's grid starts: its title in row 0, a blank row, the header in row 2.
const HEADER_ROW: u32 = 2;

/// Options of [`Report::write_xlsx_with`] and [`Table::write_xlsx_with`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XlsxOptions {
    /// Put each table's chart under its footnotes as an image (PNG drawn at twice the size and
    /// shown at its own, so it stays sharp). Needs the `png` feature; without it the option is
    /// refused with [`Error::InvalidArgument`]. A table without a chart (mean scores) gets none.
    pub charts: bool,
}

impl XlsxOptions {
    fn check(&self) -> Result<()> {
        if self.charts && !cfg!(feature = "png") {
            return Err(Error::InvalidArgument {
                name: "charts",
                message: "chart images need the 'png' feature of the crate".into(),
            });
        }
        Ok(())
    }
}

/// The chart of `table` as PNG for a sheet, when asked for and drawable.
fn chart_png(table: &Table, options: &XlsxOptions) -> Result<Option<Vec<u8>>> {
    if !options.charts {
        return Ok(None);
    }
    #[cfg(feature = "png")]
    {
        use super::chart::ChartOptions;
        let chart_options = ChartOptions {
            title: false,
            ..ChartOptions::default()
        };
        match table.chart(&chart_options) {
            Ok(chart) => chart.to_png(2.0).map(Some),
            // A measure without a chart (mean scores) keeps its sheet without an image.
            Err(Error::Render { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
    #[cfg(not(feature = "png"))]
    {
        let _ = table;
        Ok(None)
    }
}

impl Report {
    /// Writes the report as an Excel workbook at `path`: an index sheet (the report's title and
    /// one line per figure with its id, title, measure and unit, the id linking to the figure's
    /// sheet), then one sheet per figure as [`Table::write_xlsx`] lays it out. Sheets are named
    /// after the figure ids, made valid for Excel (at most 31 characters, none of `[]:*?/\`,
    /// unique regardless of case).
    ///
    /// The file is written exactly at `path`, whose folder must exist ([`Error::Io`] otherwise);
    /// a `path` that is a symbolic link is [`Error::InvalidArgument`] and one that is a folder
    /// [`Error::Io`], both before anything is written. A workbook the xlsx writer refuses is
    /// [`Error::Render`].
    pub fn write_xlsx(&self, path: impl AsRef<Path>) -> Result<()> {
        self.write_xlsx_with(path, &XlsxOptions::default())
    }

    /// [`Report::write_xlsx`] with options (chart images).
    pub fn write_xlsx_with(&self, path: impl AsRef<Path>, options: &XlsxOptions) -> Result<()> {
        let path = path.as_ref();
        options.check()?;
        check_target(path, "path")?;
        let lang = self.tables.first().map_or(Lang::Nl, |t| t.labels.lang);
        let index = lang.pick("Inhoud", "Contents");
        let names =
            sheet_names(std::iter::once(index).chain(self.tables.iter().map(|t| t.id.as_str())));
        let styles = Styles::new();
        let mut workbook = Workbook::new();
        workbook.set_properties(&DocProperties::new().set_title(&self.spec.title));
        index_sheet(workbook.add_worksheet(), self, &names, lang, &styles)
            .map_err(|e| render(index, &e))?;
        for (table, name) in self.tables.iter().zip(&names[1..]) {
            let png = chart_png(table, options)?;
            let sheet = workbook.add_worksheet();
            figure_sheet(sheet, table, name, Some(&names[0]), &styles)
                .and_then(|row| insert_chart(sheet, row, png.as_deref()))
                .map_err(|e| render(&table.id, &e))?;
        }
        save(&mut workbook, path)
    }
}

impl Table {
    /// Writes the table as a one-sheet Excel workbook at `path`, laid out as the report shows
    /// the figure: its title, a header row, then one row per item (and group, for breakdowns)
    /// with the categories in scale order as percentage cells (the exact shares, shown to one
    /// decimal) and the base n; categories outside the base ('weet niet' where the scale leaves
    /// it out) as counts after n. Mentions are a ranked list (rank, option, count, percentage,
    /// n); a mean is one score per item. Rows with an interval add its bounds as columns.
    /// Footnotes under the table say what n counts and, with inference, the design and interval.
    ///
    /// The file is written exactly at `path`, as [`Report::write_xlsx`] writes.
    pub fn write_xlsx(&self, path: impl AsRef<Path>) -> Result<()> {
        self.write_xlsx_with(path, &XlsxOptions::default())
    }

    /// [`Table::write_xlsx`] with options (the chart image).
    pub fn write_xlsx_with(&self, path: impl AsRef<Path>, options: &XlsxOptions) -> Result<()> {
        let path = path.as_ref();
        options.check()?;
        check_target(path, "path")?;
        let png = chart_png(self, options)?;
        let names = sheet_names(std::iter::once(self.id.as_str()));
        let mut workbook = Workbook::new();
        workbook.set_properties(&DocProperties::new().set_title(&self.title));
        let sheet = workbook.add_worksheet();
        figure_sheet(sheet, self, &names[0], None, &Styles::new())
            .and_then(|row| insert_chart(sheet, row, png.as_deref()))
            .map_err(|e| render(&self.id, &e))?;
        save(&mut workbook, path)
    }
}

fn render(what: &str, e: &XlsxError) -> Error {
    Error::Render {
        what: "xlsx".into(),
        message: format!("sheet '{what}': {e}"),
    }
}

fn save(workbook: &mut Workbook, path: &Path) -> Result<()> {
    let bytes = workbook
        .save_to_buffer()
        .map_err(|e| render("workbook", &e))?;
    std::fs::write(path, bytes).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Valid, unique sheet names for `ids`, in order: the characters Excel forbids replaced by `_`,
/// apostrophes trimmed from the ends, cut to 31 UTF-16 units, and a `~2`, `~3` … suffix where
/// a name (compared without case, as Excel compares) is taken or reserved.
fn sheet_names<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: Vec<String> = vec!["history".into()]; // reserved by Excel
    let mut names = Vec::new();
    for id in ids {
        let base: String = id
            .chars()
            .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
            .collect();
        let base = base.trim_matches('\'');
        let base = if base.is_empty() { "Sheet" } else { base };
        let mut name = cut(base, MAX_SHEET_NAME);
        let mut n = 1;
        while taken.contains(&name.to_lowercase()) {
            n += 1;
            let suffix = format!("~{n}");
            name = cut(base, MAX_SHEET_NAME - suffix.len()) + &suffix;
        }
        taken.push(name.to_lowercase());
        names.push(name);
    }
    names
}

/// The longest prefix of `s` of at most `max` UTF-16 units, without a trailing apostrophe.
fn cut(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in s.chars() {
        len += c.len_utf16();
        if len > max {
            break;
        }
        out.push(c);
    }
    out.trim_end_matches('\'').to_string()
}

/// The formats every sheet shares.
struct Styles {
    title: Format,
    header: Format,
    label: Format,
    share: Format,
    count: Format,
    score: Format,
    note: Format,
    link: Format,
}

impl Styles {
    fn new() -> Styles {
        let top = Format::new().set_align(FormatAlign::Top);
        Styles {
            title: Format::new().set_bold().set_font_size(12),
            header: top.clone().set_bold().set_text_wrap(),
            label: top.clone().set_text_wrap(),
            share: top.clone().set_num_format("0.0%"),
            count: top.clone(),
            score: top.clone().set_num_format("0.00"),
            note: Format::new().set_italic(),
            link: Format::new()
                .set_font_color("#0563C1")
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
        }
    }
}

/// The index: the report's title, then one line per figure.
fn index_sheet(
    sheet: &mut Worksheet,
    report: &Report,
    names: &[String],
    lang: Lang,
    styles: &Styles,
) -> std::result::Result<(), XlsxError> {
    sheet.set_name(&names[0])?;
    sheet.write_string_with_format(0, 0, &report.spec.title, &styles.title)?;
    let header = [
        lang.pick("Figuur", "Figure"),
        lang.pick("Titel", "Title"),
        lang.pick("Maat", "Measure"),
        lang.pick("Eenheid", "Unit"),
    ];
    for (col, text) in (0..).zip(header) {
        sheet.write_string_with_format(HEADER_ROW, col, text, &styles.header)?;
    }
    for (row, (table, name)) in (HEADER_ROW + 1..).zip(report.tables.iter().zip(&names[1..])) {
        let link = Url::new(format!("internal:{}!A1", quote_sheet_name(name)));
        sheet.write_url_with_format(row, 0, link.set_text(&table.id), &styles.link)?;
        sheet.write_string_with_format(row, 1, &table.title, &styles.label)?;
        sheet.write_string(row, 2, &table.measure)?;
        if let Some(unit) = table.rows.first().map(|r| r.unit) {
            sheet.write_string(row, 3, units(unit, lang))?;
        }
    }
    let id_width = report.tables.iter().map(|t| t.id.chars().count());
    sheet.set_column_width(0, width(id_width, 8, 24))?;
    sheet.set_column_width(1, 90)?;
    sheet.set_column_width(2, 14)?;
    sheet.set_column_width(3, 14)?;
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    Ok(())
}

/// The unit of n, plural, in `lang`.
fn units(unit: Unit, lang: Lang) -> &'static str {
    match unit {
        Unit::Municipality => lang.pick("gemeenten", "municipalities"),
        Unit::Respondent => lang.pick("respondenten", "respondents"),
    }
}

/// A column width for text of the given lengths, within `[min, max]`.
fn width(lengths: impl Iterator<Item = usize>, min: usize, max: usize) -> f64 {
    lengths.max().unwrap_or(0).clamp(min, max) as f64 + 1.0
}

/// One figure's sheet: title, grid, footnotes and (in a report) a link back to the index.
/// Returns the first free row under them.
fn figure_sheet(
    sheet: &mut Worksheet,
    table: &Table,
    name: &str,
    index: Option<&str>,
    styles: &Styles,
) -> std::result::Result<u32, XlsxError> {
    sheet.set_name(name)?;
    sheet.write_string_with_format(0, 0, &table.title, &styles.title)?;
    let grid = if table.measure == "mentions" {
        ranked(table)
    } else {
        matrix(table)
    };
    let last = write_grid(sheet, &grid, styles)?;
    let mut row = last + 2;
    for note in footnotes(table, &grid) {
        sheet.write_string_with_format(row, 0, note, &styles.note)?;
        row += 1;
    }
    if let Some(index) = index {
        let link = Url::new(format!("internal:{}!A1", quote_sheet_name(index)));
        let text = format!("← {index}");
        sheet.write_url_with_format(row + 1, 0, link.set_text(text), &styles.link)?;
        row += 2;
    }
    Ok(row + 1)
}

/// The chart image under the sheet's text, drawn at twice its size and shown at its own.
fn insert_chart(
    sheet: &mut Worksheet,
    row: u32,
    png: Option<&[u8]>,
) -> std::result::Result<(), XlsxError> {
    if let Some(png) = png {
        let image = Image::new_from_buffer(png)?
            .set_scale_width(0.5)
            .set_scale_height(0.5)
            .set_alt_text("chart");
        sheet.insert_image(row, 0, &image)?;
    }
    Ok(())
}

/// What a cell holds, which decides its format.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    /// A share in [0, 1], shown as a percentage.
    Share(f64),
    /// A (weighted) count or base.
    Count(f64),
    /// A mean score.
    Score(f64),
}

/// A figure laid out: header, body rows, and how many leading columns are labels (frozen,
/// wrapped).
#[derive(Debug, Default)]
struct Grid {
    header: Vec<String>,
    rows: Vec<Vec<Cell>>,
    labels: u16,
    /// The labels of the categories shown as counts outside the base, for the footnote.
    outside: Vec<String>,
}

/// Writes the grid from [`HEADER_ROW`]; returns the last row written.
fn write_grid(
    sheet: &mut Worksheet,
    grid: &Grid,
    styles: &Styles,
) -> std::result::Result<u32, XlsxError> {
    for (col, text) in (0..).zip(&grid.header) {
        sheet.write_string_with_format(HEADER_ROW, col, text, &styles.header)?;
    }
    let mut last = HEADER_ROW;
    for (row, cells) in (HEADER_ROW + 1..).zip(&grid.rows) {
        for (col, cell) in (0..).zip(cells) {
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    sheet.write_string_with_format(row, col, s, &styles.label)?;
                }
                Cell::Share(x) => {
                    sheet.write_number_with_format(row, col, *x, &styles.share)?;
                }
                Cell::Count(x) => {
                    sheet.write_number_with_format(row, col, *x, &styles.count)?;
                }
                Cell::Score(x) => {
                    sheet.write_number_with_format(row, col, *x, &styles.score)?;
                }
            }
        }
        last = row;
    }
    for (col, header) in (0..).zip(&grid.header) {
        let (min, max) = if col < grid.labels { (8, 50) } else { (9, 16) };
        let texts = grid
            .rows
            .iter()
            .filter_map(|r| match r.get(usize::from(col)) {
                Some(Cell::Text(s)) => Some(s.chars().count()),
                _ => None,
            });
        let longest_word = header.split_whitespace().map(|w| w.chars().count());
        sheet.set_column_width(col, width(texts.chain(longest_word), min, max))?;
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, grid.labels)?;
    Ok(last)
}

/// Whether the table has more than one group (a breakdown).
fn has_breakdown(table: &Table) -> bool {
    table
        .rows
        .first()
        .is_some_and(|first| table.rows.iter().any(|r| r.group != first.group))
}

/// Whether any row carries an interval.
fn has_interval(table: &Table) -> bool {
    table.rows.iter().any(|r| {
        r.inference
            .as_ref()
            .is_some_and(|e| e.lower.is_some() || e.upper.is_some())
    })
}

/// A row's value in its column's kind: the share (`percentage / 100`), or for a mean the score.
fn value(table: &Table, row: &Row) -> Cell {
    if table.measure == "mean" {
        row.inference
            .as_ref()
            .map_or(Cell::Empty, |e| Cell::Score(e.estimate))
    } else {
        row.percentage
            .map_or(Cell::Empty, |p| Cell::Share(p / 100.0))
    }
}

/// A row's interval bounds in its value's kind.
fn bounds(table: &Table, row: &Row) -> [Cell; 2] {
    let Some(e) = &row.inference else {
        return [Cell::Empty, Cell::Empty];
    };
    let cell = |x: Option<f64>| match x {
        None => Cell::Empty,
        Some(x) if table.measure == "mean" => Cell::Score(x),
        Some(x) => Cell::Share(x),
    };
    [cell(e.lower), cell(e.upper)]
}

/// Frequencies, nets and means: one line per item (and group), one column per category in scale
/// order, then n, the categories outside the base as counts, and the interval bounds.
fn matrix(table: &Table) -> Grid {
    let mut keys: Vec<(Option<&str>, &str)> = Vec::new();
    let mut categories: Vec<&Row> = Vec::new(); // the first row of each category
    for r in &table.rows {
        let key = (r.item.as_deref(), r.group.as_str());
        if !keys.contains(&key) {
            keys.push(key);
        }
        if !categories.iter().any(|c| c.category == r.category) {
            categories.push(r);
        }
    }
    let (inside, outside) = categories.into_iter().partition(|r| r.in_base);
    let columns = Columns {
        table,
        by: has_breakdown(table),
        interval: has_interval(table),
        inside,
        outside,
    };
    Grid {
        header: columns.header(),
        rows: keys.iter().map(|&(i, g)| columns.line(i, g)).collect(),
        labels: if columns.by { 2 } else { 1 },
        outside: columns
            .outside
            .iter()
            .map(|c| c.category_label.clone())
            .collect(),
    }
}

/// The columns of a [`matrix`]: the categories inside the base (as shares, or scores for a
/// mean) and outside it (as counts), each given by its first row.
struct Columns<'a> {
    table: &'a Table,
    by: bool,
    interval: bool,
    inside: Vec<&'a Row>,
    outside: Vec<&'a Row>,
}

impl Columns<'_> {
    fn header(&self) -> Vec<String> {
        let lang = self.table.labels.lang;
        let mut header = vec![lang.pick("Item", "Item").to_string()];
        if self.by {
            header.push(lang.pick("Groep", "Group").into());
        }
        header.extend(self.inside.iter().map(|c| c.category_label.clone()));
        header.push("n".into());
        let count = lang.pick("aantal", "count");
        for c in &self.outside {
            header.push(format!("{} ({count})", c.category_label));
        }
        if self.interval {
            let (lower, upper) = (
                lang.pick("ondergrens", "lower"),
                lang.pick("bovengrens", "upper"),
            );
            for c in &self.inside {
                header.push(format!("{} {lower}", c.category_label));
                header.push(format!("{} {upper}", c.category_label));
            }
        }
        header
    }

    fn line(&self, item: Option<&str>, group: &str) -> Vec<Cell> {
        let table = self.table;
        let find = |c: &Row| table.find(item, group, &c.category);
        let first = table.rows_for(item, group).next();
        let mut cells = vec![label(table, first, self.by)];
        if self.by {
            cells.push(Cell::Text(table.group_label(group).into()));
        }
        for c in &self.inside {
            cells.push(find(c).map_or(Cell::Empty, |r| value(table, r)));
        }
        let base = table.rows_for(item, group).find(|r| r.in_base).or(first);
        cells.push(base.map_or(Cell::Empty, |r| Cell::Count(r.base)));
        for c in &self.outside {
            cells.push(find(c).map_or(Cell::Empty, |r| Cell::Count(r.count)));
        }
        if self.interval {
            for c in &self.inside {
                cells.extend(find(c).map_or([Cell::Empty, Cell::Empty], |r| bounds(table, r)));
            }
        }
        cells
    }
}

/// The label of a line: the item's full label; for a question without items the group's label
/// where no group column shows it.
fn label(table: &Table, row: Option<&Row>, by: bool) -> Cell {
    match row {
        Some(Row {
            item_label: Some(l),
            ..
        }) => Cell::Text(l.clone()),
        Some(r) if !by => Cell::Text(table.group_label(&r.group).into()),
        _ => Cell::Empty,
    }
}

/// Mentions: a ranked list per group (rank, option, count, percentage, n, interval bounds).
fn ranked(table: &Table) -> Grid {
    let lang = table.labels.lang;
    let by = has_breakdown(table);
    let interval = has_interval(table);
    let mut header = Vec::new();
    if by {
        header.push(lang.pick("Groep", "Group").to_string());
    }
    header.push(lang.pick("Rang", "Rank").into());
    header.push(lang.pick("Optie", "Option").into());
    header.push(lang.pick("Aantal", "Count").into());
    header.push(lang.pick("Percentage", "Percentage").into());
    header.push("n".into());
    if interval {
        header.push(lang.pick("Ondergrens", "Lower").into());
        header.push(lang.pick("Bovengrens", "Upper").into());
    }
    let rows = table
        .rows
        .iter()
        .map(|r| {
            let mut cells = Vec::new();
            if by {
                cells.push(Cell::Text(table.group_label(&r.group).into()));
            }
            cells.push(r.rank.map_or(Cell::Empty, |k| Cell::Count(f64::from(k))));
            cells.push(Cell::Text(r.item_label.clone().unwrap_or_default()));
            cells.push(Cell::Count(r.count));
            cells.push(value(table, r));
            cells.push(Cell::Count(r.base));
            if interval {
                cells.extend(bounds(table, r));
            }
            cells
        })
        .collect();
    Grid {
        header,
        rows,
        labels: if by { 3 } else { 2 },
        outside: Vec::new(),
    }
}

/// What n counts, what the percentages are, and the design and interval when there is one.
fn footnotes(table: &Table, grid: &Grid) -> Vec<String> {
    let lang = table.labels.lang;
    let mut notes: Vec<String> = table
        .warning_text()
        .into_iter()
        .chain(table.rows.first().map(|r| base_note(table, grid, r.unit)))
        .collect();
    if table.measure != "mean" {
        notes.push(
            lang.pick(
                "Percentages zijn exact; het rapport drukt ze afgerond op hele procenten af.",
                "Percentages are exact; the report prints them rounded to whole percents.",
            )
            .into(),
        );
    }
    if let Some(i) = &table.inference {
        let mut note = format!("{}: {}", lang.pick("Ontwerp", "Design"), i.design);
        if let Some(ci) = i.ci {
            note.push_str(&format!(
                "; interval {}, {} {}%",
                ci.as_str(),
                lang.pick("betrouwbaarheid", "level"),
                i.level * 100.0
            ));
        }
        notes.push(note + ".");
        notes.extend(i.frame_note.clone());
    }
    notes
}

/// What n counts: those who answered (without the categories outside the base), or for
/// mentions every unit of the group.
fn base_note(table: &Table, grid: &Grid, unit: Unit) -> String {
    let lang = table.labels.lang;
    let units = units(unit, lang);
    if table.measure == "mentions" {
        return match lang {
            Lang::Nl => format!(
                "n = alle {units} in de groep; percentage = aandeel dat de optie noemde (meer \
                 antwoorden mogelijk); gelijke aantallen delen een rang."
            ),
            Lang::En => format!(
                "n = all {units} in the group; percentage = share that mentioned the option \
                 (several answers allowed); equal counts share a rank."
            ),
        };
    }
    let outside = grid.outside.join("', '");
    match (lang, grid.outside.is_empty()) {
        (Lang::Nl, true) => format!("n = aantal {units} dat de vraag beantwoordde."),
        (Lang::En, true) => format!("n = number of {units} that answered the question."),
        (Lang::Nl, false) => format!(
            "n = aantal {units} dat de vraag beantwoordde, zonder '{outside}' (als aantal na n)."
        ),
        (Lang::En, false) => format!(
            "n = number of {units} that answered the question, without '{outside}' (as a count \
             after n)."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_unique_and_short() {
        let long = "a".repeat(64);
        let names = sheet_names([
            "Inhoud",
            "inhoud",
            "mentions:q/x",
            "'quoted'",
            "",
            "History",
            &long,
            &long,
        ]);
        assert_eq!(
            names[..6],
            [
                "Inhoud",
                "inhoud~2",
                "mentions_q_x",
                "quoted",
                "Sheet",
                "History~2"
            ]
        );
        assert_eq!(names[6], "a".repeat(31));
        assert_eq!(names[7], "a".repeat(29) + "~2");
        for n in &names {
            rust_xlsxwriter::utility::check_sheet_name(n).unwrap();
        }
    }

    #[test]
    fn a_name_is_cut_in_utf16_units() {
        // '𝔸' takes two UTF-16 units: 15 of them are 30 units, a 16th would pass 31.
        let name = cut(&"𝔸".repeat(20), MAX_SHEET_NAME);
        assert_eq!(name.chars().count(), 15);
        assert_eq!(cut("abc'", 4), "abc");
    }
}
