//! Population frames, post-stratification, raking and representativeness against hand
//! calculations, scipy and R's `survey` package (`tests/data/inference/`).

use std::path::PathBuf;

use doe_democratie::analysis::{
    post_stratify, rake, representativeness, Attribute, RakeOptions, WeightingMethod, Weights,
};
use doe_democratie::data::{FrameMunicipality, FrameStratum, ProblemKind, Strata};
use doe_democratie::{datasets, Error, Frame, Instrument, ReadOptions, Survey};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/inference")
        .join(name)
}

fn instrument() -> Instrument {
    Instrument::doe_democratie_2013()
}

fn strata(entries: &[(&str, &[&str], u64)]) -> Strata {
    entries
        .iter()
        .map(|(id, levels, count)| {
            let levels = levels.iter().map(|l| l.to_string()).collect();
            (
                id.to_string(),
                FrameStratum {
                    levels,
                    count: *count,
                },
            )
        })
        .collect()
}

/// The synthetic 2013 frame (408 municipalities, the 98 of the reconstruction among them).
fn synthetic_frame() -> Frame {
    Frame::read_csv_path(data("frame_2013_synthetic.csv"), &instrument()).unwrap()
}

/// The synthetic frame with Zeeland, where the reconstruction has no municipality, merged into
/// Noord-Brabant, so that raking on size class and province can reach every target.
fn rakeable_frame() -> Frame {
    let frame = synthetic_frame();
    let mut provinces = frame.margin("province").unwrap().clone();
    let zeeland = provinces.shift_remove("zeeland").unwrap();
    let brabant = provinces.get_mut("noord_brabant").unwrap();
    brabant.levels.push("zeeland".into());
    brabant.count += zeeland.count;
    frame
        .with_strata("province", provinces, &instrument())
        .unwrap()
}

fn weighting_error(err: Error) -> (String, Option<String>, String) {
    match err {
        Error::Weighting {
            margin,
            category,
            message,
        } => (margin, category, message),
        other => panic!("expected a weighting error, got {other:?}"),
    }
}

fn assert_close(a: f64, b: f64, tol: f64, what: &str) {
    assert!((a - b).abs() <= tol, "{what}: {a} vs {b}");
}

/// Weighted totals per category of every margin match the targets.
fn assert_margins_hold(w: &Weights, relative: f64) {
    for m in &w.margins {
        let mut totals = vec![0.0; m.categories.len()];
        for (&h, &wi) in m.of_unit.iter().zip(&w.values) {
            totals[h as usize] += wi;
        }
        for ((c, t), target) in m.categories.iter().zip(&totals).zip(&m.targets) {
            assert!(
                ((t - target) / target).abs() <= relative,
                "{} {c}: {t} vs {target}",
                m.attribute
            );
        }
    }
}

#[test]
fn bundled_frame_2013() {
    let frame = Frame::municipalities_2013();
    assert_eq!(frame.total(), 408);
    assert_eq!(frame.attributes(), ["size_class"]);
    assert!(frame.municipalities().is_none());
    let margin = frame.margin("size_class").unwrap();
    let got: Vec<(&str, Vec<&str>, u64)> = margin
        .iter()
        .map(|(id, s)| {
            let levels = s.levels.iter().map(String::as_str).collect();
            (id.as_str(), levels, s.count)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("lt_20k", vec!["lt_20k"], 142),
            ("20k_100k", vec!["20k_50k", "50k_100k"], 239),
            ("100k_plus", vec!["100k_plus"], 27),
        ]
    );
    assert_eq!(
        frame.note().unwrap(),
        "20,000–100,000 inhabitants is one stratum of 239 municipalities: the split into \
         20,000–50,000 and 50,000–100,000 is not in our sources (CBS, 1 January 2013)"
    );
    assert!(frame.source().unwrap().contains("CBS"));
    assert_eq!(frame.stratum_of("size_class", "20k_50k"), Some(1));
    assert_eq!(frame.stratum_of("size_class", "50k_100k"), Some(1));
    assert_eq!(frame.stratum_of("size_class", "100k_plus"), Some(2));
    assert_eq!(frame.stratum_of("province", "zeeland"), None);
    match frame.margin("province").unwrap_err() {
        Error::UnknownId {
            kind, id, known, ..
        } => {
            assert_eq!((kind, id.as_str()), ("frame margin", "province"));
            assert_eq!(known, ["size_class"]);
        }
        other => panic!("{other:?}"),
    }
    // The bundled frame is what from_strata builds from the same counts.
    let built = Frame::from_strata(
        "size_class",
        strata(&[
            ("lt_20k", &["lt_20k"], 142),
            ("20k_100k", &["20k_50k", "50k_100k"], 239),
            ("100k_plus", &["100k_plus"], 27),
        ]),
        &instrument(),
    )
    .unwrap();
    assert_eq!(built.margin("size_class").unwrap(), margin);
}

