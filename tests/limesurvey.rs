//! LimeSurvey in: one survey structure written in the three export layouts LimeSurvey has (the
//! `.lss` XML before version 4, the `.lss` XML from version 4 on, the tab-separated `.txt`),
//! drafted into an instrument, and its response export read into a survey whose tables match a
//! hand count.
//!
//! The survey: an array (`INZET`, type F: three subquestions, answers A1–A4 and DK 'Weet niet'),
//! a list (`BELEID`, type L: codes 1, 2 and 9 'Weet niet'), a multiple-choice question with
//! 'other' (`PARTNERS`, type M), short and long free text (`GEM` holds the municipality code,
//! `TOELICHTING`) and a ranking (`RANG`, type R), which the draft leaves out. Dutch is the base
//! language, English the second. `GEM` sits in a group ordered before the others.

use doe_democratie::analysis::{frequencies, mentions, net_shares, Options};
use doe_democratie::data::{IgnoreColumns, LimeSurvey, ProblemKind, ResponseOptions};
use doe_democratie::instrument::{MissingKind, QuestionKind};
use doe_democratie::{Error, Instrument, ReadOptions, Survey};

// --- the survey, once -------------------------------------------------------------------------

/// `(qid, group, code, type, other, Dutch text, English text)`.
type QuestionRow = (
    u32,
    u32,
    &'static str,
    &'static str,
    bool,
    &'static str,
    &'static str,
);

const QUESTIONS: [QuestionRow; 6] = [
    (
        10,
        1,
        "INZET",
        "F",
        false,
        "<p>Hoe vaak zet uw gemeente deze middelen in?</p>",
        "How often does your municipality use these means?",
    ),
    (
        20,
        1,
        "BELEID",
        "L",
        false,
        "Heeft uw gemeente beleid voor burgerinitiatieven?",
        "Does your municipality have a policy for citizen initiatives?",
    ),
    (
        30,
        1,
        "PARTNERS",
        "M",
        true,
        "Met welke partners werkt uw gemeente samen?",
        "Which partners does your municipality work with?",
    ),
    (
        40,
        2,
        "GEM",
        "S",
        false,
        "Gemeentecode (CBS)",
        "Municipality code (CBS)",
    ),
    (50, 1, "TOELICHTING", "T", false, "Toelichting", "Remarks"),
    (
        60,
        1,
        "RANG",
        "R",
        false,
        "Rangschik de partners",
        "Rank the partners",
    ),
];

/// `(qid, parent qid, code, Dutch, English)`.
const SUBQUESTIONS: [(u32, u32, &str, &str, &str); 6] = [
    (11, 10, "SQ001", "Startkapitaal", "Seed money"),
    (
        12,
        10,
        "SQ002",
        "Regels flexibel toepassen",
        "Applying rules flexibly",
    ),
    (
        13,
        10,
        "SQ003",
        "<b>Ruimte</b> in&nbsp;beleid",
        "Room in policy",
    ),
    (31, 30, "SQ001", "Woningcorporaties", "Housing associations"),
    (
        32,
        30,
        "SQ002",
        "Welzijnsorganisaties",
        "Welfare organisations",
    ),
    (33, 30, "SQ003", "Ondernemers", "Entrepreneurs"),
];

/// `(aid, qid, code, Dutch, English)`, in sort order per question.
const ANSWERS: [(u32, u32, &str, &str, &str); 11] = [
    (101, 10, "A1", "Vaak", "Often"),
    (102, 10, "A2", "Soms", "Sometimes"),
    (103, 10, "A3", "Zelden", "Rarely"),
    (104, 10, "A4", "Nooit", "Never"),
    (105, 10, "DK", "Weet niet", "Don't know"),
    (201, 20, "1", "Ja", "Yes"),
    (202, 20, "2", "Nee", "No"),
    (209, 20, "9", "Weet niet", "Don't know"),
    (601, 60, "1", "Woningcorporaties", "Housing associations"),
    (
        602,
        60,
        "2",
        "Welzijnsorganisaties",
        "Welfare organisations",
    ),
    (603, 60, "3", "Ondernemers", "Entrepreneurs"),
];

/// `(gid, order, Dutch, English)`.
const GROUPS: [(u32, u32, &str, &str); 2] = [
    (1, 1, "Beleid", "Policy"),
    (2, 0, "Gemeente", "Municipality"),
];

const LANGUAGES: [&str; 2] = ["nl", "en"];

fn text<'a>(language: &str, nl: &'a str, en: &'a str) -> &'a str {
    if language == "nl" {
        nl
    } else {
        en
    }
}

fn yes_no(b: bool) -> String {
    if b { "Y" } else { "N" }.to_string()
}

// --- the .lss writer --------------------------------------------------------------------------

