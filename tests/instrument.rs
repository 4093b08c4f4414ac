use doe_democratie::Instrument;
#[test]
fn canon() {
    let i = Instrument::doe_democratie_2013();
    let text = include_str!("../src/instrument/doe_democratie_2013.json");
    std::fs::write("/tmp/gen/chk/out.json", i.to_json()).unwrap();
    assert_eq!(i.to_json(), text);
}
fn q(s: &str) -> String {
    format!(
        r#"{{"format":"doe_democratie.instrument/1","id":"x","title_nl":"x","title_en":"x","scales":[{{"id":"s","categories":[{{"code":1,"id":"a","label_nl":"A","label_en":"A"}}]}}],
"questions":[{}]}}"#,
        s
    )
}
#[test]
fn unk() {
    for s in [
        r#"{"id":"q","text_nl":"t","text_en":"t","unit":"respondent","kind":"open_text","foo":1}"#,
        r#"{"id":"q","text_nl":"t","text_en":"t","unit":"respondent","kind":"single_choice","scale":"s","foo":1}"#,
        r#"{"id":"q","text_nl":"t","text_en":"t","unit":"respondent","kind":"multi_select","options":[{"id":"a","label_nl":"A","label_en":"A"}],"foo":1}"#,
        r#"{"id":"q","text_nl":"t","text_en":"t","unit":"respondent","kind":"multi_select","options":[{"id":"a","label_nl":"A","label_en":"A"}],"max_picks":1}"#,
        r#"{"id":"q","text_nl":"t","text_en":"t","unit":"respondent","kind":"open_text"}"#,
        r#"{"id":"q","text_nl":"t","text_en":"t","unit":"respondent","kind":"single_choice","scale":"s","items":[]}"#,
    ] {
        println!(
            "{:?}",
            Instrument::from_json(&q(s)).map(|i| i.to_json().len())
        );
    }
}
