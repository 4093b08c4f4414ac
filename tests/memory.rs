//! Peak memory of reading JSON records whose keys are sparse (issue 6, defect 1). In its own test
//! binary, so that no other test moves the process's high-water mark while this one runs.

#![cfg(target_os = "linux")]

use doe_democratie::{Instrument, ReadOptions, Survey};

/// The process's peak resident memory so far (VmHWM), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM line");
    let kb: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .expect("VmHWM value");
    kb * 1024
}

#[test]
fn sparse_json_records_take_memory_in_proportion_to_the_input() {
    // 20,000 records, each with one key no other record has: 20,000 × 20,000 dense cells would
    // be 12.8 GB; this aborted the process before the fix.
    let n = 20_000;
    let mut text = String::from("[");
    for r in 0..n {
        if r > 0 {
            text.push_str(",\n");
        }
        text.push_str(&format!(
            r#"{{"respondent_id": "r{r}", "municipality": "GM{:04}", "extra_key_{r}": "value {r}"}}"#,
            r % 400
        ));
    }
    text.push(']');
    let instrument = Instrument::doe_democratie_2013();
    let before = peak_rss();
    let survey = Survey::read_json_str(&text, &instrument, &ReadOptions::lenient()).expect("read");
    let grown = peak_rss().saturating_sub(before);
    assert_eq!(survey.n_respondents(), n);
    assert_eq!(
        survey.validation_report().len(),
        n,
        "one unknown column per extra key"
    );
    let input = text.len() as u64;
    println!(
        "input {input} bytes; peak memory grew by {grown} bytes ({:.1}× the input)",
        grown as f64 / input as f64
    );
    assert!(
        grown < 20 * input,
        "peak grew by {grown} bytes for {input} bytes of input"
    );
}
