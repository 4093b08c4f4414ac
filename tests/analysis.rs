//! Measures against hand-computed values: item bases without 'weet niet', split counts, nets,
//! mention rankings with ties, breakdowns with merged groups, and the report's rounding.

use doe_democratie::analysis::{
    frequencies, mentions, net_shares, Attribute, Base, Breakdown, ItemFilter, Options,
};
use doe_democratie::{Instrument, Policy, ReadOptions, Rules, Survey};

/// Five municipalities, seven respondents.
/// GM1 (lt_20k): r1 Vaak, r2 Soms        → split 0.5 Vaak + 0.5 Soms
/// GM2 (lt_20k): r3 Regelmatig
/// GM3 (20k_50k): r4 weet niet, r5 weet niet → weet niet, outside the base
/// GM4 (100k_plus): r6 Niet
/// GM5 (100k_plus): r7 Vaak
const CSV: &str = "respondent_id,municipality,inhabitants,role,forms_occurrence.social_entrepreneurship,\
strategy_use.seed_money,strategy_most_successful.seed_money,strategy_most_successful.reliable_partner,\
strategy_most_successful.seek_win_win\n\
r1,GM1,10000,municipal_secretary,1,1,1,1,0\n\
r2,GM1,10000,other,9,3,0,1,1\n\
r3,GM2,15000,other,2,2,1,0,0\n\
r4,GM3,30000,other,9,9,0,0,0\n\
r5,GM3,30000,other,9,9,0,1,1\n\
r6,GM4,150000,other,1,4,0,0,0\n\
r7,GM5,200000,municipal_secretary,1,1,1,0,0\n";

fn survey() -> Survey {
    Survey::read_csv_str(
        CSV,
        &Instrument::doe_democratie_2013(),
        &ReadOptions::default(),
    )
    .unwrap()
}

fn item(id: &str) -> Options {
    Options {
        items: ItemFilter {
            items: vec![id.into()],
            tag: None,
        },
        ..Options::default()
    }
}

#[test]
fn frequencies_use_the_item_base_without_weet_niet_and_split_counts() {
    let t = frequencies(&survey(), "strategy_use", &item("seed_money")).unwrap();
    let row = |cat: &str| t.find(Some("seed_money"), "all", cat).unwrap();
    // Base: GM1, GM2, GM4, GM5 = 4 municipalities; GM3 only 'weet niet'.
    assert_eq!(row("often").base, 4.0);
    assert_eq!(row("often").count, 1.5); // GM1 half + GM5
    assert_eq!(row("regularly").count, 1.0);
    assert_eq!(row("sometimes").count, 0.5);
    assert_eq!(row("not_at_all").count, 1.0);
    assert_eq!(row("often").percentage, Some(37.5));
    // 37.5 / 25 / 12.5 / 25: floors 37+25+12+25 = 99; the leftover point goes to the first of the
    // two equal .5 remainders (Vaak).
    let printed: Vec<i64> = ["often", "regularly", "sometimes", "not_at_all"]
        .iter()
        .map(|c| row(c).printed.unwrap())
        .collect();
    assert_eq!(printed, [38, 25, 12, 25]);
    // 'Weet niet' is its own count beside the base.
    let dk = row("dont_know");
    assert_eq!(
        (dk.count, dk.base, dk.percentage, dk.in_base),
        (1.0, 4.0, None, false)
    );
}

#[test]
fn weet_niet_counts_in_the_base_where_the_scale_says_so() {
    let s = survey();
    let t = frequencies(&s, "forms_occurrence", &item("social_entrepreneurship")).unwrap();
    let row = |cat: &str| t.find(Some("social_entrepreneurship"), "all", cat).unwrap();
    // GM1: r1 Ja, r2 Weet niet (both in base) → 0.5 / 0.5; GM2 Nee; GM3 Weet niet; GM4, GM5 Ja.
    assert_eq!(row("yes").count, 2.5);
    assert_eq!(row("no").count, 1.0);
    assert_eq!(row("dont_know").count, 1.5);
    assert_eq!(row("yes").base, 5.0);
    assert_eq!(row("dont_know").percentage, Some(30.0));
    // The same item on the substantive base (inconsistencies.md A2): 2.5 of 3.5.
    let options = Options {
        base: Base::Substantive,
        ..item("social_entrepreneurship")
    };
    let t = frequencies(&s, "forms_occurrence", &options).unwrap();
    let yes = t
        .find(Some("social_entrepreneurship"), "all", "yes")
        .unwrap();
    assert_eq!(yes.base, 3.5);
    assert_eq!(yes.printed, Some(71)); // 71.43
}

