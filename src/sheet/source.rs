//! Where rows come from: the format told by the zip magic or the file name, CSV decoded from
//! UTF-8 or GB18030, xlsx's first worksheet; each row numbered as Excel shows it.
//!
//! CSV is read one record at a time, so beyond the file's own bytes memory does not grow with
//! the file. An xlsx worksheet is streamed cell by cell too ([`super::xlsx`]).

use encoding_rs::{Encoding, GB18030, UTF_8};

use super::SheetError;
use super::cell::Cell;
use super::xlsx::XlsxRows;

/// A spreadsheet format the import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

impl Format {
    /// The zip magic says xlsx whatever the name; otherwise the extension decides.
    pub fn detect(file_name: &str, bytes: &[u8]) -> Result<Format, SheetError> {
        if bytes.starts_with(ZIP_MAGIC) {
            return Ok(Format::Xlsx);
        }
        let extension = file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase());
        match extension.as_deref() {
            Some("csv") => Ok(Format::Csv),
            // Named .xlsx but not a zip: calamine would only say "invalid zip header".
            Some("xlsx") => Err(SheetError::Unreadable(
                "the file is not an xlsx workbook".into(),
            )),
            _ => Err(SheetError::UnknownFormat(file_name.to_owned())),
        }
    }
}

/// One non-empty row: its number as Excel shows it and its cells.
pub type Numbered = (u32, Vec<Cell>);

/// The rows of a file, header first.
pub enum Source<'a> {
    Csv(CsvRows<'a>),
    Xlsx(XlsxRows),
}

impl<'a> Source<'a> {
    pub fn open(format: Format, bytes: &'a [u8]) -> Result<Source<'a>, SheetError> {
        match format {
            Format::Csv => Ok(Source::Csv(CsvRows::new(bytes))),
            Format::Xlsx => XlsxRows::new(bytes).map(Source::Xlsx),
        }
    }

    /// About how many rows the file holds, header included, for a progress bar: exact for
    /// xlsx, the line count for CSV.
    pub fn rows_hint(&self) -> u64 {
        match self {
            Source::Csv(rows) => rows.lines,
            Source::Xlsx(rows) => rows.rows_hint(),
        }
    }

    /// The next row that is not empty, or a reason the file cannot be read further.
    pub fn next_row(&mut self) -> Option<Result<Numbered, SheetError>> {
        loop {
            let next = match self {
                Source::Csv(rows) => rows.next_row(),
                Source::Xlsx(rows) => rows.next_row(),
            };
            match next {
                Some(Ok((_, cells))) if cells.iter().all(Cell::is_empty) => continue,
                other => return other,
            }
        }
    }
}

/// CSV records, decoded field by field.
pub struct CsvRows<'a> {
    reader: csv::Reader<&'a [u8]>,
    encoding: &'static Encoding,
    bytes: &'a [u8],
    record: csv::ByteRecord,
    /// Blank lines the csv reader skipped so far: Excel shows them as rows.
    blank_lines: u64,
    /// The file's lines, counted once when it is opened: the progress bar asks every chunk.
    lines: u64,
    records: u64,
}

impl<'a> CsvRows<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        // Valid UTF-8 is UTF-8; anything else is what Excel in China writes, GB18030 (a
        // superset of GBK). Its multi-byte sequences never contain `,`, `"` or a line break,
        // so splitting raw bytes into fields before decoding them is safe.
        let (bytes, encoding) = match bytes.strip_prefix(UTF8_BOM) {
            Some(rest) => (rest, UTF_8),
            None if std::str::from_utf8(bytes).is_ok() => (bytes, UTF_8),
            None => (bytes, GB18030),
        };
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        CsvRows {
            reader,
            encoding,
            bytes,
            record: csv::ByteRecord::new(),
            blank_lines: 0,
            lines: bytes.iter().filter(|b| **b == b'\n').count() as u64 + 1,
            records: 0,
        }
    }

    fn next_row(&mut self) -> Option<Result<Numbered, SheetError>> {
        let from = usize::try_from(self.reader.position().byte()).unwrap_or(usize::MAX);
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => return None,
            Ok(true) => {}
            Err(e) => return Some(Err(SheetError::Unreadable(e.to_string()))),
        }
        self.blank_lines += self.blank_lines_at(from);
        self.records += 1;
        let row = u32::try_from(self.records + self.blank_lines).unwrap_or(u32::MAX);
        let cells = self
            .record
            .iter()
            .map(|field| {
                let (text, _) = self.encoding.decode_without_bom_handling(field);
                Cell::Text(text.into_owned())
            })
            .collect();
        Some(Ok((row, cells)))
    }

    /// The blank lines the csv reader skips from `from` on without reporting them. A `\n`
    /// right after the previous record's `\r` ends that record and is no blank line.
    fn blank_lines_at(&self, from: usize) -> u64 {
        let rest = self.bytes.get(from..).unwrap_or_default();
        let after_cr = from > 0 && self.bytes.get(from - 1) == Some(&b'\r');
        let mut i = usize::from(after_cr && rest.first() == Some(&b'\n'));
        let mut lines = 0;
        while let Some(b) = rest.get(i).filter(|b| matches!(b, b'\r' | b'\n')) {
            i += if *b == b'\r' && rest.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            lines += 1;
        }
        lines
    }
}
