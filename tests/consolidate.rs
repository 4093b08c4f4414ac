//! Consolidation of several respondents per municipality: every policy on a hand-made survey with
//! the expected values worked out in the comments, the rules and their validation, provenance
//! (respondent counts and the disagreement table), and property checks over a generated survey
//! against straightforward reference implementations.

use std::collections::BTreeMap;

use doe_democratie::consolidate::{
    consolidate, consolidate_all, consolidate_position, consolidate_with_groups, disagreements,
    provenance, Disagreement, Groups, Policy, Provenance, Rules, WeightedColumn,
};
use doe_democratie::instrument::{Code, Unit};
use doe_democratie::{Error, Instrument, ReadOptions, Survey};

/// `forms_occurrence.social_entrepreneurship`: yes_no_dk, 1 Ja 2 Nee, 9 Weet niet *in* the base.
const F: &str = "forms_occurrence.social_entrepreneurship";
/// `strategy_use.seed_money`: 1 Vaak 2 Regelmatig 3 Soms 4 Niet, 9 Weet niet *not* in the base.
const S: &str = "strategy_use.seed_money";
/// `strategy_most_successful.seed_money`: 0/1 flag, unit respondent.
const M: &str = "strategy_most_successful.seed_money";
/// `support_need.attention_politics`: 1..3, unit respondent.
const N: &str = "support_need.attention_politics";

/// The hand-made survey. Municipality indices: GM01 = 0, …, GM10 = 9. Respondent indices: r1 = 0,
/// …, r24 = 23. Roles rank municipal_secretary (0) > policy_officer_social (1) > … >
/// district_manager (3) > team_lead_society (4) > … > other (6) > none (7).
///
/// | muni | resp | role | F | S | M | N |
/// |---|---|---|---|---|---|---|
/// | GM01 | r1 | policy_officer_social | 1 | 2 | 1 | 1 |
/// | GM02 | r2, r3 | other, district_manager | 2, 2 | 3, 3 | 0, 0 | 2, – |
/// | GM03 | r4, r5 | other, municipal_secretary | 2, 1 | 1, 3 | 0, 1 | 3, 1 |
/// | GM04 | r6, r7 | –, team_lead_society | 9, 2 | 1, 2 | | |
/// | GM05 | r8..r11 | other ×4 | 9, 9, 1, – | 1, 2, 3, 4 | | |
/// | GM06 | r12, r13 | other, municipal_secretary | 9, 9 | 9, 9 | | |
/// | GM07 | r14, r15 | other, other | –, – | –, – | | |
/// | GM08 | r16, r17 | municipal_secretary, other | –, – | 9, 2 | | |
/// | GM09 | r18..r21 | other ×4 | 1, 2, 9, – | 4, 4, 1, 1 | | |
/// | GM10 | r22..r24 | other ×3 | 2, –, – | 2, 9, – | | |
const CSV: &str = "\
respondent_id,municipality,role,forms_occurrence.social_entrepreneurship,strategy_use.seed_money,strategy_most_successful.seed_money,support_need.attention_politics
r1,GM01,policy_officer_social,1,2,1,1
r2,GM02,other,2,3,0,2
r3,GM02,district_manager,2,3,0,
r4,GM03,other,2,1,0,3
r5,GM03,municipal_secretary,1,3,1,1
r6,GM04,,9,1,,
r7,GM04,team_lead_society,2,2,,
r8,GM05,other,9,1,,
r9,GM05,other,9,2,,
r10,GM05,other,1,3,,
r11,GM05,other,,4,,
r12,GM06,other,9,9,,
r13,GM06,municipal_secretary,9,9,,
r14,GM07,other,,,,
r15,GM07,other,,,,
r16,GM08,municipal_secretary,,9,,
r17,GM08,other,,2,,
r18,GM09,other,1,4,,
r19,GM09,other,2,4,,
r20,GM09,other,9,1,,
r21,GM09,other,,1,,
r22,GM10,other,2,2,,
r23,GM10,other,,9,,
r24,GM10,other,,,,
";

fn inst() -> Instrument {
    Instrument::doe_democratie_2013()
}

fn survey() -> Survey {
    Survey::read_csv_str(CSV, &inst(), &ReadOptions::default()).expect("the fixture is valid")
}

fn pos(column: &str) -> usize {
    inst().column_position(column).unwrap()
}

/// `(unit, code, weight)` entries of a column.
fn entries(w: &WeightedColumn) -> Vec<(u32, Code, f64)> {
    w.iter().collect()
}

/// One entry of weight 1 per listed unit: the single-answer policies.
fn ones(pairs: &[(u32, Code)]) -> Vec<(u32, Code, f64)> {
    pairs.iter().map(|&(u, c)| (u, c, 1.0)).collect()
}

