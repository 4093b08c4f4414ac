//! The HTML report: a whole [`Report`] as one self-contained page (title page, table of contents,
//! every figure as chart and table with Dutch labels and footnotes, method notes), rendered with
//! `minijinja` from templates that users can override one file at a time.
//!
//! The page's data is prepared here, as plain values the templates only lay out: the labels are
//! already the table's (Dutch) labels, the percentages those the report prints, the footnotes
//! whole sentences. Every value a template prints passes through [`esc`]; only the chart's SVG is
//! inserted as markup (`|safe`).

use std::path::{Path, PathBuf};

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, ErrorKind, Output, State, Value};
use serde::Serialize;

use super::chart::{chart_svg, ChartOptions};
use super::esc;
use crate::analysis::{Base, Row, Table};
use crate::consolidate::Policy;
use crate::error::{Error, Result};
use crate::instrument::Unit;
use crate::report::{FigureSpec, Report, SkippedFigure};

/// The built-in templates, by file name. A file of the same name in
/// [`HtmlOptions::template_dir`] replaces one; `report.html` is the page and includes the others.
pub const TEMPLATES: [(&str, &str); 6] = [
    ("report.html", include_str!("templates/report.html")),
    ("title.html", include_str!("templates/title.html")),
    ("figure.html", include_str!("templates/figure.html")),
    ("methods.html", include_str!("templates/methods.html")),
    (
        "inconsistencies.html",
        include_str!("templates/inconsistencies.html"),
    ),
    ("style.css", include_str!("templates/style.css")),
];

/// The template the page is rendered from.
const PAGE: &str = "report.html";

/// How [`Report::to_html_with`] renders the page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlOptions {
    /// A folder whose template files replace the built-in ones of the same name (see
    /// [`TEMPLATES`]); files it lacks come from the built-in set. Read when the page is rendered.
    pub template_dir: Option<PathBuf>,
    /// What data the report was computed from, in words, shown on the title page and in the
    /// method notes (e.g. a file name, or that the data are the bundled synthetic reconstruction).
    pub data_source: Option<String>,
    /// Whether the data are the bundled synthetic reconstruction of the 2013 microdata, which
    /// the page then says prominently. `None`: assumed for the 2013 specification when
    /// `data_source` is not given; give `Some(false)` for real data read with that
    /// specification (the command line does so for `--data`).
    pub bundled: Option<bool>,
}

impl Report {
    /// The whole report as one self-contained HTML page, from the built-in templates.
    pub fn to_html(&self) -> Result<String> {
        self.to_html_with(&HtmlOptions::default())
    }

    /// The whole report as one self-contained HTML page: a title page, a table of contents, every
    /// figure as chart and table with its footnotes, and the method notes.
    ///
    /// A template that does not parse or render, or a template folder that cannot be read, is
    /// [`Error::Render`] (`what == "html"`) naming the template file and line. A chart that
    /// cannot be drawn does not fail the page: its figure shows the table with a note.
    pub fn to_html_with(&self, options: &HtmlOptions) -> Result<String> {
        let dir = options.template_dir.as_deref();
        if let Some(dir) = dir {
            if !dir.is_dir() {
                return Err(html_error(format!(
                    "the template folder '{}' is not a folder",
                    dir.display()
                )));
            }
        }
        let env = environment(dir);
        let context = page_context(self, options);
        env.get_template(PAGE)
            .and_then(|t| t.render(context))
            .map_err(|e| template_error(&e, dir))
    }
}

fn html_error(message: String) -> Error {
    Error::Render {
        what: "html".into(),
        message,
    }
}

/// The environment: templates load on demand, from the user's folder first.
fn environment(dir: Option<&Path>) -> Environment<'static> {
    let mut env = Environment::new();
    let dir = dir.map(Path::to_path_buf);
    env.set_loader(move |name| load(dir.as_deref(), name));
    env.set_formatter(format_value);
    env
}

/// A template by name: the user's file when there is one, else the built-in one. Only plain file
/// names load; anything else is "not found", so an include cannot reach outside the folder.
fn load(dir: Option<&Path>, name: &str) -> std::result::Result<Option<String>, minijinja::Error> {
    let plain =
        !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\', ':', '\0']);
    if !plain {
        return Ok(None);
    }
    if let Some(dir) = dir {
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => return Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    format!("cannot read '{}': {e}", path.display()),
                ))
            }
        }
    }
    Ok(TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| (*text).to_string()))
}

