//! LimeSurvey in: a survey's structure export becomes an [`Instrument`] draft, and its response
//! export a [`Survey`].
//!
//! - **Structure.** [`LimeSurvey::from_lss_path`] reads the XML export (`.lss`, both the layout
//!   before LimeSurvey 4, with the texts in `questions`/`answers` rows carrying a `language`, and
//!   the layout from 4 on, with the texts in `question_l10ns`/`answer_l10ns`);
//!   [`LimeSurvey::from_tsv_path`] reads the tab-separated export (`.txt`, rows of class
//!   `S`/`SL`/`G`/`Q`/`SQ`/`A`). Both give the same plain [`LimeSurvey`] value.
//! - **Draft.** [`LimeSurvey::instrument`] converts the questions it can (arrays `F`/`H`/`A`/`B` →
//!   grid, lists `L`/`!`, `5` and `Y` → single choice, multiple choice `M` → multi-select, free
//!   text `S`/`T`/`U` → open text) and lists the rest in [`LimeSurvey::not_converted`]. Save the
//!   draft with [`Instrument::save_json`] and edit it: units, nets, labels.
//! - **Responses.** [`LimeSurvey::read_responses_csv_path`] reads the CSV response export (answer
//!   codes, "question code" headings such as `Q1[SQ001]` or the older `Q1_SQ001`), translates it
//!   to the draft's columns and codes and validates it like any other respondent file.
//!
//! The rules (ids, codes, 'weet niet', units) are in `docs/limesurvey.md`.

mod draft;
mod lss;
mod responses;
mod text;
mod tsv;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::data::{read_bytes, Limits, Survey};
use crate::error::{Error, Result};
use crate::instrument::{guess_encoding, Instrument};

pub use responses::{ResponseOptions, LIMESURVEY_FIELDS};

/// A LimeSurvey survey structure: its languages, title and questions, with every text in every
/// language of the file. Built by the readers; a plain value that serialises with serde.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimeSurvey {
    /// The file read, or the source name given with the text.
    pub source: String,
    /// The survey id (`sid`), when the file gives it.
    pub survey_id: Option<String>,
    /// The survey's base language (`nl`, `en`, `nl-informal`, …).
    pub base_language: String,
    /// Every language of the survey, the base language first.
    pub languages: Vec<String>,
    /// The language whose texts become the Dutch labels of the draft (default: the base
    /// language; see [`LimeSurvey::with_language`]).
    pub language: String,
    /// The survey title per language.
    pub titles: BTreeMap<String, String>,
    /// The questions in questionnaire order (by group order, then question order).
    pub questions: Vec<LimeQuestion>,
}

/// One question of a LimeSurvey structure (a row of its `questions` table with `parent_qid` 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimeQuestion {
    /// The question code (LimeSurvey's `title`), e.g. `Q1`; response columns are named by it.
    pub code: String,
    /// The question type: `F` array, `L` list (radio), `M` multiple choice, … (one character).
    pub question_type: String,
    /// Whether the question offers 'other' with a text field (`other` = `Y`).
    pub other: bool,
    /// The question text per language, as LimeSurvey stores it (HTML allowed).
    pub texts: BTreeMap<String, String>,
    /// Subquestions (array rows, multiple-choice options), in order.
    pub subquestions: Vec<LimeOption>,
    /// Answer options, in sort order.
    pub answers: Vec<LimeOption>,
}

/// A subquestion or an answer option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimeOption {
    /// Its code: `SQ001`, `A1`, `1`, …
    pub code: String,
    /// The scale it belongs to: 0, or 1 for the second scale of a dual-scale array.
    pub scale: u32,
    /// Its text per language.
    pub texts: BTreeMap<String, String>,
}

/// A question the draft leaves out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotConverted {
    /// The question code.
    pub code: String,
    /// Its LimeSurvey question type.
    pub question_type: String,
    /// Why it was not converted.
    pub reason: String,
}

impl LimeSurvey {
    /// Reads the XML structure export (`.lss`) from text; `source_name` names it in errors.
    pub fn from_lss_str(text: &str, source_name: &str) -> Result<LimeSurvey> {
        lss::parse(text, source_name)
    }

    /// Reads a `.lss` file. A file that cannot be read is [`Error::Io`]; a file that is not a
    /// LimeSurvey structure is [`Error::InstrumentFormat`] with the line and column of the fault.
    pub fn from_lss_path(path: impl AsRef<Path>) -> Result<LimeSurvey> {
        read_structure(path.as_ref(), lss::parse)
    }