fn with(policy: Policy, question: &str) -> Rules {
    Rules::default().with(&inst(), question, policy).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Policy names and rules

#[test]
fn policy_names_round_trip() {
    let names = ["split", "any_yes", "median", "max", "mode", "prefer_role"];
    for (p, name) in Policy::ALL.into_iter().zip(names) {
        assert_eq!(p.as_str(), name);
        assert_eq!(p.to_string(), name);
        assert_eq!(name.parse::<Policy>().unwrap(), p);
        assert_eq!(format!(" {name} ").parse::<Policy>().unwrap(), p);
        assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{name}\""));
        assert_eq!(
            serde_json::from_str::<Policy>(&format!("\"{name}\"")).unwrap(),
            p
        );
    }
    let err = "average".parse::<Policy>().unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { name: "policy", .. }));
    assert!(err.to_string().contains("any_yes"), "{err}");
}

#[test]
fn default_policy_by_kind_and_unit() {
    let inst = inst();
    let rules = Rules::default();
    let p = |q: &str| rules.policy_for(inst.question(q).unwrap());
    // Coded municipality questions (grids of yes/no/dk, attention, frequency): split.
    for q in [
        "forms_occurrence",
        "attention_level",
        "attention_change",
        "strategy_use",
        "challenges",
    ] {
        assert_eq!(p(q), Some(Policy::Split), "{q}");
    }
    // Respondent-unit questions (coded or multi-select) and open text: none.
    for q in [
        "forms_most_typical",
        "strategy_most_successful",
        "citizen_support_need_insight",
        "support_need",
        "challenge_sectors",
        "support_provider",
        "examples",
        "support_how",
    ] {
        assert_eq!(p(q), None, "{q}");
    }
    assert!(rules.overrides().is_empty());
}

/// A small instrument with a multi-select question at municipality unit (the 2013 instrument has
/// none) and no role list.
fn picks_instrument() -> Instrument {
    Instrument::from_json(
        r#"{
  "format": "doe_democratie.instrument/1",
  "id": "picks",
  "title_nl": "Keuzes",
  "title_en": "Picks",
  "scales": [
    {"id": "yn", "categories": [
      {"code": 1, "id": "yes", "label_nl": "Ja", "label_en": "Yes"},
      {"code": 2, "id": "no", "label_nl": "Nee", "label_en": "No"}]}
  ],
  "questions": [
    {"id": "tools", "text_nl": "Welke instrumenten?", "text_en": "Which tools?",
     "unit": "municipality", "kind": "multi_select", "options": [
       {"id": "desk", "label_nl": "Loket", "label_en": "Desk"},
       {"id": "fund", "label_nl": "Fonds", "label_en": "Fund"}]},
    {"id": "agree", "text_nl": "Eens?", "text_en": "Agree?", "unit": "municipality",
     "kind": "single_choice", "scale": "yn"}
  ]
}"#,
    )
    .unwrap()
}

#[test]
fn multi_select_municipality_questions_default_to_any_yes() {
    let inst = picks_instrument();
    let rules = Rules::default();
    assert_eq!(
        rules.policy_for(inst.question("tools").unwrap()),
        Some(Policy::AnyYes)
    );
    assert_eq!(
        rules.policy_for(inst.question("agree").unwrap()),
        Some(Policy::Split)
    );
    // m1: desk 0,1 → 1 (anyone picked it); fund 0,0 → 0; m2: desk 0 → 0; fund empty → no entry.
    // m3: nothing answered → no entries. The instrument lists no roles: every role ranks alike.
    let csv = "respondent_id,municipality,role,tools.desk,tools.fund,agree\n\
               a,m1,boss,0,0,1\nb,m1,clerk,1,0,2\nc,m2,,0,,2\nd,m3,,,,\n";
    let survey = Survey::read_csv_str(csv, &inst, &ReadOptions::default()).unwrap();
    let desk = consolidate(&survey, "tools.desk", &rules).unwrap();
    assert_eq!(desk.unit, Unit::Municipality);
    assert_eq!(entries(&desk), ones(&[(0, 1), (1, 0)]));
    assert_eq!(desk.n_units, 2);
    let fund = consolidate(&survey, "tools.fund", &rules).unwrap();
    assert_eq!(entries(&fund), ones(&[(0, 0)]));
    // Split on the yes/no question: m1 Ja 1 / Nee 2 → 0.5 each.
    let agree = consolidate(&survey, "agree", &rules).unwrap();
    assert_eq!(entries(&agree), vec![(0, 1, 0.5), (0, 2, 0.5), (1, 2, 1.0)]);
    // Prefer role without a role list: a tie, so the first respondent (a: Ja).
    let agree = consolidate(
        &survey,
        "agree",
        &Rules::default()
            .with(&inst, "agree", Policy::PreferRole)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(entries(&agree), ones(&[(0, 1), (1, 2)]));
}

#[test]
fn rules_with_validates_against_the_instrument() {
    let inst = inst();
    let err = Rules::default()
        .with(&inst, "strategy_usage", Policy::Median)
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnknownId { kind: "question", id, .. } if id == "strategy_usage"),
        "{err}"
    );
    // Any-yes needs exactly two categories: the frequency scale has four.
    let err = Rules::default()
        .with(&inst, "strategy_use", Policy::AnyYes)
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument { name: "policy", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("frequency_4_dk"), "{err}");
    for policy in Policy::ALL {
        Rules::default()
            .with(&inst, "forms_occurrence", policy)
            .unwrap();
    }
    // Respondent-unit and open-text questions take no policy.
    for q in ["support_need", "strategy_most_successful", "examples"] {
        let err = Rules::default().with(&inst, q, Policy::Split).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{q}: {err}");
    }
    // A later override of the same question replaces the earlier one, keeping its place.
    let rules = Rules::default()
        .with(&inst, "strategy_use", Policy::Median)
        .unwrap()
        .with(&inst, "forms_occurrence", Policy::AnyYes)
        .unwrap()
        .with(&inst, "strategy_use", Policy::Max)
        .unwrap();
    assert_eq!(
        rules
            .overrides()
            .iter()
            .map(|(q, p)| (q.as_str(), *p))
            .collect::<Vec<_>>(),
        vec![
            ("strategy_use", Policy::Max),
            ("forms_occurrence", Policy::AnyYes)
        ]
    );
    assert_eq!(
        rules.policy_for(inst.question("strategy_use").unwrap()),
        Some(Policy::Max)
    );
}