/// Prints a value: in HTML templates through [`esc`], the crate's one escaping function (values
/// marked safe, the charts' SVG, as they are); elsewhere (the CSS) as minijinja would.
fn format_value(
    out: &mut Output,
    state: &mut State,
    value: &Value,
) -> std::result::Result<(), minijinja::Error> {
    if value.is_safe() || !matches!(state.auto_escape(), AutoEscape::Html) {
        return minijinja::escape_formatter(out, state, value);
    }
    if value.is_undefined() || value.is_none() {
        return Ok(());
    }
    out.write_str(&esc(&value.to_string()))
        .map_err(minijinja::Error::from)
}

/// A template error as [`Error::Render`]: which file (the user's or the built-in one), which line,
/// what went wrong.
fn template_error(e: &minijinja::Error, dir: Option<&Path>) -> Error {
    // An error inside an included template comes wrapped in the include's; the innermost one
    // knows the file and line at fault.
    let mut e = e;
    while let Some(inner) =
        std::error::Error::source(e).and_then(|s| s.downcast_ref::<minijinja::Error>())
    {
        e = inner;
    }
    let name = e.name().unwrap_or(PAGE);
    let file = match dir.map(|d| d.join(name)) {
        Some(path) if path.is_file() => format!("template '{}'", path.display()),
        _ => format!("built-in template '{name}'"),
    };
    let line = e.line().map(|l| format!(", line {l}")).unwrap_or_default();
    let detail = e.detail().map(|d| format!(": {d}")).unwrap_or_default();
    html_error(format!("{file}{line}: {}{detail}", e.kind()))
}

// ---------------------------------------------------------------------------------------------
// What the templates receive (documented in docs/report-format.md).

#[derive(Serialize)]
struct PageContext {
    generator: String,
    report: ReportInfo,
    is_2013: bool,
    /// The bundled synthetic reconstruction: the page warns that the answers are invented.
    synthetic: bool,
    data_source: String,
    bases: Bases,
    figures: Vec<FigureView>,
    /// Figures left out because the survey has no data for them (`Report::skipped`).
    skipped: Vec<SkippedFigure>,
    methods: Methods,
}

#[derive(Serialize)]
struct ReportInfo {
    id: String,
    title: String,
}

/// The largest base of a figure's `all` rows per unit: the most municipalities and respondents
/// any figure counts (empty when no figure has that unit).
#[derive(Serialize, Default)]
struct Bases {
    municipalities: String,
    respondents: String,
}

#[derive(Serialize)]
struct FigureView {
    id: String,
    number: usize,
    title: String,
    measure: String,
    svg: String,
    chart_error: String,
    item_header: String,
    show_item: bool,
    show_group: bool,
    columns: Vec<Column>,
    rows: Vec<RowView>,
    notes: Vec<String>,
    table: Value,
}

#[derive(Serialize)]
struct Column {
    id: String,
    label: String,
}

#[derive(Serialize)]
struct RowView {
    item: String,
    item_id: String,
    group: String,
    group_id: String,
    new_item: bool,
    cells: Vec<Cell>,
    base: String,
}

#[derive(Serialize, Default)]
struct Cell {
    text: String,
    title: String,
    outside: bool,
}

#[derive(Serialize, Default)]
struct Methods {
    overrides: Vec<FigureNote>,
    substantive: Vec<FigureNote>,
    inference: Vec<FigureNote>,
}

#[derive(Serialize)]
struct FigureNote {
    figure_id: String,
    figure_title: String,
    policy: String,
    text: String,
}

fn page_context(report: &Report, options: &HtmlOptions) -> Value {
    let figures = report
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| figure_view(t, i + 1, report.spec.figure(&t.id).ok()))
        .collect();
    Value::from(Serde(PageContext {
        generator: format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")),
        report: ReportInfo {
            id: report.spec.id.clone(),
            title: report.spec.title.clone(),
        },
        is_2013: report.spec.id == "doe_democratie_2013",
        synthetic: report.spec.id == "doe_democratie_2013"
            && options.bundled.unwrap_or(options.data_source.is_none()),
        data_source: options.data_source.clone().unwrap_or_default(),
        bases: largest_bases(&report.tables),
        figures,
        skipped: report.skipped.clone(),
        methods: methods(report),
    }))
}