#[test]
fn net_shares_take_the_top_two_box_half_up() {
    let t = net_shares(&survey(), "strategy_use", "top2", &item("seed_money")).unwrap();
    let r = t.find(Some("seed_money"), "all", "top2").unwrap();
    // Vaak 1.5 + Regelmatig 1 of 4 = 62.5 → 63.
    assert_eq!((r.count, r.base, r.printed), (2.5, 4.0, Some(63)));
    assert_eq!(r.label_nl, "vaak of regelmatig");
}

#[test]
fn breakdown_by_size_class_with_merged_groups() {
    let by = Breakdown {
        attribute: Attribute::SizeClass,
        groups: [
            (
                "lt_50k".to_string(),
                vec!["lt_20k".to_string(), "20k_50k".to_string()],
            ),
            ("100k_plus".to_string(), vec!["100k_plus".to_string()]),
        ]
        .into_iter()
        .collect(),
    };
    let options = Options {
        by: Some(by),
        ..item("seed_money")
    };
    let t = net_shares(&survey(), "strategy_use", "top2", &options).unwrap();
    let groups: Vec<&str> = t.rows.iter().map(|r| r.group.as_str()).collect();
    assert_eq!(groups, ["all", "lt_50k", "100k_plus"]);
    // lt_50k: GM1 (0.5 Vaak), GM2 (Regelmatig); GM3 weet niet → 1.5 of 2.
    let r = t.find(Some("seed_money"), "lt_50k", "top2").unwrap();
    assert_eq!((r.count, r.base, r.printed), (1.5, 2.0, Some(75)));
    // 100k_plus: GM4 Niet, GM5 Vaak → 1 of 2.
    let r = t.find(Some("seed_money"), "100k_plus", "top2").unwrap();
    assert_eq!((r.count, r.base, r.printed), (1.0, 2.0, Some(50)));
}

#[test]
fn mention_rankings_divide_by_all_respondents_and_mark_ties() {
    let t = mentions(&survey(), "strategy_most_successful", &Options::default()).unwrap();
    let all: Vec<_> = t.rows.iter().filter(|r| r.group == "all").collect();
    // seed_money: r1, r3, r7 = 3; reliable_partner: r1, r2, r5 = 3; seek_win_win: r2, r5 = 2.
    assert_eq!(all[0].item.as_deref(), Some("seed_money"));
    assert_eq!(
        (all[0].count, all[0].base, all[0].rank, all[0].tied),
        (3.0, 7.0, Some(1), Some(true))
    );
    assert_eq!(all[1].item.as_deref(), Some("reliable_partner"));
    assert_eq!(all[1].rank, Some(1));
    assert_eq!(all[2].item.as_deref(), Some("seek_win_win"));
    assert_eq!((all[2].rank, all[2].tied), (Some(3), Some(false)));
    assert_eq!(all[2].printed, Some(29)); // 2/7 = 28.57
                                          // Options that nobody picked rank last, tied at zero.
    let last = all.last().unwrap();
    assert_eq!(
        (last.count, last.rank, last.tied),
        (0.0, Some(4), Some(true))
    );
}