    /// Reads the tab-separated structure export (`.txt`) from text.
    pub fn from_tsv_str(text: &str, source_name: &str) -> Result<LimeSurvey> {
        tsv::parse(text, source_name)
    }

    /// Reads a tab-separated structure export file (`.txt`).
    pub fn from_tsv_path(path: impl AsRef<Path>) -> Result<LimeSurvey> {
        read_structure(path.as_ref(), tsv::parse)
    }

    /// The same survey with the texts of `language` as the draft's Dutch labels; refused with
    /// [`Error::UnknownId`] when the survey has no such language.
    pub fn with_language(mut self, language: &str) -> Result<LimeSurvey> {
        if !self.languages.iter().any(|l| l == language) {
            return Err(Error::unknown(
                "language",
                language,
                self.languages.iter().map(String::as_str),
            ));
        }
        self.language = language.to_string();
        Ok(self)
    }

    /// The instrument draft: one question per convertible LimeSurvey question (see the module
    /// documentation), every question with unit `respondent`.
    pub fn instrument(&self) -> Result<Instrument> {
        draft::Draft::of(self).instrument(self)
    }

    /// The questions [`LimeSurvey::instrument`] leaves out, in questionnaire order.
    pub fn not_converted(&self) -> Vec<NotConverted> {
        draft::Draft::of(self).not_converted
    }

    /// Reads the CSV response export (answer codes, question-code headings) and validates it
    /// against `instrument` (the draft, or the draft as edited: ids kept, anything else free).
    pub fn read_responses_csv_str(
        &self,
        text: &str,
        instrument: &Instrument,
        options: &ResponseOptions,
    ) -> Result<Survey> {
        responses::read(self, text, "<csv>", instrument, options)
    }

    /// Reads a CSV response export file (in `options.read.encoding`); problems name the file.
    pub fn read_responses_csv_path(
        &self,
        path: impl AsRef<Path>,
        instrument: &Instrument,
        options: &ResponseOptions,
    ) -> Result<Survey> {
        let path = path.as_ref();
        let bytes = read_bytes(path, &options.read.limits)?;
        let source = path.display().to_string();
        let text = options.read.encoding.decode(&bytes, &source)?;
        responses::read(self, &text, &source, instrument, options)
    }

    /// The text of `texts` in `language`, else in the base language, else in any language;
    /// cleaned of HTML. `None` when every text is blank.
    fn text_in(&self, texts: &BTreeMap<String, String>, language: &str) -> Option<String> {
        [language, self.base_language.as_str()]
            .iter()
            .filter_map(|l| texts.get(*l))
            .chain(texts.values())
            .map(|t| text::clean(t))
            .find(|t| !t.is_empty())
    }

    /// The English language of the survey (`en`, `en-…`), if it has one.
    fn english(&self) -> Option<&str> {
        self.languages
            .iter()
            .map(String::as_str)
            .find(|l| *l == "en" || l.starts_with("en-"))
    }

    /// A text's Dutch and English labels: the chosen language's text, and the English text when
    /// the file has one (else the chosen language's again); `fallback` when blank.
    fn labels(&self, texts: &BTreeMap<String, String>, fallback: &str) -> (String, String) {
        let nl = self
            .text_in(texts, &self.language)
            .unwrap_or_else(|| fallback.to_string());
        let en = self
            .english()
            .and_then(|en| texts.get(en))
            .map(|t| text::clean(t))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| nl.clone());
        (nl, en)
    }
}

/// Reads a structure file: [`Error::Io`] when it cannot be read, [`Error::InstrumentFormat`] at
/// its first byte that is not UTF-8.
fn read_structure(path: &Path, parse: fn(&str, &str) -> Result<LimeSurvey>) -> Result<LimeSurvey> {
    let bytes = read_bytes(path, &Limits::default())?;
    let source = path.display().to_string();
    match std::str::from_utf8(&bytes) {
        Ok(text) => parse(text, &source),
        Err(e) => {
            let at = e.valid_up_to();
            let before = bytes.get(..at).unwrap_or_default();
            let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
            let column = at
                - before
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1)
                + 1;
            Err(format_error(
                &source,
                line,
                column,
                format!(
                    "the file is not UTF-8 (offset {at}); {}",
                    guess_encoding(&bytes)
                ),
            ))
        }
    }
}

/// The error of a structure file that cannot be read as one.
fn format_error(source: &str, line: usize, column: usize, message: String) -> Error {
    Error::InstrumentFormat {
        source_name: source.to_string(),
        line,
        column,
        message,
    }
}