fn largest_bases(tables: &[Table]) -> Bases {
    let largest = |unit: Unit| {
        tables
            .iter()
            .flat_map(|t| &t.rows)
            .filter(|r| r.unit == unit && r.group == "all")
            .map(|r| r.base)
            .fold(None, |m: Option<f64>, b| Some(m.map_or(b, |m| m.max(b))))
            .map(number)
            .unwrap_or_default()
    };
    Bases {
        municipalities: largest(Unit::Municipality),
        respondents: largest(Unit::Respondent),
    }
}

/// The figure's chart without its title: the report shows the title as the section's heading.
fn figure_svg(table: &Table) -> Result<String> {
    let options = ChartOptions {
        title: false,
        ..ChartOptions::default()
    };
    chart_svg(table, &options)
}

fn figure_view(table: &Table, number: usize, spec: Option<&FigureSpec>) -> FigureView {
    let (svg, chart_error) = match figure_svg(table) {
        Ok(svg) => (svg, String::new()),
        Err(e) => (String::new(), e.to_string()),
    };
    let mentions = table.measure == "mentions";
    let (columns, rows) = if mentions {
        mention_rows(table)
    } else {
        pivot_rows(table)
    };
    let show_group = rows.iter().any(|r| r.group_id != "all");
    let show_item = rows.iter().any(|r| !r.item_id.is_empty());
    FigureView {
        id: table.id.clone(),
        number,
        title: table.title.clone(),
        measure: table.measure.clone(),
        svg,
        chart_error,
        item_header: if mentions { "Antwoord" } else { "Onderdeel" }.into(),
        show_item,
        show_group,
        columns,
        rows,
        notes: footnotes(table, spec),
        table: Value::from(Serde(table)),
    }
}

/// The (item, group) pairs of a table in first-seen order, each with its rows.
fn keyed_rows(table: &Table) -> Vec<((&str, &str), Vec<&Row>)> {
    let mut keys: Vec<((&str, &str), Vec<&Row>)> = Vec::new();
    for r in &table.rows {
        let key = (r.item.as_deref().unwrap_or(""), r.group.as_str());
        match keys.iter_mut().find(|(k, _)| *k == key) {
            Some((_, rows)) => rows.push(r),
            None => keys.push((key, vec![r])),
        }
    }
    keys
}

fn row_view(table: &Table, rows: &[&Row], previous_item: Option<&str>) -> Option<RowView> {
    let first = rows.first()?;
    let item_id = first.item.clone().unwrap_or_default();
    let base = rows.iter().find(|r| r.in_base).unwrap_or(first).base;
    Some(RowView {
        item: first
            .item_label
            .clone()
            .or_else(|| table.item_short_label(first).map(str::to_string))
            .unwrap_or_default(),
        new_item: previous_item != Some(item_id.as_str()),
        item_id,
        group: table.group_label(&first.group).to_string(),
        group_id: first.group.clone(),
        cells: Vec::new(),
        base: number(base),
    })
}

/// Frequencies, nets and means: one line per item and group, one column per category with the
/// printed percentage; categories outside the base show their count.
fn pivot_rows(table: &Table) -> (Vec<Column>, Vec<RowView>) {
    let mut categories: Vec<(&str, &Row)> = Vec::new();
    for r in &table.rows {
        if !categories.iter().any(|(c, _)| *c == r.category) {
            categories.push((&r.category, r));
        }
    }
    let columns = categories
        .iter()
        .map(|(id, r)| Column {
            id: (*id).to_string(),
            label: if r.in_base {
                category_label(r).to_string()
            } else {
                format!("{} (aantal)", category_label(r))
            },
        })
        .collect();
    let mut views: Vec<RowView> = Vec::new();
    for (_, rows) in keyed_rows(table) {
        let previous = views.last().map(|v| v.item_id.as_str());
        let Some(mut view) = row_view(table, &rows, previous) else {
            continue;
        };
        view.cells = categories
            .iter()
            .map(|(c, _)| {
                rows.iter()
                    .find(|r| r.category == *c)
                    .map_or_else(Cell::default, |r| share_cell(r))
            })
            .collect();
        views.push(view);
    }
    (columns, views)
}