#[test]
fn role_breakdown_works_for_respondents_and_is_refused_for_municipalities() {
    let by_role = Options {
        by: Some(Breakdown::by(Attribute::Role)),
        ..Options::default()
    };
    let t = mentions(&survey(), "strategy_most_successful", &by_role).unwrap();
    let r = t
        .find(Some("seed_money"), "municipal_secretary", "mentioned")
        .unwrap();
    assert_eq!((r.count, r.base), (2.0, 2.0)); // r1 and r7
    let err = frequencies(&survey(), "strategy_use", &by_role).unwrap_err();
    assert!(
        err.to_string().contains("role is a respondent attribute"),
        "{err}"
    );
}

#[test]
fn consolidation_policy_changes_the_counts() {
    let s = survey();
    let rules = Rules::default()
        .with(s.instrument(), "strategy_use", Policy::PreferRole)
        .unwrap();
    let options = Options {
        rules,
        ..item("seed_money")
    };
    let t = frequencies(&s, "strategy_use", &options).unwrap();
    // GM1 now takes the secretary r1's Vaak: Vaak = GM1 + GM5 = 2 of 4.
    let r = t.find(Some("seed_money"), "all", "often").unwrap();
    assert_eq!((r.count, r.base), (2.0, 4.0));
}

#[test]
fn measures_refuse_questions_of_the_wrong_kind_and_unknown_ids() {
    let s = survey();
    assert!(mentions(&s, "strategy_use", &Options::default()).is_err());
    assert!(frequencies(&s, "strategy_most_successful", &Options::default()).is_err());
    let err = frequencies(&s, "strategy_usage", &Options::default()).unwrap_err();
    assert!(
        matches!(err, doe_democratie::Error::UnknownId { .. }),
        "{err}"
    );
    let err = net_shares(&s, "strategy_use", "top4", &Options::default()).unwrap_err();
    assert!(
        matches!(err, doe_democratie::Error::UnknownId { .. }),
        "{err}"
    );
    let err = frequencies(&s, "strategy_use", &item("seed_monie")).unwrap_err();
    assert!(
        err.to_string().contains("unknown item 'seed_monie'"),
        "{err}"
    );
}

#[test]
fn rung_tag_selects_the_strategies_of_one_ladder_step() {
    let options = Options {
        items: ItemFilter {
            items: vec![],
            tag: Some(("rung".into(), "facilitating".into())),
        },
        ..Options::default()
    };
    let t = net_shares(&survey(), "strategy_use", "top2", &options).unwrap();
    let items: Vec<&str> = t.rows.iter().filter_map(|r| r.item.as_deref()).collect();
    assert_eq!(
        items,
        [
            "civil_service_support",
            "initiative_desk",
            "conflict_mediation",
            "seed_money",
            "alternative_financing",
            "connecting_parties"
        ]
    );
}

/// Defect 2 of issue 6: the group slot was a u16, so the 65,536th group wrapped to slot 0 (`all`):
/// release builds counted the lt_20k municipalities twice in `all`, debug builds panicked.
#[test]
fn more_than_65535_groups_do_not_wrap_into_all() {
    const N: usize = 65_536;
    let by = Breakdown {
        attribute: Attribute::SizeClass,
        groups: (0..N)
            .map(|g| (format!("g{g}"), vec!["lt_20k".to_string()]))
            .collect(),
    };
    let options = Options {
        by: Some(by),
        ..item("seed_money")
    };
    let t = net_shares(&survey(), "strategy_use", "top2", &options).unwrap();
    assert_eq!(t.rows.len(), N + 1);
    // all: GM1 0.5 Vaak, GM2 Regelmatig, GM5 Vaak of GM1, GM2, GM4, GM5 (GM3 only weet niet).
    let all = t.find(Some("seed_money"), "all", "top2").unwrap();
    assert_eq!((all.count, all.base), (2.5, 4.0));
    // Every group is lt_20k: GM1 0.5 + GM2 1 of 2, the last one too.
    let last = t.find(Some("seed_money"), "g65535", "top2").unwrap();
    assert_eq!((last.count, last.base), (1.5, 2.0));
}

