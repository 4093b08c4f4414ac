//! Charts read back as XML: every 2013 figure parses, has one segment per non-empty category
//! with the table's percentage, segment widths in proportion, the printed percentage inside every
//! segment wide enough for it, 'weet niet' where the scale puts it, whiskers and letters when
//! the table has inference, and clear errors for tables a chart does not fit.

use doe_democratie::analysis::{
    frequencies, mentions, net_shares, Attribute, Breakdown, CiMethod, Lang, Options, Table,
};
use doe_democratie::render::chart::{ChartKind, ChartOptions};
use doe_democratie::report::ReportSpec;
use doe_democratie::{datasets, Error, Frame};

/// A `<rect>` of a chart's segment or bar, with the data it carries.
#[derive(Debug)]
struct Segment {
    item: String,
    group: String,
    category: String,
    percentage: f64,
    x: f64,
    y: f64,
    width: f64,
}

fn attr(node: roxmltree::Node<'_, '_>, name: &str) -> f64 {
    node.attribute(name).unwrap().parse().unwrap()
}

fn segments(svg: &str) -> Vec<Segment> {
    let doc = roxmltree::Document::parse(svg).expect("the chart is well-formed XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("data-category").is_some())
        .map(|n| Segment {
            item: n.attribute("data-item").unwrap().to_string(),
            group: n.attribute("data-group").unwrap().to_string(),
            category: n.attribute("data-category").unwrap().to_string(),
            percentage: attr(n, "data-percentage"),
            x: attr(n, "x"),
            y: attr(n, "y"),
            width: attr(n, "width"),
        })
        .collect()
}

fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

fn report() -> Vec<Table> {
    ReportSpec::doe_democratie_2013()
        .run(&datasets::doe_democratie_2013())
        .unwrap()
        .tables
}

/// Rows that a chart draws as a segment: in the base, with a percentage above zero.
fn drawn(table: &Table) -> impl Iterator<Item = &doe_democratie::analysis::Row> {
    table
        .rows
        .iter()
        .filter(|r| r.in_base && r.percentage.is_some_and(|p| p > 0.0))
}

#[test]
fn every_2013_figure_has_one_segment_per_non_empty_category_with_its_percentage() {
    for table in report() {
        let chart = table.chart(&ChartOptions::default()).unwrap();
        let segs = segments(&chart.svg);
        let expected: Vec<_> = drawn(&table).collect();
        assert_eq!(segs.len(), expected.len(), "{}: segments", table.id);
        for row in expected {
            let item = row.item.as_deref().unwrap_or("");
            let found: Vec<_> = segs
                .iter()
                .filter(|s| s.item == item && s.group == row.group && s.category == row.category)
                .collect();
            assert_eq!(
                found.len(),
                1,
                "{} {item} {} {}",
                table.id,
                row.group,
                row.category
            );
            let pct = row.percentage.unwrap();
            assert!((found[0].percentage - pct).abs() < 1e-9, "{}", table.id);
        }
    }
}

#[test]
fn stacked_segments_are_in_proportion_and_fill_the_bar() {
    for table in report().into_iter().filter(|t| t.measure == "frequencies") {
        let segs = segments(&table.chart(&ChartOptions::default()).unwrap().svg);
        // Bars are told apart by their top edge.
        let mut tops: Vec<f64> = segs.iter().map(|s| s.y).collect();
        tops.dedup();
        let full = segs
            .iter()
            .filter(|s| s.y == tops[0])
            .map(|s| s.width)
            .sum::<f64>();
        for top in tops {
            let bar: Vec<_> = segs.iter().filter(|s| s.y == top).collect();
            // Each segment's width is its share of the bar (coordinates carry one decimal).
            for s in &bar {
                let expect = s.percentage / 100.0 * full;
                assert!((s.width - expect).abs() < 0.35, "{}: {s:?}", table.id);
            }
            // Segments follow each other in scale order without gaps or overlaps.
            for pair in bar.windows(2) {
                assert!(
                    (pair[0].x + pair[0].width - pair[1].x).abs() < 0.2,
                    "{}",
                    table.id
                );
            }
            let total: f64 = bar.iter().map(|s| s.width).sum();
            assert!(
                (total - full).abs() < 0.5,
                "{}: bar of {total} px",
                table.id
            );
        }
    }
}

#[test]
fn printed_percentages_label_the_segments_wide_enough_to_hold_them() {
    let table = report().into_iter().find(|t| t.id == "fig_3_3").unwrap();
    let svg = table.chart(&ChartOptions::default()).unwrap().svg;
    let doc = roxmltree::Document::parse(&svg).unwrap();
    // Labels centred in a segment: middle-anchored texts, by their position.
    let centred: Vec<(f64, f64, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("text-anchor") == Some("middle"))
        .map(|n| {
            (
                attr(n, "x"),
                attr(n, "y"),
                n.text().unwrap_or("").to_string(),
            )
        })
        .collect();
    let mut labelled = 0;
    for seg in segments(&svg) {
        let row = table
            .find(Some(seg.item.as_str()), &seg.group, &seg.category)
            .unwrap();
        let inside: Vec<&String> = centred
            .iter()
            .filter(|(x, y, _)| {
                (x - (seg.x + seg.width / 2.0)).abs() < 0.2 && *y > seg.y && *y < seg.y + 18.0
            })
            .map(|(_, _, t)| t)
            .collect();
        // 30 px holds any "100%" at 11 px; below 12 px not even "1%" fits.
        if seg.width >= 30.0 {
            assert_eq!(inside, [&format!("{}%", row.printed.unwrap())], "{seg:?}");
            labelled += 1;
        } else if seg.width < 12.0 {
            assert!(inside.is_empty(), "{seg:?}");
        }
    }
    assert!(labelled >= 20);
    // Seed money's 2% 'vaak' (figure 3.3) is too narrow a segment for its label.
    let seed = segments(&svg)
        .into_iter()
        .find(|s| s.item == "seed_money" && s.category == "often")
        .unwrap();
    assert!(seed.width < 12.0);
}

#[test]
fn weet_niet_outside_the_base_is_beside_the_bar_and_inside_it_a_grey_segment() {
    let tables = report();
    // Figure 3.3: 'weet niet' is outside the base; its count stands beside the bar.
    let fig33 = tables.iter().find(|t| t.id == "fig_3_3").unwrap();
    let svg = fig33.chart(&ChartOptions::default()).unwrap().svg;
    assert!(segments(&svg).iter().all(|s| s.category != "dont_know"));
    let seed = fig33.find(Some("seed_money"), "all", "dont_know").unwrap();
    assert!(!seed.in_base);
    assert!(texts(&svg)
        .iter()
        .any(|t| t == &format!("n=82 · Weet niet: {}", seed.count)));
    // Figure 2.2: 'weet niet' counts in the base; it is a grey segment.
    let fig22 = tables.iter().find(|t| t.id == "fig_2_2").unwrap();
    let svg = fig22.chart(&ChartOptions::default()).unwrap().svg;
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let grey: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("data-category") == Some("dont_know"))
        .collect();
    assert!(!grey.is_empty());
    assert!(grey.iter().all(|n| n.attribute("fill") == Some("#b3b3b3")));
}

