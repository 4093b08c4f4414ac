//! The instrument ontology: the built-in 2013 instrument against the committed transcription of the
//! report (`tests/data/transcription/instrument_2013.json`, a JSON copy of
//! `reference/instrument.yaml`), file round trips, the documented example, and every validation
//! rule with the place it names.

use std::path::PathBuf;

use doe_democratie::instrument::{
    Attributes, Category, Grouping, MissingCode, MissingKind, Net, Question, QuestionKind, Scale,
    Unit,
};
use doe_democratie::{Error, Instrument};
use serde_json::{json, Value};

const BUNDLED: &str = include_str!("../src/instrument/doe_democratie_2013.json");
const TRANSCRIPTION: &str = include_str!("data/transcription/instrument_2013.json");
const FORMAT_DOC: &str = include_str!("../docs/instrument-format.md");

fn transcription() -> Value {
    serde_json::from_str(TRANSCRIPTION).expect("the transcription is valid JSON")
}

fn tmp_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("instrument-test-{}-{name}", std::process::id()))
}

fn str_of(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, found {v}"))
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected an array, found {v}"))
        .iter()
        .map(str_of)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// (a) Round trips
// ---------------------------------------------------------------------------------------------

#[test]
fn builtin_round_trips_through_json_text() {
    let inst = Instrument::doe_democratie_2013();
    let text = inst.to_json();
    let again = Instrument::from_json(&text).expect("to_json output reads back");
    assert_eq!(again, inst);
    assert_eq!(
        again.to_json(),
        text,
        "saving a reloaded instrument changes the text"
    );
}

#[test]
fn bundled_file_is_in_canonical_form() {
    // The bundled file is exactly what `to_json` writes, so no field is silently dropped or
    // defaulted on reading it. After editing it by hand, rewrite it with
    // `Instrument::doe_democratie_2013().save_json(...)`.
    assert_eq!(Instrument::doe_democratie_2013().to_json(), BUNDLED);
}

#[test]
fn builtin_round_trips_through_a_file() {
    let inst = Instrument::doe_democratie_2013();
    let path = tmp_path("round-trip.json");
    inst.save_json(&path).unwrap();
    let again = Instrument::from_json_path(&path).unwrap();
    assert_eq!(again, inst);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), inst.to_json());
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn byte_order_mark_is_tolerated() {
    let inst = Instrument::from_json(&format!("\u{feff}{BUNDLED}")).unwrap();
    assert_eq!(inst, Instrument::doe_democratie_2013());
}

#[test]
fn reading_a_missing_file_is_an_io_error() {
    let path = tmp_path("does-not-exist.json");
    match Instrument::from_json_path(&path) {
        Err(Error::Io { path: p, .. }) => assert_eq!(p, path.display().to_string()),
        other => panic!("expected Error::Io, got {other:?}"),
    }
}

/// Defect 13 of issue 6: a file in another encoding was a bare I/O error ("stream did not contain
/// valid UTF-8") without position or hint.
#[test]
fn a_file_that_is_not_utf8_names_the_byte_and_the_encoding() {
    // Windows-1252: 'é' is 0xE9 on line 2, curly quotes 0x93/0x94 are C1 bytes.
    let text = "{\n  \"title_nl\": \"Caf\u{e9} \u{201c}x\u{201d}\"\n}\n";
    let cp1252: Vec<u8> = text
        .chars()
        .map(|c| match c {
            '\u{e9}' => 0xE9,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            c => u8::try_from(c).unwrap(),
        })
        .collect();
    let path = tmp_path("cp1252.json");
    std::fs::write(&path, &cp1252).unwrap();
    let err = Instrument::from_json_path(&path).unwrap_err();
    let Error::InstrumentFormat {
        source_name,
        line,
        column,
        message,
    } = &err
    else {
        panic!("expected InstrumentFormat, got {err:?}");
    };
    assert_eq!(source_name, &path.display().to_string());
    // Offset 20 = after "{\n" (2 bytes) and `  "title_nl": "Caf` (18 bytes): line 2, column 19.
    assert_eq!((*line, *column), (2, 19), "{err}");
    for words in ["not UTF-8", "0xE9", "offset 20", "Windows-1252"] {
        assert!(message.contains(words), "'{words}' not in: {message}");
    }
    assert!(err.to_string().contains(source_name.as_str()), "{err}");

    // Latin-1 without C1 bytes, and UTF-16 (with and without a byte-order mark).
    std::fs::write(&path, b"{\"id\": \"caf\xe9\"}").unwrap();
    let err = Instrument::from_json_path(&path).unwrap_err();
    assert!(err.to_string().contains("ISO-8859-1"), "{err}");
    let utf16: Vec<u8> = "{\"id\": 1}"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    for bytes in [[&[0xFF, 0xFE][..], &utf16].concat(), utf16.clone()] {
        std::fs::write(&path, &bytes).unwrap();
        let err = Instrument::from_json_path(&path).unwrap_err();
        assert!(
            matches!(err, Error::InstrumentFormat { line: 1, .. })
                && err.to_string().contains("UTF-16"),
            "{err}"
        );
    }
    std::fs::remove_file(&path).unwrap();
}

// ---------------------------------------------------------------------------------------------
// (b) The built-in instrument against the transcription of the report
// ---------------------------------------------------------------------------------------------

#[test]
fn identity_and_titles() {
    let inst = Instrument::doe_democratie_2013();
    let t = transcription();
    assert_eq!(inst.id(), "doe_democratie_2013");
    assert_eq!(inst.title_nl(), str_of(&t["meta"]["title_nl"]));
    assert!(!inst.title_en().trim().is_empty());
}

#[test]
fn question_ids_order_and_texts_follow_the_transcription() {
    let inst = Instrument::doe_democratie_2013();
    let t = transcription();
    let tq = t["questions"].as_array().unwrap();
    let ids: Vec<&str> = inst.questions().keys().map(String::as_str).collect();
    let expected: Vec<&str> = tq.iter().map(|q| str_of(&q["id"])).collect();
    assert_eq!(ids, expected);
    assert_eq!(ids.len(), 13);
    for q in tq {
        let id = str_of(&q["id"]);
        let ours = inst.question(id).unwrap();
        assert_eq!(ours.text_nl, str_of(&q["question_nl_as_reported"]), "{id}");
    }
}

#[test]
fn question_kinds_scales_units_and_limits() {
    use Unit::{Municipality as M, Respondent as R};
    let inst = Instrument::doe_democratie_2013();
    // (id, kind, scale, unit, max_picks)
    type Expected = (
        &'static str,
        &'static str,
        Option<&'static str>,
        Unit,
        Option<u32>,
    );
    let expected: [Expected; 13] = [
        ("forms_occurrence", "grid", Some("yes_no_dk"), M, None),
        ("forms_most_typical", "multi_select", None, R, Some(2)),
        ("examples", "open_text", None, M, None),
        (
            "attention_level",
            "grid",
            Some("attention_level_4"),
            M,
            None,
        ),
        (
            "attention_change",
            "grid",
            Some("attention_change_3"),
            M,
            None,
        ),
        ("strategy_use", "grid", Some("frequency_4_dk"), M, None),
        ("strategy_most_successful", "multi_select", None, R, Some(3)),
        (
            "citizen_support_need_insight",
            "single_choice",
            Some("yes_no_dk"),
            R,
            None,
        ),
        ("challenges", "grid", Some("frequency_4_dk"), M, None),
        ("challenge_sectors", "multi_select", None, R, None),
        ("support_need", "grid", Some("support_need_3"), R, None),
        ("support_how", "open_text", None, R, None),
        ("support_provider", "multi_select", None, R, None),
    ];
    for (id, kind, scale, unit, max) in expected {
        let q = inst.question(id).unwrap();
        assert_eq!(q.kind_name(), kind, "{id}");
        assert_eq!(q.scale_id(), scale, "{id}");
        assert_eq!(q.unit, unit, "{id}");
        let picks = match &q.kind {
            QuestionKind::MultiSelect { max_picks, .. } => *max_picks,
            _ => None,
        };
        assert_eq!(picks, max, "{id}");
    }
}