#[test]
fn rules_serde_round_trip_and_check() {
    let inst = inst();
    let rules = with(Policy::Median, "strategy_use")
        .with(&inst, "forms_occurrence", Policy::AnyYes)
        .unwrap();
    let json = serde_json::to_string(&rules).unwrap();
    assert_eq!(
        json,
        r#"{"overrides":{"strategy_use":"median","forms_occurrence":"any_yes"}}"#
    );
    let back: Rules = serde_json::from_str(&json).unwrap();
    assert_eq!(back, rules);
    back.check(&inst).unwrap();
    assert_eq!(
        serde_json::from_str::<Rules>("{}").unwrap(),
        Rules::default()
    );
    assert!(serde_json::from_str::<Rules>(r#"{"overides":{}}"#).is_err());
    assert!(serde_json::from_str::<Rules>(r#"{"overrides":{"x":"average"}}"#).is_err());
    // Rules from a file are only checked on request; `check` finds what `with` would refuse.
    let bad: Rules = serde_json::from_str(r#"{"overrides":{"challenges":"any_yes"}}"#).unwrap();
    assert!(matches!(
        bad.check(&inst),
        Err(Error::InvalidArgument { .. })
    ));
    // … and consolidation refuses it too.
    let survey = survey();
    let err = consolidate(&survey, "challenges.liability_risk", &bad).unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument { name: "policy", .. }),
        "{err}"
    );
    let unknown: Rules = serde_json::from_str(r#"{"overrides":{"nope":"max"}}"#).unwrap();
    assert!(matches!(unknown.check(&inst), Err(Error::UnknownId { .. })));
}

// ---------------------------------------------------------------------------------------------
// The policies on the frequency item S (9 = weet niet, not in the base)

#[test]
fn split_on_a_frequency_item() {
    let w = consolidate(&survey(), S, &Rules::default()).unwrap();
    assert_eq!(w.column, S);
    assert_eq!(w.unit, Unit::Municipality);
    assert_eq!(
        entries(&w),
        vec![
            (0, 2, 1.0), // GM01 single respondent
            (1, 3, 1.0), // GM02 3 & 3 agree: one entry, weight 1
            (2, 1, 0.5), // GM03 1 & 3 disagree: half each
            (2, 3, 0.5),
            (3, 1, 0.5), // GM04 1 & 2
            (3, 2, 0.5),
            (4, 1, 0.25), // GM05 1, 2, 3, 4: a quarter each
            (4, 2, 0.25),
            (4, 3, 0.25),
            (4, 4, 0.25),
            (5, 9, 1.0), // GM06 all weet niet (not in base): one weet-niet entry, weight 1
            // GM07 no answers: no entry
            (7, 2, 1.0), // GM08 9 & 2: weet niet drops out, 2 gets the whole weight
            (8, 1, 0.5), // GM09 4, 4, 1, 1: 2/4 each, in scale order
            (8, 4, 0.5),
            (9, 2, 1.0), // GM10 2 & 9 & empty
        ]
    );
    assert_eq!(w.n_units, 9);
    // Fractional counts: Vaak = 0.5 + 0.5 + 0.25 + 0.5.
    assert_eq!(w.weighted_count(1), 1.75);
    assert_eq!(w.len(), 15);
}

#[test]
fn median_on_a_frequency_item() {
    let w = consolidate(&survey(), S, &with(Policy::Median, "strategy_use")).unwrap();
    // GM01 2; GM02 3,3 → 3; GM03 1,3 → floor((1+3)/2) = 2; GM04 1,2 → floor(1.5) = 1;
    // GM05 1,2,3,4 → middles 2,3 → floor(2.5) = 2; GM06 all 9 → 9; GM07 none;
    // GM08 9 ignored → 2; GM09 1,1,4,4 → middles 1,4 → floor(2.5) = 2; GM10 → 2.
    assert_eq!(
        entries(&w),
        ones(&[
            (0, 2),
            (1, 3),
            (2, 2),
            (3, 1),
            (4, 2),
            (5, 9),
            (7, 2),
            (8, 2),
            (9, 2)
        ])
    );
    assert_eq!(w.n_units, 9);
}

#[test]
fn max_on_a_frequency_item() {
    let w = consolidate(&survey(), S, &with(Policy::Max, "strategy_use")).unwrap();
    // The last position in scale order among substantive answers (4 Niet is the highest).
    // GM03 1,3 → 3; GM04 1,2 → 2; GM05 → 4; GM06 → 9 (missing rule); GM08 9,2 → 2; GM09 → 4.
    assert_eq!(
        entries(&w),
        ones(&[
            (0, 2),
            (1, 3),
            (2, 3),
            (3, 2),
            (4, 4),
            (5, 9),
            (7, 2),
            (8, 4),
            (9, 2)
        ])
    );
}

#[test]
fn mode_on_a_frequency_item() {
    let w = consolidate(&survey(), S, &with(Policy::Mode, "strategy_use")).unwrap();
    // Ties go to the lower position: GM03 1|3 → 1; GM04 1|2 → 1; GM05 1|2|3|4 → 1;
    // GM09 4,4,1,1 → 1 (two each). GM02 3,3 → 3.
    assert_eq!(
        entries(&w),
        ones(&[
            (0, 2),
            (1, 3),
            (2, 1),
            (3, 1),
            (4, 1),
            (5, 9),
            (7, 2),
            (8, 1),
            (9, 2)
        ])
    );
}

#[test]
fn prefer_role_on_a_frequency_item() {
    let w = consolidate(&survey(), S, &with(Policy::PreferRole, "strategy_use")).unwrap();
    // GM01 the only respondent → 2.
    // GM02 district_manager (r3) outranks other (r2); both said 3 → 3.
    // GM03 secretary present (r5, second in input order) → 3, not r4's 1.
    // GM04 secretary absent: team_lead_society (r7) outranks no role (r6) → 2.
    // GM05 all 'other': tie → first in input order (r8) → 1.
    // GM06 nobody substantive → missing rule → 9.
    // GM08 the secretary (r16) said weet niet, so only r17 competes → 2.
    // GM09 tie → r18 → 4. GM10 → 2.
    assert_eq!(
        entries(&w),
        ones(&[
            (0, 2),
            (1, 3),
            (2, 3),
            (3, 2),
            (4, 1),
            (5, 9),
            (7, 2),
            (8, 4),
            (9, 2)
        ])
    );
}

#[test]
fn any_yes_refuses_a_four_category_scale() {
    let survey = survey();
    let err = consolidate_position(&survey, pos(S), Some(Policy::AnyYes)).unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument { name: "policy", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("4"), "{err}");
    let attention = pos("attention_level.municipal_council");
    assert!(consolidate_position(&survey, attention, Some(Policy::AnyYes)).is_err());
}

// ---------------------------------------------------------------------------------------------
// The yes/no/dk item F (9 = weet niet, in the base)

#[test]
fn split_on_a_yes_no_dk_item_shares_weight_with_weet_niet() {
    let w = consolidate(&survey(), F, &Rules::default()).unwrap();
    assert_eq!(
        entries(&w),
        vec![
            (0, 1, 1.0), // GM01 Ja
            (1, 2, 1.0), // GM02 Nee & Nee
            (2, 1, 0.5), // GM03 Nee & Ja → half each, scale order Ja first
            (2, 2, 0.5),
            (3, 2, 0.5), // GM04 weet niet (in base) & Nee → half each
            (3, 9, 0.5),
            (4, 1, 1.0 / 3.0), // GM05 9, 9, Ja, empty: k = 3 → Ja 1/3, weet niet 2/3
            (4, 9, 2.0 / 3.0),
            (5, 9, 1.0),       // GM06 weet niet ×2
            (8, 1, 1.0 / 3.0), // GM09 Ja, Nee, weet niet, empty: three respondents, 1/3 each
            (8, 2, 1.0 / 3.0),
            (8, 9, 1.0 / 3.0),
            (9, 2, 1.0), // GM10 Nee
        ]
    );
    assert_eq!(w.n_units, 8);
    // Weet niet counts: 0.5 + 2/3 + 1 + 1/3 = 2.5.
    assert!((w.weighted_count(9) - 2.5).abs() < 1e-12);
}

#[test]
fn any_yes_on_a_yes_no_dk_item_is_the_minimum_code() {
    let w = consolidate(&survey(), F, &with(Policy::AnyYes, "forms_occurrence")).unwrap();
    // Ja if anyone says ja, else nee if anyone says nee, else weet niet (= min code, 1 < 2 < 9).
    // GM01 1; GM02 2,2 → 2; GM03 2,1 → 1; GM04 9,2 → 2; GM05 9,9,1 → 1; GM06 9,9 → 9;
    // GM07, GM08 no answers; GM09 1,2,9 → 1; GM10 2.
    assert_eq!(
        entries(&w),
        ones(&[
            (0, 1),
            (1, 2),
            (2, 1),
            (3, 2),
            (4, 1),
            (5, 9),
            (8, 1),
            (9, 2)
        ])
    );
    assert_eq!(w.n_units, 8);
}

#[test]
fn median_ignores_weet_niet_even_when_it_counts_in_the_base() {
    let w = consolidate(&survey(), F, &with(Policy::Median, "forms_occurrence")).unwrap();
    // GM03 Ja, Nee → positions 0, 1 → floor(0.5) = 0 → Ja; GM04 9 ignored → Nee;
    // GM05 9, 9 ignored → Ja; GM06 only 9 → 9; GM09 Ja, Nee → Ja.
    assert_eq!(
        entries(&w),
        ones(&[
            (0, 1),
            (1, 2),
            (2, 1),
            (3, 2),
            (4, 1),
            (5, 9),
            (8, 1),
            (9, 2)
        ])
    );
}

#[test]
fn missing_rule_takes_the_most_frequent_missing_code_then_the_lowest() {
    // A scale with two missing codes, neither in the base: 8 'Wil niet zeggen', 9 'Weet niet'.
    let inst = Instrument::from_json(
        r#"{
  "format": "doe_democratie.instrument/1",
  "id": "two_missing",
  "title_nl": "T",
  "title_en": "T",
  "scales": [
    {"id": "s", "categories": [
      {"code": 1, "id": "a", "label_nl": "A", "label_en": "A"},
      {"code": 2, "id": "b", "label_nl": "B", "label_en": "B"}],
     "missing": [
      {"code": 9, "id": "dont_know", "label_nl": "Weet niet", "label_en": "Don't know", "kind": "dont_know"},
      {"code": 8, "id": "refused", "label_nl": "Wil niet zeggen", "label_en": "Refused", "kind": "refused"}]}
  ],
  "questions": [
    {"id": "q", "text_nl": "V", "text_en": "Q", "unit": "municipality",
     "kind": "single_choice", "scale": "s"}
  ]
}"#,
    )
    .unwrap();
    // m1: 9, 9, 8 → 9 (most frequent); m2: 9, 8 → 8 (tie → lowest code); m3: 8, 2 → 2.
    let csv =
        "respondent_id,municipality,q\na,m1,9\nb,m1,9\nc,m1,8\nd,m2,9\ne,m2,8\nf,m3,8\ng,m3,2\n";
    let survey = Survey::read_csv_str(csv, &inst, &ReadOptions::default()).unwrap();
    for policy in Policy::ALL {
        let w = consolidate_position(&survey, 0, Some(policy)).unwrap();
        assert_eq!(entries(&w), ones(&[(0, 9), (1, 8), (2, 2)]), "{policy}");
    }
}

// ---------------------------------------------------------------------------------------------
// Flags, respondent-unit questions, empty and refused columns

#[test]
fn flags_under_any_yes_and_split() {
    let survey = survey();
    // M (respondent unit) consolidated on request: GM01 1 → 1; GM02 0,0 → 0; GM03 0,1 → 1.
    let w = consolidate_position(&survey, pos(M), Some(Policy::AnyYes)).unwrap();
    assert_eq!(w.unit, Unit::Municipality);
    assert_eq!(entries(&w), ones(&[(0, 1), (1, 0), (2, 1)]));
    let w = consolidate_position(&survey, pos(M), Some(Policy::Split)).unwrap();
    assert_eq!(
        entries(&w),
        vec![(0, 1, 1.0), (1, 0, 1.0), (2, 0, 0.5), (2, 1, 0.5)]
    );
    // Flags are ordered 0 < 1: max = any yes here, mode of 0|1 ties to 0.
    let w = consolidate_position(&survey, pos(M), Some(Policy::Max)).unwrap();
    assert_eq!(entries(&w), ones(&[(0, 1), (1, 0), (2, 1)]));
    let w = consolidate_position(&survey, pos(M), Some(Policy::Mode)).unwrap();
    assert_eq!(entries(&w), ones(&[(0, 1), (1, 0), (2, 0)]));
}

#[test]
fn respondent_unit_questions_pass_through() {
    let survey = survey();
    // N: r1 1, r2 2, r3 –, r4 3, r5 1 → respondents 0, 1, 3, 4.
    let w = consolidate(&survey, N, &with(Policy::Max, "strategy_use")).unwrap();
    assert_eq!(w.unit, Unit::Respondent);
    assert_eq!(entries(&w), ones(&[(0, 1), (1, 2), (3, 3), (4, 1)]));
    assert_eq!(w.n_units, 4);
    // M flags: r1 1, r2 0, r3 0, r4 0, r5 1.
    let w = consolidate(&survey, M, &Rules::default()).unwrap();
    assert_eq!(w.unit, Unit::Respondent);
    assert_eq!(entries(&w), ones(&[(0, 1), (1, 0), (2, 0), (3, 0), (4, 1)]));
    // No policy on a municipality question: per respondent as well, weet niet kept.
    let w = consolidate_position(&survey, pos(S), None).unwrap();
    assert_eq!(w.unit, Unit::Respondent);
    assert_eq!(w.len(), 21); // 24 respondents, 3 empty cells (r14, r15, r24)
    assert_eq!(w.codes.iter().filter(|&&c| c == 9).count(), 4);
}

#[test]
fn empty_and_absent_columns_give_no_entries() {
    let survey = survey();
    // Not in the CSV at all: every cell empty, whatever the policy.
    for policy in [None, Some(Policy::Split), Some(Policy::Median)] {
        let w = consolidate_position(&survey, pos("strategy_use.initiative_desk"), policy).unwrap();
        assert!(w.is_empty());
        assert_eq!(w.n_units, 0);
    }
}

#[test]
fn refused_columns() {
    let survey = survey();
    let err = consolidate(&survey, "strategy_use.seed_mony", &Rules::default()).unwrap_err();
    assert!(
        matches!(&err, Error::UnknownId { kind: "column", .. }),
        "{err}"
    );
    for policy in [None, Some(Policy::Split)] {
        let err = consolidate_position(&survey, pos("examples"), policy).unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { name: "column", .. }),
            "{err}"
        );
    }
    assert!(consolidate(&survey, "support_how", &Rules::default()).is_err());
    let n_cols = inst().columns().len();
    assert!(matches!(
        consolidate_position(&survey, n_cols, None),
        Err(Error::InvalidArgument {
            name: "position",
            ..
        })
    ));
}

#[test]
fn groups_and_consolidate_all() {
    let survey = survey();
    let groups = Groups::of(&survey).unwrap();
    assert_eq!(groups.n_groups(), 10);
    assert_eq!(groups.n_respondents(), 24);
    assert_eq!(groups.members(4), &[7, 8, 9, 10]);
    assert_eq!(groups.size(9), 3);
    assert_eq!(groups.offsets().first(), Some(&0));
    assert_eq!(groups.offsets().last(), Some(&24));
    // Ranks: r1 policy_officer_social 1, r5 municipal_secretary 0, r6 no role 7 (= roles.len()).
    assert_eq!(groups.role_ranks()[0], 1);
    assert_eq!(groups.role_ranks()[4], 0);
    assert_eq!(groups.role_ranks()[5], 7);

    let with_groups =
        consolidate_with_groups(&survey, &groups, pos(S), Some(Policy::Split)).unwrap();
    assert_eq!(
        with_groups,
        consolidate(&survey, S, &Rules::default()).unwrap()
    );
    // Groups of another survey are refused.
    let other = Survey::read_csv_str(
        "respondent_id,municipality\nx,GM01\n",
        &inst(),
        &ReadOptions::default(),
    )
    .unwrap();
    let err = consolidate_with_groups(
        &survey,
        &Groups::of(&other).unwrap(),
        pos(S),
        Some(Policy::Split),
    )
    .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { name: "groups", .. }));

    let all = consolidate_all(&survey, &Rules::default()).unwrap();
    let inst = inst();
    let coded: Vec<&str> = inst
        .columns()
        .iter()
        .filter(|c| c.kind != doe_democratie::instrument::ColumnKind::Text)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        all.iter().map(|w| w.column.as_str()).collect::<Vec<_>>(),
        coded
    );
    let f = all.iter().find(|w| w.column == F).unwrap();
    assert_eq!(f, &consolidate(&survey, F, &Rules::default()).unwrap());
    // Serde round trip of the long form.
    let json = serde_json::to_string(f).unwrap();
    assert_eq!(serde_json::from_str::<WeightedColumn>(&json).unwrap(), *f);
    assert!(json.contains(r#""unit":"municipality""#), "{json}");
}

// ---------------------------------------------------------------------------------------------
// Provenance

#[test]
fn provenance_counts_and_disagreements() {
    let p = provenance(&survey()).unwrap();
    let counts: Vec<(&str, usize)> = p
        .respondents
        .iter()
        .map(|(m, n)| (m.as_str(), *n))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("GM01", 1),
            ("GM02", 2),
            ("GM03", 2),
            ("GM04", 2),
            ("GM05", 4),
            ("GM06", 2),
            ("GM07", 2),
            ("GM08", 2),
            ("GM09", 4),
            ("GM10", 3)
        ]
    );
    assert_eq!(p.n_with_several(), 9);
    // F disagrees in GM03 (2|1), GM04 (9|2), GM05 (9,9|1), GM09 (1|2|9); GM02 (2,2) and GM06
    // (9,9) agree, GM10 has one answer. S disagrees in GM03, GM04, GM05, GM08 (9|2), GM09, GM10
    // (2|9); GM02 and GM06 agree. M and N are respondent-unit columns: never listed.
    assert_eq!(p.n_disagreeing(F), 4);
    assert_eq!(p.n_disagreeing(S), 6);
    assert_eq!(p.n_disagreeing(M), 0);
    assert_eq!(p.n_disagreeing(N), 0);
    let order: Vec<(&str, &str)> = p
        .disagreements
        .iter()
        .map(|d| (d.municipality.as_str(), d.column.as_str()))
        .collect();
    assert_eq!(
        order,
        vec![
            ("GM03", F),
            ("GM03", S),
            ("GM04", F),
            ("GM04", S),
            ("GM05", F),
            ("GM05", S),
            ("GM08", S),
            ("GM09", F),
            ("GM09", S),
            ("GM10", S)
        ]
    );
    let a = |pairs: &[(&str, Code)]| -> Vec<(String, Code)> {
        pairs.iter().map(|&(r, c)| (r.to_string(), c)).collect()
    };
    // Empty cells are left out of the answers (r11's F, r24's S).
    assert_eq!(
        p.disagreements[4],
        Disagreement {
            municipality: "GM05".into(),
            column: F.into(),
            answers: a(&[("r8", 9), ("r9", 9), ("r10", 1)]),
        }
    );
    assert_eq!(p.disagreements[9].answers, a(&[("r22", 2), ("r23", 9)]));
    assert_eq!(disagreements(&survey()).unwrap(), p.disagreements);
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<Provenance>(&json).unwrap(), p);
}

