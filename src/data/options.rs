//! How to read respondent data ([`ReadOptions`]) and a saved, reusable set of those options for
//! one kind of export ([`ImportProfile`]).

use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::raw::{decode_utf8, encoding_problem, refuse_nul_text, Limits};
use crate::error::{Error, Result};

/// The character encoding of a respondent file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Encoding {
    /// UTF-8, with or without byte-order mark (the default; other bytes are refused with a
    /// message that guesses the encoding).
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// Windows-1252, what Dutch Excel writes for 'CSV (gescheiden door lijstscheidingsteken)'.
    #[serde(rename = "windows-1252")]
    Windows1252,
    /// ISO-8859-1 (Latin-1): every byte is the code point of the same number.
    #[serde(rename = "latin-1")]
    Latin1,
    /// UTF-16 as Excel's 'Unicode text' writes it: little endian unless a byte-order mark says
    /// big endian.
    #[serde(rename = "utf-16")]
    Utf16,
}

impl Encoding {
    /// The names [`Encoding::from_str`] accepts, for messages.
    pub const NAMES: &'static str = "'utf-8', 'windows-1252' (cp1252), 'latin-1' (iso-8859-1), \
                                     'utf-16'";

    /// The canonical name, as written in an import profile.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Windows1252 => "windows-1252",
            Encoding::Latin1 => "latin-1",
            Encoding::Utf16 => "utf-16",
        }
    }

    /// Decodes a file's bytes; problems name `source`. A UTF-8 byte-order mark in a file said to
    /// be in another encoding is refused rather than read as three odd characters.
    pub fn decode<'a>(self, bytes: &'a [u8], source: &str) -> Result<Cow<'a, str>> {
        if self != Encoding::Utf8 && bytes.starts_with(b"\xef\xbb\xbf") {
            return Err(encoding_problem(
                source,
                format!(
                    "the file starts with a UTF-8 byte-order mark but was to be read as {}; \
                     read it as 'utf-8'",
                    self.name()
                ),
            ));
        }
        let text = match self {
            Encoding::Utf8 => return decode_utf8(bytes, source).map(Cow::Borrowed),
            Encoding::Windows1252 => {
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(bytes)
                    .0
            }
            Encoding::Latin1 => Cow::Owned(encoding_rs::mem::decode_latin1(bytes).into_owned()),
            Encoding::Utf16 => decode_utf16(bytes, source)?,
        };
        refuse_nul_text(&text, source)?;
        Ok(text)
    }
}

fn decode_utf16<'a>(bytes: &'a [u8], source: &str) -> Result<Cow<'a, str>> {
    let (encoding, body) = if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        (encoding_rs::UTF_16BE, rest)
    } else {
        (
            encoding_rs::UTF_16LE,
            bytes.strip_prefix(b"\xff\xfe").unwrap_or(bytes),
        )
    };
    if body.len() % 2 == 1 {
        return Err(encoding_problem(
            source,
            format!(
                "the file has an odd number of bytes ({}), so it is not UTF-16",
                bytes.len()
            ),
        ));
    }
    let (text, malformed) = encoding.decode_without_bom_handling(body);
    if malformed {
        return Err(encoding_problem(
            source,
            format!(
                "the file is not valid UTF-16 ({} endian): it holds an unpaired surrogate",
                if encoding == encoding_rs::UTF_16BE {
                    "big"
                } else {
                    "little"
                }
            ),
        ));
    }
    Ok(Cow::Owned(text.into_owned()))
}

impl FromStr for Encoding {
    type Err = Error;
    /// An encoding by name, case and `-`/`_` ignored: `utf-8`, `utf8`, `utf-8-sig`,
    /// `windows-1252`, `cp1252`, `latin-1`, `latin1`, `iso-8859-1`, `utf-16`.
    fn from_str(name: &str) -> Result<Encoding> {
        let key: String = name
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        match key.as_str() {
            "utf8" | "utf8sig" => Ok(Encoding::Utf8),
            "windows1252" | "cp1252" => Ok(Encoding::Windows1252),
            "latin1" | "iso88591" | "l1" => Ok(Encoding::Latin1),
            "utf16" | "utf16le" => Ok(Encoding::Utf16),
            _ => Err(Error::InvalidArgument {
                name: "encoding",
                message: format!("unknown encoding {name:?}; use one of {}", Encoding::NAMES),
            }),
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Input columns to leave out without a problem.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "IgnoreSpec", into = "IgnoreSpec")]
pub enum IgnoreColumns {
    /// These headers (as written, or folded like labels); every other unknown header is a
    /// problem.
    Listed(Vec<String>),
    /// Every header that names nothing in the instrument. The survey lists them
    /// ([`ValidationReport::ignored_columns`](super::ValidationReport::ignored_columns)).
    Unknown,
    /// None (the default).
    #[default]
    None,
}

/// The file form of [`IgnoreColumns`]: a list of headers, or the word `"unknown"`.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum IgnoreSpec {
    Listed(Vec<String>),
    Word(String),
}