#[test]
fn question_scales_agree_with_the_transcription() {
    let inst = Instrument::doe_democratie_2013();
    let t = transcription();
    for q in t["questions"].as_array().unwrap() {
        let id = str_of(&q["id"]);
        let ours = inst.question(id).unwrap();
        if let Some(scale) = q.get("scale") {
            assert_eq!(ours.scale_id(), Some(str_of(scale)), "{id}");
            // The question's own category list equals the scale's, with 'Weet niet' only where
            // the report shows it as a category.
            let scale = inst.scale_of(ours).unwrap();
            let mut labels: Vec<&str> = scale
                .categories()
                .iter()
                .map(|c| c.label_nl.as_str())
                .collect();
            labels.extend(
                scale
                    .missing()
                    .iter()
                    .filter(|m| m.in_base)
                    .map(|m| m.label_nl.as_str()),
            );
            assert_eq!(labels, strs(&q["categories_nl"]), "{id}");
            if let Some(extra) = q.get("extra_category_nl") {
                assert!(
                    scale.missing().iter().any(|m| m.label_nl == str_of(extra)),
                    "{id}"
                );
            }
        }
    }
}

/// Items of an item set in questionnaire order (`order`; list order where the set has none),
/// leaving out placeholders without a label.
fn transcribed_items<'a>(t: &'a Value, set: &str) -> Vec<&'a Value> {
    let mut items: Vec<&Value> = t["item_sets"][set]["items"]
        .as_array()
        .unwrap_or_else(|| panic!("item set {set}"))
        .iter()
        .filter(|i| !i["label_nl"].is_null())
        .collect();
    if items.iter().all(|i| i.get("order").is_some()) {
        items.sort_by_key(|i| i["order"].as_u64().unwrap());
    }
    items
}

#[test]
fn items_follow_the_transcription() {
    let inst = Instrument::doe_democratie_2013();
    let t = transcription();
    let mut checked = 0;
    for q in t["questions"].as_array().unwrap() {
        let id = str_of(&q["id"]);
        let Some(set) = q.get("item_set") else {
            assert!(inst.question(id).unwrap().items().is_empty(), "{id}");
            continue;
        };
        let ours = inst.question(id).unwrap().items();
        let mut theirs: Vec<(&str, &str)> = transcribed_items(&t, str_of(set))
            .into_iter()
            .map(|i| (str_of(&i["id"]), str_of(&i["label_nl"])))
            .collect();
        if id == "challenge_sectors" {
            // Only the top five of the list are published; `other` is our addition.
            assert_eq!(theirs.len(), 5);
            theirs.push(("other", "Overige sectoren"));
        }
        let ours: Vec<(&str, &str)> = ours
            .iter()
            .map(|i| (i.id.as_str(), i.label_nl.as_str()))
            .collect();
        assert_eq!(ours, theirs, "items of {id}");
        checked += 1;
    }
    assert_eq!(checked, 10, "grid and multi-select questions");
    // The two partial challenge labels are copied as they are.
    let challenges = inst.question("challenges").unwrap().items();
    assert_eq!(
        challenges[4].label_nl,
        "… competenties voor een meer faciliterende rol."
    );
    assert_eq!(
        challenges[6].label_nl,
        "Een gebrek aan inzicht in maatschappelijke energie en …"
    );
}

#[test]
fn item_counts() {
    let inst = Instrument::doe_democratie_2013();
    let counts: Vec<(&str, usize)> = inst
        .questions()
        .values()
        .map(|q| (q.id.as_str(), q.items().len()))
        .collect();
    assert_eq!(
        counts,
        [
            ("forms_occurrence", 7),
            ("forms_most_typical", 7),
            ("examples", 0),
            ("attention_level", 4),
            ("attention_change", 4),
            ("strategy_use", 15),
            ("strategy_most_successful", 15),
            ("citizen_support_need_insight", 0),
            ("challenges", 14),
            ("challenge_sectors", 6),
            ("support_need", 9),
            ("support_how", 0),
            ("support_provider", 7),
        ]
    );
    assert_eq!(inst.columns().len(), 91);
    assert_eq!(
        inst.column_position("forms_occurrence.self_management_public_space"),
        Some(0)
    );
    assert_eq!(inst.column_position("examples"), Some(14));
    assert_eq!(
        inst.column_position("support_provider.knowledge_institutes_consultancies"),
        Some(90)
    );
}

#[test]
fn scales_match_the_transcription_and_the_fixed_codes() {
    let inst = Instrument::doe_democratie_2013();
    let t = transcription();
    let ids: Vec<&str> = inst.scales().keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        [
            "yes_no_dk",
            "attention_level_4",
            "attention_change_3",
            "frequency_4_dk",
            "support_need_3"
        ]
    );
    for (id, scale) in inst.scales() {
        let ts = &t["scales"][id.as_str()];
        // Substantive categories: the yaml's categories without 'Weet niet', coded 1, 2, …
        let (labels, cids): (Vec<&str>, Vec<&str>) = strs(&ts["categories_nl"])
            .into_iter()
            .zip(strs(&ts["ids"]))
            .filter(|(nl, _)| *nl != "Weet niet")
            .unzip();
        let ours: Vec<&str> = scale
            .categories()
            .iter()
            .map(|c| c.label_nl.as_str())
            .collect();
        assert_eq!(ours, labels, "{id}");
        let ours: Vec<&str> = scale.categories().iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ours, cids, "{id}");
        let codes: Vec<u16> = scale.categories().iter().map(|c| c.code).collect();
        assert_eq!(codes, (1..=labels.len() as u16).collect::<Vec<_>>(), "{id}");
        for c in scale.categories() {
            assert!(!c.label_en.trim().is_empty(), "{id}.{}", c.id);
        }
    }
    let dk = |s: &str| inst.scale(s).unwrap().missing().to_vec();
    let weet_niet = |in_base| MissingCode {
        code: 9,
        id: "dont_know".into(),
        label_nl: "Weet niet".into(),
        label_en: "Don’t know".into(),
        aliases_nl: vec!["Weet ik niet".into(), "wn".into()],
        aliases_en: vec!["Don't know".into(), "dk".into()],
        kind: MissingKind::DontKnow,
        in_base,
    };
    assert_eq!(dk("yes_no_dk"), [weet_niet(true)]);
    assert_eq!(dk("attention_level_4"), [weet_niet(false)]);
    assert_eq!(dk("attention_change_3"), [weet_niet(false)]);
    assert_eq!(dk("frequency_4_dk"), [weet_niet(false)]);
    assert!(dk("support_need_3").is_empty());
    // 'Weet niet' as the yaml records it: a category of yes_no_dk counted in the base, an extra
    // category of frequency_4_dk left out of it.
    assert_eq!(t["scales"]["yes_no_dk"]["dont_know_in_base"], json!(true));
    assert_eq!(
        t["scales"]["frequency_4_dk"]["extra_category_nl"],
        json!("Weet niet")
    );
    assert_eq!(
        t["scales"]["frequency_4_dk"]["dont_know_in_base"],
        json!(false)
    );

    let nets = |s: &str| -> Vec<(String, String, Vec<u16>)> {
        inst.scale(s)
            .unwrap()
            .nets()
            .iter()
            .map(|n| (n.id.clone(), n.label_nl.clone(), n.codes.clone()))
            .collect()
    };
    let top2 = |nl: &str| vec![("top2".to_string(), nl.to_string(), vec![1, 2])];
    assert!(nets("yes_no_dk").is_empty());
    assert_eq!(nets("attention_level_4"), top2("veel of behoorlijk"));
    assert!(nets("attention_change_3").is_empty());
    // top3 is the report's "soms, met enige regelmaat of vaak" (§3.2, the initiative desk).
    let mut frequency = top2("vaak of regelmatig");
    frequency.push((
        "top3".to_string(),
        "soms, met enige regelmaat of vaak".to_string(),
        vec![1, 2, 3],
    ));
    assert_eq!(nets("frequency_4_dk"), frequency);
    assert_eq!(nets("support_need_3"), top2("sterke of enige behoefte"));
}

