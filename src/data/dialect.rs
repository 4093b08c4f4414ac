//! [`CsvDialect`]: how tables are written as CSV, so that Dutch Excel reads them as numbers
//! (it expects `;` between fields and a decimal comma, and UTF-8 only with a byte-order mark).

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The decimal separator of numbers written to CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Decimal {
    /// `0.5`
    #[default]
    #[serde(rename = ".")]
    Point,
    /// `0,5`, as Dutch Excel reads it.
    #[serde(rename = ",")]
    Comma,
}

impl FromStr for Decimal {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "." => Ok(Decimal::Point),
            "," => Ok(Decimal::Comma),
            other => Err(Error::InvalidArgument {
                name: "decimal",
                message: format!("the decimal separator is '.' or ',', not '{other}'"),
            }),
        }
    }
}

/// Field separator, decimal separator and byte-order mark of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvDialect {
    /// Field separator (one ASCII character such as `,`, `;` or tab).
    pub sep: u8,
    /// Decimal separator of numbers.
    pub decimal: Decimal,
    /// Start with a UTF-8 byte-order mark (Excel then reads the text as UTF-8).
    pub bom: bool,
}

impl Default for CsvDialect {
    /// `,`, a decimal point, no byte-order mark.
    fn default() -> Self {
        CsvDialect {
            sep: b',',
            decimal: Decimal::Point,
            bom: false,
        }
    }
}

impl CsvDialect {
    /// What Dutch Excel opens without an import dialog: `;`, a decimal comma, a byte-order mark.
    pub fn dutch_excel() -> Self {
        CsvDialect {
            sep: b';',
            decimal: Decimal::Comma,
            bom: true,
        }
    }

    /// A dialect from a separator given as text (one ASCII character other than a quote or a line
    /// break, and not the decimal separator).
    pub fn new(sep: &str, decimal: Decimal, bom: bool) -> Result<Self> {
        let bad = |message: String| Error::InvalidArgument {
            name: "sep",
            message,
        };
        let [byte] = sep.as_bytes() else {
            return Err(bad(format!(
                "the separator is one ASCII character, not '{sep}'"
            )));
        };
        if matches!(byte, b'"' | b'\n' | b'\r') || !byte.is_ascii() {
            return Err(bad(format!("'{sep}' cannot separate fields")));
        }
        if (*byte == b',' && decimal == Decimal::Comma)
            || (*byte == b'.' && decimal == Decimal::Point)
        {
            return Err(bad(format!(
                "the separator '{sep}' is also the decimal separator; use ';' with a decimal comma"
            )));
        }
        Ok(CsvDialect {
            sep: *byte,
            decimal,
            bom,
        })
    }

    /// A number as this dialect writes it.
    pub(crate) fn number(&self, text: String) -> String {
        match self.decimal {
            Decimal::Point => text,
            Decimal::Comma => text.replace('.', ","),
        }
    }

    /// Writes a header and rows; the cells of the columns in `numeric` are numbers.
    #[allow(clippy::expect_used)] // writes to memory, from `String` cells: cannot fail
    pub(crate) fn write<I, R>(&self, header: &[&str], rows: I, numeric: &[bool]) -> String
    where
        I: IntoIterator<Item = R>,
        R: IntoIterator<Item = String>,
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(self.sep)
            .from_writer(Vec::new());
        w.write_record(header).expect("writing to memory");
        for row in rows {
            let cells = row.into_iter().enumerate().map(|(j, cell)| {
                if numeric.get(j).copied().unwrap_or(false) {
                    self.number(cell)
                } else {
                    cell
                }
            });
            w.write_record(cells).expect("writing to memory");
        }
        let body = String::from_utf8(w.into_inner().expect("writing to memory"))
            .expect("CSV of UTF-8 text");
        if self.bom {
            format!("\u{feff}{body}")
        } else {
            body
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_excel_writes_semicolons_commas_and_a_bom() {
        let d = CsvDialect::dutch_excel();
        let out = d.write(
            &["a", "b"],
            [vec!["x.y".to_string(), "0.5".to_string()]],
            &[false, true],
        );
        assert_eq!(out, "\u{feff}a;b\nx.y;0,5\n");
    }

    #[test]
    fn ambiguous_dialects_are_refused() {
        assert!(CsvDialect::new(",", Decimal::Comma, false).is_err());
        assert!(CsvDialect::new(";;", Decimal::Comma, false).is_err());
        assert!(CsvDialect::new("\"", Decimal::Point, false).is_err());
        assert!(CsvDialect::new("\t", Decimal::Comma, true).is_ok());
    }
}
