//! The header row: which column holds which field, found by its Chinese name or the API's
//! field name, in any order; and [`Fields`], through which a row type reads its cells and
//! reports every bad one instead of stopping at the first.

use super::cell::Cell;
use super::{Problem, SheetError};
use crate::domain::Invalid;

/// A column a sheet kind knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The API's field name (camelCase), also accepted as a header.
    pub field: &'static str,
    /// The Chinese header HR write.
    pub label: &'static str,
    /// Required where the matching GraphQL input requires the field non-null.
    pub required: bool,
}

/// Where each known column sits in the file, and the header as the file wrote it.
#[derive(Debug, Clone)]
pub struct Header {
    /// Per known column (in the kind's order): its position in the file and its written name.
    found: Vec<(&'static str, usize, String)>,
    /// Headers that name no known column, as written.
    pub unknown: Vec<String>,
}

impl Header {
    /// Matches a header row against a kind's columns. Missing required columns and columns
    /// named twice are refused here, before any row is read.
    pub fn resolve(columns: &[Column], cells: &[Cell]) -> Result<Header, SheetError> {
        let mut found: Vec<(&'static str, usize, String)> = Vec::new();
        let mut unknown = Vec::new();
        let mut twice = Vec::new();
        for (position, cell) in cells.iter().enumerate() {
            // A UTF-8 BOM may survive on the first header when a tool wrote it twice.
            let written = cell
                .text()
                .trim()
                .trim_start_matches('\u{FEFF}')
                .trim()
                .to_owned();
            if written.is_empty() {
                continue;
            }
            let known = columns
                .iter()
                .find(|c| c.label == written || c.field.eq_ignore_ascii_case(&written));
            match known {
                Some(c) if found.iter().any(|(f, _, _)| *f == c.field) => twice.push(written),
                Some(c) => found.push((c.field, position, written)),
                None => unknown.push(written),
            }
        }
        if !twice.is_empty() {
            return Err(SheetError::DuplicateColumns(twice));
        }
        let missing: Vec<String> = columns
            .iter()
            .filter(|c| c.required && !found.iter().any(|(f, _, _)| *f == c.field))
            .map(|c| format!("{} ({})", c.label, c.field))
            .collect();
        if !missing.is_empty() {
            return Err(SheetError::MissingColumns(missing));
        }
        Ok(Header { found, unknown })
    }

    /// The header of a field's column as the file wrote it, for a problem the service finds.
    pub fn written<'a>(&'a self, field: &'a str) -> &'a str {
        self.find(field).map_or(field, |(_, written)| written)
    }

    fn find(&self, field: &str) -> Option<(usize, &str)> {
        self.found
            .iter()
            .find(|(f, _, _)| *f == field)
            .map(|(_, position, written)| (*position, written.as_str()))
    }
}

/// One data row being read: hands out parsed cells by field name and keeps every problem.
pub struct Fields<'a> {
    header: &'a Header,
    cells: &'a [Cell],
    row: u32,
    problems: Vec<Problem>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(header: &'a Header, cells: &'a [Cell], row: u32) -> Self {
        Fields {
            header,
            cells,
            row,
            problems: Vec::new(),
        }
    }

    /// The row number as Excel shows it.
    pub fn row(&self) -> u32 {
        self.row
    }

    /// A field that may be left empty (or whose column may be absent): `None` when empty, and
    /// also when it does not parse, with the problem kept.
    pub fn optional<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&Cell) -> Result<T, Invalid>,
    ) -> Option<T> {
        let (position, written) = self.header.find(field)?;
        let cell = self.cells.get(position).unwrap_or(&Cell::Empty);
        if cell.is_empty() {
            return None;
        }
        match parse(cell) {
            Ok(value) => Some(value),
            Err(reason) => {
                let problem = Problem {
                    row: self.row,
                    column: written.to_owned(),
                    value: cell.text(),
                    reason: reason.0,
                };
                self.problems.push(problem);
                None
            }
        }
    }

    /// A field that must be given: an empty cell is a problem too, in the API's words.
    pub fn required<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&Cell) -> Result<T, Invalid>,
    ) -> Option<T> {
        let (position, written) = self.header.find(field)?;
        let empty = self.cells.get(position).is_none_or(Cell::is_empty);
        if empty {
            let problem = Problem {
                row: self.row,
                column: written.to_owned(),
                value: String::new(),
                reason: "must not be empty".to_owned(),
            };
            self.problems.push(problem);
            return None;
        }
        self.optional(field, parse)
    }

    /// The problems found so far, leaving none behind.
    pub fn take_problems(&mut self) -> Vec<Problem> {
        std::mem::take(&mut self.problems)
    }
}

/// A text field read through a domain parser (`Label::parse`, `StaffNo::parse`…), which
/// cleans it the same way as the API does.
pub fn via<T>(parse: fn(&str) -> Result<T, Invalid>) -> impl Fn(&Cell) -> Result<T, Invalid> {
    move |cell| parse(&cell.text())
}