#[test]
fn cells_parse_by_code_id_and_label() {
    let inst = Instrument::doe_democratie_2013();
    let f = inst.scale("frequency_4_dk").unwrap();
    assert_eq!(f.parse_cell("Vaak, dit is een gangbare praktijk"), Some(1));
    assert_eq!(f.parse_cell(" weet niet "), Some(9));
    assert_eq!(f.parse_cell("not_at_all"), Some(4));
    assert_eq!(f.parse_cell("3.0"), Some(3));
    assert_eq!(f.parse_cell("5"), None);
    assert_eq!(inst.scale("support_need_3").unwrap().parse_cell("9"), None);
}

/// Issue 10: the short answers an Excel export writes are aliases of the 2013 scales, matched
/// ignoring case, accents and surrounding space.
#[test]
fn short_answers_are_aliases_of_the_2013_scales() {
    let inst = Instrument::doe_democratie_2013();
    let f = inst.scale("frequency_4_dk").unwrap();
    for (text, code) in [
        ("Vaak", 1),
        ("VAAK ", 1),
        ("Regelmatig", 2),
        ("Met enige regelmaat", 2),
        ("soms", 3),
        ("Niet", 4),
        ("Weet ik niet", 9),
        ("Often", 1),
    ] {
        assert_eq!(f.parse_cell(text), Some(code), "{text:?}");
    }
    // An alias is not a prefix match.
    assert_eq!(f.parse_cell("Va"), None);
    let roles = &inst.attributes().roles;
    let role =
        |t: &str| doe_democratie::instrument::find_named(roles, t).map(|i| roles[i].id.as_str());
    assert_eq!(role("Wijkmanager"), Some("district_manager"));
    assert_eq!(role("wijkmanagers"), Some("district_manager"));
    assert_eq!(role("Communicatieadviseur"), Some("communication_adviser"));
    let provinces = &inst.attributes().provinces;
    let province = |t: &str| {
        doe_democratie::instrument::find_named(provinces, t).map(|i| provinces[i].id.as_str())
    };
    assert_eq!(province("Fryslan"), Some("fryslan"));
    assert_eq!(province("FRIESLAND"), Some("fryslan"));
    assert_eq!(province("Noord Holland"), Some("noord_holland"));
}