#[test]
fn post_stratified_weights_by_hand() {
    let survey = datasets::doe_democratie_2013();
    let frame = Frame::municipalities_2013();
    let w = survey.post_stratify(&frame, Attribute::SizeClass).unwrap();
    assert_eq!(w.method, WeightingMethod::PostStratified);
    assert_eq!((w.iterations, w.trimmed, w.frame_total), (0, 0, 408));
    let ids: Vec<&str> = survey
        .responses()
        .municipalities()
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(w.municipality_ids(), ids.as_slice());
    // The reconstruction's 98 municipalities: 33 below 20,000, 43 + 12 from 20,000 to 100,000,
    // 10 from 100,000.
    let mut n = [0usize; 3];
    for (m, &wi) in survey.responses().municipalities().iter().zip(&w.values) {
        let expected = match m.size_class.as_deref().unwrap() {
            "lt_20k" => {
                n[0] += 1;
                142.0 / 33.0
            }
            "20k_50k" | "50k_100k" => {
                n[1] += 1;
                239.0 / 55.0
            }
            _ => {
                n[2] += 1;
                27.0 / 10.0
            }
        };
        assert_eq!(wi, expected, "{}", m.id);
    }
    assert_eq!(n, [33, 55, 10]);
    assert_close(w.sum(), 408.0, 1e-9, "sum");
    let margin = &w.margins[0];
    assert_eq!(margin.attribute, "size_class");
    assert_eq!(margin.categories, ["lt_20k", "20k_100k", "100k_plus"]);
    assert_eq!(margin.targets, [142.0, 239.0, 27.0]);
    // Kish: Σw² = 142²/33 + 239²/55 + 27²/10.
    let squares = 142.0f64.powi(2) / 33.0 + 239.0f64.powi(2) / 55.0 + 27.0f64.powi(2) / 10.0;
    assert_close(
        w.kish_deff(),
        98.0 * squares / 408.0f64.powi(2),
        1e-12,
        "deff",
    );
    assert_close(w.effective_n(), 408.0f64.powi(2) / squares, 1e-9, "n_eff");
    assert_close(w.kish_deff(), 1.0140595327554671, 1e-12, "deff value");
    assert_close(w.effective_n(), 96.6412689141713, 1e-9, "n_eff value");
    // The free function is the same computation.
    assert_eq!(
        post_stratify(&survey, &frame, Attribute::SizeClass).unwrap(),
        w
    );
}

#[test]
fn kish_on_a_small_case() {
    let w = Weights {
        method: WeightingMethod::Raked,
        municipality_ids: vec!["a".into(), "b".into(), "c".into()],
        values: vec![1.0, 1.0, 2.0],
        margins: Vec::new(),
        iterations: 1,
        trimmed: 0,
        frame_total: 4,
        frame_note: None,
    };
    // n Σw² / (Σw)² = 3 · 6 / 16; (Σw)² / Σw² = 16 / 6.
    assert_close(w.kish_deff(), 18.0 / 16.0, 1e-15, "deff");
    assert_close(w.effective_n(), 16.0 / 6.0, 1e-15, "n_eff");
    assert_eq!(w.sum(), 4.0);
}

