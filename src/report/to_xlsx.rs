//! xlsx as HR expect a report to look: Chinese headers in a bold, shaded first row that stays
//! in view (frozen) with a filter on it, columns wide enough for their content, dates as date
//! cells, decimals stored unrounded with a display format that rounds.

use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet};

use super::{Column, Value, write_failed};
use crate::error::{Error, Result};

/// Excel's last row (1,048,576), counted from 0.
const LAST_ROW: u32 = 1_048_575;

/// The header row's look, shared with the import templates.
pub fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border_bottom(FormatBorder::Thin)
}

/// How dates show: as HR write them.
pub fn date_format() -> Format {
    Format::new().set_num_format("yyyy-mm-dd")
}

/// A date as Excel's date value.
pub fn excel_date(date: chrono::NaiveDate) -> Result<ExcelDateTime> {
    use chrono::Datelike;
    let year = u16::try_from(date.year()).map_err(write_failed)?;
    // Month and day always fit a byte.
    ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8).map_err(write_failed)
}

/// A one-sheet workbook being written.
pub struct XlsxWriter {
    workbook: Workbook,
    sheet: Worksheet,
    columns: usize,
    next_row: u32,
    date: Format,
    decimal: Format,
}

impl XlsxWriter {
    /// Starts the sheet: its name, the header row, widths, the frozen first row.
    pub fn new(name: &str, columns: &[Column]) -> Result<XlsxWriter> {
        let mut sheet = Worksheet::new();
        sheet.set_name(name).map_err(write_failed)?;
        let header = header_format();
        for (i, c) in columns.iter().enumerate() {
            let col = col_num(i)?;
            sheet
                .write_string_with_format(0, col, c.label, &header)
                .map_err(write_failed)?;
            sheet.set_column_width(col, c.width).map_err(write_failed)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(write_failed)?;
        Ok(XlsxWriter {
            workbook: Workbook::new(),
            sheet,
            columns: columns.len(),
            next_row: 1,
            date: date_format(),
            decimal: Format::new().set_num_format("0.000"),
        })
    }

    pub fn row(&mut self, cells: &[Value]) -> Result<()> {
        if self.next_row > LAST_ROW {
            return Err(Error::Limit {
                limit: "xlsx-rows",
                message: format!("an xlsx sheet holds at most {LAST_ROW} rows; export as csv"),
            });
        }
        let row = self.next_row;
        for (i, value) in cells.iter().enumerate() {
            let col = col_num(i)?;
            let s = &mut self.sheet;
            match value {
                Value::Empty => continue,
                Value::Text(t) => s.write_string(row, col, t),
                Value::Integer(n) => s.write_number(row, col, *n as f64),
                Value::Decimal(x) => s.write_number_with_format(row, col, *x, &self.decimal),
                Value::Date(d) => s.write_date_with_format(row, col, excel_date(*d)?, &self.date),
            }
            .map_err(write_failed)?;
        }
        self.next_row += 1;
        Ok(())
    }

    pub fn finish(mut self) -> Result<Vec<u8>> {
        if self.columns > 0 {
            let last_col = col_num(self.columns - 1)?;
            self.sheet
                .autofilter(0, 0, self.next_row - 1, last_col)
                .map_err(write_failed)?;
        }
        self.workbook.push_worksheet(self.sheet);
        self.workbook.save_to_buffer().map_err(write_failed)
    }
}

/// A column index as Excel's (at most 16,384 columns; ours have a dozen).
pub fn col_num(i: usize) -> Result<u16> {
    u16::try_from(i).map_err(write_failed)
}