impl TryFrom<IgnoreSpec> for IgnoreColumns {
    type Error = String;
    fn try_from(spec: IgnoreSpec) -> std::result::Result<Self, String> {
        match spec {
            IgnoreSpec::Listed(names) if names.is_empty() => Ok(IgnoreColumns::None),
            IgnoreSpec::Listed(names) => Ok(IgnoreColumns::Listed(names)),
            IgnoreSpec::Word(w) if w == "unknown" => Ok(IgnoreColumns::Unknown),
            IgnoreSpec::Word(w) => Err(format!(
                "ignore_columns is a list of column names or the word \"unknown\", not {w:?}"
            )),
        }
    }
}

impl From<IgnoreColumns> for IgnoreSpec {
    fn from(i: IgnoreColumns) -> IgnoreSpec {
        match i {
            IgnoreColumns::Listed(names) => IgnoreSpec::Listed(names),
            IgnoreColumns::Unknown => IgnoreSpec::Word("unknown".into()),
            IgnoreColumns::None => IgnoreSpec::Listed(Vec::new()),
        }
    }
}

/// Default of [`ReadOptions::max_problems`].
pub const MAX_PROBLEMS: usize = 100;

/// How to read respondent data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Fail when the data have problems (`true`, the default), listing every problem up to
    /// `max_problems`; or keep valid values and report every problem in
    /// [`Survey::validation_report`](super::Survey::validation_report) (`false`).
    pub strict: bool,
    /// CSV field delimiter; `None` picks `,` or `;` from the header.
    pub delimiter: Option<u8>,
    /// Largest input, field and column count accepted.
    pub limits: Limits,
    /// The files' character encoding (CSV and JSON files; in-memory input is text already).
    pub encoding: Encoding,
    /// Input header → instrument column or attribute (`{"Gemeente": "municipality"}`). Headers
    /// are matched as written, then folded like labels (case and accents ignored).
    pub columns: IndexMap<String, String>,
    /// Input columns to leave out.
    pub ignore_columns: IgnoreColumns,
    /// In strict mode, how many problems are listed before reading stops.
    pub max_problems: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            strict: true,
            delimiter: None,
            limits: Limits::default(),
            encoding: Encoding::Utf8,
            columns: IndexMap::new(),
            ignore_columns: IgnoreColumns::None,
            max_problems: MAX_PROBLEMS,
        }
    }
}

impl ReadOptions {
    /// Options for lenient reading.
    pub fn lenient() -> Self {
        ReadOptions {
            strict: false,
            ..Self::default()
        }
    }

    /// These options with the encoding, delimiter, column mapping and ignored columns of
    /// `profile` (strictness and limits stay).
    pub fn with_profile(self, profile: &ImportProfile) -> Self {
        ReadOptions {
            delimiter: profile.delimiter,
            encoding: profile.encoding,
            columns: profile.columns.clone(),
            ignore_columns: profile.ignore_columns.clone(),
            ..self
        }
    }
}

/// Format tag of an import profile file.
pub const PROFILE_FORMAT: &str = "doe_democratie.import_profile/1";

