//! Reports to Excel (issue 10): the registry's numbers as `.xlsx` and `.csv` files that HR and
//! leadership open in Excel, and the empty sheets HR fill in for the import.
//!
//! A report is a [`Table`]: a sheet name, [`Column`]s with their Chinese label, width and
//! [`Kind`], and rows of typed [`Value`]s. The tables are built from the same service functions
//! the GraphQL queries call, with the caller's [`Actor`](crate::domain::Actor), so an export
//! checks permissions and counts exactly as the matching query does; nothing here counts rows.
//! A [`Writer`] then lays a table out as xlsx or CSV, one row at a time, so the teachers list
//! is written page by page instead of being held whole.
//!
//! - [`params`]: what an export asks (`asOf`, `groupBy`…) as text, parsed into the services'
//!   requests with the API's field names in every refusal.
//! - [`exports`]: the four reports — key-teacher counts, teachers, target progress, balanced
//!   development.
//!   The balance form and the paged teachers list have a file each.
//! - [`to_xlsx`], [`to_csv`]: the two writers.
//! - [`templates`]: the import's empty sheets, their headers taken from `crate::sheet`.

mod balance;
pub mod exports;
pub mod params;
mod teachers;
pub mod templates;
pub mod to_csv;
pub mod to_xlsx;

use chrono::NaiveDate;

use crate::error::{Error, Result};

pub use exports::{Export, Report, export};
pub use params::ExportParams;

/// What a column holds, which decides how a writer shows it (a date as a date cell, a decimal
/// with a display format that rounds only what is shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    Decimal,
    Date,
}

/// One column of a report: its Chinese header, its width in Excel's character units, and what
/// it holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    pub label: &'static str,
    pub width: f64,
    pub kind: Kind,
}

/// A shorthand for the column lists of the reports.
pub const fn column(label: &'static str, width: f64, kind: Kind) -> Column {
    Column { label, width, kind }
}

/// One cell of a report, typed so that xlsx gets numbers and dates rather than text.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Integer(i64),
    /// Unrounded, as the domain reports values; only the xlsx display format rounds.
    Decimal(f64),
    Date(NaiveDate),
}

impl Value {
    /// Text from anything printable, for the many label cells.
    pub fn text(text: impl Into<String>) -> Value {
        Value::Text(text.into())
    }

    /// An optional date: empty when there is none.
    pub fn date(date: Option<NaiveDate>) -> Value {
        date.map_or(Value::Empty, Value::Date)
    }
}

/// A whole report: small enough to hold (counts, progress, balance); the teachers list goes
/// through a [`Writer`] page by page instead.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The sheet's name in the workbook (Excel allows 31 characters).
    pub sheet: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
}

/// The two file formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// From a file extension or the `--format` flag (`csv`, `xlsx`, any letter case).
    pub fn parse(text: &str) -> Result<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            other => Err(Error::invalid(
                "format",
                format!("must be csv or xlsx, not {other:?}"),
            )),
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// The HTTP Content-Type; CSV says UTF-8 for the tools that read the header, not a BOM.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// Writes one sheet in either format, a row at a time. Both writers are boxed: they are
/// large and a writer is made once per file.
pub enum Writer {
    Csv(Box<to_csv::CsvWriter>),
    Xlsx(Box<to_xlsx::XlsxWriter>),
}

impl Writer {
    /// Starts a file with its header row.
    pub fn new(format: Format, sheet: &str, columns: &[Column]) -> Result<Writer> {
        Ok(match format {
            Format::Csv => Writer::Csv(Box::new(to_csv::CsvWriter::new(columns)?)),
            Format::Xlsx => Writer::Xlsx(Box::new(to_xlsx::XlsxWriter::new(sheet, columns)?)),
        })
    }

    /// Adds one row below the last.
    pub fn row(&mut self, cells: &[Value]) -> Result<()> {
        match self {
            Writer::Csv(w) => w.row(cells),
            Writer::Xlsx(w) => w.row(cells),
        }
    }

    /// The finished file's bytes.
    pub fn finish(self) -> Result<Vec<u8>> {
        match self {
            Writer::Csv(w) => w.finish(),
            Writer::Xlsx(w) => w.finish(),
        }
    }
}

/// A whole table as a file.
pub fn write_table(format: Format, table: &Table) -> Result<Vec<u8>> {
    let mut writer = Writer::new(format, table.sheet, &table.columns)?;
    for row in &table.rows {
        writer.row(row)?;
    }
    writer.finish()
}

/// A writer's failure is ours, not the caller's: logged with its cause, shown as INTERNAL.
pub(crate) fn write_failed(e: impl std::fmt::Display) -> Error {
    Error::internal(format!("cannot write the report: {e}"))
}
