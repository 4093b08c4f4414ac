//! [`DataTable`]: a wide table with one row per unit (municipality) and typed columns, for data
//! that leaves the library as rows (municipality attributes, consolidated answers).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::CsvDialect;
use crate::error::{Error, Result};

/// One column of a [`DataTable`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "values", rename_all = "snake_case")]
pub enum Column {
    /// Text, `None` for an empty cell.
    Text(Vec<Option<String>>),
    /// Numbers, `None` for an empty cell.
    Number(Vec<Option<f64>>),
}

impl Column {
    /// Number of cells.
    pub fn len(&self) -> usize {
        match self {
            Column::Text(v) => v.len(),
            Column::Number(v) => v.len(),
        }
    }

    /// Whether the column has no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn cell(&self, row: usize) -> String {
        match self {
            Column::Text(v) => v.get(row).cloned().flatten().unwrap_or_default(),
            Column::Number(v) => v
                .get(row)
                .copied()
                .flatten()
                .map(|x| format!("{x}"))
                .unwrap_or_default(),
        }
    }
}

/// A wide table: named columns of equal length, in order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DataTable {
    columns: IndexMap<String, Column>,
    rows: usize,
}

impl DataTable {
    /// An empty table with `rows` rows and no columns yet.
    pub fn with_rows(rows: usize) -> DataTable {
        DataTable {
            columns: IndexMap::new(),
            rows,
        }
    }

    /// Adds a column; its length must be the table's and its name new.
    pub fn push(&mut self, name: impl Into<String>, column: Column) -> Result<()> {
        let name = name.into();
        if column.len() != self.rows {
            return Err(Error::InvalidArgument {
                name: "column",
                message: format!(
                    "column '{name}' has {} cells, the table {} rows",
                    column.len(),
                    self.rows
                ),
            });
        }
        if self.columns.contains_key(&name) {
            return Err(Error::InvalidArgument {
                name: "column",
                message: format!("the table already has a column '{name}'"),
            });
        }
        self.columns.insert(name, column);
        Ok(())
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.rows
    }

    /// The columns, in order.
    pub fn columns(&self) -> &IndexMap<String, Column> {
        &self.columns
    }

    /// One column by name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.get(name)
    }

    /// The table as CSV (comma-separated, header row, full precision).
    pub fn to_csv(&self) -> String {
        self.to_csv_with(&CsvDialect::default())
    }

    /// The table as CSV in `dialect`; number columns take its decimal separator.
    pub fn to_csv_with(&self, dialect: &CsvDialect) -> String {
        let header: Vec<&str> = self.columns.keys().map(String::as_str).collect();
        let numeric: Vec<bool> = self
            .columns
            .values()
            .map(|c| matches!(c, Column::Number(_)))
            .collect();
        let rows = (0..self.rows).map(|r| self.columns.values().map(move |c| c.cell(r)));
        dialect.write(&header, rows, &numeric)
    }
}