/// How one kind of export is read, saved as JSON and reused for every file of that kind:
/// encoding, delimiter, which header is which column, which columns to leave out.
///
/// ```
/// use doe_democratie::data::{Encoding, IgnoreColumns, ImportProfile};
/// let profile = ImportProfile::from_json(r#"{
///     "format": "doe_democratie.import_profile/1",
///     "encoding": "windows-1252",
///     "delimiter": ";",
///     "columns": {"Gemeente": "municipality", "Respondent": "respondent_id"},
///     "ignore_columns": ["Opmerkingen"]
/// }"#).unwrap();
/// assert_eq!(profile.encoding, Encoding::Windows1252);
/// assert_eq!(profile.delimiter, Some(b';'));
/// assert_eq!(profile.ignore_columns, IgnoreColumns::Listed(vec!["Opmerkingen".into()]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "ProfileSpec", into = "ProfileSpec")]
pub struct ImportProfile {
    /// What the profile is for, free text.
    pub description: Option<String>,
    /// The files' encoding.
    pub encoding: Encoding,
    /// CSV delimiter; `None` picks `,` or `;` from the header.
    pub delimiter: Option<u8>,
    /// Input header → instrument column or attribute.
    pub columns: IndexMap<String, String>,
    /// Input columns to leave out.
    pub ignore_columns: IgnoreColumns,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileSpec {
    format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default)]
    encoding: Encoding,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delimiter: Option<String>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    columns: IndexMap<String, String>,
    #[serde(default)]
    ignore_columns: IgnoreColumns,
}

impl TryFrom<ProfileSpec> for ImportProfile {
    type Error = String;
    fn try_from(s: ProfileSpec) -> std::result::Result<Self, String> {
        if s.format != PROFILE_FORMAT {
            return Err(format!(
                "format {:?} is not {PROFILE_FORMAT:?}; this version reads only that one",
                s.format
            ));
        }
        let delimiter = s.delimiter.as_deref().map(delimiter_byte).transpose()?;
        check_columns(&s.columns)?;
        Ok(ImportProfile {
            description: s.description,
            encoding: s.encoding,
            delimiter,
            columns: s.columns,
            ignore_columns: s.ignore_columns,
        })
    }
}

impl From<ImportProfile> for ProfileSpec {
    fn from(p: ImportProfile) -> ProfileSpec {
        ProfileSpec {
            format: PROFILE_FORMAT.to_string(),
            description: p.description,
            encoding: p.encoding,
            delimiter: p.delimiter.map(|b| char::from(b).to_string()),
            columns: p.columns,
            ignore_columns: p.ignore_columns,
        }
    }
}

/// A delimiter given as text: one ASCII character other than a quote or line break.
pub fn delimiter_byte(d: &str) -> std::result::Result<u8, String> {
    match d.as_bytes() {
        [b] if b.is_ascii() && !matches!(b, b'"' | b'\n' | b'\r') => Ok(*b),
        _ => Err(format!(
            "the delimiter must be a single ASCII character such as ',' or ';', not {d:?}"
        )),
    }
}

/// A column mapping names each target once and maps no header to an empty name.
pub fn check_columns(columns: &IndexMap<String, String>) -> std::result::Result<(), String> {
    let mut seen: IndexMap<&str, &str> = IndexMap::new();
    for (header, target) in columns {
        if target.trim().is_empty() {
            return Err(format!("columns maps {header:?} to an empty name"));
        }
        if let Some(first) = seen.insert(target.as_str(), header.as_str()) {
            return Err(format!(
                "columns maps both {first:?} and {header:?} to {target:?}"
            ));
        }
    }
    Ok(())
}

impl ImportProfile {
    /// Reads a profile from JSON text.
    pub fn from_json(text: &str) -> Result<ImportProfile> {
        serde_json::from_str(text).map_err(|e| profile_error("<string>", &e))
    }

    /// Reads a profile file.
    pub fn from_json_path(path: impl AsRef<Path>) -> Result<ImportProfile> {
        let path = path.as_ref();
        let source = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            path: source.clone(),
            source: e,
        })?;
        serde_json::from_str(&text).map_err(|e| profile_error(&source, &e))
    }

    /// The profile as JSON text (pretty-printed, reads back equal).
    pub fn to_json(&self) -> String {
        // A profile is strings, a map of strings and a list of strings: serialising cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Writes the profile to `path` (only that file).
    pub fn save_json(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.to_json()).map_err(|e| Error::Io {
            path: path.display().to_string(),
            source: e,
        })
    }
}

fn profile_error(source: &str, e: &serde_json::Error) -> Error {
    Error::InvalidArgument {
        name: "profile",
        message: format!(
            "cannot read import profile {source} (line {}, column {}): {e}",
            e.line(),
            e.column()
        ),
    }
}

/// Whether a header is the one a mapping or ignore list names: as written, or folded.
pub(super) fn same_header(header: &str, named: &str) -> bool {
    header == named || crate::instrument::fold(header) == crate::instrument::fold(named)
}
