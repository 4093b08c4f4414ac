//! The HTML report of the bundled 2013 data: every figure of the specification with its title,
//! table and bases, a table of contents, the method notes and the reconstruction note; a
//! self-contained page (no URL but the SVG namespace) with Dutch labels in its text; templates a
//! user overrides from a folder, and template errors that name the file and line.

use std::path::PathBuf;

use doe_democratie::render::chart::ChartOptions;
use doe_democratie::render::{esc, HtmlOptions, TEMPLATES};
use doe_democratie::report::{Report, ReportSpec};
use doe_democratie::{datasets, Error};

fn report() -> Report {
    ReportSpec::doe_democratie_2013()
        .run(&datasets::doe_democratie_2013())
        .unwrap()
}

/// The page's text nodes (everything outside tags), joined by newlines.
fn text_nodes(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push('\n');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The markup of one figure's section.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section class=\"figure\" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section for {id}"));
    let end = start + html[start..].find("</section>").unwrap();
    &html[start..end]
}

/// The page without its inline charts (their coordinates and data attributes are checked in
/// tests/charts.rs), so that searches here see the text and tables only.
fn without_charts(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("</svg>")
            .map_or(rest.len(), |e| start + e + 6);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A fresh empty folder under the system's temporary folder.
fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("doe_democratie_html_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn every_figure_has_its_title_table_bases_and_toc_entry() {
    let report = report();
    let html = report.to_html().unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"nl\">"));
    assert_eq!(report.tables.len(), report.spec.figures.len());
    assert_eq!(html.matches("<section class=\"figure\"").count(), 33);
    for (figure, table) in report.spec.figures.iter().zip(&report.tables) {
        let toc = format!(
            "<li><a href=\"#{0}\" data-figure=\"{0}\">{1}</a></li>",
            figure.id,
            esc(&figure.title)
        );
        assert!(html.contains(&toc), "no TOC entry for {}", figure.id);
        // Every figure shows its chart, the same SVG as Table::chart without the title (the
        // section's heading carries it).
        let options = ChartOptions {
            title: false,
            ..ChartOptions::default()
        };
        let svg = table.chart(&options).unwrap().svg;
        assert!(
            section(&html, &figure.id).contains(&svg),
            "{}: chart",
            figure.id
        );
        assert!(!section(&html, &figure.id).contains("chart-note"));
        let s = section(&html, &figure.id);
        assert!(
            s.contains(&format!("<h2>{}</h2>", esc(&figure.title))),
            "{}",
            figure.id
        );
        assert!(s.contains("<table>") && s.contains("<th scope=\"col\" class=\"num\">n</th>"));
        for r in &table.rows {
            assert_eq!(
                r.base.fract(),
                0.0,
                "{}: the 2013 bases are whole",
                figure.id
            );
            let base = format!("<td class=\"num\">{:.0}</td>", r.base);
            assert!(s.contains(&base), "{}: base {} missing", figure.id, r.base);
        }
    }
    // Figure 3.3 as printed: seed money 2/10/31/57 of 82 municipalities, 'weet niet' outside
    // the base as a count, and the footnotes on base, unit, 'weet niet' and rounding.
    let tables = without_charts(&html);
    let s = section(&tables, "fig_3_3");
    let seed = &s[s.find("data-item=\"seed_money\"").unwrap()..];
    let seed = &seed[..seed.find("</tr>").unwrap()];
    let cells: Vec<&str> = seed
        .split("<td class=\"num")
        .skip(1)
        .map(|c| &c[c.find('>').unwrap() + 1..c.find("</td>").unwrap()])
        .collect();
    assert_eq!(cells[..4], ["2%", "10%", "31%", "57%"]);
    assert_eq!(cells.last(), Some(&"82"));
    assert!(seed.contains("class=\"num outside\""), "{seed}");
    assert!(s.contains("Weet niet (aantal)"), "{s}");
    assert!(
        s.contains("Basis: n = 82–86 gemeenten, per onderdeel verschillend."),
        "{s}"
    );
    assert!(s.contains("‘Weet niet’ telt niet mee in de basis"), "{s}");
    assert!(s.contains("grootste-restmethode"));
    // Fig 2.3 is a ranking of 126 respondents' mentions; 2.2 keeps 'weet niet' in its base.
    let s = section(&html, "fig_2_3");
    assert!(s.contains("<th scope=\"col\" class=\"num\" data-category=\"rank\">Rang</th>"));
    assert!(
        s.contains("Basis: n = 126 respondenten. Eenheid: respondenten."),
        "{s}"
    );
    assert!(
        section(&html, "fig_2_2").contains("telt mee in de basis en heeft een eigen percentage")
    );
}