// ---------------------------------------------------------------------------------------------
// Property checks over a generated survey

/// A small deterministic generator (64-bit LCG, top bits).
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

const ROLES: [&str; 8] = [
    "municipal_secretary",
    "policy_officer_social",
    "project_lead_participation",
    "district_manager",
    "team_lead_society",
    "communication_adviser",
    "other",
    "",
];

/// 300 municipalities with 1–12 respondents each (sizes such as 6, 7, 10 make `count / k` round),
/// rows interleaved; F cells from {1, 2, 9, –}, S cells from {1, 2, 3, 4, 9, –}.
fn generated() -> Survey {
    let mut rng = Lcg(20240101);
    let mut rows: Vec<String> = Vec::new();
    for m in 0..300 {
        let k = 1 + rng.below(12);
        for _ in 0..k {
            let role = ROLES[rng.below(8) as usize];
            let f = ["1", "2", "9", ""][rng.below(4) as usize];
            let s = ["1", "2", "3", "4", "9", ""][rng.below(6) as usize];
            rows.push(format!("{m},{role},{f},{s}"));
        }
    }
    // Shuffle so that municipalities interleave.
    for i in (1..rows.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        rows.swap(i, j);
    }
    let mut csv = format!("respondent_id,municipality,role,{F},{S}\n");
    for (i, row) in rows.iter().enumerate() {
        let (m, rest) = row.split_once(',').unwrap();
        csv.push_str(&format!("r{i},M{m},{rest}\n"));
    }
    Survey::read_csv_str(&csv, &inst(), &ReadOptions::default()).unwrap()
}

