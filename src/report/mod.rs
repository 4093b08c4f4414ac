//! The report as code: a [`ReportSpec`] lists figures (question, measure, unit rules, breakdown,
//! title); running it over a [`Survey`] gives one [`Table`] per figure.
//!
//! [`ReportSpec::doe_democratie_2013`] is the 2013 report: figures 2.2, 2.3, 3.1–3.9, 4.1 and 4.2,
//! the numbered key findings and the size-class breakdowns its text quotes. A user's own
//! specification is the same type, written in code or as JSON ([`ReportSpec::from_json`]; the
//! format is documented in `docs/report-format.md`).

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::analysis::{self, Options, Table};
use crate::error::{Error, Result};
use crate::survey::{esc, Survey};

/// What a figure computes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "measure", rename_all = "snake_case")]
pub enum Measure {
    /// [`analysis::frequencies`]: stacked distribution per item.
    Frequencies,
    /// [`analysis::net_shares`] of the named net (e.g. `top2`).
    Net {
        /// Net id of the question's scale.
        net: String,
    },
    /// [`analysis::mentions`]: ranking of a multi-select question.
    Mentions,
}

/// One figure (or key finding) of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureSpec {
    /// Identifier, e.g. `fig_3_3` or `kf5`.
    pub id: String,
    /// Title as the report prints it.
    pub title: String,
    /// Question id.
    pub question: String,
    /// The measure.
    #[serde(flatten)]
    pub measure: Measure,
    /// Consolidation rules, breakdown and item selection.
    #[serde(default)]
    pub options: Options,
}

impl FigureSpec {
    /// Computes the figure's table.
    pub fn run(&self, survey: &Survey) -> Result<Table> {
        let mut table = match &self.measure {
            Measure::Frequencies => analysis::frequencies(survey, &self.question, &self.options),
            Measure::Net { net } => {
                analysis::net_shares(survey, &self.question, net, &self.options)
            }
            Measure::Mentions => analysis::mentions(survey, &self.question, &self.options),
        }
        .map_err(|e| match e {
            Error::InvalidArgument { name, message } => Error::InvalidArgument {
                name,
                message: format!("figure '{}': {message}", self.id),
            },
            other => other,
        })?;
        table.id = self.id.clone();
        table.title = self.title.clone();
        Ok(table)
    }
}

/// A list of figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportSpec {
    /// Identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// Figures in report order.
    pub figures: Vec<FigureSpec>,
}

/// A computed report: the spec and one table per figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The specification that was run.
    pub spec: ReportSpec,
    /// One table per figure, in spec order.
    pub tables: Vec<Table>,
}

impl ReportSpec {
    /// The 2013 'doe-democratie' report.
    pub fn doe_democratie_2013() -> ReportSpec {
        const JSON: &str = include_str!("doe_democratie_2013.json");
        // Bundled with the crate and run by the tests; failing here is a build defect.
        ReportSpec::from_json(JSON).expect("the bundled 2013 report spec is valid")
    }

    /// Reads a specification from JSON.
    pub fn from_json(text: &str) -> Result<ReportSpec> {
        serde_json::from_str(text).map_err(|e| Error::InvalidSpec {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    }

    /// The specification as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("report specs always serialise") + "\n"
    }

    /// A figure by id.
    pub fn figure(&self, id: &str) -> Result<&FigureSpec> {
        self.figures
            .iter()
            .find(|f| f.id == id)
            .ok_or_else(|| Error::unknown("figure", id, self.figures.iter().map(|f| f.id.as_str())))
    }

    /// Runs every figure over `survey`.
    pub fn run(&self, survey: &Survey) -> Result<Report> {
        let tables = self
            .figures
            .iter()
            .map(|f| f.run(survey))
            .collect::<Result<Vec<_>>>()?;
        Ok(Report {
            spec: self.clone(),
            tables,
        })
    }
}

impl Report {
    /// The table of one figure.
    pub fn table(&self, id: &str) -> Result<&Table> {
        self.tables
            .iter()
            .find(|t| t.id == id)
            .ok_or_else(|| Error::unknown("figure", id, self.tables.iter().map(|t| t.id.as_str())))
    }

    /// Writes `<id>.csv` per figure, `report.json` (everything) and `index.html` into `dir`.
    pub fn write_dir(&self, dir: impl AsRef<Path>) -> Result<Vec<String>> {
        let dir = dir.as_ref();
        let io = |path: &Path| {
            let path = path.display().to_string();
            move |source| Error::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let mut written = Vec::new();
        let mut write = |name: String, text: String| -> Result<()> {
            let path = dir.join(&name);
            std::fs::write(&path, text).map_err(io(&path))?;
            written.push(name);
            Ok(())
        };
        for t in &self.tables {
            write(format!("{}.csv", t.id), t.to_csv())?;
        }
        write(
            "report.json".into(),
            serde_json::to_string_pretty(self).expect("reports always serialise") + "\n",
        )?;
        write("index.html".into(), self.to_html())?;
        Ok(written)
    }

    /// The whole report as one HTML page.
    pub fn to_html(&self) -> String {
        let mut h = format!(
            "<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>{0}</title></head><body><h1>{0}</h1>",
            esc(&self.spec.title)
        );
        for t in &self.tables {
            let _ = write!(
                h,
                "<section id=\"{}\">{}</section>",
                esc(&t.id),
                t.to_html(usize::MAX)
            );
        }
        h.push_str("</body></html>\n");
        h
    }
}