#[test]
fn raking_reproduces_every_margin() {
    let survey = datasets::doe_democratie_2013();
    let frame = rakeable_frame();
    let w = survey.rake(&frame, &RakeOptions::default()).unwrap();
    assert_eq!(w.method, WeightingMethod::Raked);
    assert_eq!(w.values.len(), 98);
    let attributes: Vec<&str> = w.margins.iter().map(|m| m.attribute.as_str()).collect();
    assert_eq!(attributes, ["size_class", "province"]);
    assert_eq!(w.margins[0].categories.len(), 4);
    assert_eq!(w.margins[1].categories.len(), 11);
    assert_margins_hold(&w, 1e-9);
    assert_close(w.sum(), 408.0, 1e-7, "sum");
    assert!(w.iterations > 1 && w.iterations <= 100, "{}", w.iterations);
    assert!(w.values.iter().all(|&x| x > 0.0));
    assert_eq!(rake(&survey, &frame, &RakeOptions::default()).unwrap(), w);
}

/// R 4.2.2, survey 4.1.1 (`tools/reference/inference_reference.R`): `rake()` with its default
/// control (`maxit = 10, epsilon = 1`) on `svydesign(ids = ~municipality, fpc = ~N)`, margins
/// size_class and province with Zeeland merged into Noord-Brabant. R stops after 4 cycles, when
/// no cell of the size_class × province table changed by 1 or more; `epsilon` asks for R's rule.
/// (Values from that run, commit e5374ce; the reference file now holds converged weights.)
#[test]
fn r_default_rake_is_reproduced_with_epsilon() {
    let survey = datasets::doe_democratie_2013();
    let options = RakeOptions {
        epsilon: Some(1.0),
        max_iterations: 10,
        ..RakeOptions::default()
    };
    let w = survey.rake(&rakeable_frame(), &options).unwrap();
    assert_eq!(w.iterations, 4);
    let r = [
        ("R001", 2.741843777320613),
        ("R002", 3.084_531_682_918_805),
        ("R003", 2.7699977807131755),
        ("R004", 2.169_821_037_603_573),
    ];
    for (id, r_weight) in r {
        let i = w.municipality_ids.iter().position(|m| m == id).unwrap();
        assert_close(w.values[i], r_weight, 1e-9, id);
    }
    // R's early stop leaves the size-class margin off: 143.85 municipalities below 20,000.
    let sizes = &w.margins[0];
    let mut total = 0.0;
    for (&h, &x) in sizes.of_unit.iter().zip(&w.values) {
        if h == 0 {
            total += x;
        }
    }
    assert!((total - 143.85217179198378).abs() < 1e-9, "{total}");
}

/// `tests/data/inference/raked_weights.csv`: the same call raked to convergence
/// (`control = list(maxit = 100, epsilon = 1e-14)`), which the default tolerance rule reaches to
/// 1e-9 and a tighter one to 1e-11, for all 98 municipalities.
#[test]
fn converged_raked_weights_equal_r() {
    let survey = datasets::doe_democratie_2013();
    let text = std::fs::read_to_string(data("raked_weights.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let r: Vec<(String, f64)> = reader
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].to_string(), rec[1].parse().unwrap())
        })
        .collect();
    assert_eq!(r.len(), 98);
    for (tolerance, within) in [(1e-10, 1e-9), (1e-13, 1e-11)] {
        let options = RakeOptions {
            tolerance,
            ..RakeOptions::default()
        };
        let w = survey.rake(&rakeable_frame(), &options).unwrap();
        for (id, r_weight) in &r {
            let i = w.municipality_ids.iter().position(|m| m == id).unwrap();
            assert_close(w.values[i], *r_weight, within, id);
        }
    }
}

#[test]
fn a_frame_category_without_sample_municipalities_is_refused() {
    let survey = datasets::doe_democratie_2013();
    // The synthetic frame has 26 municipalities in Zeeland; the reconstruction has none.
    let frame = synthetic_frame();
    let err = survey.rake(&frame, &RakeOptions::default()).unwrap_err();
    let text = err.to_string();
    let (margin, category, message) = weighting_error(err);
    assert_eq!(
        (margin.as_str(), category.as_deref()),
        ("province", Some("zeeland"))
    );
    assert!(message.contains("no sample municipality"), "{message}");
    assert!(text.starts_with("cannot weight on margin 'province', category 'zeeland'"));
    let err = survey
        .post_stratify(&frame, Attribute::Province)
        .unwrap_err();
    assert_eq!(weighting_error(err).1.as_deref(), Some("zeeland"));
}