/// Per municipality index, the `(role rank, code)` of its respondents with a non-empty cell, in
/// input order.
fn answers_by_municipality(survey: &Survey, column: &str) -> BTreeMap<u32, Vec<(usize, Code)>> {
    let inst = survey.instrument();
    let codes = survey.responses().codes(pos(column)).unwrap();
    let roles = &inst.attributes().roles;
    let mut out: BTreeMap<u32, Vec<(usize, Code)>> = BTreeMap::new();
    for (r, &m) in survey.responses().municipality_index().iter().enumerate() {
        let rank = survey.responses().roles()[r]
            .as_deref()
            .and_then(|id| roles.iter().position(|l| l.id == id))
            .unwrap_or(roles.len());
        out.entry(m).or_default();
        if codes[r] != Code::MAX {
            out.get_mut(&m).unwrap().push((rank, codes[r]));
        }
    }
    out
}

/// The reference rule for the single-answer policies, written out straightforwardly.
fn reference(policy: Policy, answers: &[(usize, Code)], categories: &[Code]) -> Option<Code> {
    let position = |c: Code| categories.iter().position(|&x| x == c);
    let substantive: Vec<(usize, usize)> = answers
        .iter()
        .filter_map(|&(rank, c)| position(c).map(|p| (rank, p)))
        .collect();
    if substantive.is_empty() {
        // Missing rule: most frequent missing code, tie → lowest.
        let mut counts: BTreeMap<Code, usize> = BTreeMap::new();
        for &(_, c) in answers {
            *counts.entry(c).or_default() += 1;
        }
        let best = counts.values().copied().max()?;
        return counts.into_iter().find(|&(_, n)| n == best).map(|(c, _)| c);
    }
    let mut positions: Vec<usize> = substantive.iter().map(|&(_, p)| p).collect();
    positions.sort_unstable();
    let n = positions.len();
    let p = match policy {
        Policy::AnyYes => positions[0],
        Policy::Median if n % 2 == 1 => positions[n / 2],
        Policy::Median => (positions[n / 2 - 1] + positions[n / 2]) / 2,
        Policy::Max => positions[n - 1],
        Policy::Mode => {
            let count = |p: usize| positions.iter().filter(|&&x| x == p).count();
            let best = positions.iter().map(|&p| count(p)).max().unwrap();
            *positions.iter().find(|&&p| count(p) == best).unwrap()
        }
        Policy::PreferRole => {
            let best = substantive.iter().map(|&(rank, _)| rank).min().unwrap();
            substantive
                .iter()
                .find(|&&(rank, _)| rank == best)
                .unwrap()
                .1
        }
        Policy::Split => unreachable!(),
    };
    Some(categories[p])
}