/// An alias that names two categories, levels or items is an instrument error naming both.
#[test]
fn an_ambiguous_alias_is_an_instrument_error() {
    let text = Instrument::doe_democratie_2013().to_json();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let scale = json["scales"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["id"] == "frequency_4_dk")
        .unwrap();
    // 'soms' (folded) is already an alias of 'sometimes'.
    scale["categories"][0]["aliases_nl"] = json!(["Vaak", "SOMS"]);
    let err = Instrument::from_json(&json.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("scales[frequency_4_dk].categories[sometimes]"),
        "{err}"
    );
    assert!(err.contains("'Soms' names both code 1 and code 3"), "{err}");

    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["attributes"]["roles"][0]["aliases_nl"] = json!(["Wijkmanager"]);
    let err = Instrument::from_json(&json.to_string())
        .unwrap_err()
        .to_string();
    assert!(err.contains("attributes.roles[district_manager]"), "{err}");
    assert!(
        err.contains("is ambiguous: it also names 'municipal_secretary'"),
        "{err}"
    );

    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let grid = json["questions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|q| q["id"] == "strategy_use")
        .unwrap();
    let second = grid["items"][1]["id"].as_str().unwrap().to_string();
    grid["items"][0]["aliases_en"] = json!([second.to_uppercase()]);
    let err = Instrument::from_json(&json.to_string())
        .unwrap_err()
        .to_string();
    assert!(err.contains("questions[strategy_use].items"), "{err}");
    assert!(err.contains(&format!("it also names '{second}'")), "{err}");
}

/// Defect 12 of issue 6: a cell was read as an f64, so text a hair off a whole number was rounded
/// to a code. Only digits, optionally followed by '.' and zeros, are a code.
#[test]
fn only_exactly_whole_numbers_are_codes() {
    let inst = Instrument::doe_democratie_2013();
    let f = inst.scale("frequency_4_dk").unwrap();
    for whole in ["1", "1.0", "1.00", " 1.0 "] {
        assert_eq!(f.parse_cell(whole), Some(1), "{whole:?}");
    }
    for near in [
        "0.99999999999999999",
        "1.0000000000000001",
        "1e0",
        "1E0",
        "+1",
        "1.",
        ".1e1",
        "1.5",
        "-0",
        "0x1",
        "inf",
    ] {
        assert_eq!(f.parse_cell(near), None, "{near:?}");
    }
    // The same rule for the 0/1 flags of a multi-select question.
    let csv = |flag: &str| {
        format!("respondent_id,municipality,strategy_most_successful.seed_money\nr1,GM1,{flag}\n")
    };
    for ok in ["1", "1.0", "0.00"] {
        let survey = doe_democratie::Survey::read_csv_str(&csv(ok), &inst, &Default::default());
        assert!(survey.is_ok(), "{ok:?}: {:?}", survey.err());
    }
    for bad in ["0.99999999999999999", "1.0000000000000001", "1e0"] {
        let err = doe_democratie::Survey::read_csv_str(&csv(bad), &inst, &Default::default())
            .unwrap_err();
        assert!(
            matches!(err, Error::Validation(_)) && err.to_string().contains(bad),
            "{bad:?}: {err}"
        );
    }
}

#[test]
fn groupings_and_tags_match_the_transcription() {
    let inst = Instrument::doe_democratie_2013();
    let t = transcription();
    let g = inst.groupings();
    assert_eq!(g.keys().collect::<Vec<_>>(), ["rung", "challenge_group"]);

    let rung = &g["rung"];
    assert_eq!(
        rung.label_nl,
        "trede van de overheidsparticipatietrap (ROB)"
    );
    let levels: Vec<(&str, &str)> = rung
        .levels
        .iter()
        .map(|l| (l.id.as_str(), l.label_nl.as_str()))
        .collect();
    let theirs: Vec<(&str, &str)> = transcribed_items(&t, "rungs")
        .into_iter()
        .map(|i| (str_of(&i["id"]), str_of(&i["label_nl"])))
        .collect();
    assert_eq!(levels, theirs);
    assert_eq!(levels.first().unwrap().0, "letting_go");
    assert_eq!(levels.last().unwrap().0, "regulating");

    let groups: Vec<(&str, &str)> = g["challenge_group"]
        .levels
        .iter()
        .map(|l| (l.id.as_str(), l.label_nl.as_str()))
        .collect();
    let theirs: Vec<(&str, &str)> = t["item_sets"]["challenges"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (str_of(&i["id"]), str_of(&i["label_nl"])))
        .collect();
    assert_eq!(groups, theirs);

    let check = |question: &str, set: &str, key: &str, field: &str| {
        let items = inst.question(question).unwrap().items();
        let theirs = transcribed_items(&t, set);
        assert_eq!(items.len(), theirs.len());
        for (i, ti) in items.iter().zip(theirs) {
            assert_eq!(i.tags.len(), 1, "{question}.{}", i.id);
            assert_eq!(
                i.tags.get(key).map(String::as_str),
                Some(str_of(&ti[field])),
                "{question}.{}",
                i.id
            );
        }
    };
    check("strategy_use", "strategies", "rung", "rung");
    check("strategy_most_successful", "strategies", "rung", "rung");
    check("challenges", "challenges", "challenge_group", "group");
    // Items of other questions carry no tags.
    for q in inst.questions().values() {
        if !["strategy_use", "strategy_most_successful", "challenges"].contains(&q.id.as_str()) {
            assert!(q.items().iter().all(|i| i.tags.is_empty()), "{}", q.id);
        }
    }
}

#[test]
fn attributes_match_the_transcription() {
    let inst = Instrument::doe_democratie_2013();
    let t = transcription();
    let attrs = t["respondent_attributes"].as_array().unwrap();
    let attr = |id: &str| attrs.iter().find(|a| a["id"] == id).unwrap();
    let a = inst.attributes();

    let roles: Vec<(&str, &str)> = a
        .roles
        .iter()
        .map(|l| (l.id.as_str(), l.label_nl.as_str()))
        .collect();
    let mut expected: Vec<(&str, &str)> = [
        "municipal_secretary",
        "policy_officer_social",
        "project_lead_participation",
        "district_manager",
        "team_lead_society",
        "communication_adviser",
    ]
    .into_iter()
    .zip(strs(&attr("respondent_role")["suggested_roles_nl"]))
    .collect();
    expected.push(("other", "overig"));
    assert_eq!(roles, expected);
    assert_eq!(roles[0].1, "gemeentesecretaris");

    let sc = attr("size_class");
    let classes: Vec<(&str, &str, u32)> = a
        .size_classes
        .iter()
        .map(|c| (c.id.as_str(), c.label_nl.as_str(), c.min_inhabitants))
        .collect();
    let expected: Vec<(&str, &str, u32)> = strs(&sc["ids"])
        .into_iter()
        .zip(strs(&sc["categories_nl"]))
        .zip([0, 20_000, 50_000, 100_000])
        .map(|((id, nl), min)| (id, nl, min))
        .collect();
    assert_eq!(classes, expected);
    // Lower-inclusive boundaries: 20.000 inhabitants is the 20k_50k class.
    let class = |n| a.size_classes[a.size_class_of(n).unwrap()].id.as_str();
    assert_eq!(class(0), "lt_20k");
    assert_eq!(class(19_999), "lt_20k");
    assert_eq!(class(20_000), "20k_50k");
    assert_eq!(class(50_000), "50k_100k");
    assert_eq!(class(100_000), "100k_plus");
    assert_eq!(class(900_000), "100k_plus");

    let provinces: Vec<(&str, &str)> = a
        .provinces
        .iter()
        .map(|l| (l.id.as_str(), l.label_nl.as_str()))
        .collect();
    assert_eq!(
        provinces,
        [
            ("groningen", "Groningen"),
            ("fryslan", "Fryslân"),
            ("drenthe", "Drenthe"),
            ("overijssel", "Overijssel"),
            ("flevoland", "Flevoland"),
            ("gelderland", "Gelderland"),
            ("utrecht", "Utrecht"),
            ("noord_holland", "Noord-Holland"),
            ("zuid_holland", "Zuid-Holland"),
            ("zeeland", "Zeeland"),
            ("noord_brabant", "Noord-Brabant"),
            ("limburg", "Limburg"),
        ]
    );
}

#[test]
fn everything_has_an_english_label() {
    let inst = Instrument::doe_democratie_2013();
    let mut missing = Vec::new();
    let mut check = |place: String, en: &str| {
        if en.trim().is_empty() {
            missing.push(place);
        }
    };
    for q in inst.questions().values() {
        check(format!("questions[{}]", q.id), &q.text_en);
        for i in q.items() {
            check(format!("questions[{}].items[{}]", q.id, i.id), &i.label_en);
        }
    }
    for s in inst.scales().values() {
        check(format!("scales[{}]", s.id()), s.label_en());
        for n in s.nets() {
            check(format!("scales[{}].nets[{}]", s.id(), n.id), &n.label_en);
        }
    }
    for g in inst.groupings().values() {
        check(format!("groupings[{}]", g.id), &g.label_en);
        for l in &g.levels {
            check(format!("groupings[{}].levels[{}]", g.id, l.id), &l.label_en);
        }
    }
    let a = inst.attributes();
    for l in a.roles.iter().chain(&a.provinces) {
        check(format!("attributes[{}]", l.id), &l.label_en);
    }
    for c in &a.size_classes {
        check(format!("attributes.size_classes[{}]", c.id), &c.label_en);
    }
    assert!(missing.is_empty(), "no English label: {missing:?}");
}

// ---------------------------------------------------------------------------------------------
// The documented example
// ---------------------------------------------------------------------------------------------

fn first_json_block(markdown: &str) -> &str {
    let start = markdown
        .find("```json\n")
        .expect("a ```json block in the doc")
        + "```json\n".len();
    let len = markdown[start..]
        .find("\n```")
        .expect("the ```json block is closed");
    &markdown[start..start + len]
}

#[test]
fn documented_example_loads() {
    let example = first_json_block(FORMAT_DOC);
    let inst =
        Instrument::from_json(example).expect("the example in docs/instrument-format.md is valid");
    // The example shows every question kind and every part of a scale.
    let kinds: Vec<&str> = inst.questions().values().map(Question::kind_name).collect();
    for kind in ["single_choice", "grid", "multi_select", "open_text"] {
        assert!(kinds.contains(&kind), "the example has no {kind} question");
    }
    assert!(inst
        .scales()
        .values()
        .any(|s| !s.missing().is_empty() && !s.nets().is_empty()));
    assert!(!inst.groupings().is_empty());
    let a = inst.attributes();
    assert!(!a.roles.is_empty() && !a.size_classes.is_empty() && !a.provinces.is_empty());
    assert!(inst
        .questions()
        .values()
        .any(|q| q.items().iter().any(|i| !i.tags.is_empty())));
    // It is written in canonical form, too.
    assert_eq!(inst.to_json().trim_end(), example.trim_end());
}

// ---------------------------------------------------------------------------------------------
// (c) Invalid definitions
// ---------------------------------------------------------------------------------------------

/// A small valid instrument in file form; each test breaks one thing in it.
fn base() -> Value {
    json!({
        "format": "doe_democratie.instrument/1",
        "id": "test",
        "title_nl": "Test",
        "title_en": "Test",
        "attributes": {
            "roles": [{ "id": "clerk", "label_nl": "griffier", "label_en": "clerk" }],
            "size_classes": [
                { "id": "small", "label_nl": "klein", "label_en": "small", "min_inhabitants": 0 },
                { "id": "large", "label_nl": "groot", "label_en": "large", "min_inhabitants": 50000 }
            ],
            "provinces": [{ "id": "zeeland", "label_nl": "Zeeland", "label_en": "Zeeland" }]
        },
        "groupings": [{
            "id": "rung", "label_nl": "trede", "label_en": "rung",
            "levels": [
                { "id": "facilitating", "label_nl": "faciliteren", "label_en": "facilitating" },
                { "id": "directing", "label_nl": "regisseren", "label_en": "directing" }
            ]
        }],
        "scales": [{
            "id": "freq", "label_en": "frequency",
            "categories": [
                { "code": 1, "id": "often", "label_nl": "Vaak", "label_en": "Often" },
                { "code": 2, "id": "never", "label_nl": "Nooit", "label_en": "Never" }
            ],
            "missing": [{ "code": 9, "id": "dont_know", "label_nl": "Weet niet", "label_en": "Don't know",
                          "kind": "dont_know", "in_base": false }],
            "nets": [{ "id": "top", "label_nl": "vaak", "label_en": "often", "codes": [1] }]
        }],
        "questions": [
            { "id": "use", "text_nl": "Hoe vaak?", "text_en": "How often?", "unit": "municipality",
              "kind": "grid", "scale": "freq",
              "items": [
                  { "id": "desk", "label_nl": "Loket", "label_en": "Desk", "tags": { "rung": "facilitating" } },
                  { "id": "rules", "label_nl": "Regels", "label_en": "Rules", "tags": { "rung": "directing" } }
              ] },
            { "id": "best", "text_nl": "Welke?", "text_en": "Which?", "unit": "respondent",
              "kind": "multi_select", "max_picks": 1,
              "options": [
                  { "id": "desk", "label_nl": "Loket", "label_en": "Desk" },
                  { "id": "rules", "label_nl": "Regels", "label_en": "Rules" }
              ] },
            { "id": "why", "text_nl": "Waarom?", "text_en": "Why?", "unit": "respondent", "kind": "open_text" }
        ]
    })
}

/// Builds the instrument in code with [`Instrument::new`], from the parts of a file-form value.
fn build(v: &Value) -> doe_democratie::Result<Instrument> {
    let part = |key: &str| v[key].clone();
    let attributes: Attributes = serde_json::from_value(part("attributes")).unwrap();
    let groupings: Vec<Grouping> = serde_json::from_value(part("groupings")).unwrap();
    let scales: Vec<Scale> = serde_json::from_value(part("scales")).unwrap();
    let questions: Vec<Question> = serde_json::from_value(part("questions")).unwrap();
    Instrument::new(
        str_of(&v["id"]),
        str_of(&v["title_nl"]),
        str_of(&v["title_en"]),
        attributes,
        groupings,
        scales,
        questions,
    )
}

/// Asserts `InvalidInstrument` at exactly `at`, with `words` in the message; returns the message.
fn assert_invalid<T: std::fmt::Debug>(
    result: doe_democratie::Result<T>,
    at: &str,
    words: &[&str],
) -> String {
    match result {
        Err(e @ Error::InvalidInstrument { .. }) => {
            let Error::InvalidInstrument { at: got, message } = &e else {
                unreachable!()
            };
            assert_eq!(got, at, "{e}");
            let shown = e.to_string();
            assert!(shown.contains(at), "{shown}");
            for w in words {
                assert!(message.contains(w), "'{w}' not in: {message}");
            }
            shown
        }
        other => panic!("expected InvalidInstrument at {at}, got {other:?}"),
    }
}

/// Asserts that reading `v` as a file fails with `InstrumentFormat` whose message names `at` and
/// contains `words`.
fn assert_file_refused(v: &Value, at: &str, words: &[&str]) {
    match Instrument::from_json(&serde_json::to_string_pretty(v).unwrap()) {
        Err(e @ Error::InstrumentFormat { .. }) => {
            let Error::InstrumentFormat {
                message,
                line,
                column,
                source_name,
            } = &e
            else {
                unreachable!()
            };
            assert_eq!(source_name, "<string>");
            assert!(*line >= 1 && *column >= 1, "{e}");
            assert!(
                message.contains(&format!("at {at}:")),
                "'{at}' not in: {message}"
            );
            for w in words {
                assert!(message.contains(w), "'{w}' not in: {message}");
            }
            assert!(
                !message.contains(" at line "),
                "position left in the message: {message}"
            );
        }
        other => panic!("expected InstrumentFormat naming {at}, got {other:?}"),
    }
}

/// Both ways in: in code and from a file.
fn assert_refused(v: &Value, at: &str, words: &[&str]) {
    assert_invalid(build(v), at, words);
    assert_file_refused(v, at, words);
}

fn cat(code: u16, id: &str, nl: &str) -> Category {
    Category {
        code,
        id: id.into(),
        label_nl: nl.into(),
        label_en: id.into(),
        aliases_nl: vec![],
        aliases_en: vec![],
    }
}

fn weet_niet(code: u16) -> MissingCode {
    MissingCode {
        code,
        id: "dont_know".into(),
        label_nl: "Weet niet".into(),
        label_en: "Don't know".into(),
        aliases_nl: vec![],
        aliases_en: vec![],
        kind: MissingKind::DontKnow,
        in_base: false,
    }
}

fn net(id: &str, codes: &[u16]) -> Net {
    Net {
        id: id.into(),
        label_nl: "net".into(),
        label_en: "net".into(),
        codes: codes.to_vec(),
    }
}

#[test]
fn the_test_base_is_valid() {
    let v = base();
    let built = build(&v).unwrap();
    let read = Instrument::from_json(&v.to_string()).unwrap();
    assert_eq!(built, read);
    assert_eq!(read.columns().len(), 5);
}

#[test]
fn duplicate_question_id() {
    let mut v = base();
    v["questions"][2]["id"] = json!("use");
    assert_refused(&v, "questions[use]", &["duplicate question id"]);
    // A rule of the whole instrument points at the end of the top-level object.
    let text = serde_json::to_string_pretty(&v).unwrap();
    match Instrument::from_json(&text) {
        Err(Error::InstrumentFormat { line, column, .. }) => {
            assert_eq!((line, column), (text.lines().count(), 1));
        }
        other => panic!("expected InstrumentFormat, got {other:?}"),
    }
}

#[test]
fn duplicate_item_id() {
    let mut v = base();
    v["questions"][0]["items"][1]["id"] = json!("desk");
    assert_refused(&v, "questions[use].items[desk]", &["duplicate item id"]);
    let mut v = base();
    v["questions"][1]["options"][0]["id"] = json!("rules");
    assert_refused(&v, "questions[best].items[rules]", &["duplicate item id"]);
}

#[test]
fn empty_item_labels() {
    let mut v = base();
    v["questions"][0]["items"][1]["label_en"] = json!(" ");
    let at = format!(
        "questions[use].items[{}]",
        v["questions"][0]["items"][1]["id"].as_str().unwrap()
    );
    assert_refused(&v, &at, &["empty English label"]);
    let mut v = base();
    v["questions"][0]["items"][1]["label_nl"] = json!("");
    assert_refused(&v, &at, &["empty Dutch label"]);
}

#[test]
fn duplicate_scale_id() {
    let mut v = base();
    let copy = v["scales"][0].clone();
    v["scales"].as_array_mut().unwrap().push(copy);
    assert_refused(&v, "scales[freq]", &["duplicate scale id"]);
}

#[test]
fn empty_scale() {
    assert_invalid(
        Scale::new("empty", "", vec![], vec![], vec![]),
        "scales[empty]",
        &["at least one category"],
    );
    let mut v = base();
    v["scales"][0]["categories"] = json!([]);
    v["scales"][0]["missing"] = json!([]);
    v["scales"][0]["nets"] = json!([]);
    assert_file_refused(&v, "scales[freq]", &["at least one category"]);
}

#[test]
fn net_naming_a_code_outside_the_scale() {
    let r = Scale::new(
        "freq",
        "",
        vec![cat(1, "often", "Vaak"), cat(2, "never", "Nooit")],
        vec![],
        vec![net("top", &[1, 7])],
    );
    assert_invalid(
        r,
        "scales[freq].nets[top]",
        &["code 7", "not a code of this scale"],
    );
    let mut v = base();
    v["scales"][0]["nets"][0]["codes"] = json!([1, 7]);
    assert_file_refused(
        &v,
        "scales[freq].nets[top]",
        &["code 7", "not a code of this scale"],
    );
}

#[test]
fn net_naming_a_missing_code() {
    let r = Scale::new(
        "freq",
        "",
        vec![cat(1, "often", "Vaak"), cat(2, "never", "Nooit")],
        vec![weet_niet(9)],
        vec![net("top", &[1, 9])],
    );
    assert_invalid(
        r,
        "scales[freq].nets[top]",
        &["code 9", "is a missing code"],
    );
    let mut v = base();
    v["scales"][0]["nets"][0]["codes"] = json!([9]);
    assert_file_refused(
        &v,
        "scales[freq].nets[top]",
        &["code 9", "is a missing code"],
    );
}

#[test]
fn missing_code_that_is_also_a_category() {
    let r = Scale::new(
        "freq",
        "",
        vec![cat(1, "often", "Vaak"), cat(2, "never", "Nooit")],
        vec![weet_niet(2)],
        vec![],
    );
    let shown = assert_invalid(
        r,
        "scales[freq].missing[dont_know]",
        &["code 2", "'never'", "'dont_know'", "substantive"],
    );
    assert!(shown.contains("dont_know"));
    let mut v = base();
    v["scales"][0]["missing"][0]["code"] = json!(1);
    assert_file_refused(
        &v,
        "scales[freq].missing[dont_know]",
        &["code 1", "'often'", "substantive"],
    );
}

#[test]
fn duplicate_category_code() {
    let r = Scale::new(
        "freq",
        "",
        vec![cat(1, "often", "Vaak"), cat(1, "never", "Nooit")],
        vec![],
        vec![],
    );
    assert_invalid(r, "scales[freq].categories[never]", &["code 1", "unique"]);
}

#[test]
fn code_reserved_for_empty_cells() {
    let r = Scale::new(
        "freq",
        "",
        vec![cat(u16::MAX, "often", "Vaak")],
        vec![],
        vec![],
    );
    assert_invalid(r, "scales[freq].categories[often]", &["65535", "reserved"]);
}

/// Defect 11 of issue 6: a label or id that is another code's number made a cell such as "2"
/// ambiguous (the code 2, or the category labelled "2"). Each of the four places is refused, in
/// code and from a file.
#[test]
fn label_or_id_that_is_another_codes_number() {
    let often_labelled = |id: &str, nl: &str, en: &str| Category {
        code: 1,
        id: id.into(),
        label_nl: nl.into(),
        label_en: en.into(),
        aliases_nl: vec![],
        aliases_en: vec![],
    };
    for (often, at, what) in [
        (often_labelled("often", "2", "Often"), "label_nl", "'2'"),
        (
            often_labelled("often", "Vaak", " 2.0 "),
            "label_en",
            "' 2.0 '",
        ),
        (often_labelled("2", "Vaak", "Often"), "id", "'2'"),
        // Not a code of the scale at all: a cell "7" would be refused as an invalid code although
        // the label says it is code 1.
        (often_labelled("often", "7", "Often"), "label_nl", "'7'"),
    ] {
        let r = Scale::new(
            "freq",
            "",
            vec![often.clone(), cat(2, "never", "Nooit")],
            vec![],
            vec![],
        );
        let cid = &often.id;
        assert_invalid(
            r,
            &format!("scales[freq].categories[{cid}].{at}"),
            &[what, "code 1"],
        );
    }
    let mut dk = weet_niet(9);
    dk.label_nl = "1".into();
    let r = Scale::new("freq", "", vec![cat(1, "often", "Vaak")], vec![dk], vec![]);
    assert_invalid(
        r,
        "scales[freq].missing[dont_know].label_nl",
        &["'1'", "code 9"],
    );
    let mut v = base();
    v["scales"][0]["categories"][0]["label_nl"] = json!("2");
    assert_file_refused(
        &v,
        "scales[freq].categories[often].label_nl",
        &["'2'", "code 1"],
    );
    let mut v = base();
    v["scales"][0]["missing"][0]["id"] = json!("1");
    assert_file_refused(&v, "scales[freq].missing[1].id", &["'1'", "code 9"]);
    // A label that is the category's own number is no ambiguity.
    let own = Scale::new(
        "freq",
        "",
        vec![often_labelled("often", "1", "1.0"), cat(2, "2", "Nooit")],
        vec![],
        vec![],
    )
    .unwrap();
    assert_eq!(own.parse_cell("2"), Some(2));
    assert_eq!(own.parse_cell("1.0"), Some(1));
}

#[test]
fn undefined_scale() {
    let mut v = base();
    v["questions"][0]["scale"] = json!("frequency");
    assert_refused(
        &v,
        "questions[use]",
        &["scale 'frequency' is not defined", "freq"],
    );
}

#[test]
fn undeclared_tag() {
    let mut v = base();
    v["questions"][0]["items"][1]["tags"] = json!({ "ladder": "directing" });
    assert_refused(
        &v,
        "questions[use].items[rules]",
        &["tag 'ladder'", "no grouping"],
    );
}

#[test]
fn tag_level_that_does_not_exist() {
    let mut v = base();
    v["questions"][0]["items"][0]["tags"]["rung"] = json!("regulating");
    assert_refused(
        &v,
        "questions[use].items[desk]",
        &["'regulating'", "grouping 'rung'"],
    );
}

#[test]
fn max_picks_zero() {
    let mut v = base();
    v["questions"][1]["max_picks"] = json!(0);
    assert_refused(&v, "questions[best]", &["max_picks 0"]);
}

#[test]
fn max_picks_above_the_number_of_options() {
    let mut v = base();
    v["questions"][1]["max_picks"] = json!(3);
    assert_refused(&v, "questions[best]", &["max_picks 3", "2 options"]);
    // Exactly the number of options is allowed.
    v["questions"][1]["max_picks"] = json!(2);
    build(&v).unwrap();
}

#[test]
fn grid_without_items() {
    let mut v = base();
    v["questions"][0]["items"] = json!([]);
    assert_refused(
        &v,
        "questions[use]",
        &["grid question needs at least one item"],
    );
}

#[test]
fn size_classes_not_ascending() {
    let mut v = base();
    v["attributes"]["size_classes"][1]["min_inhabitants"] = json!(0);
    assert_refused(
        &v,
        "attributes.size_classes[large]",
        &["min_inhabitants 0", "not above"],
    );
    let mut v = base();
    v["attributes"]["size_classes"][0]["min_inhabitants"] = json!(1);
    v["attributes"]["size_classes"][1]["min_inhabitants"] = json!(2);
    assert_refused(&v, "attributes.size_classes[small]", &["start at 0"]);
}

#[test]
fn duplicate_attribute_levels() {
    let mut v = base();
    let copy = v["attributes"]["roles"][0].clone();
    v["attributes"]["roles"].as_array_mut().unwrap().push(copy);
    assert_refused(&v, "attributes.roles[clerk]", &["duplicate id 'clerk'"]);
    let mut v = base();
    v["groupings"][0]["levels"][1]["id"] = json!("facilitating");
    assert_refused(
        &v,
        "groupings[rung].levels[facilitating]",
        &["duplicate id 'facilitating'"],
    );
}

#[test]
fn reserved_question_id() {
    let mut v = base();
    v["questions"][2]["id"] = json!("municipality");
    assert_refused(
        &v,
        "questions[municipality]",
        &["'municipality' is reserved"],
    );
}

#[test]
fn bad_id_characters() {
    let cases = [
        (vec!["questions", "0", "id"], "Use", "questions[Use]", "'U'"),
        (
            vec!["questions", "0", "items", "0", "id"],
            "loket-1",
            "questions[use].items[loket-1]",
            "'-'",
        ),
        (
            vec!["groupings", "0", "id"],
            "rung level",
            "groupings[rung level]",
            "' '",
        ),
        (
            vec!["attributes", "provinces", "0", "id"],
            "fryslân",
            "attributes.provinces[fryslân]",
            "'â'",
        ),
        (vec!["id"], "test.2013", "id", "'.'"),
    ];
    for (path, bad, at, shown) in cases {
        let mut v = base();
        let mut slot = &mut v;
        for key in path {
            slot = match key.parse::<usize>() {
                Ok(i) => &mut slot[i],
                Err(_) => &mut slot[key],
            };
        }
        *slot = json!(bad);
        assert_refused(&v, at, &[&format!("id '{bad}'"), shown]);
    }
    // Scale and category ids are checked by the scale itself.
    let r = Scale::new("freq", "", vec![cat(1, "Often", "Vaak")], vec![], vec![]);
    assert_invalid(r, "scales[freq].categories[Often]", &["id 'Often'"]);
    let mut v = base();
    v["scales"][0]["id"] = json!("freq.4");
    v["questions"][0]["scale"] = json!("freq.4");
    assert_file_refused(&v, "scales[freq.4]", &["id 'freq.4'"]);
    let mut v = base();
    v["questions"][2]["id"] = json!("");
    assert_refused(&v, "questions[]", &["empty id"]);
}

#[test]
fn empty_dutch_label() {
    let mut v = base();
    v["questions"][0]["items"][0]["label_nl"] = json!("  ");
    assert_refused(&v, "questions[use].items[desk]", &["label_nl"]);
    let mut v = base();
    v["questions"][2]["text_nl"] = json!("");
    assert_refused(&v, "questions[why]", &["text_nl"]);
}

#[test]
fn wrong_format_tag() {
    let mut v = base();
    v["format"] = json!("doe_democratie.instrument/2");
    assert_file_refused(
        &v,
        "format",
        &[
            "'doe_democratie.instrument/2'",
            "doe_democratie.instrument/1",
        ],
    );
}

/// Reads a file-form value and expects a serde-level refusal mentioning `words`.
fn assert_format_error(v: &Value, words: &[&str]) {
    match Instrument::from_json(&serde_json::to_string_pretty(v).unwrap()) {
        Err(e @ Error::InstrumentFormat { .. }) => {
            let shown = e.to_string();
            for w in words {
                assert!(shown.contains(w), "'{w}' not in: {shown}");
            }
        }
        other => panic!("expected InstrumentFormat, got {other:?}"),
    }
}

#[test]
fn unknown_fields_are_refused_at_every_level() {
    let places: [&[&str]; 12] = [
        &[],
        &["attributes"],
        &["attributes", "roles", "0"],
        &["attributes", "size_classes", "0"],
        &["groupings", "0"],
        &["scales", "0"],
        &["scales", "0", "categories", "0"],
        &["scales", "0", "missing", "0"],
        &["scales", "0", "nets", "0"],
        &["questions", "0"],
        &["questions", "0", "items", "0"],
        &["questions", "2"], // open_text takes no fields beyond `kind`
    ];
    for place in places {
        let mut v = base();
        let mut slot = &mut v;
        for key in place {
            slot = match key.parse::<usize>() {
                Ok(i) => &mut slot[i],
                Err(_) => &mut slot[*key],
            };
        }
        slot["lable_nl"] = json!("typo");
        assert_format_error(&v, &["unknown field `lable_nl`"]);
    }
    // A field of another question kind is unknown, too.
    let mut v = base();
    v["questions"][1]["scale"] = json!("freq");
    assert_format_error(&v, &["unknown field `scale`"]);
}

#[test]
fn unknown_question_kind_and_unit() {
    let mut v = base();
    v["questions"][2]["kind"] = json!("ranking");
    assert_format_error(&v, &["unknown variant `ranking`"]);
    let mut v = base();
    v["questions"][2]["unit"] = json!("household");
    assert_format_error(&v, &["unknown variant `household`"]);
}

#[test]
fn malformed_json_reports_line_and_column() {
    let text = "{\n  \"format\": \"doe_democratie.instrument/1\"\n  \"id\": \"x\"\n}\n";
    match Instrument::from_json(text) {
        Err(Error::InstrumentFormat {
            source_name,
            line,
            column,
            message,
        }) => {
            assert_eq!(source_name, "<string>");
            assert_eq!((line, column), (3, 3), "{message}");
            assert!(message.contains("expected `,` or `}`"), "{message}");
        }
        other => panic!("expected InstrumentFormat, got {other:?}"),
    }
    // Trailing content after the instrument is refused as well.
    match Instrument::from_json(&format!("{BUNDLED}x")) {
        Err(Error::InstrumentFormat { line, message, .. }) => {
            assert_eq!(line, BUNDLED.lines().count() + 1, "{message}");
            assert!(message.contains("trailing characters"), "{message}");
        }
        other => panic!("expected InstrumentFormat, got {other:?}"),
    }
}

#[test]
fn file_errors_name_the_file() {
    let path = tmp_path("broken.json");
    let mut v = base();
    v["questions"][2]["id"] = json!("use");
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let result = Instrument::from_json_path(&path);
    std::fs::remove_file(&path).unwrap();
    match result {
        Err(e @ Error::InstrumentFormat { .. }) => {
            let shown = e.to_string();
            assert!(shown.contains(&path.display().to_string()), "{shown}");
            assert!(shown.contains("questions[use]"), "{shown}");
            assert!(shown.contains("duplicate question id"), "{shown}");
        }
        other => panic!("expected InstrumentFormat, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Short labels
// ---------------------------------------------------------------------------------------------

/// Short labels of the built-in instrument fit beside a chart's bar.
const SHORT_LABEL_TARGET: usize = 32;

#[test]
fn every_item_of_the_builtin_instrument_has_short_labels() {
    let inst = Instrument::doe_democratie_2013();
    let mut checked = 0;
    for q in inst.questions().values() {
        let mut seen_nl = std::collections::HashSet::new();
        let mut seen_en = std::collections::HashSet::new();
        for item in q.items() {
            let at = format!("{}.{}", q.id, item.id);
            for (field, label, seen) in [
                ("short_label_nl", &item.short_label_nl, &mut seen_nl),
                ("short_label_en", &item.short_label_en, &mut seen_en),
            ] {
                let label = label
                    .as_deref()
                    .unwrap_or_else(|| panic!("{at} has no {field}"));
                let n = label.chars().count();
                assert!(
                    n <= SHORT_LABEL_TARGET,
                    "{at}.{field} '{label}' has {n} characters"
                );
                assert_eq!(label.trim(), label, "{at}.{field} has outer spaces");
                assert!(seen.insert(label), "{at}.{field} '{label}' repeats");
            }
            checked += 1;
        }
    }
    // 7 + 7 forms, 4 + 4 attention, 15 + 15 strategies, 14 challenges, 6 sectors, 9 needs,
    // 7 providers.
    assert_eq!(checked, 88);
}

#[test]
fn builtin_short_labels_use_the_reports_wording() {
    let inst = Instrument::doe_democratie_2013();
    let short = |q: &str, item: &str| {
        let i = inst
            .question(q)
            .unwrap()
            .items()
            .iter()
            .find(|i| i.id == item)
            .unwrap_or_else(|| panic!("{q}.{item}"));
        (
            i.short_label_nl.as_deref().unwrap(),
            i.short_label_en.as_deref().unwrap(),
        )
    };
    // The report's own short names (§3.2, §3.3, §4).
    assert_eq!(
        short("strategy_use", "civil_service_support"),
        (
            "Ambtelijke ondersteuning bieden",
            "Providing civil-service support"
        )
    );
    assert_eq!(
        short("strategy_use", "connecting_parties"),
        ("Verbindingen leggen", "Making connections")
    );
    assert_eq!(
        short("strategy_use", "seed_money"),
        ("Seed-money", "Seed money")
    );
    assert_eq!(
        short("strategy_use", "conflict_mediation"),
        ("Beleidsmediation", "Policy mediation")
    );
    assert_eq!(
        short("strategy_most_successful", "social_procurement"),
        ("Maatschappelijk aanbesteden", "Social procurement")
    );
    assert_eq!(
        short("challenges", "excessive_regulation"),
        ("Te grote regeldichtheid", "Too much regulation")
    );
    assert_eq!(short("support_provider", "vng"), ("VNG", "VNG"));
    // An item asked twice has the same short labels in both questions.
    for (a, b) in [
        ("forms_occurrence", "forms_most_typical"),
        ("attention_level", "attention_change"),
        ("strategy_use", "strategy_most_successful"),
    ] {
        for item in inst.question(a).unwrap().items() {
            assert_eq!(
                short(a, &item.id),
                short(b, &item.id),
                "{a}/{b}.{}",
                item.id
            );
        }
    }
    // The long labels stay the report's figure labels.
    assert_eq!(
        inst.question("strategy_use").unwrap().items()[3].label_nl,
        "Vrij beschikbare middelen ter beschikking stellen als startkapitaal (seed-money), \
         waarop burgers en organisaties kunnen voortbouwen."
    );
}

#[test]
fn a_blank_short_label_is_refused() {
    for field in ["short_label_nl", "short_label_en"] {
        let mut v = base();
        v["questions"][0]["items"][1][field] = json!("  ");
        assert_refused(&v, "questions[use].items[rules]", &[field, "empty"]);
        let mut v = base();
        v["questions"][1]["options"][0][field] = json!("");
        assert_refused(&v, "questions[best].items[desk]", &[field, "empty"]);
    }
}

#[test]
fn a_short_label_longer_than_60_characters_is_refused() {
    // 60 characters pass, counted as characters (each 'ë' is two bytes).
    let sixty = "ë".repeat(60);
    let mut v = base();
    v["questions"][0]["items"][0]["short_label_nl"] = json!(sixty);
    v["questions"][0]["items"][0]["short_label_en"] = json!("x".repeat(60));
    let inst = build(&v).unwrap();
    assert_eq!(
        inst.question("use").unwrap().items()[0]
            .short_label_nl
            .as_deref(),
        Some(sixty.as_str())
    );
    assert_eq!(Instrument::from_json(&v.to_string()).unwrap(), inst);
    for field in ["short_label_nl", "short_label_en"] {
        let mut v = base();
        v["questions"][0]["items"][0][field] = json!("ë".repeat(61));
        assert_refused(
            &v,
            "questions[use].items[desk]",
            &[field, "61 characters", "at most 60"],
        );
    }
}

#[test]
fn an_instrument_without_short_labels_round_trips_without_them() {
    let v = base();
    let inst = Instrument::from_json(&v.to_string()).unwrap();
    for q in inst.questions().values() {
        for item in q.items() {
            assert_eq!((&item.short_label_nl, &item.short_label_en), (&None, &None));
        }
    }
    let text = inst.to_json();
    assert!(!text.contains("short_label"), "{text}");
    let again = Instrument::from_json(&text).unwrap();
    assert_eq!(again, inst);
    assert_eq!(again.to_json(), text);
    // Only one of the two may be given.
    let mut v = base();
    v["questions"][0]["items"][0]["short_label_nl"] = json!("Loket");
    let inst = Instrument::from_json(&v.to_string()).unwrap();
    let text = inst.to_json();
    assert!(text.contains("\"short_label_nl\": \"Loket\""), "{text}");
    assert!(!text.contains("short_label_en"), "{text}");
    assert_eq!(Instrument::from_json(&text).unwrap(), inst);
}

#[test]
fn measure_tables_carry_the_short_labels_in_their_language() {
    use doe_democratie::analysis::{frequencies, Lang, Options};
    use doe_democratie::{ReadOptions, Survey};
    let csv = "respondent_id,municipality,inhabitants,role,strategy_use.seed_money,\
               strategy_use.civil_service_support\n\
               r1,GM1,10000,other,1,2\n\
               r2,GM2,60000,other,4,1\n";
    let survey = Survey::read_csv_str(
        csv,
        &Instrument::doe_democratie_2013(),
        &ReadOptions::default(),
    )
    .unwrap();
    let inst = Instrument::doe_democratie_2013();
    let items = inst.question("strategy_use").unwrap().items();
    for (lang, seed, support) in [
        (Lang::Nl, "Seed-money", "Ambtelijke ondersteuning bieden"),
        (Lang::En, "Seed money", "Providing civil-service support"),
    ] {
        let options = Options {
            lang,
            ..Options::default()
        };
        let table = frequencies(&survey, "strategy_use", &options).unwrap();
        let short = &table.labels.short_items;
        assert_eq!(table.labels.lang, lang);
        assert_eq!(short.get("seed_money").map(String::as_str), Some(seed));
        assert_eq!(
            short.get("civil_service_support").map(String::as_str),
            Some(support)
        );
        // Every item of the table has its short label from the instrument.
        for row in &table.rows {
            let id = row.item.as_deref().unwrap();
            let item = items.iter().find(|i| i.id == id).unwrap();
            let expected = match lang {
                Lang::Nl => &item.short_label_nl,
                Lang::En => &item.short_label_en,
            };
            assert_eq!(short.get(id), expected.as_ref(), "{id}");
            assert_eq!(table.item_short_label(row), expected.as_deref(), "{id}");
        }
    }
}