fn strategy_options(lang: Lang) -> Options {
    Options {
        lang,
        ..Options::default()
    }
}

#[test]
fn diverging_bars_put_the_upper_half_right_of_the_centre() {
    let survey = datasets::doe_democratie_2013();
    let table = frequencies(&survey, "strategy_use", &strategy_options(Lang::Nl)).unwrap();
    let options = ChartOptions {
        kind: ChartKind::Diverging,
        ..ChartOptions::default()
    };
    let svg = table.chart(&options).unwrap().svg;
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let centre = doc
        .descendants()
        .find(|n| n.has_tag_name("line"))
        .map(|n| attr(n, "x1"))
        .unwrap();
    let segs = segments(&svg);
    assert_eq!(segs.len(), drawn(&table).count());
    for s in &segs {
        match s.category.as_str() {
            // 'Vaak' and 'met enige regelmaat' lie right of the centre, the rest left.
            "often" | "regularly" => assert!(s.x >= centre - 0.1, "{s:?}"),
            "sometimes" | "not_at_all" => assert!(s.x + s.width <= centre + 0.1, "{s:?}"),
            other => panic!("unexpected category {other}"),
        }
    }
}

#[test]
fn bars_with_inference_carry_whiskers_and_letters() {
    let survey = datasets::doe_democratie_2013();
    let mut options = Options {
        by: Some(Breakdown::by(Attribute::SizeClass)),
        ..Options::default()
    };
    options.inference.frame = Some(Frame::municipalities_2013());
    options.inference.ci = Some(CiMethod::Logit);
    let table = net_shares(&survey, "strategy_use", "top2", &options).unwrap();
    let svg = table.chart(&ChartOptions::default()).unwrap().svg;
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let bars = segments(&svg);
    assert_eq!(bars.len(), drawn(&table).count());
    // One whisker and two caps per row with an interval, one axis line per panel.
    let with_interval = table
        .rows
        .iter()
        .filter(|r| r.inference.as_ref().is_some_and(|e| e.upper.is_some()))
        .count();
    let groups = 1 + survey.instrument().attributes().size_classes.len();
    let lines = doc.descendants().filter(|n| n.has_tag_name("line")).count();
    assert_eq!(lines, 3 * with_interval + groups);
    // Every row's letters are drawn, and each panel's heading names its letter.
    let shown = texts(&svg);
    for r in table
        .rows
        .iter()
        .filter(|r| r.letters.as_deref().is_some_and(|l| !l.is_empty()))
    {
        assert!(shown.contains(r.letters.as_ref().unwrap()));
    }
    let letters = &table.inference.as_ref().unwrap().letters;
    for (group, letter) in letters {
        let heading = format!("{} ({letter})", table.group_label(group));
        assert!(shown.contains(&heading), "{heading}");
    }
}