type Record = Vec<(&'static str, String)>;

/// One table of a `.lss` document: `<fields>` from the first row, values in CDATA.
fn table(name: &str, rows: &[Record]) -> String {
    let mut out = format!(" <{name}>\n  <fields>\n");
    for (field, _) in rows.first().map_or(&[][..], |r| r.as_slice()) {
        out += &format!("   <fieldname>{field}</fieldname>\n");
    }
    out += "  </fields>\n  <rows>\n";
    for row in rows {
        out += "   <row>\n";
        for (field, value) in row {
            if value.is_empty() {
                out += &format!("    <{field}/>\n");
            } else {
                out += &format!("    <{field}><![CDATA[{value}]]></{field}>\n");
            }
        }
        out += "   </row>\n";
    }
    out + &format!("  </rows>\n </{name}>\n")
}

fn document(db_version: u32, tables: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<document>\n <LimeSurveyDocType>Survey</LimeSurveyDocType>\n \
         <DBVersion>{db_version}</DBVersion>\n <languages>\n  <language>nl</language>\n  \
         <language>en</language>\n </languages>\n{}</document>\n",
        tables.concat()
    )
}

fn survey_tables() -> [String; 2] {
    let surveys = vec![vec![
        ("sid", "123456".to_string()),
        ("language", "nl".into()),
        ("additional_languages", "en".into()),
        ("anonymized", "N".into()),
    ]];
    let settings: Vec<Record> = LANGUAGES
        .iter()
        .map(|l| {
            vec![
                ("surveyls_survey_id", "123456".to_string()),
                ("surveyls_language", l.to_string()),
                (
                    "surveyls_title",
                    text(l, "Burgerparticipatie 2024", "Citizen participation 2024").into(),
                ),
            ]
        })
        .collect();
    [
        table("surveys", &surveys),
        table("surveys_languagesettings", &settings),
    ]
}

/// A question row's structure fields (both layouts).
fn question_fields(
    qid: u32,
    parent: u32,
    gid: u32,
    kind: &str,
    code: &str,
    other: bool,
    order: u32,
) -> Record {
    vec![
        ("qid", qid.to_string()),
        ("parent_qid", parent.to_string()),
        ("sid", "123456".into()),
        ("gid", gid.to_string()),
        ("type", kind.into()),
        ("title", code.into()),
        ("other", yes_no(other)),
        ("mandatory", "N".into()),
        ("question_order", order.to_string()),
        ("scale_id", "0".into()),
        ("same_default", "0".into()),
        ("relevance", "1".into()),
    ]
}

/// The structure as LimeSurvey 2.x/3.x exports it: one row per language, texts inline. With
/// `subquestions_apart`, subquestions sit in their own table (3.x), else in `questions` (older).
fn lss_before_4(subquestions_apart: bool) -> String {
    let mut questions = Vec::new();
    let mut subquestions = Vec::new();
    for l in LANGUAGES {
        for (i, (qid, gid, code, kind, other, nl, en)) in QUESTIONS.iter().enumerate() {
            let mut row = question_fields(*qid, 0, *gid, kind, code, *other, i as u32 + 1);
            row.push(("question", text(l, nl, en).into()));
            row.push(("language", l.into()));
            questions.push(row);
        }
        for (qid, parent, code, nl, en) in SUBQUESTIONS {
            let gid = QUESTIONS.iter().find(|q| q.0 == parent).unwrap().1;
            let mut row = question_fields(qid, parent, gid, "T", code, false, qid % 10);
            row.push(("question", text(l, nl, en).into()));
            row.push(("language", l.into()));
            subquestions.push(row);
        }
    }
    let answers: Vec<Record> = LANGUAGES
        .iter()
        .flat_map(|l| {
            ANSWERS.iter().map(move |(aid, qid, code, nl, en)| {
                vec![
                    ("qid", qid.to_string()),
                    ("code", code.to_string()),
                    ("answer", text(l, nl, en).to_string()),
                    ("sortorder", (aid % 100).to_string()),
                    ("assessment_value", "0".into()),
                    ("language", l.to_string()),
                    ("scale_id", "0".into()),
                ]
            })
        })
        .collect();
    let groups: Vec<Record> = LANGUAGES
        .iter()
        .flat_map(|l| {
            GROUPS.iter().map(move |(gid, order, nl, en)| {
                vec![
                    ("gid", gid.to_string()),
                    ("sid", "123456".into()),
                    ("group_name", text(l, nl, en).to_string()),
                    ("group_order", order.to_string()),
                    ("language", l.to_string()),
                ]
            })
        })
        .collect();
    let mut tables = vec![table("answers", &answers), table("groups", &groups)];
    if subquestions_apart {
        tables.push(table("questions", &questions));
        tables.push(table("subquestions", &subquestions));
    } else {
        questions.extend(subquestions);
        tables.push(table("questions", &questions));
    }
    tables.extend(survey_tables());
    document(366, &tables)
}

