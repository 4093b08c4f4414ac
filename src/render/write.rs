//! Writing a report's files into a folder, and never outside it.

use std::path::Path;

use super::HtmlOptions;
use crate::error::{Error, Result};
use crate::report::{check_ids, file_in, Report};

/// Refuses a target that is a symbolic link (the write would land wherever it points, possibly
/// outside the chosen folder: [`Error::InvalidArgument`] named `what`) or a folder
/// ([`Error::Io`] of kind `IsADirectory`). Every file this crate writes is checked so first.
pub(crate) fn check_target(path: &Path, what: &'static str) -> Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        return Err(Error::InvalidArgument {
            name: what,
            message: format!(
                "'{}' is a symbolic link; files are not written through links, which may lead \
                 out of the folder",
                path.display()
            ),
        });
    }
    if meta.is_dir() {
        return Err(Error::Io {
            path: path.display().to_string(),
            source: std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "is a folder, not a file",
            ),
        });
    }
    Ok(())
}

/// Writes `bytes` to the file `path` the user chose, after [`check_target`].
pub(crate) fn write_file(path: &Path, bytes: &[u8], what: &'static str) -> Result<()> {
    check_target(path, what)?;
    std::fs::write(path, bytes).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

impl Report {
    /// Writes `<id>.csv` per figure, `report.json` (everything) and `index.html` into `dir`.
    ///
    /// The table ids are checked like a specification's figure ids before anything is written,
    /// and every file is created directly inside `dir`: a table id such as `../x` is
    /// [`Error::InvalidSpec`], never a file elsewhere; a symbolic link in `dir` under one of the
    /// names is [`Error::InvalidArgument`].
    pub fn write_dir(&self, dir: impl AsRef<Path>) -> Result<Vec<String>> {
        self.write_dir_with(dir, &HtmlOptions::default())
    }

    /// [`Report::write_dir`] with `index.html` rendered as [`Report::to_html_with`] renders it
    /// (own templates, the data source); a template that fails writes nothing.
    pub fn write_dir_with(&self, dir: impl AsRef<Path>, html: &HtmlOptions) -> Result<Vec<String>> {
        let dir = dir.as_ref();
        check_ids(self.tables.iter().map(|t| t.id.as_str()), "tables")?;
        let mut files = Vec::with_capacity(self.tables.len() + 2);
        for t in &self.tables {
            files.push((format!("{}.csv", t.id), t.to_csv()));
        }
        let json = serde_json::to_string_pretty(self).map_err(|e| Error::InvalidArgument {
            name: "report",
            message: format!("cannot serialise the report: {e}"),
        })?;
        files.push(("report.json".into(), json + "\n"));
        files.push(("index.html".into(), self.to_html_with(html)?));
        let paths = files
            .iter()
            .map(|(name, _)| file_in(dir, name))
            .collect::<Result<Vec<_>>>()?;

        let io = |path: &Path| {
            let path = path.display().to_string();
            move |source| Error::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        // A symbolic link already in the folder under one of the names would carry the write
        // elsewhere, and a folder under one would fail halfway: refuse before anything is
        // written.
        for path in &paths {
            check_target(path, "dir")?;
        }
        let mut written = Vec::with_capacity(files.len());
        for ((name, text), path) in files.into_iter().zip(paths) {
            std::fs::write(&path, text).map_err(io(&path))?;
            written.push(name);
        }
        Ok(written)
    }
}