#[test]
fn a_missing_margin_or_role_is_refused() {
    let survey = datasets::doe_democratie_2013();
    let frame = Frame::municipalities_2013();
    let (margin, category, message) =
        weighting_error(survey.rake(&frame, &RakeOptions::default()).unwrap_err());
    assert_eq!((margin.as_str(), category), ("province", None));
    assert!(message.contains("has no province margin"), "{message}");
    let err = survey.post_stratify(&frame, Attribute::Role).unwrap_err();
    assert_eq!(weighting_error(err).0, "role");
}

#[test]
fn a_sample_level_outside_the_frame_is_refused() {
    // A frame of provinces that leaves out Limburg, where the reconstruction has 11
    // municipalities: from_strata refuses it, so build it from a table.
    let survey = datasets::doe_democratie_2013();
    let text = "code,name,inhabitants,province\nGM1,a,1000,groningen\nGM2,b,30000,zeeland\n";
    let frame = Frame::read_csv_str(text, &instrument()).unwrap();
    let err = survey
        .post_stratify(&frame, Attribute::Province)
        .unwrap_err();
    let (margin, category, message) = weighting_error(err);
    assert_eq!(margin, "province");
    assert!(category.is_some());
    assert!(message.contains("is in no stratum"), "{message}");
}

#[test]
fn an_empty_cell_that_makes_a_target_unreachable_is_refused() {
    // Groningen's two sample municipalities are both below 20,000; the frame puts 12
    // municipalities in Groningen but only 10 below 20,000.
    let csv = "respondent_id,municipality,inhabitants,province\n\
               1,GM1,10000,groningen\n2,GM2,12000,groningen\n\
               3,GM3,30000,fryslan\n4,GM4,150000,fryslan\n";
    let survey = Survey::read_csv_str(csv, &instrument(), &ReadOptions::default()).unwrap();
    let inst = instrument();
    let others: Vec<&str> = inst
        .attributes()
        .provinces
        .iter()
        .map(|p| p.id.as_str())
        .filter(|p| *p != "groningen")
        .collect();
    let frame = Frame::from_strata(
        "size_class",
        strata(&[
            ("lt_20k", &["lt_20k"], 10),
            ("mid", &["20k_50k", "50k_100k"], 3),
            ("big", &["100k_plus"], 2),
        ]),
        &instrument(),
    )
    .unwrap()
    .with_strata(
        "province",
        strata(&[("groningen", &["groningen"], 12), ("rest", &others, 3)]),
        &instrument(),
    )
    .unwrap();
    let err = survey.rake(&frame, &RakeOptions::default()).unwrap_err();
    let (margin, category, message) = weighting_error(err);
    assert_eq!(
        (margin.as_str(), category.as_deref()),
        ("province", Some("groningen"))
    );
    assert!(message.contains("cannot be reached"), "{message}");
    assert!(message.contains("size_class lt_20k"), "{message}");
}

#[test]
fn trim_bounds_that_cannot_be_met_are_refused() {
    let survey = datasets::doe_democratie_2013();
    let frame = Frame::municipalities_2013();
    let options = RakeOptions {
        margins: vec![Attribute::SizeClass],
        trim: Some((0.9, 1.1)),
        ..RakeOptions::default()
    };
    // 27 / 10 = 2.7 per municipality from 100,000, 0.65 times the mean weight 408 / 98.
    let (margin, category, message) = weighting_error(survey.rake(&frame, &options).unwrap_err());
    assert_eq!(
        (margin.as_str(), category.as_deref()),
        ("size_class", Some("100k_plus"))
    );
    assert!(message.contains("trim bounds cannot be met"), "{message}");
}

