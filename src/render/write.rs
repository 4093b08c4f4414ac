//! Writing a report's files into a folder, and never outside it.

use std::path::Path;

use super::HtmlOptions;
use crate::error::{Error, Result};
use crate::report::{check_ids, file_in, Report};

/// Writes `bytes` to the file `path` the user chose, refusing a symbolic link there (it could
/// carry the write out of the chosen folder) and a folder.
pub(crate) fn write_file(path: &Path, bytes: &[u8], what: &'static str) -> Result<()> {
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        let fault = if meta.file_type().is_symlink() {
            Some("is a symbolic link; files are not written through links, which may lead out of the folder")
        } else if meta.is_dir() {
            Some("is a folder")
        } else {
            None
        };
        if let Some(fault) = fault {
            return Err(Error::InvalidArgument {
                name: what,
                message: format!("'{}' {fault}", path.display()),
            });
        }
    }
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
        // elsewhere: refuse before anything is written.
        if let Some(link) = paths
            .iter()
            .find(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink()))
        {
            return Err(Error::InvalidArgument {
                name: "dir",
                message: format!(
                    "'{}' is a symbolic link; a report is not written through links, which may \
                     lead out of the folder",
                    link.display()
                ),
            });
        }
        let mut written = Vec::with_capacity(files.len());
        for ((name, text), path) in files.into_iter().zip(paths) {
            std::fs::write(&path, text).map_err(io(&path))?;
            written.push(name);
        }
        Ok(written)
    }
}