#[test]
fn split_weights_of_in_base_entries_sum_to_exactly_one() {
    let survey = generated();
    assert_eq!(survey.n_municipalities(), 300);
    for (column, in_base) in [(F, &[1, 2, 9][..]), (S, &[1, 2, 3, 4][..])] {
        let w = consolidate(&survey, column, &Rules::default()).unwrap();
        let reference = answers_by_municipality(&survey, column);
        let mut by_unit: BTreeMap<u32, Vec<(Code, f64)>> = BTreeMap::new();
        for (u, c, wt) in w.iter() {
            by_unit.entry(u).or_default().push((c, wt));
        }
        let mut fractional = 0;
        for (m, answers) in &reference {
            let got = by_unit.get(m);
            let k = answers.iter().filter(|(_, c)| in_base.contains(c)).count();
            if k == 0 {
                // Only not-in-base weet niet (one entry of weight 1) or nothing at all.
                let expected = if answers.is_empty() {
                    None
                } else {
                    Some(vec![(9, 1.0)])
                };
                assert_eq!(got.cloned(), expected, "{column} municipality {m}");
                continue;
            }
            let got = got.unwrap();
            assert!(got.iter().all(|(c, _)| in_base.contains(c)));
            // Sequential sum, as any consumer adds them: exactly 1.
            let total = got.iter().fold(0.0, |acc, &(_, wt)| acc + wt);
            assert_eq!(total, 1.0, "{column} municipality {m}: {got:?}");
            for &(c, wt) in got {
                let count = answers.iter().filter(|&&(_, x)| x == c).count();
                assert!(count > 0);
                assert!((wt - count as f64 / k as f64).abs() < 1e-15, "{got:?}");
            }
            if got.len() > 1 {
                fractional += 1;
            }
        }
        assert!(fractional > 100, "{column}: {fractional}");
        assert_eq!(
            w.n_units,
            reference.values().filter(|a| !a.is_empty()).count()
        );
    }
}