/// The structure as LimeSurvey 4 and later export it: structure rows once, texts in `*_l10ns`.
fn lss_from_4() -> String {
    let questions: Vec<Record> = QUESTIONS
        .iter()
        .enumerate()
        .map(|(i, (qid, gid, code, kind, other, ..))| {
            question_fields(*qid, 0, *gid, kind, code, *other, i as u32 + 1)
        })
        .collect();
    let subquestions: Vec<Record> = SUBQUESTIONS
        .iter()
        .map(|(qid, parent, code, ..)| {
            let gid = QUESTIONS.iter().find(|q| q.0 == *parent).unwrap().1;
            question_fields(*qid, *parent, gid, "T", code, false, qid % 10)
        })
        .collect();
    let texts = QUESTIONS
        .iter()
        .map(|q| (q.0, q.5, q.6))
        .chain(SUBQUESTIONS.iter().map(|s| (s.0, s.3, s.4)));
    let mut l10ns = Vec::new();
    for (qid, nl, en) in texts {
        for l in LANGUAGES {
            l10ns.push(vec![
                ("id", (l10ns.len() + 1).to_string()),
                ("qid", qid.to_string()),
                ("question", text(l, nl, en).to_string()),
                ("help", String::new()),
                ("language", l.to_string()),
            ]);
        }
    }
    let answers: Vec<Record> = ANSWERS
        .iter()
        .map(|(aid, qid, code, ..)| {
            vec![
                ("aid", aid.to_string()),
                ("qid", qid.to_string()),
                ("code", code.to_string()),
                ("sortorder", (aid % 100).to_string()),
                ("assessment_value", "0".into()),
                ("scale_id", "0".into()),
            ]
        })
        .collect();
    let mut answer_l10ns = Vec::new();
    for (aid, _, _, nl, en) in ANSWERS {
        for l in LANGUAGES {
            answer_l10ns.push(vec![
                ("id", (answer_l10ns.len() + 1).to_string()),
                ("aid", aid.to_string()),
                ("answer", text(l, nl, en).to_string()),
                ("language", l.to_string()),
            ]);
        }
    }
    let groups: Vec<Record> = GROUPS
        .iter()
        .map(|(gid, order, ..)| {
            vec![
                ("gid", gid.to_string()),
                ("sid", "123456".into()),
                ("group_order", order.to_string()),
            ]
        })
        .collect();
    let mut tables = vec![
        table("answers", &answers),
        table("answer_l10ns", &answer_l10ns),
        table("groups", &groups),
        table("questions", &questions),
        table("subquestions", &subquestions),
        table("question_l10ns", &l10ns),
    ];
    tables.extend(survey_tables());
    document(624, &tables)
}

// --- the tab-separated writer -------------------------------------------------------------------

