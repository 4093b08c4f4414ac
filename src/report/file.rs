//! Reading report specifications strictly, and the rules for figure ids.
//!
//! A misspelt key (`options.itemz`, `"items": {"item": [...]}`) silently meant "every item", so
//! every object of the format refuses unknown keys (the measures' option types in
//! [`crate::analysis`] do so themselves).
//!
//! Figure ids become file names (`<id>.csv`), so they are limited to a character set that is a
//! plain file name on every platform.

use std::collections::HashMap;
use std::path::{Component, Path};

use serde::Deserialize;

use super::{FigureSpec, Measure};
use crate::analysis::Options;
use crate::error::{Error, Result};

/// Longest figure id accepted: far above any real one, well below file-name limits.
pub const MAX_FIGURE_ID_LEN: usize = 64;

/// Longest piece of an offending id quoted in a message.
const SHOWN_ID_LEN: usize = 40;

/// One figure as the file writes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FigureFile {
    id: String,
    title: String,
    question: String,
    measure: MeasureName,
    #[serde(default)]
    net: Option<String>,
    #[serde(default)]
    options: Options,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum MeasureName {
    Frequencies,
    Net,
    Mentions,
}

impl TryFrom<FigureFile> for FigureSpec {
    type Error = String;

    fn try_from(f: FigureFile) -> std::result::Result<FigureSpec, String> {
        let measure = match (f.measure, f.net) {
            (MeasureName::Net, Some(net)) => Measure::Net { net },
            (MeasureName::Net, None) => return Err("measure `net` needs a `net` field".into()),
            (_, Some(_)) => return Err("`net` applies only to measure `net`".into()),
            (MeasureName::Frequencies, None) => Measure::Frequencies,
            (MeasureName::Mentions, None) => Measure::Mentions,
        };
        Ok(FigureSpec {
            id: f.id,
            title: f.title,
            question: f.question,
            measure,
            options: f.options,
        })
    }
}

/// `figure 'id' (figures[i])`, or `figures[i]` when the id is empty; the id escaped and capped.
/// `list` is the list the figure sits in (`figures`, or a report's `tables`).
pub(super) fn figure_label(list: &str, index: usize, id: &str) -> String {
    if id.is_empty() {
        format!("{list}[{index}]")
    } else {
        format!("figure '{}' ({list}[{index}])", shown(id))
    }
}

/// `id` for a message: control characters escaped, long ids cut.
pub(super) fn shown(id: &str) -> String {
    let mut out: String = id
        .chars()
        .take(SHOWN_ID_LEN)
        .flat_map(char::escape_debug)
        .collect();
    let n = id.chars().count();
    if n > SHOWN_ID_LEN {
        out.push_str(&format!("… ({n} characters)"));
    }
    out
}

/// Why `id` cannot be a figure id, if it cannot.
fn id_fault(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("the id is empty".into());
    }
    let n = id.chars().count();
    if n > MAX_FIGURE_ID_LEN {
        return Some(format!(
            "the id has {n} characters; at most {MAX_FIGURE_ID_LEN} are allowed"
        ));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Some(format!(
            "the id contains '{}'; allowed are ASCII letters, digits, '_', '-' and '.' (it names \
             the figure's CSV file)",
            c.escape_debug()
        ));
    }
    if id.starts_with('.') {
        return Some("the id starts with '.' (it names the figure's CSV file)".into());
    }
    None
}

/// Checks that every id is a safe file-name stem and that no two ids name the same file, also
/// on file systems that ignore case (Windows, macOS). `what` is `figures` or `tables`.
pub(crate) fn check_ids<'a>(ids: impl IntoIterator<Item = &'a str>, what: &str) -> Result<()> {
    let mut seen: HashMap<String, (usize, &str)> = HashMap::new();
    for (i, id) in ids.into_iter().enumerate() {
        let label = || figure_label(what, i, id);
        if let Some(fault) = id_fault(id) {
            return Err(invalid(format!("{}: {fault}", label())));
        }
        if let Some((first, other)) = seen.insert(id.to_ascii_lowercase(), (i, id)) {
            let how = if other == id {
                "the same id".to_string()
            } else {
                format!("'{other}', which differs only in case and names the same file on Windows and macOS")
            };
            return Err(invalid(format!(
                "{}: {what}[{first}] has {how}; figure ids must be unique",
                label()
            )));
        }
    }
    Ok(())
}

/// `dir/name`, refusing any `name` that is not one plain file name (defence in depth: ids are
/// checked before, but the path written must stay inside `dir` whatever the caller built).
pub(crate) fn file_in(dir: &Path, name: &str) -> Result<std::path::PathBuf> {
    let mut components = Path::new(name).components();
    match (components.next(), components.next()) {
        (Some(Component::Normal(n)), None) if n == name && !name.contains(['/', '\\']) => {
            Ok(dir.join(name))
        }
        _ => Err(invalid(format!(
            "'{}' is not a plain file name; refusing to write outside the output directory",
            shown(name)
        ))),
    }
}

fn invalid(message: String) -> Error {
    Error::InvalidSpec {
        line: None,
        column: None,
        message,
    }
}