fn share_cell(r: &Row) -> Cell {
    if !r.in_base {
        return Cell {
            text: number(r.count),
            title: format!("aantal {}; telt niet mee in de basis", unit_word(r.unit)),
            outside: true,
        };
    }
    let text = match (r.printed, r.percentage) {
        (Some(p), _) => format!("{p}%"),
        (None, Some(p)) => format!("{}%", decimal(p, 1)),
        (None, None) => "–".into(),
    };
    Cell {
        text,
        title: format!("{} van {}", number(r.count), number(r.base)),
        outside: false,
    }
}

/// Mentions: one line per option (and group) in rank order, with rank, count and share.
fn mention_rows(table: &Table) -> (Vec<Column>, Vec<RowView>) {
    let columns = [("rank", "Rang"), ("count", "Aantal"), ("percentage", "%")]
        .map(|(id, label)| Column {
            id: id.into(),
            label: label.into(),
        })
        .into();
    let mut views: Vec<RowView> = Vec::new();
    for (_, rows) in keyed_rows(table) {
        let Some(mut view) = row_view(table, &rows, None) else {
            continue;
        };
        let r = rows[0];
        let rank = r.rank.map_or(String::new(), |k| {
            format!("{k}{}", if r.tied == Some(true) { "=" } else { "" })
        });
        let share = share_cell(r);
        view.cells = vec![
            Cell {
                text: rank,
                ..Cell::default()
            },
            Cell {
                text: number(r.count),
                ..Cell::default()
            },
            share,
        ];
        views.push(view);
    }
    (columns, views)
}

fn category_label(r: &Row) -> &str {
    if r.category_label.is_empty() {
        &r.label_nl
    } else {
        &r.category_label
    }
}

fn unit_word(unit: Unit) -> &'static str {
    match unit {
        Unit::Municipality => "gemeenten",
        Unit::Respondent => "respondenten",
    }
}

/// A count or base as Dutch text: whole numbers plainly, fractions (half counts of the `split`
/// consolidation, weighted counts) with at most two decimals and a decimal comma.
fn number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        decimal(x, 2)
    }
}

