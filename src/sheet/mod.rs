//! Reading HR's spreadsheets into typed rows: the first step of the bulk import (issue 10),
//! with no database in sight.
//!
//! [`read`] takes a file's name and bytes (xlsx, or CSV in UTF-8 or GB18030) and checks the
//! header row against a [`SheetRow`] kind: unknown columns are listed, missing required ones
//! refused before any row is read. The [`Sheet`] then yields one row at a time, each either a
//! typed value or every [`Problem`] of that row, so a caller can collect all problems of a
//! file in one pass without holding its rows.
//!
//! - [`cell`]: one cell and the parsers for dates, numbers, school years and stages.
//! - [`columns`]: the header's columns and [`Fields`], which reads a row's cells.
//! - [`rows`]: the five kinds — schools, teachers, designations, enrollments, training records.
//! - [`source`]: format detection, decoding, numbering rows as Excel shows them.
//! - `xlsx`: a workbook's first worksheet streamed row by row, within bounds.

pub mod cell;
pub mod columns;
pub mod rows;
pub mod source;
#[cfg(test)]
mod tests;
mod xlsx;

use std::marker::PhantomData;

pub use cell::Cell;
pub use columns::{Column, Fields, Header};
pub use rows::{DesignationRow, EnrollmentRow, SchoolRow, SheetRow, TeacherRow, TrainingRow};
pub use source::Format;

use source::Source;

/// A bad cell: where it is as Excel shows it, what it held, and why it was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The row as Excel numbers it: the header is row 1.
    pub row: u32,
    /// The column's header as the file wrote it.
    pub column: String,
    /// The cell as text.
    pub value: String,
    /// In the same words as the API's validation.
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "row {}, {} {:?}: {}",
            self.row, self.column, self.value, self.reason
        )
    }
}

/// Why a file cannot be read at all (as opposed to a bad row).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("cannot tell the format of {0:?}: expected an .xlsx or .csv file")]
    UnknownFormat(String),
    #[error("the file cannot be read: {0}")]
    Unreadable(String),
    #[error("the sheet has no header row")]
    NoHeader,
    #[error("missing required columns: {}", .0.join(", "))]
    MissingColumns(Vec<String>),
    #[error("columns named more than once: {}", .0.join(", "))]
    DuplicateColumns(Vec<String>),
}

/// A row read without a problem, with its number as Excel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered<T> {
    pub row: u32,
    pub value: T,
}

/// An opened sheet whose header has been checked; iterate it for the rows.
pub struct Sheet<'a, T> {
    /// The format the file was read as.
    pub format: Format,
    /// The header as found: positions of the known columns and the unknown ones (a warning).
    pub header: Header,
    source: Source<'a>,
    /// The last row read, so that a file breaking off is reported on the row after it.
    last_row: u32,
    done: bool,
    kind: PhantomData<T>,
}

/// Opens a file of kind `T` and checks its header row.
pub fn read<'a, T: SheetRow>(file_name: &str, bytes: &'a [u8]) -> Result<Sheet<'a, T>, SheetError> {
    let format = Format::detect(file_name, bytes)?;
    let mut source = Source::open(format, bytes)?;
    let (_, header_cells) = source.next_row().ok_or(SheetError::NoHeader)??;
    let header = Header::resolve(T::COLUMNS, &header_cells)?;
    Ok(Sheet {
        format,
        header,
        source,
        last_row: 1,
        done: false,
        kind: PhantomData,
    })
}

impl<T> Sheet<'_, T> {
    /// Headers that name no column of this kind, as written: their cells are ignored.
    pub fn unknown_columns(&self) -> &[String] {
        &self.header.unknown
    }

    /// About how many data rows the file holds, for a progress bar.
    pub fn rows_hint(&self) -> u64 {
        self.source.rows_hint().saturating_sub(1)
    }
}

impl<T: SheetRow> Iterator for Sheet<'_, T> {
    /// A row, or every problem in it. A file that breaks off mid-way (a CSV quote never
    /// closed) gives one last problem and ends.
    type Item = Result<Numbered<T>, Vec<Problem>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let (row, cells) = match self.source.next_row()? {
            Ok(numbered) => numbered,
            Err(e) => {
                self.done = true;
                let problem = Problem {
                    row: self.last_row.saturating_add(1),
                    column: String::new(),
                    value: String::new(),
                    reason: e.to_string(),
                };
                return Some(Err(vec![problem]));
            }
        };
        self.last_row = row;
        let mut fields = Fields::new(&self.header, &cells, row);
        let value = T::read(&mut fields);
        let problems = fields.take_problems();
        match value {
            Some(value) if problems.is_empty() => Some(Ok(Numbered { row, value })),
            _ => Some(Err(problems)),
        }
    }
}