#[test]
fn labels_follow_the_table_language_and_group_labels_replace_ids() {
    let survey = datasets::doe_democratie_2013();
    let by_size = |lang| Options {
        lang,
        by: Some(Breakdown::by(Attribute::SizeClass)),
        ..Options::default()
    };
    let nl = frequencies(&survey, "attention_level", &by_size(Lang::Nl)).unwrap();
    let en = frequencies(&survey, "attention_level", &by_size(Lang::En)).unwrap();
    let nl_texts = texts(&nl.chart(&ChartOptions::default()).unwrap().svg);
    let en_texts = texts(&en.chart(&ChartOptions::default()).unwrap().svg);
    assert!(nl_texts.contains(&"Totaal".to_string()));
    assert!(en_texts.contains(&"Total".to_string()));
    assert!(nl_texts
        .iter()
        .any(|t| t.starts_with("n = aantal gemeenten")));
    assert!(en_texts
        .iter()
        .any(|t| t.starts_with("n = number of municipalities")));
    for t in nl_texts.iter().chain(&en_texts) {
        assert!(!t.contains("lt_20k") && !t.contains("100k_plus"), "{t}");
    }
}

#[test]
fn mention_bars_follow_the_ranking() {
    let survey = datasets::doe_democratie_2013();
    let table = mentions(&survey, "forms_most_typical", &Options::default()).unwrap();
    let bars = segments(&table.chart(&ChartOptions::default()).unwrap().svg);
    let ranked: Vec<&str> = table
        .rows
        .iter()
        .filter_map(|r| r.item.as_deref())
        .collect();
    let drawn: Vec<&str> = bars.iter().map(|b| b.item.as_str()).collect();
    assert_eq!(drawn, ranked);
    for pair in bars.windows(2) {
        assert!(pair[0].width >= pair[1].width && pair[0].y < pair[1].y);
    }
}

#[test]
fn one_item_broken_down_is_named_in_the_heading() {
    let survey = datasets::doe_democratie_2013();
    let options = Options {
        items: doe_democratie::analysis::ItemFilter {
            items: vec!["seed_money".into()],
            tag: None,
        },
        by: Some(Breakdown::by(Attribute::SizeClass)),
        ..Options::default()
    };
    let table = frequencies(&survey, "strategy_use", &options).unwrap();
    let svg = table.chart(&ChartOptions::default()).unwrap().svg;
    let shown = texts(&svg);
    assert!(shown.contains(&"Seed-money".to_string()), "{shown:?}");
    assert!(shown.contains(&"Totaal".to_string()));
    assert_eq!(segments(&svg).len(), drawn(&table).count());
}