#[test]
fn trimming_holds_the_bounds_and_the_margins() {
    let survey = datasets::doe_democratie_2013();
    let frame = rakeable_frame();
    let free = survey.rake(&frame, &RakeOptions::default()).unwrap();
    let mean = 408.0 / 98.0;
    let lowest = free.values.iter().copied().fold(f64::MAX, f64::min);
    assert_close(lowest, 1.4940095018431065, 1e-9, "lowest untrimmed weight");
    // Drenthe's one sample municipality must carry all 27 of its frame municipalities, so
    // upper bounds below 27 cannot be met; a lower bound of half the mean binds 8 weights.
    let options = RakeOptions {
        trim: Some((0.5, 100.0)),
        max_iterations: 1000,
        ..RakeOptions::default()
    };
    let w = survey.rake(&frame, &options).unwrap();
    assert_margins_hold(&w, 1e-9);
    assert!(w.values.iter().all(|&x| x >= 0.5 * mean * (1.0 - 1e-12)));
    assert_eq!((w.trimmed, w.iterations), (8, 52));
    assert!(w
        .values
        .iter()
        .any(|&x| x == 27.0 || (x - 27.0).abs() < 1e-9));
    // Tighter, the bounds and margins meet only after more cycles than allowed.
    let options = RakeOptions {
        trim: Some((0.54, 100.0)),
        ..RakeOptions::default()
    };
    let (_, category, message) = weighting_error(survey.rake(&frame, &options).unwrap_err());
    assert!(category.is_some());
    assert!(
        message.contains("trim bounds may be too tight"),
        "{message}"
    );
}

#[test]
fn no_convergence_is_an_error_naming_the_worst_category() {
    let survey = datasets::doe_democratie_2013();
    let options = RakeOptions {
        max_iterations: 1,
        ..RakeOptions::default()
    };
    let err = survey.rake(&rakeable_frame(), &options).unwrap_err();
    let (margin, category, message) = weighting_error(err);
    // After one cycle the last margin (province) holds exactly: size_class is off.
    assert_eq!(margin, "size_class");
    assert!(category.is_some());
    assert!(
        message.contains("did not converge in 1 iterations"),
        "{message}"
    );
    assert!(
        message.contains("largest remaining relative deviation"),
        "{message}"
    );
}

#[test]
fn rake_options_are_checked() {
    let survey = datasets::doe_democratie_2013();
    let frame = rakeable_frame();
    let bad = [
        RakeOptions {
            margins: vec![],
            ..RakeOptions::default()
        },
        RakeOptions {
            margins: vec![Attribute::SizeClass, Attribute::SizeClass],
            ..RakeOptions::default()
        },
        RakeOptions {
            tolerance: 0.0,
            ..RakeOptions::default()
        },
        RakeOptions {
            max_iterations: 0,
            ..RakeOptions::default()
        },
        RakeOptions {
            trim: Some((2.0, 1.0)),
            ..RakeOptions::default()
        },
        RakeOptions {
            epsilon: Some(-1.0),
            ..RakeOptions::default()
        },
    ];
    for options in bad {
        assert!(
            matches!(
                survey.rake(&frame, &options),
                Err(Error::InvalidArgument { .. })
            ),
            "{options:?}"
        );
    }
}

