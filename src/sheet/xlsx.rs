//! A workbook's first worksheet, row by row, within bounds a hostile file cannot pass.
//!
//! calamine's `worksheet_range` allocates the rectangle from the first used cell to the last:
//! a 10 KB workbook with cells in A1 and XFD1048576 asks for 17 billion cells and aborts the
//! process. So the worksheet is streamed instead (`worksheet_cells_reader`), on a thread of its
//! own that owns the workbook (the reader borrows it), sending rows through a small bounded
//! channel: memory holds a few hundred rows whatever the sheet's size, and the thread stops
//! when the reader is dropped. Before that, every part of the zip is unpacked once into
//! nothing, counting: a workbook whose parts unpack to more than [`MAX_UNPACKED_BYTES`] (a zip
//! bomb; calamine loads the shared strings whole) is refused. Cells right of
//! [`MAX_COLUMNS`] are ignored: the widest sheet has eleven columns.

use std::io::{Cursor, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;

use super::SheetError;
use super::cell::Cell;
use super::source::Numbered;

/// What the parts of a workbook may unpack to, together. A 50,000-row teachers sheet is about
/// 20 MiB of XML; this leaves room for ten times that.
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;
/// Columns read from the left; cells beyond are ignored.
pub const MAX_COLUMNS: u32 = 256;
/// Rows parsed ahead of the import.
const ROWS_AHEAD: usize = 256;

/// The rows of the first worksheet, parsed on their own thread.
pub struct XlsxRows {
    /// Behind a lock only so that a sheet may be shared across an import's awaits (a
    /// receiver is not `Sync`); one reader takes rows from it.
    rows: Mutex<Receiver<Result<Numbered, SheetError>>>,
    /// The worksheet's declared height, once the thread has read it.
    height: Arc<AtomicU64>,
}

impl XlsxRows {
    pub fn new(bytes: &[u8]) -> Result<Self, SheetError> {
        check_unpacked(bytes, MAX_UNPACKED_BYTES)?;
        // The thread needs the bytes for as long as it runs; the upload limit bounds the copy.
        let owned = bytes.to_vec();
        let (send, rows) = sync_channel(ROWS_AHEAD);
        let height = Arc::new(AtomicU64::new(0));
        let told = height.clone();
        std::thread::Builder::new()
            .name("xlsx-reader".into())
            .spawn(move || {
                if let Err(e) = stream(owned, &send, &told) {
                    // The reader may be gone already: then nobody needs to know.
                    let _ = send.send(Err(e));
                }
            })
            .map_err(|e| SheetError::Unreadable(format!("cannot start the reader: {e}")))?;
        Ok(XlsxRows {
            rows: Mutex::new(rows),
            height,
        })
    }

    /// The next row with a cell, or a reason the file cannot be read further; `None` at the end.
    pub fn next_row(&mut self) -> Option<Result<Numbered, SheetError>> {
        let rows = self
            .rows
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        rows.recv().ok()
    }

    /// Rows as the worksheet declares them (0 until known), header included.
    pub fn rows_hint(&self) -> u64 {
        self.height.load(Ordering::Relaxed)
    }
}

fn unreadable(e: impl std::fmt::Display) -> SheetError {
    SheetError::Unreadable(e.to_string())
}

/// Unpacks every part into nothing, counting, and refuses a workbook that unpacks to more
/// than `limit` bytes. The sizes a zip declares may lie, so the bytes are counted.
fn check_unpacked(bytes: &[u8], limit: u64) -> Result<(), SheetError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let mut left = limit;
    for i in 0..archive.len() {
        let part = archive.by_index(i).map_err(unreadable)?;
        let read =
            std::io::copy(&mut part.take(left + 1), &mut std::io::sink()).map_err(unreadable)?;
        if read > left {
            return Err(SheetError::Unreadable(format!(
                "the workbook unpacks to more than {} MiB",
                limit / 1024 / 1024
            )));
        }
        left -= read;
    }
    Ok(())
}

/// Reads the first worksheet's cells in file order and sends each row once its last cell is
/// read. Stops quietly when the receiver is gone.
fn stream(
    bytes: Vec<u8>,
    send: &SyncSender<Result<Numbered, SheetError>>,
    height: &AtomicU64,
) -> Result<(), SheetError> {
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let Some(name) = workbook.sheet_names().into_iter().next() else {
        return Ok(());
    };
    let mut cells = workbook.worksheet_cells_reader(&name).map_err(unreadable)?;
    height.store(u64::from(cells.dimensions().end.0) + 1, Ordering::Relaxed);
    let mut row: Option<(u32, Vec<Cell>)> = None;
    while let Some(next) = cells.next_cell().map_err(unreadable)? {
        let (r, c) = next.get_position();
        if c >= MAX_COLUMNS {
            continue;
        }
        let value = cell(next.get_value());
        if value.is_empty() {
            continue;
        }
        if row.as_ref().is_some_and(|(at, _)| *at != r)
            && let Some(done) = row.take()
            && send.send(Ok(numbered(done))).is_err()
        {
            return Ok(());
        }
        let (_, values) = row.get_or_insert_with(|| (r, Vec::new()));
        let c = c as usize;
        if values.len() <= c {
            values.resize(c + 1, Cell::Empty);
        }
        values[c] = value;
    }
    if let Some(done) = row {
        let _ = send.send(Ok(numbered(done)));
    }
    Ok(())
}

/// A row numbered as Excel shows it (from 1).
fn numbered((r, cells): (u32, Vec<Cell>)) -> Numbered {
    (r.saturating_add(1), cells)
}

fn cell(data: &DataRef<'_>) -> Cell {
    match data {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Cell::Text(s.clone())
        }
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
                .map_or(Cell::Number(dt.as_f64()), Cell::Date)
        }
        DataRef::DateTime(dt) => Cell::Number(dt.as_f64()),
        DataRef::Error(e) => Cell::Text(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use rust_xlsxwriter::Workbook;

    use super::*;

    /// A header in A1 and one stray cell in the last cell Excel has: calamine's range would
    /// be 17 billion cells; streamed, it is two rows, the stray cell beyond the columns read.
    #[test]
    fn a_cell_in_the_far_corner_costs_nothing() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "学校").unwrap();
        sheet.write_string(2, 1, "琴江小学").unwrap();
        sheet.write_string(1_048_575, 16_383, "x").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let mut rows = XlsxRows::new(&bytes).unwrap();
        let mut got = Vec::new();
        while let Some(row) = rows.next_row() {
            got.push(row.unwrap());
        }
        assert_eq!(
            got,
            vec![
                (1, vec![Cell::Text("学校".into())]),
                (3, vec![Cell::Empty, Cell::Text("琴江小学".into())]),
            ]
        );
        assert_eq!(rows.rows_hint(), 1_048_576);
    }

    /// What a workbook unpacks to is counted, not taken from the zip's word.
    #[test]
    fn a_workbook_that_unpacks_too_far_is_refused() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        for r in 0..2_000 {
            sheet.write_string(r, 0, "一行又一行的同样的文字").unwrap();
        }
        let bytes = workbook.save_to_buffer().unwrap();
        assert_eq!(check_unpacked(&bytes, 10 * 1024 * 1024), Ok(()));
        assert_eq!(
            check_unpacked(&bytes, 1024 * 1024 / 8),
            Err(SheetError::Unreadable(
                "the workbook unpacks to more than 0 MiB".into()
            ))
        );
    }
}