#[test]
fn the_page_has_title_page_methods_and_the_reconstruction_note() {
    let html = report().to_html().unwrap();
    for needle in [
        "126 respondenten uit 98 gemeenten",
        "alle 408\ngemeenten",
        "synthetische reconstructie",
        "id=\"werkwijze\"",
        "Eén antwoordpatroon per gemeente",
        "grootste-restmethode",
        "half naar boven afgerond",
        "Er is niet gewogen",
        "Tekst tegenover figuur",
        "grootste basis 98 gemeenten en 126 respondenten",
        "Content-Security-Policy",
        "name=\"viewport\"",
    ] {
        assert!(html.contains(needle), "missing {needle:?}");
    }
    // Another specification is not described as the 2013 survey.
    let mut other = report();
    other.spec.id = "eigen".into();
    let html = without_charts(&other.to_html().unwrap());
    assert!(!html.contains("408") && !html.contains("Tekst tegenover figuur"));
}

#[test]
fn the_page_is_self_contained_and_shows_no_ids_in_text() {
    let html = report().to_html().unwrap();
    for scheme in ["http://", "https://"] {
        for (at, _) in html.match_indices(scheme) {
            assert!(
                html[at..].starts_with("http://www.w3.org/2000/svg"),
                "external URL at {at}: {}",
                &html[at..(at + 60).min(html.len())]
            );
        }
    }
    for attr in ["src=", "<link", "<script", "url(", "@import"] {
        assert!(!html.contains(attr), "{attr}");
    }
    let text = text_nodes(&html);
    for id in [
        "lt_20k",
        "100k_plus",
        "top2",
        "civil_service_support",
        "seed_money",
        "not_at_all",
        "dont_know",
        "mentioned",
        "policy_professionals",
    ] {
        assert!(!text.contains(id), "id {id} in the page's text");
    }
    // … but they stay in attributes, for scripts and tests.
    assert!(html.contains("data-group=\"lt_20k\"") && html.contains("data-item=\"seed_money\""));
    assert!(
        text.contains("Totaal") && text.contains("minder dan 20.000 inwoners"),
        "{text}"
    );
}

#[test]
fn text_from_the_data_is_escaped() {
    let mut report = report();
    report.spec.title = "<script>alert('x')</script> & co".into();
    report.tables[0].title = "<img src=x onerror=alert(1)>".into();
    let html = report.to_html().unwrap();
    assert!(!html.contains("<script>") && !html.contains("<img"));
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
}