/// A field as PHP's `fputcsv` writes it with a tab: quoted when it holds a space, tab or quote.
fn tsv_field(value: &str) -> String {
    if value.contains([' ', '\t', '"', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// `class`, `type/scale`, `name`, `text`, `language`, `other` as one row of the export.
fn tsv_row(class: &str, kind: &str, name: &str, text: &str, language: &str, other: &str) -> String {
    let fields = [
        "", "", class, kind, name, "1", text, "", language, "", "N", other, "", "0",
    ];
    fields.map(tsv_field).join("\t") + "\n"
}

fn tsv() -> String {
    let mut out = [
        "id",
        "related_id",
        "class",
        "type/scale",
        "name",
        "relevance",
        "text",
        "help",
        "language",
        "validation",
        "mandatory",
        "other",
        "default",
        "same_default",
    ]
    .join("\t")
        + "\n";
    out += &tsv_row("S", "", "sid", "123456", "", "");
    out += &tsv_row("S", "", "language", "nl", "", "");
    out += &tsv_row("S", "", "additional_languages", "en", "", "");
    for l in LANGUAGES {
        out += &tsv_row(
            "SL",
            "",
            "surveyls_title",
            text(l, "Burgerparticipatie 2024", "Citizen participation 2024"),
            l,
            "",
        );
    }
    let mut groups = GROUPS.to_vec();
    groups.sort_by_key(|g| g.1);
    for l in LANGUAGES {
        for (gid, order, nl, en) in &groups {
            out += &tsv_row("G", &order.to_string(), text(l, nl, en), "", l, "");
            for (qid, _, code, kind, other, nl, en) in QUESTIONS.iter().filter(|q| q.1 == *gid) {
                out += &tsv_row("Q", kind, code, text(l, nl, en), l, &yes_no(*other));
                for (_, _, code, nl, en) in SUBQUESTIONS.iter().filter(|s| s.1 == *qid) {
                    out += &tsv_row("SQ", "", code, text(l, nl, en), l, "N");
                }
                for (_, _, code, nl, en) in ANSWERS.iter().filter(|a| a.1 == *qid) {
                    out += &tsv_row("A", "0", code, text(l, nl, en), l, "");
                }
            }
        }
    }
    out
}

// --- the responses --------------------------------------------------------------------------------

/// Eight respondents in three municipalities, as LimeSurvey exports them (every field quoted,
/// question codes as headings). Multiple choice: `Y` ticked, empty not.
const RESPONSES: &str = "\"id\",\"submitdate\",\"lastpage\",\"startlanguage\",\"seed\",\"GEM\",\
\"INZET[SQ001]\",\"INZET[SQ002]\",\"INZET[SQ003]\",\"BELEID\",\"PARTNERS[SQ001]\",\
\"PARTNERS[SQ002]\",\"PARTNERS[SQ003]\",\"PARTNERS[other]\",\"TOELICHTING\",\"RANG[1]\",\
\"RANG[2]\",\"RANG[3]\",\"interviewtime\",\"groupTime1\",\"INZETTime\"\n\
\"1\",\"2024-03-01 10:00:00\",\"2\",\"nl\",\"111\",\"GM0014\",\"A1\",\"A2\",\"DK\",\"1\",\"Y\",\"\",\"Y\",\"\",\"\",\"1\",\"2\",\"3\",\"300\",\"100\",\"20\"\n\
\"2\",\"2024-03-01 11:00:00\",\"2\",\"nl\",\"112\",\"GM0014\",\"A1\",\"A3\",\"A1\",\"2\",\"\",\"Y\",\"\",\"Sportclubs\",\"Veel gedaan, \"\"meer\"\" nodig\",\"\",\"\",\"\",\"280\",\"90\",\"25\"\n\
\"3\",\"2024-03-02 09:00:00\",\"2\",\"en\",\"113\",\"GM0014\",\"A2\",\"A2\",\"A4\",\"1\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"310\",\"95\",\"30\"\n\
\"4\",\"2024-03-02 12:00:00\",\"2\",\"nl\",\"114\",\"GM0363\",\"A1\",\"A1\",\"A2\",\"1\",\"Y\",\"Y\",\"Y\",\"\",\"\",\"3\",\"1\",\"2\",\"250\",\"80\",\"15\"\n\
\"5\",\"2024-03-03 08:00:00\",\"2\",\"nl\",\"115\",\"GM0363\",\"DK\",\"A4\",\"A3\",\"9\",\"Y\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"200\",\"70\",\"10\"\n\
\"6\",\"2024-03-03 14:00:00\",\"2\",\"nl\",\"116\",\"GM0363\",\"A3\",\"\",\"A1\",\"2\",\"\",\"\",\"Y\",\"\",\"\",\"\",\"\",\"\",\"260\",\"85\",\"22\"\n\
\"7\",\"2024-03-04 10:30:00\",\"2\",\"nl\",\"117\",\"GM0599\",\"A1\",\"A2\",\"A2\",\"1\",\"Y\",\"Y\",\"\",\"\",\"\",\"\",\"\",\"\",\"240\",\"75\",\"18\"\n\
\"8\",\"2024-03-04 16:00:00\",\"1\",\"nl\",\"118\",\"GM0599\",\"A4\",\"A4\",\"DK\",\"\",\"\",\"\",\"\",\"Scholen\",\"\",\"\",\"\",\"\",\"230\",\"60\",\"12\"\n";

fn options() -> ResponseOptions {
    ResponseOptions::new("GEM")
}

fn structure() -> LimeSurvey {
    LimeSurvey::from_lss_str(&lss_from_4(), "burgerparticipatie.lss").unwrap()
}

fn survey() -> Survey {
    let ls = structure();
    ls.read_responses_csv_str(RESPONSES, &ls.instrument().unwrap(), &options())
        .unwrap()
}

// --- the structure ------------------------------------------------------------------------------

#[test]
fn the_three_layouts_read_to_the_same_survey() {
    let mut layouts = vec![
        LimeSurvey::from_lss_str(&lss_before_4(true), "x").unwrap(),
        LimeSurvey::from_lss_str(&lss_before_4(false), "x").unwrap(),
        LimeSurvey::from_lss_str(&lss_from_4(), "x").unwrap(),
        LimeSurvey::from_tsv_str(&tsv(), "x").unwrap(),
    ];
    let last = layouts.pop().unwrap();
    for ls in layouts {
        assert_eq!(ls, last);
    }
    assert_eq!(last.survey_id.as_deref(), Some("123456"));
    assert_eq!(
        (last.base_language.as_str(), last.language.as_str()),
        ("nl", "nl")
    );
    assert_eq!(last.languages, ["nl", "en"]);
    let codes: Vec<&str> = last.questions.iter().map(|q| q.code.as_str()).collect();
    assert_eq!(
        codes,
        ["GEM", "INZET", "BELEID", "PARTNERS", "TOELICHTING", "RANG"]
    );
}

#[test]
fn arrays_lists_and_multiple_choice_become_grid_single_choice_and_multi_select() {
    let inst = structure().instrument().unwrap();
    assert_eq!(inst.id(), "limesurvey_123456");
    assert_eq!(
        (inst.title_nl(), inst.title_en()),
        ("Burgerparticipatie 2024", "Citizen participation 2024")
    );
    let ids: Vec<&str> = inst.questions().keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        [
            "gem",
            "inzet",
            "beleid",
            "partners",
            "partners_other",
            "toelichting"
        ]
    );
    let kinds: Vec<&str> = inst.questions().values().map(|q| q.kind_name()).collect();
    assert_eq!(
        kinds,
        [
            "open_text",
            "grid",
            "single_choice",
            "multi_select",
            "open_text",
            "open_text"
        ]
    );
    assert!(inst
        .questions()
        .values()
        .all(|q| q.unit.as_str() == "respondent"));

    let inzet = inst.question("inzet").unwrap();
    assert_eq!(inzet.text_nl, "Hoe vaak zet uw gemeente deze middelen in?");
    assert_eq!(
        inzet.text_en,
        "How often does your municipality use these means?"
    );
    let items: Vec<(&str, &str, &str)> = inzet
        .items()
        .iter()
        .map(|i| (i.id.as_str(), i.label_nl.as_str(), i.label_en.as_str()))
        .collect();
    assert_eq!(
        items,
        [
            ("sq001", "Startkapitaal", "Seed money"),
            (
                "sq002",
                "Regels flexibel toepassen",
                "Applying rules flexibly"
            ),
            ("sq003", "Ruimte in beleid", "Room in policy"),
        ]
    );
    // Letter codes: 1..n in sort order, the LimeSurvey code as id; 'Weet niet' is missing.
    let scale = inst.scale_of(inzet).unwrap();
    let cats: Vec<(u16, &str, &str, &str)> = scale
        .categories()
        .iter()
        .map(|c| {
            (
                c.code,
                c.id.as_str(),
                c.label_nl.as_str(),
                c.label_en.as_str(),
            )
        })
        .collect();
    assert_eq!(
        cats,
        [
            (1, "a1", "Vaak", "Often"),
            (2, "a2", "Soms", "Sometimes"),
            (3, "a3", "Zelden", "Rarely"),
            (4, "a4", "Nooit", "Never"),
        ]
    );
    let dk = &scale.missing()[0];
    assert_eq!(
        (
            dk.code,
            dk.id.as_str(),
            dk.label_nl.as_str(),
            dk.kind,
            dk.in_base
        ),
        (5, "dk", "Weet niet", MissingKind::DontKnow, false)
    );

    // Numeric codes keep their number; a digit code's id gets the prefix `code_`.
    let beleid = inst.question("beleid").unwrap();
    let scale = inst.scale_of(beleid).unwrap();
    let cats: Vec<(u16, &str, &str)> = scale
        .categories()
        .iter()
        .map(|c| (c.code, c.id.as_str(), c.label_nl.as_str()))
        .collect();
    assert_eq!(cats, [(1, "code_1", "Ja"), (2, "code_2", "Nee")]);
    assert_eq!(
        (scale.missing()[0].code, scale.missing()[0].id.as_str()),
        (9, "code_9")
    );

    let partners = inst.question("partners").unwrap();
    let QuestionKind::MultiSelect { options, max_picks } = &partners.kind else {
        panic!("partners is {}", partners.kind_name());
    };
    let options: Vec<(&str, &str)> = options
        .iter()
        .map(|o| (o.id.as_str(), o.label_nl.as_str()))
        .collect();
    assert_eq!(
        options,
        [
            ("sq001", "Woningcorporaties"),
            ("sq002", "Welzijnsorganisaties"),
            ("sq003", "Ondernemers"),
            ("other", "Anders")
        ]
    );
    assert_eq!(*max_picks, None);
}

#[test]
fn what_is_not_converted_is_listed_not_dropped() {
    let left = structure().not_converted();
    assert_eq!(left.len(), 1);
    assert_eq!(
        (left[0].code.as_str(), left[0].question_type.as_str()),
        ("RANG", "R")
    );
    assert!(left[0].reason.contains("ranking"), "{}", left[0].reason);
}

#[test]
fn the_draft_round_trips_through_its_file() {
    let inst = structure().instrument().unwrap();
    let path = std::env::temp_dir().join(format!("limesurvey-draft-{}.json", std::process::id()));
    inst.save_json(&path).unwrap();
    let back = Instrument::from_json_path(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(back, inst);
}

#[test]
fn english_as_the_language_puts_the_english_texts_first() {
    let ls = structure().with_language("en").unwrap();
    let inst = ls.instrument().unwrap();
    assert_eq!(
        inst.question("inzet").unwrap().text_nl,
        "How often does your municipality use these means?"
    );
    assert_eq!(
        inst.question("partners").unwrap().items()[3].label_nl,
        "Other"
    );
    let err = structure().with_language("de").unwrap_err();
    assert!(
        matches!(
            err,
            Error::UnknownId {
                kind: "language",
                ..
            }
        ),
        "{err}"
    );
}

// --- the responses, against a hand count ----------------------------------------------------------

#[test]
fn responses_read_into_a_survey() {
    let s = survey();
    assert_eq!((s.n_respondents(), s.n_municipalities()), (8, 3));
    assert!(s.validation_report().is_empty());
}

#[test]
fn frequencies_match_a_hand_count() {
    let t = frequencies(&survey(), "inzet", &Options::default()).unwrap();
    let count = |item: &str, cat: &str| {
        let row = t.find(Some(item), "all", cat).unwrap();
        (row.count, row.base)
    };
    // Startkapitaal: A1 r1 r2 r4 r7, A2 r3, A3 r6, A4 r8; DK r5 outside the base of 7.
    assert_eq!(count("sq001", "a1"), (4.0, 7.0));
    assert_eq!(count("sq001", "a2"), (1.0, 7.0));
    assert_eq!(count("sq001", "a3"), (1.0, 7.0));
    assert_eq!(count("sq001", "a4"), (1.0, 7.0));
    assert_eq!(count("sq001", "dk").0, 1.0);
    // Regels flexibel: A1 r4, A2 r1 r3 r7, A3 r2, A4 r5 r8; r6 left it empty.
    assert_eq!(count("sq002", "a1"), (1.0, 7.0));
    assert_eq!(count("sq002", "a2"), (3.0, 7.0));
    assert_eq!(count("sq002", "a3"), (1.0, 7.0));
    assert_eq!(count("sq002", "a4"), (2.0, 7.0));
    // Ruimte in beleid: A1 r2 r6, A2 r4 r7, A3 r5, A4 r3; DK r1 r8.
    assert_eq!(count("sq003", "a1"), (2.0, 6.0));
    assert_eq!(count("sq003", "a2"), (2.0, 6.0));
    assert_eq!(count("sq003", "dk").0, 2.0);

    let t = frequencies(&survey(), "beleid", &Options::default()).unwrap();
    let count = |cat: &str| t.find(None, "all", cat).unwrap().count;
    // Ja r1 r3 r4 r7, Nee r2 r6, Weet niet r5, r8 empty.
    assert_eq!(
        (count("code_1"), count("code_2"), count("code_9")),
        (4.0, 2.0, 1.0)
    );
    assert_eq!(t.find(None, "all", "code_1").unwrap().base, 6.0);
}

#[test]
fn mentions_match_a_hand_count() {
    let t = mentions(&survey(), "partners", &Options::default()).unwrap();
    let row = |item: &str| {
        let r = t.find(Some(item), "all", "mentioned").unwrap();
        (r.count, r.base, r.rank)
    };
    // Woningcorporaties r1 r4 r5 r7; welzijn r2 r4 r7; ondernemers r1 r4 r6; other r2 r8. The
    // base is every respondent (8), as the report's mention rankings have it.
    assert_eq!(row("sq001"), (4.0, 8.0, Some(1)));
    assert_eq!(row("sq002"), (3.0, 8.0, Some(2)));
    assert_eq!(row("sq003"), (3.0, 8.0, Some(2)));
    assert_eq!(row("other"), (2.0, 8.0, Some(4)));
}

#[test]
fn unticked_boxes_are_no_only_for_respondents_who_ticked_something() {
    let s = survey();
    let summary = s.item_summary();
    let partners = summary
        .iter()
        .find(|c| c.column == "partners.sq001")
        .unwrap();
    // r3 ticked nothing: no answer. r8 wrote an 'other': the empty boxes are 'no'.
    assert_eq!(
        (partners.answered, partners.missing, partners.picked),
        (7, 1, Some(4))
    );
    let text = s.respondents().unwrap().to_csv();
    assert!(
        text.contains("Sportclubs") && text.contains("Veel gedaan, \"\"meer\"\" nodig"),
        "{text}"
    );
}

/// A draft edited as a user would: a net added to the array's scale, the list made a question
/// about the municipality (one answer pattern per municipality).
fn edited_draft() -> Instrument {
    let inst = structure().instrument().unwrap();
    let mut spec: serde_json::Value = serde_json::from_str(&inst.to_json()).unwrap();
    for scale in spec["scales"].as_array_mut().unwrap() {
        if scale["id"] == "inzet" {
            scale["nets"] = serde_json::json!([
                {"id": "top2", "label_nl": "vaak of soms", "label_en": "often or sometimes", "codes": [1, 2]}
            ]);
        }
    }
    for q in spec["questions"].as_array_mut().unwrap() {
        if q["id"] == "beleid" {
            q["unit"] = "municipality".into();
        }
    }
    Instrument::from_json(&spec.to_string()).unwrap()
}

#[test]
fn net_shares_and_municipality_units_match_a_hand_count() {
    let ls = structure();
    let s = ls
        .read_responses_csv_str(RESPONSES, &edited_draft(), &options())
        .unwrap();
    let t = net_shares(&s, "inzet", "top2", &Options::default()).unwrap();
    let net = |item: &str| {
        let r = t.find(Some(item), "all", "top2").unwrap();
        (r.count, r.base)
    };
    assert_eq!(net("sq001"), (5.0, 7.0));
    assert_eq!(net("sq002"), (4.0, 7.0));
    assert_eq!(net("sq003"), (4.0, 6.0));

    // Split consolidation: GM0014 Ja Nee Ja → 2/3 Ja; GM0363 Ja, Weet niet (outside the base),
    // Nee → 1/2 Ja; GM0599 Ja and an empty answer → Ja.
    let t = frequencies(&s, "beleid", &Options::default()).unwrap();
    let ja = t.find(None, "all", "code_1").unwrap();
    let nee = t.find(None, "all", "code_2").unwrap();
    assert!(
        (ja.count - (2.0 / 3.0 + 0.5 + 1.0)).abs() < 1e-12,
        "{}",
        ja.count
    );
    assert!(
        (nee.count - (1.0 / 3.0 + 0.5)).abs() < 1e-12,
        "{}",
        nee.count
    );
    assert_eq!(ja.base, 3.0);
}

#[test]
fn older_underscore_headings_and_a_participant_attribute_as_municipality() {
    let csv = "id,attribute_1,INZET_SQ001,BELEID,PARTNERS_SQ002,PARTNERS_other\n\
               a,GM0014,A1,1,Y,\n\
               b,GM0363,A2,2,,Scholen\n";
    let ls = structure();
    let options = ResponseOptions::new("attribute_1");
    let s = ls
        .read_responses_csv_str(csv, &ls.instrument().unwrap(), &options)
        .unwrap();
    assert_eq!((s.n_respondents(), s.n_municipalities()), (2, 2));
    let t = mentions(&s, "partners", &Options::default()).unwrap();
    assert_eq!(
        t.find(Some("sq002"), "all", "mentioned").unwrap().count,
        1.0
    );
    assert_eq!(
        t.find(Some("other"), "all", "mentioned").unwrap().count,
        1.0
    );
    let text = s.respondents().unwrap().to_csv();
    assert!(text.contains("Scholen"), "{text}");
}

// --- malformed input --------------------------------------------------------------------------------

fn format_error(err: Error) -> (String, usize, String) {
    match err {
        Error::InstrumentFormat {
            source_name,
            line,
            message,
            ..
        } => (source_name, line, message),
        other => panic!("expected InstrumentFormat, got {other:?}"),
    }
}

#[test]
fn a_file_that_is_not_xml_is_refused_with_its_position() {
    let (source, line, message) = format_error(
        LimeSurvey::from_lss_str("<document>\n<questions>\n</document>", "bad.lss").unwrap_err(),
    );
    assert_eq!((source.as_str(), line), ("bad.lss", 3));
    assert!(message.contains("not well-formed"), "{message}");
    let (_, _, message) =
        format_error(LimeSurvey::from_lss_str("{\"format\": 1}", "x").unwrap_err());
    assert!(message.contains("not well-formed"), "{message}");
    let (_, line, message) = format_error(
        LimeSurvey::from_lss_str("<?xml version=\"1.0\"?>\n<survey/>", "x").unwrap_err(),
    );
    assert_eq!(line, 2);
    assert!(message.contains("<survey>, not <document>"), "{message}");
}

#[test]
fn missing_tables_and_dangling_links_are_refused() {
    let (_, _, message) =
        format_error(LimeSurvey::from_lss_str(&document(624, &survey_tables()), "x").unwrap_err());
    assert!(message.contains("no <questions> table"), "{message}");

    // A subquestion whose parent is not in the file.
    let orphan = lss_from_4().replace(
        "<parent_qid><![CDATA[30]]></parent_qid>",
        "<parent_qid><![CDATA[99]]></parent_qid>",
    );
    let (_, line, message) = format_error(LimeSurvey::from_lss_str(&orphan, "x").unwrap_err());
    assert!(
        message.contains("subquestion SQ001 (qid 31) names parent_qid 99"),
        "{message}"
    );
    assert!(line > 1);

    let bad_text = lss_from_4().replace(
        "<aid><![CDATA[101]]></aid>\n    <answer>",
        "<aid><![CDATA[999]]></aid>\n    <answer>",
    );
    let (_, _, message) = format_error(LimeSurvey::from_lss_str(&bad_text, "x").unwrap_err());
    assert!(message.contains("aid 999"), "{message}");

    let (_, line, message) = format_error(
        LimeSurvey::from_tsv_str(
            "class\ttype/scale\tname\ttext\tlanguage\nSQ\t\tSQ001\tx\tnl\n",
            "x.txt",
        )
        .unwrap_err(),
    );
    assert_eq!(line, 2);
    assert!(message.contains("before any question"), "{message}");
    let (_, _, message) = format_error(LimeSurvey::from_tsv_str("a\tb\n", "x.txt").unwrap_err());
    assert!(message.contains("no column 'class'"), "{message}");
}

#[test]
fn a_file_in_another_encoding_is_refused_and_a_missing_file_is_io() {
    let path = std::env::temp_dir().join(format!("limesurvey-latin1-{}.lss", std::process::id()));
    std::fs::write(&path, b"<document>\xe9</document>").unwrap();
    let (_, _, message) = format_error(LimeSurvey::from_lss_path(&path).unwrap_err());
    std::fs::remove_file(&path).unwrap();
    assert!(message.contains("not UTF-8"), "{message}");
    assert!(matches!(
        LimeSurvey::from_tsv_path("/no/such/file.txt"),
        Err(Error::Io { .. })
    ));
}

#[test]
fn an_unknown_answer_code_names_file_row_column_and_value() {
    let ls = structure();
    let inst = ls.instrument().unwrap();
    let bad = RESPONSES.replace("\"A3\",\"\",\"A1\"", "\"A3\",\"A9\",\"A1\"");
    let err = ls
        .read_responses_csv_str(&bad, &inst, &options())
        .unwrap_err();
    let Error::Validation(report) = err else {
        panic!("{err}")
    };
    let p = &report.problems[0];
    assert_eq!(p.kind, ProblemKind::InvalidCode);
    assert_eq!(
        (
            p.file.as_str(),
            p.row,
            p.column.as_deref(),
            p.value.as_deref()
        ),
        ("<csv>", Some(7), Some("INZET[SQ002]"), Some("A9"))
    );
    assert!(
        p.message.contains("its codes are A1, A2, A3, A4, DK"),
        "{}",
        p.message
    );

    // Lenient: the cell is left empty and the problem listed; everything else is read.
    let mut lenient = options();
    lenient.read = ReadOptions::lenient();
    let s = ls.read_responses_csv_str(&bad, &inst, &lenient).unwrap();
    assert_eq!(s.n_respondents(), 8);
    assert_eq!(s.validation_report().problems, report.problems);
    let t = frequencies(&s, "inzet", &Options::default()).unwrap();
    assert_eq!(t.find(Some("sq002"), "all", "a1").unwrap().base, 7.0);
}

/// A problem's kind, row, column and value.
type Found<'a> = (ProblemKind, Option<usize>, Option<&'a str>, Option<&'a str>);

#[test]
fn a_heading_of_no_question_in_the_structure_is_an_unknown_column() {
    let ls = structure();
    let inst = ls.instrument().unwrap();
    let csv = "id,GEM,INZET[SQ009],EXTRA,RANG[1],submitdate\n1,GM0014,A1,x,1,2024-01-01\n";
    let mut lenient = options();
    lenient.read = ReadOptions::lenient();
    let s = ls.read_responses_csv_str(csv, &inst, &lenient).unwrap();
    let found: Vec<Found<'_>> = s
        .validation_report()
        .problems
        .iter()
        .map(|p| (p.kind, p.row, p.column.as_deref(), p.value.as_deref()))
        .collect();
    // RANG (not converted) and submitdate (LimeSurvey's own) are skipped by name.
    assert_eq!(
        found,
        [
            (
                ProblemKind::UnknownColumn,
                Some(1),
                Some("INZET[SQ009]"),
                Some("INZET[SQ009]")
            ),
            (
                ProblemKind::UnknownColumn,
                Some(1),
                Some("EXTRA"),
                Some("EXTRA")
            ),
        ]
    );
    assert!(s.validation_report().problems[0]
        .message
        .contains("question INZET has no subquestion or field 'SQ009'"));
    let err = ls
        .read_responses_csv_str(csv, &inst, &options())
        .unwrap_err();
    assert!(err.to_string().contains("column 'INZET[SQ009]'"), "{err}");
}

/// `ignore_columns` applies to a response export as to any file: listed headings are left out
/// without a problem, `Unknown` leaves out every unknown heading and lists it.
#[test]
fn ignore_columns_leaves_headings_out() {
    let ls = structure();
    let inst = ls.instrument().unwrap();
    let csv = "id,GEM,INZET[SQ009],EXTRA,submitdate\n1,GM0014,A1,x,2024-01-01\n";
    let mut listed = options();
    listed.read.ignore_columns = IgnoreColumns::Listed(vec!["extra".into()]);
    let err = ls.read_responses_csv_str(csv, &inst, &listed).unwrap_err();
    let Error::Validation(report) = err else {
        panic!("expected a validation error");
    };
    let columns: Vec<_> = report
        .problems
        .iter()
        .map(|p| p.column.as_deref())
        .collect();
    assert_eq!(columns, [Some("INZET[SQ009]")]);
    let mut unknown = options();
    unknown.read.ignore_columns = IgnoreColumns::Unknown;
    let s = ls.read_responses_csv_str(csv, &inst, &unknown).unwrap();
    assert_eq!(s.n_respondents(), 1);
    assert_eq!(
        s.validation_report().ignored_columns,
        ["INZET[SQ009]", "EXTRA"]
    );
}

#[test]
fn a_missing_municipality_column_fails_in_both_modes() {
    let ls = structure();
    let inst = ls.instrument().unwrap();
    let mut lenient = ResponseOptions::new("GEMEENTE");
    lenient.read = ReadOptions::lenient();
    let err = ls
        .read_responses_csv_str(RESPONSES, &inst, &lenient)
        .unwrap_err();
    let Error::Validation(report) = err else {
        panic!("{err}")
    };
    assert_eq!(report.problems[0].kind, ProblemKind::MissingColumn);
    assert_eq!(report.problems[0].column.as_deref(), Some("GEMEENTE"));
}

/// Cut and garbled versions of every fixture give a typed result, never a panic.
#[test]
fn truncated_and_mutated_inputs_never_panic() {
    let ls = structure();
    let inst = ls.instrument().unwrap();
    let mut lenient = options();
    lenient.read = ReadOptions::lenient();
    let mut state: u64 = 0x2013;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let inputs = [
        lss_before_4(true),
        lss_from_4(),
        tsv(),
        RESPONSES.to_string(),
    ];
    for (k, full) in inputs.iter().enumerate() {
        let bytes = full.as_bytes();
        let mut variants: Vec<Vec<u8>> = (0..bytes.len())
            .step_by(61)
            .map(|n| bytes[..n].to_vec())
            .collect();
        for _ in 0..200 {
            let mut v = bytes.to_vec();
            for _ in 0..1 + next() % 4 {
                let at = next() % v.len();
                let alphabet = b"<>[]\"\t\n,;Y0A-&";
                v[at] = alphabet[next() % alphabet.len()];
            }
            variants.push(v);
        }
        for v in variants {
            let Ok(text) = std::str::from_utf8(&v) else {
                continue;
            };
            match k {
                0 | 1 => {
                    if let Ok(parsed) = LimeSurvey::from_lss_str(text, "x") {
                        let _ = parsed.instrument();
                        let _ = parsed.not_converted();
                    }
                }
                2 => {
                    if let Ok(parsed) = LimeSurvey::from_tsv_str(text, "x") {
                        let _ = parsed.instrument();
                    }
                }
                _ => {
                    let _ = ls.read_responses_csv_str(text, &inst, &lenient);
                    let _ = ls.read_responses_csv_str(text, &inst, &options());
                }
            }
        }
    }
}