#[test]
fn frame_table_from_csv() {
    // Semicolons, a BOM, Dutch thousands, labels for provinces, a given size class.
    let text = "\u{feff}code;name;inhabitants;province;size_class\n\
                GM0001;Een;150.000;Zuid-Holland;\n\
                GM0002;Twee;8 500;groningen;lt_20k\n\
                GM0003;Drie;;Fryslân;20k_50k\n";
    let frame = Frame::read_csv_str(text, &instrument()).unwrap();
    assert_eq!(frame.total(), 3);
    assert_eq!(frame.attributes(), ["size_class", "province"]);
    let munis = frame.municipalities().unwrap();
    assert_eq!(
        munis[0],
        FrameMunicipality {
            code: "GM0001".into(),
            name: Some("Een".into()),
            inhabitants: Some(150_000),
            province: "zuid_holland".into(),
            size_class: Some("100k_plus".into()),
        }
    );
    assert_eq!(munis[2].size_class.as_deref(), Some("20k_50k"));
    assert_eq!(munis[2].province, "fryslan");
    let sizes = frame.margin("size_class").unwrap();
    let counts: Vec<(&str, u64)> = sizes.iter().map(|(k, s)| (k.as_str(), s.count)).collect();
    // Levels without municipalities are no strata; instrument order otherwise.
    assert_eq!(counts, [("lt_20k", 1), ("20k_50k", 1), ("100k_plus", 1)]);
    let provinces: Vec<&str> = frame
        .margin("province")
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(provinces, ["groningen", "fryslan", "zuid_holland"]);

    let synthetic = synthetic_frame();
    assert_eq!(synthetic.total(), 408);
    let counts: Vec<u64> = synthetic
        .margin("size_class")
        .unwrap()
        .values()
        .map(|s| s.count)
        .collect();
    assert_eq!(counts, [142, 170, 69, 27]);
    assert_eq!(
        synthetic
            .margin("province")
            .unwrap()
            .values()
            .map(|s| s.count)
            .sum::<u64>(),
        408
    );
}

#[test]
fn frame_csv_problems_are_located_and_reported_together() {
    let text = "code,name,inhabitants,province\n\
                GM1,a,12000,groningen\n\
                GM1,b,13000,groningen\n\
                GM3,c,150,000,groningen\n\
                GM4,d,14000,atlantis\n\
                GM5,e,,drenthe\n\
                GM6,f,'12000,drenthe\n";
    let err = Frame::read_csv_str(text, &instrument()).unwrap_err();
    let Error::Validation(report) = err else {
        panic!("{err:?}")
    };
    type Located<'a> = (ProblemKind, Option<usize>, Option<&'a str>, Option<&'a str>);
    let got: Vec<Located> = report
        .problems
        .iter()
        .map(|p| (p.kind, p.row, p.column.as_deref(), p.value.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            // The ragged row (a comma in 150,000) first, as the reader finds it.
            (ProblemKind::Malformed, Some(4), None, Some("5")),
            (
                ProblemKind::InconsistentMunicipality,
                Some(3),
                Some("code"),
                Some("GM1")
            ),
            (
                ProblemKind::InvalidAttribute,
                Some(5),
                Some("province"),
                Some("atlantis")
            ),
            (
                ProblemKind::InvalidInhabitants,
                Some(6),
                Some("inhabitants"),
                None
            ),
            (
                ProblemKind::InvalidInhabitants,
                Some(7),
                Some("inhabitants"),
                Some("'12000")
            ),
        ]
    );
    assert!(report.problems.iter().all(|p| p.file == "<csv>"));
    let shown = report.to_string();
    assert!(
        shown.contains("<csv>, row 5, column 'province', value 'atlantis'"),
        "{shown}"
    );
    assert!(report.problems[1].message.contains("row 2"));
}