#[test]
fn a_template_in_the_folder_replaces_the_built_in_one() {
    let dir = temp_dir("override");
    std::fs::write(
        dir.join("title.html"),
        "<h1 class=\"eigen\">Eigen titelpagina: {{ report.title }} ({{ figures|length }} figuren)</h1>",
    )
    .unwrap();
    std::fs::write(dir.join("style.css"), "body { color: rebeccapurple; }").unwrap();
    let report = report();
    let options = HtmlOptions {
        template_dir: Some(dir.clone()),
        data_source: Some("mijn bestand <antwoorden.csv>".into()),
        bundled: Some(false),
    };
    let html = report.to_html_with(&options).unwrap();
    assert!(html.contains(&format!(
        "<h1 class=\"eigen\">Eigen titelpagina: {} (33 figuren)</h1>",
        esc(&report.spec.title)
    )));
    assert!(html.contains("body { color: rebeccapurple; }") && !html.contains("#154273"));
    assert!(html.contains("Gegevens van dit rapport: mijn bestand &lt;antwoorden.csv&gt;"));
    // The files the folder lacks come from the built-in set.
    assert!(section(&html, "fig_3_3").contains("grootste-restmethode"));
    // write_dir_with writes the same page.
    let out = dir.join("out");
    report.write_dir_with(&out, &options).unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        html
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_broken_template_is_a_render_error_naming_file_and_line() {
    let dir = temp_dir("broken");
    std::fs::write(
        dir.join("figure.html"),
        "<section>\n\n{% for x in %}\n</section>",
    )
    .unwrap();
    let options = HtmlOptions {
        template_dir: Some(dir.clone()),
        ..HtmlOptions::default()
    };
    let err = report().to_html_with(&options).unwrap_err();
    let Error::Render { what, message } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(what, "html");
    let file = dir.join("figure.html").display().to_string();
    assert!(
        message.starts_with(&format!("template '{file}', line 3: syntax error")),
        "{message}"
    );
    // Nothing is written when the page cannot be rendered.
    let out = dir.join("out");
    assert!(report().write_dir_with(&out, &options).is_err());
    assert!(!out.exists());

    // An error while rendering (not parsing) names the template too.
    std::fs::write(dir.join("figure.html"), "{{ figure.title|no_such_filter }}").unwrap();
    let err = report().to_html_with(&options).unwrap_err().to_string();
    assert!(err.contains("figure.html', line 1"), "{err}");

    let missing = HtmlOptions {
        template_dir: Some(dir.join("nope")),
        ..HtmlOptions::default()
    };
    let err = report().to_html_with(&missing).unwrap_err();
    assert!(matches!(&err, Error::Render { message, .. } if message.contains("nope")));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn every_built_in_template_is_listed_and_used() {
    let html = report().to_html().unwrap();
    let names: Vec<&str> = TEMPLATES.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "report.html",
            "title.html",
            "figure.html",
            "methods.html",
            "inconsistencies.html",
            "style.css"
        ]
    );
    assert!(html.contains("Tegenstrijdigheden in het rapport van 2013"));
    assert!(html.contains("font-variant-numeric: tabular-nums"));
}

#[test]
fn notebook_views_show_labels_with_ids_in_titles() {
    let report = report();
    let kf4 = report.table("kf4").unwrap().to_html(usize::MAX);
    let text = text_nodes(&kf4);
    assert!(
        !text.contains("lt_20k") && !text.contains("policy_professionals"),
        "{text}"
    );
    assert!(
        kf4.contains("<td title=\"lt_20k\">minder dan 20.000 inwoners</td>"),
        "{kf4}"
    );
    let summary = report.summary_html();
    assert!(!text_nodes(&summary).contains("seed_money"));
}

#[test]
fn real_data_with_the_2013_specification_are_not_called_synthetic() {
    let report = report();
    let bundled = report
        .to_html_with(&HtmlOptions {
            data_source: Some("de meegeleverde reconstructie".into()),
            bundled: Some(true),
            ..HtmlOptions::default()
        })
        .unwrap();
    assert!(bundled.contains("<strong>synthetische reconstructie</strong>"));
    let real = report
        .to_html_with(&HtmlOptions {
            data_source: Some("het bestand antwoorden.csv".into()),
            bundled: Some(false),
            ..HtmlOptions::default()
        })
        .unwrap();
    assert!(
        !real.contains("synthetische reconstructie"),
        "real data called synthetic"
    );
    assert!(real.contains("het bestand antwoorden.csv"));
    // Without a word on the data, a report of the 2013 specification is taken to be of the
    // bundled data, the only data it is shipped with.
    assert!(report
        .to_html()
        .unwrap()
        .contains("<strong>synthetische reconstructie</strong>"));
}