#[test]
fn single_answer_policies_match_a_reference_implementation() {
    let survey = generated();
    let groups = Groups::of(&survey).unwrap();
    for (column, categories) in [(F, &[1, 2][..]), (S, &[1, 2, 3, 4][..])] {
        let reference_answers = answers_by_municipality(&survey, column);
        for policy in Policy::ALL.into_iter().filter(|&p| p != Policy::Split) {
            if policy == Policy::AnyYes && categories.len() != 2 {
                continue;
            }
            let w = consolidate_with_groups(&survey, &groups, pos(column), Some(policy)).unwrap();
            let expected: Vec<(u32, Code, f64)> = reference_answers
                .iter()
                .filter_map(|(&m, a)| reference(policy, a, categories).map(|c| (m, c, 1.0)))
                .collect();
            assert_eq!(entries(&w), expected, "{column} {policy}");
            assert_eq!(w.n_units, expected.len());
        }
    }
    // For codes 1 < 2 < 9, any-yes is the minimum code (WORKLOAD.md step a).
    let w = consolidate_position(&survey, pos(F), Some(Policy::AnyYes)).unwrap();
    for (m, answers) in answers_by_municipality(&survey, F) {
        let min = answers.iter().map(|&(_, c)| c).min();
        let got = w.iter().find(|&(u, _, _)| u == m).map(|(_, c, _)| c);
        assert_eq!(got, min);
    }
}

#[test]
fn generated_provenance_matches_the_groups() {
    let survey = generated();
    let p = provenance(&survey).unwrap();
    let groups = Groups::of(&survey).unwrap();
    assert_eq!(p.respondents.len(), 300);
    for (m, (id, n)) in p.respondents.iter().enumerate() {
        assert_eq!(*n, groups.size(m));
        assert_eq!(id, &survey.responses().municipalities()[m].id);
        for &r in groups.members(m) {
            assert_eq!(
                survey.responses().municipality_index()[r as usize] as usize,
                m
            );
        }
        assert!(groups.members(m).windows(2).all(|w| w[0] < w[1]));
    }
    for column in [F, S] {
        let expected = answers_by_municipality(&survey, column)
            .values()
            .filter(|a| a.iter().any(|&(_, c)| c != a[0].1))
            .count();
        assert_eq!(p.n_disagreeing(column), expected, "{column}");
    }
}
