//! Writes the chart of every figure of the 2013 report as `<id>.svg` into a folder.
//!
//! `cargo run --example charts_2013 -- out/charts`

use doe_democratie::render::chart::ChartOptions;
use doe_democratie::report::ReportSpec;
use doe_democratie::{datasets, Result};

fn main() -> Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "out/charts".into());
    let report = ReportSpec::doe_democratie_2013().run(&datasets::doe_democratie_2013())?;
    std::fs::create_dir_all(&dir).map_err(|source| doe_democratie::Error::Io {
        path: dir.clone(),
        source,
    })?;
    for table in &report.tables {
        let chart = table.chart(&ChartOptions::default())?;
        let path = format!("{dir}/{}.svg", table.id);
        std::fs::write(&path, &chart.svg).map_err(|source| doe_democratie::Error::Io {
            path: path.clone(),
            source,
        })?;
        println!(
            "{path}: {} × {} px, {} bytes",
            chart.width,
            chart.height,
            chart.svg.len()
        );
    }
    Ok(())
}