/// An instrument without province or role levels: the data keep the text as written.
const NO_LEVELS: &str = r#"{
  "format": "doe_democratie.instrument/1",
  "id": "no_levels",
  "title_nl": "Zonder niveaus",
  "title_en": "Without levels",
  "attributes": { "roles": [], "provinces": [] },
  "scales": [{
    "id": "yes_no",
    "categories": [
      { "code": 1, "id": "yes", "label_nl": "Ja", "label_en": "Yes" },
      { "code": 2, "id": "no", "label_nl": "Nee", "label_en": "No" }
    ]
  }],
  "questions": [
    { "id": "has_policy", "text_nl": "Beleid?", "text_en": "Policy?", "unit": "municipality",
      "kind": "single_choice", "scale": "yes_no" },
    { "id": "agrees", "text_nl": "Eens?", "text_en": "Agree?", "unit": "respondent",
      "kind": "single_choice", "scale": "yes_no" }
  ]
}"#;

/// GM1 Zeeland ja; GM2 Fryslân nee; GM3 Zeeland r3 ja + r4 nee → split 0.5 / 0.5.
const NO_LEVELS_CSV: &str = "respondent_id,municipality,province,role,has_policy,agrees\n\
r1,GM1,Zeeland,griffier,1,1\n\
r2,GM2,Fryslân,wethouder,2,1\n\
r3,GM3,Zeeland,griffier,1,2\n\
r4,GM3,Zeeland,wethouder,2,2\n";

fn no_levels_survey(csv: &str) -> Survey {
    let inst = Instrument::from_json(NO_LEVELS).unwrap();
    Survey::read_csv_str(csv, &inst, &ReadOptions::default()).unwrap()
}

fn by(attribute: Attribute) -> Options {
    Options {
        by: Some(Breakdown::by(attribute)),
        ..Options::default()
    }
}

/// Defect 16 of issue 6: a breakdown by an attribute without levels in the instrument returned
/// only `all`. It now lists the values found in the data, sorted.
#[test]
fn breakdown_without_levels_lists_the_values_in_the_data() {
    let s = no_levels_survey(NO_LEVELS_CSV);
    let t = frequencies(&s, "has_policy", &by(Attribute::Province)).unwrap();
    let groups: Vec<&str> = t
        .rows
        .iter()
        .filter(|r| r.category == "yes")
        .map(|r| r.group.as_str())
        .collect();
    assert_eq!(groups, ["all", "Fryslân", "Zeeland"]);
    let cell = |group: &str, cat: &str| {
        let r = t.find(None, group, cat).unwrap();
        (r.count, r.base)
    };
    assert_eq!(cell("all", "yes"), (1.5, 3.0)); // GM1 + GM3 half
    assert_eq!(cell("all", "no"), (1.5, 3.0)); // GM2 + GM3 half
    assert_eq!(cell("Fryslân", "yes"), (0.0, 1.0));
    assert_eq!(cell("Fryslân", "no"), (1.0, 1.0));
    assert_eq!(cell("Zeeland", "yes"), (1.5, 2.0));
    assert_eq!(cell("Zeeland", "no"), (0.5, 2.0));

    // Roles, per respondent: griffier r1 ja, r3 nee; wethouder r2 ja, r4 nee.
    let t = frequencies(&s, "agrees", &by(Attribute::Role)).unwrap();
    let yes: Vec<(&str, f64, f64)> = t
        .rows
        .iter()
        .filter(|r| r.category == "yes")
        .map(|r| (r.group.as_str(), r.count, r.base))
        .collect();
    assert_eq!(
        yes,
        [
            ("all", 2.0, 4.0),
            ("griffier", 1.0, 2.0),
            ("wethouder", 1.0, 2.0)
        ]
    );
}

/// Neither the instrument nor the data give a level: there is nothing to break down by.
#[test]
fn breakdown_without_levels_or_values_is_refused() {
    let csv = "respondent_id,municipality,has_policy\nr1,GM1,1\n";
    let err = frequencies(
        &no_levels_survey(csv),
        "has_policy",
        &by(Attribute::Province),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            doe_democratie::Error::InvalidArgument { name: "by", .. }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("province"), "{err}");
}