#[test]
fn frame_csv_columns_and_size_classes_are_checked() {
    let err = Frame::read_csv_str("code,Name,inhabitants\nGM1,a,1000\n", &instrument());
    let Err(Error::Validation(report)) = err else {
        panic!("{err:?}")
    };
    let kinds: Vec<(ProblemKind, Option<&str>)> = report
        .problems
        .iter()
        .map(|p| (p.kind, p.column.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        [
            (ProblemKind::UnknownColumn, Some("Name")),
            (ProblemKind::MissingColumn, Some("province")),
        ]
    );
    assert!(report.problems[0].message.contains("lower case"));

    let text = "code,inhabitants,province,size_class\nGM1,150000,groningen,lt_20k\n";
    let Err(Error::Validation(report)) = Frame::read_csv_str(text, &instrument()) else {
        panic!()
    };
    let p = &report.problems[0];
    assert_eq!((p.kind, p.row), (ProblemKind::InvalidSizeClass, Some(2)));
    assert!(
        p.message.contains("fall in size class '100k_plus'"),
        "{}",
        p.message
    );

    let path = std::env::temp_dir().join("doe_democratie_frame_missing.csv");
    let _ = std::fs::remove_file(&path);
    assert!(matches!(
        Frame::read_csv_path(&path, &instrument()),
        Err(Error::Io { .. })
    ));
    assert!(matches!(
        Frame::read_csv_str("code,inhabitants,province\n", &instrument()),
        Err(Error::Validation(_))
    ));
}

#[test]
fn frame_from_municipalities() {
    let muni = |code: &str, inhabitants, province: &str| FrameMunicipality {
        code: code.into(),
        name: None,
        inhabitants: Some(inhabitants),
        province: province.into(),
        size_class: None,
    };
    let frame = Frame::from_municipalities(
        vec![
            muni("GM1", 5000, "groningen"),
            muni("GM2", 60000, "Groningen"),
        ],
        &instrument(),
    )
    .unwrap();
    assert_eq!(
        frame.municipalities().unwrap()[1].size_class.as_deref(),
        Some("50k_100k")
    );
    assert_eq!(frame.margin("province").unwrap()["groningen"].count, 2);
    let err = Frame::from_municipalities(
        vec![muni("GM1", 5000, "groningen"), muni("GM1", 6000, "nowhere")],
        &instrument(),
    )
    .unwrap_err();
    let Error::Validation(report) = err else {
        panic!()
    };
    assert_eq!(report.len(), 2);
    assert!(report
        .problems
        .iter()
        .all(|p| p.file == "<municipalities>" && p.row == Some(2)));
}

#[test]
fn strata_are_checked_against_the_instrument() {
    let i = instrument();
    let ok = [
        ("small", &["lt_20k", "20k_50k"][..], 300),
        ("large", &["50k_100k", "100k_plus"][..], 108),
    ];
    assert_eq!(
        Frame::from_strata("size_class", strata(&ok), &i)
            .unwrap()
            .total(),
        408
    );
    // Labels name levels too; they are stored as ids.
    let labelled = Frame::from_strata(
        "size_class",
        strata(&[
            ("small", &["minder dan 20.000 inwoners", "20k_50k"], 300),
            ok[1],
        ]),
        &i,
    )
    .unwrap();
    assert_eq!(
        labelled.margin("size_class").unwrap()["small"].levels,
        ["lt_20k", "20k_50k"]
    );
    let cases: [(&str, Strata, &str); 5] = [
        ("role", strata(&ok), "unknown frame attribute 'role'"),
        (
            "size_class",
            strata(&[("a", &["huge"], 1), ok[1]]),
            "'huge' is no size_class",
        ),
        (
            "size_class",
            strata(&[("a", &["lt_20k"], 300), ok[1]]),
            "not covered: 20k_50k",
        ),
        (
            "size_class",
            strata(&[ok[0], ("b", &["20k_50k", "100k_plus", "50k_100k"], 9)]),
            "is in strata",
        ),
        (
            "size_class",
            strata(&[("small", &["lt_20k", "20k_50k"], 0), ok[1]]),
            "positive count",
        ),
    ];
    for (attribute, s, expected) in cases {
        let err = Frame::from_strata(attribute, s, &i)
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{err}");
    }
    // A margin beside it must add up to the same total, and a table's margin count the table.
    let frame = Frame::from_strata("size_class", strata(&ok), &i).unwrap();
    let provinces: Vec<&str> = i
        .attributes()
        .provinces
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    let err = frame
        .clone()
        .with_strata("province", strata(&[("all", &provinces, 407)]), &i)
        .unwrap_err();
    assert!(err.to_string().contains("add up to 407"), "{err}");
    let both = frame
        .with_strata("province", strata(&[("all", &provinces, 408)]), &i)
        .unwrap();
    assert_eq!(both.attributes(), ["size_class", "province"]);
    let table = synthetic_frame();
    let err = table
        .with_strata(
            "province",
            strata(&[("all", &provinces, 400), ("x", &[], 8)]),
            &i,
        )
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
}

#[test]
fn frames_round_trip_through_json_and_refuse_tampering() {
    for frame in [
        Frame::municipalities_2013(),
        synthetic_frame(),
        rakeable_frame(),
    ] {
        let json = serde_json::to_string(&frame).unwrap();
        let back: Frame = serde_json::from_str(&json).unwrap();
        assert_eq!(back, frame);
    }
    let json = serde_json::to_string(&Frame::municipalities_2013()).unwrap();
    let tampered = json.replace("\"count\":27", "\"count\":28");
    assert!(
        serde_json::from_str::<Frame>(&tampered).is_ok(),
        "one margin: any total"
    );
    let json = serde_json::to_string(&rakeable_frame()).unwrap();
    let tampered = json.replacen("\"count\":", "\"count\":1", 1);
    assert!(serde_json::from_str::<Frame>(&tampered).is_err());
}

#[test]
fn representativeness_against_the_bundled_frame() {
    let survey = datasets::doe_democratie_2013();
    let frame = Frame::municipalities_2013();
    let r = survey
        .representativeness(&frame, Attribute::SizeClass)
        .unwrap();
    assert_eq!((r.n_sample, r.frame_total, r.df), (98, 408, 2));
    let rows: Vec<(&str, usize, u64)> = r
        .strata
        .iter()
        .map(|s| (s.stratum.as_str(), s.sample, s.frame))
        .collect();
    assert_eq!(
        rows,
        [
            ("lt_20k", 33, 142),
            ("20k_100k", 55, 239),
            ("100k_plus", 10, 27)
        ]
    );
    // By hand: e_h = 98 N_h / 408; X² = Σ (n_h − e_h)² / e_h.
    let mut x2 = 0.0;
    for (s, (n_h, big_n_h)) in r
        .strata
        .iter()
        .zip([(33.0, 142.0), (55.0, 239.0), (10.0, 27.0)])
    {
        let e: f64 = 98.0 * big_n_h / 408.0;
        assert_close(s.expected, e, 1e-12, "expected");
        assert_close(s.response_rate, n_h / big_n_h, 1e-15, "rate");
        assert_close(s.sample_share, n_h / 98.0, 1e-15, "sample share");
        assert_close(s.frame_share, big_n_h / 408.0, 1e-15, "frame share");
        x2 += (n_h - e).powi(2) / e;
    }
    assert_close(r.statistic, x2, 1e-12, "X²");
    // scipy.stats.chisquare([33, 55, 10], [98*142/408, 98*239/408, 98*27/408])
    assert_close(r.statistic, 2.041689734608755, 1e-12, "scipy statistic");
    assert_close(r.p_value, 0.3602904139582376, 1e-12, "scipy p");
    assert_close(r.min_expected, 98.0 * 27.0 / 408.0, 1e-12, "min expected");
    assert!(r.not_in_frame.is_empty());
    let csv = r.to_csv();
    assert!(csv.starts_with(
        "stratum,levels,sample,frame,response_rate,sample_share,frame_share,expected\n"
    ));
    assert!(csv.contains("\n20k_100k,20k_50k+50k_100k,55,239,"), "{csv}");
    assert_eq!(
        representativeness(&survey, &frame, Attribute::SizeClass).unwrap(),
        r
    );
}

#[test]
fn representativeness_lists_sample_municipalities_missing_from_a_table_frame() {
    let csv = "respondent_id,municipality,inhabitants,province\n\
               1,R001,8789,overijssel\n2,GM9999,30000,groningen\n";
    let survey = Survey::read_csv_str(csv, &instrument(), &ReadOptions::default()).unwrap();
    let r = survey
        .representativeness(&synthetic_frame(), Attribute::SizeClass)
        .unwrap();
    assert_eq!(r.not_in_frame, ["GM9999"]);
    assert_eq!(r.df, 3);
    // An empty stratum is information here, not an error.
    assert_eq!(
        r.strata.iter().map(|s| s.sample).collect::<Vec<_>>(),
        [1, 1, 0, 0]
    );
    // scipy.stats.chisquare([1, 1, 0, 0], [2*142/408, 2*170/408, 2*69/408, 2*27/408])
    assert_close(r.statistic, 0.6366197183098592, 1e-12, "scipy statistic");
    assert_close(r.p_value, 0.8880002987330775, 1e-12, "scipy p");
}
