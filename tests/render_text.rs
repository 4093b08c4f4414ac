//! Text measurement for the charts (`render::text`), checked against fontTools and by property.
//!
//! `tests/data/fonts/widths.json` holds label widths that `tools/fonts/make_metrics.py` computed
//! with fontTools straight from the Liberation Sans files (the font's cmap and hmtx, not the
//! generated table); `text_width` must reproduce them to 1e-9 px. The properties check that
//! `wrap` and `ellipsize` keep their promises for any text.

use doe_democratie::render::text::{ellipsize, text_width, wrap};
use proptest::prelude::*;
use serde_json::Value;
use unicode_segmentation::UnicodeSegmentation;

fn cases() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fonts/widths.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

#[test]
fn widths_match_fonttools() {
    let cases = cases();
    // 12 labels × 2 faces × 5 sizes, so a truncated file cannot pass unnoticed.
    assert_eq!(cases.len(), 120);
    for case in &cases {
        let text = case["text"].as_str().unwrap();
        let size = case["size"].as_f64().unwrap();
        let bold = case["bold"].as_bool().unwrap();
        let expected = case["width"].as_f64().unwrap();
        let got = text_width(text, size, bold);
        assert!(
            (got - expected).abs() <= 1e-9,
            "{text:?} at {size} px, bold {bold}: {got} != fontTools {expected}"
        );
    }
}

#[test]
fn widths_from_fonttools_for_named_labels() {
    // Spot values, so the file above cannot drift unnoticed: fontTools, 12 px.
    let find = |text: &str, bold: bool| {
        cases()
            .into_iter()
            .find(|c| c["text"] == text && c["bold"] == bold && c["size"] == 12.0)
            .unwrap()["width"]
            .as_f64()
            .unwrap()
    };
    let label = "Initiatiefnemers ondersteunen met tijd en deskundigheid";
    assert_eq!(find(label, false), text_width(label, 12.0, false));
    assert!(find(label, true) > find(label, false));
    // "één": two e-acutes (1139 units each) and an n (1139), regular.
    assert_eq!(find("één", false), 3.0 * 1139.0 * 12.0 / 2048.0);
}

fn words() -> impl Strategy<Value = Vec<String>> {
    let word = proptest::string::string_regex("[a-zA-Zéëïĳ‘’–…W0-9]{1,14}").unwrap();
    proptest::collection::vec(word, 0..12)
}

/// Text with hyphens, slashes, no-break spaces, combining accents and whitespace runs.
fn rough_text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("([a-zéW-]|/|e\u{301}|\u{a0}| |\t|\n|  ){0,60}").unwrap()
}

fn non_space(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() || *c == '\u{a0}')
        .collect()
}

fn check_lines(text: &str, lines: &[String], max: f64, size: f64, bold: bool) {
    for line in lines {
        assert!(!line.is_empty());
        assert_eq!(
            line.trim_matches(' '),
            line,
            "line {line:?} has edge spaces"
        );
        assert!(!line.contains("  ") && !line.contains(['\t', '\n']));
        assert!(
            text_width(line, size, bold) <= max || line.graphemes(true).count() == 1,
            "{line:?} is wider than {max}"
        );
    }
    // Nothing lost, nothing added but single spaces.
    assert_eq!(non_space(&lines.concat()), non_space(text));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn wrapped_words_fit_and_come_back(
        words in words(), max in 0.0f64..300.0, size in 6.0f64..24.0, bold in any::<bool>(),
    ) {
        let text = words.join("  ");
        let lines = wrap(&text, max, size, bold);
        check_lines(&text, &lines, max, size, bold);
        // Without hyphens or slashes, whole words that fit come back as words...
        let back: Vec<&str> = lines.iter().flat_map(|l| l.split(' ')).collect();
        if words.iter().all(|w| text_width(w, size, bold) <= max) {
            prop_assert_eq!(&back, &words);
            // ...and greedily: the next line's first word did not fit after the line before.
            for pair in lines.windows(2) {
                let first = pair[1].split(' ').next().unwrap();
                let joined = format!("{} {first}", pair[0]);
                prop_assert!(text_width(&joined, size, bold) > max);
            }
        }
    }

    #[test]
    fn wrapped_rough_text_fits(
        text in rough_text(), max in 0.0f64..200.0, size in 6.0f64..24.0, bold in any::<bool>(),
    ) {
        let lines = wrap(&text, max, size, bold);
        check_lines(&text, &lines, max, size, bold);
        prop_assert_eq!(lines.is_empty(), non_space(&text).is_empty());
    }

    #[test]
    fn ellipsized_text_fits(
        text in rough_text(), max in 0.0f64..200.0, size in 6.0f64..24.0, bold in any::<bool>(),
    ) {
        let out = ellipsize(&text, max, size, bold);
        if text_width(&text, size, bold) <= max {
            prop_assert_eq!(&out, &text);
        } else if !out.is_empty() {
            prop_assert!(text_width(&out, size, bold) <= max);
            let kept = out.strip_suffix('…').unwrap();
            prop_assert!(text.starts_with(kept));
            prop_assert_eq!(kept.trim_end(), kept);
            // The longest cut: one more cluster would not fit.
            let rest = text[kept.len()..].trim_start();
            if let Some(next) = rest.graphemes(true).next() {
                let longer = format!("{}{next}…", &text[..text.len() - rest.len()]);
                prop_assert!(text_width(&longer, size, bold) > max);
            }
        } else {
            prop_assert!(text_width("…", size, bold) > max);
        }
    }
}