#[test]
fn tables_a_chart_does_not_fit_are_render_errors() {
    let survey = datasets::doe_democratie_2013();
    let m = mentions(&survey, "forms_most_typical", &Options::default()).unwrap();
    let stacked = ChartOptions {
        kind: ChartKind::Stacked,
        ..ChartOptions::default()
    };
    let err = m.chart(&stacked).unwrap_err();
    assert!(matches!(err, Error::Render { .. }), "{err}");
    assert!(err.to_string().contains("use kind 'bars'"), "{err}");
    let f = frequencies(&survey, "strategy_use", &Options::default()).unwrap();
    let bars = ChartOptions {
        kind: ChartKind::Bars,
        ..ChartOptions::default()
    };
    let err = f.chart(&bars).unwrap_err();
    assert!(err.to_string().contains("use kind 'stacked'"), "{err}");

    let mut empty = m.clone();
    empty.rows.clear();
    let err = empty.chart(&ChartOptions::default()).unwrap_err();
    assert!(err.to_string().contains("no rows"), "{err}");

    for width in [10.0, f64::NAN, 1e9] {
        let narrow = ChartOptions {
            width,
            ..ChartOptions::default()
        };
        assert!(matches!(m.chart(&narrow), Err(Error::Render { .. })));
    }
    let means = doe_democratie::analysis::mean_scores(&survey, "strategy_use", &Options::default())
        .unwrap();
    assert!(matches!(
        means.chart(&ChartOptions::default()),
        Err(Error::Render { .. })
    ));
}

#[test]
fn text_from_the_data_is_escaped() {
    let survey = datasets::doe_democratie_2013();
    let mut table = frequencies(&survey, "attention_level", &Options::default()).unwrap();
    table.title = "<script>alert('x')</script> & co".into();
    let svg = table.chart(&ChartOptions::default()).unwrap().svg;
    assert!(!svg.contains("<script>"));
    roxmltree::Document::parse(&svg).unwrap();
    assert!(texts(&svg).iter().any(|t| t.contains("<script>alert")));
    // Control characters XML forbids (a form feed pasted from a PDF) become U+FFFD.
    table.title = "Figuur\u{c} 1\u{0}".into();
    let svg = table.chart(&ChartOptions::default()).unwrap().svg;
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let title = doc.descendants().find(|n| n.has_tag_name("title")).unwrap();
    assert_eq!(title.text(), Some("Figuur\u{fffd} 1\u{fffd}"));
    #[cfg(feature = "png")]
    {
        let chart = table.chart(&ChartOptions::default()).unwrap();
        assert!(chart.to_png(1.0).is_ok());
    }
}

/// The reviewed SVG of every figure of the 2013 report, and of two charts the report does not
/// have (diverging bars; bars with whiskers and letters), in `tests/snapshots/charts/`. Plain
/// `.svg` files rather than a snapshot library's format, so that a reviewer opens them in a
/// browser. `UPDATE_SNAPSHOTS=1 cargo test --test charts` rewrites them after a deliberate
/// change; review the diff and the pictures before committing.
#[test]
fn charts_match_their_reviewed_snapshots() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/charts");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let survey = datasets::doe_democratie_2013();
    let mut charts: Vec<(String, String)> = report()
        .into_iter()
        .filter(|t| t.id.starts_with("fig_"))
        .map(|t| (t.id.clone(), t.chart(&ChartOptions::default()).unwrap().svg))
        .collect();
    let mut options = Options {
        by: Some(Breakdown::by(Attribute::SizeClass)),
        ..Options::default()
    };
    options.inference.frame = Some(Frame::municipalities_2013());
    options.inference.ci = Some(CiMethod::Logit);
    let top2 = net_shares(&survey, "strategy_use", "top2", &options).unwrap();
    charts.push((
        "top2_by_size_logit".into(),
        top2.chart(&ChartOptions::default()).unwrap().svg,
    ));
    let freq = frequencies(&survey, "strategy_use", &strategy_options(Lang::En)).unwrap();
    let diverging = ChartOptions {
        kind: ChartKind::Diverging,
        ..ChartOptions::default()
    };
    charts.push((
        "strategy_use_diverging_en".into(),
        freq.chart(&diverging).unwrap().svg,
    ));
    assert_eq!(charts.len(), 15);
    let mut stale = Vec::new();
    for (id, svg) in charts {
        let path = dir.join(format!("{id}.svg"));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &svg).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(svg.as_str()) {
            stale.push(id);
        }
    }
    assert!(
        stale.is_empty(),
        "charts differ from tests/snapshots/charts: {stale:?}; if the change is intended, rerun \
         with UPDATE_SNAPSHOTS=1 and review the pictures"
    );
}