fn decimal(x: f64, places: usize) -> String {
    let s = format!("{x:.places$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    s.replace('.', ",")
}

// ---------------------------------------------------------------------------------------------
// Footnotes and method notes.

fn footnotes(table: &Table, spec: Option<&FigureSpec>) -> Vec<String> {
    let mut notes = Vec::new();
    notes.extend(table.warning_text());
    notes.extend(base_note(table));
    notes.extend(missing_note(table));
    notes.push(rounding_note(table));
    if let Some(spec) = spec {
        if let Some(policy) = override_for(spec) {
            notes.push(format!("Samenvoegen per gemeente: {policy}."));
        }
        if spec.options.base == Base::Substantive {
            notes.push("Basis: alleen inhoudelijke antwoorden; ‘weet niet’ telt niet mee.".into());
        }
    }
    if let Some(i) = &table.inference {
        notes.push(inference_text(table));
        if let Some(frame) = &i.frame_note {
            notes.push(frame.clone());
        }
    }
    notes
}

/// The base and unit of the `all` rows: one n, or the range when items differ.
fn base_note(table: &Table) -> Option<String> {
    let rows: Vec<&Row> = table
        .rows
        .iter()
        .filter(|r| r.group == "all" && r.in_base)
        .collect();
    let first = rows.first()?;
    let unit = unit_word(first.unit);
    let lo = rows.iter().map(|r| r.base).fold(f64::INFINITY, f64::min);
    let hi = rows
        .iter()
        .map(|r| r.base)
        .fold(f64::NEG_INFINITY, f64::max);
    let n = if lo == hi {
        format!("n = {} {unit}", number(lo))
    } else {
        format!(
            "n = {}–{} {unit}, per onderdeel verschillend",
            number(lo),
            number(hi)
        )
    };
    let per_group = if table.rows.iter().any(|r| r.group != "all") {
        "; per groep in de kolom n"
    } else {
        ""
    };
    let unit_text = match first.unit {
        Unit::Municipality => "Eenheid: gemeenten, één antwoordpatroon per gemeente",
        Unit::Respondent => "Eenheid: respondenten",
    };
    Some(format!("Basis: {n}{per_group}. {unit_text}."))
}

/// How the table's missing codes ('weet niet') stand to the base.
fn missing_note(table: &Table) -> Option<String> {
    let missing: Vec<&Row> = table.rows.iter().filter(|r| table.is_missing(r)).collect();
    let mut labels: Vec<&str> = Vec::new();
    for r in &missing {
        if !labels.contains(&category_label(r)) {
            labels.push(category_label(r));
        }
    }
    if labels.is_empty() {
        return None;
    }
    let named = labels
        .iter()
        .map(|l| format!("‘{l}’"))
        .collect::<Vec<_>>()
        .join(" en ");
    Some(if missing.iter().any(|r| r.in_base) {
        format!("{named} telt mee in de basis en heeft een eigen percentage.")
    } else {
        format!("{named} telt niet mee in de basis; de tabel geeft het aantal.")
    })
}

fn rounding_note(table: &Table) -> String {
    if table.measure == "mentions" {
        let unit = table.rows.first().map_or("eenheden", |r| unit_word(r.unit));
        return format!(
            "Percentage: aantal keer genoemd gedeeld door alle {unit} (ook wie het niet noemde), \
             half naar boven afgerond. Gelijke aantallen delen een rang (=)."
        );
    }
    if let Some(net) = table.measure.strip_prefix("net:") {
        let label = table
            .rows
            .iter()
            .find(|r| r.category == net)
            .map_or(net, category_label);
        return format!("Aandeel ‘{label}’, in hele procenten, half naar boven afgerond.");
    }
    if table.measure == "frequencies" {
        return "Percentages in hele procenten, per rij afgerond met de grootste-restmethode, \
                zodat elke rij optelt tot 100."
            .into();
    }
    "Percentages in hele procenten, half naar boven afgerond.".into()
}

fn inference_text(table: &Table) -> String {
    let Some(i) = &table.inference else {
        return String::new();
    };
    let mut text = format!("Steekproefontwerp: {}", i.design);
    if let Some(ci) = i.ci {
        text.push_str(&format!(
            "; {}%-betrouwbaarheidsinterval ({}) in de gegevens van deze figuur (CSV, report.json)",
            decimal(i.level * 100.0, 1),
            ci.as_str()
        ));
    }
    text.push('.');
    text
}

/// The figure's consolidation policy for its own question when the specification overrides the
/// default, in words.
fn override_for(spec: &FigureSpec) -> Option<String> {
    let policy = spec.options.rules.overrides().get(&spec.question)?;
    Some(policy_words(*policy).to_string())
}

fn policy_words(policy: Policy) -> &'static str {
    match policy {
        Policy::Split => "het gewicht van de gemeente verdeeld over haar respondenten",
        Policy::AnyYes => "‘ja’ als ten minste één respondent ja antwoordde",
        Policy::Median => "de mediaan van de inhoudelijke antwoorden",
        Policy::Max => "het hoogste inhoudelijke antwoord",
        Policy::Mode => "het vaakst gegeven inhoudelijke antwoord",
        Policy::PreferRole => "het antwoord van de respondent met de hoogste functie",
    }
}

fn methods(report: &Report) -> Methods {
    let mut m = Methods::default();
    let note = |f: &FigureSpec, policy: String, text: String| FigureNote {
        figure_id: f.id.clone(),
        figure_title: f.title.clone(),
        policy,
        text,
    };
    for f in &report.spec.figures {
        if let Some(policy) = override_for(f) {
            m.overrides.push(note(f, policy, String::new()));
        }
        if f.options.base == Base::Substantive {
            m.substantive.push(note(f, String::new(), String::new()));
        }
    }
    for t in report.tables.iter().filter(|t| t.inference.is_some()) {
        if let Ok(f) = report.spec.figure(&t.id) {
            m.inference.push(note(f, String::new(), inference_text(t)));
        }
    }
    m
}
