//! The Excel workbook of the 2013 report (feature `xlsx`): a zip holding the index sheet and one
//! worksheet per figure, named after the figures. The cell values are checked against the
//! tables from Python, with openpyxl (tests/python/test_xlsx.py).
#![cfg(feature = "xlsx")]

use std::io::Read;

use doe_democratie::report::ReportSpec;
use doe_democratie::{datasets, Error};

fn entry(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn the_2013_workbook_has_an_index_and_one_sheet_per_figure() {
    let report = ReportSpec::doe_democratie_2013()
        .run(&datasets::doe_democratie_2013())
        .unwrap();
    let dir = std::env::temp_dir().join(format!("doe-democratie-xlsx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.xlsx");
    report.write_xlsx(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    let workbook = entry(&bytes, "xl/workbook.xml");
    let names: Vec<&str> = workbook
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let mut expected = vec!["Inhoud"];
    expected.extend(report.tables.iter().map(|t| t.id.as_str()));
    assert_eq!(names, expected);
    assert!(report.tables.len() >= 13);
    // The index links to every figure's sheet (quoted where a name reads as a cell, as kf1).
    let index = entry(&bytes, "xl/worksheets/sheet1.xml");
    for t in &report.tables {
        let plain = format!("location=\"{}!A1\"", t.id);
        let quoted = format!("location=\"'{}'!A1\"", t.id);
        assert!(
            index.contains(&plain) || index.contains(&quoted),
            "{}",
            t.id
        );
    }
}

#[test]
fn a_table_workbook_is_not_written_through_a_link_or_onto_a_folder() {
    let table = ReportSpec::doe_democratie_2013()
        .figure("kf3")
        .unwrap()
        .run(&datasets::doe_democratie_2013())
        .unwrap();
    let dir = std::env::temp_dir().join(format!("doe-democratie-xlsx-t-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let err = table.write_xlsx(&dir).unwrap_err();
    assert!(
        matches!(&err, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::IsADirectory),
        "{err}"
    );
    let err = table
        .write_xlsx(dir.join("missing").join("t.xlsx"))
        .unwrap_err();
    assert!(
        matches!(&err, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound),
        "{err}"
    );
    #[cfg(unix)]
    {
        let target = dir.join("target.xlsx");
        let link = dir.join("link.xlsx");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = table.write_xlsx(&link).unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { name: "path", .. }),
            "{err}"
        );
        assert!(!target.exists());
    }
    table.write_xlsx(dir.join("t.xlsx")).unwrap();
    assert!(entry(
        &std::fs::read(dir.join("t.xlsx")).unwrap(),
        "xl/workbook.xml"
    )
    .contains("<sheet name=\"kf3\""));
    std::fs::remove_dir_all(&dir).unwrap();
}
