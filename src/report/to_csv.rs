//! CSV for Excel: UTF-8 with a byte-order mark, without which Excel on a Chinese Windows reads
//! the file as GBK and shows every header garbled. Dates are written `YYYY-MM-DD` (Excel
//! recognises them as dates), decimals unrounded.

use super::{Column, Value, write_failed};
use crate::error::Result;

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV file being written into memory.
pub struct CsvWriter {
    inner: csv::Writer<Vec<u8>>,
}

impl CsvWriter {
    /// Starts the file: the BOM, then the header row of Chinese labels.
    pub fn new(columns: &[Column]) -> Result<CsvWriter> {
        let mut inner = csv::Writer::from_writer(BOM.to_vec());
        inner
            .write_record(columns.iter().map(|c| c.label))
            .map_err(write_failed)?;
        Ok(CsvWriter { inner })
    }

    pub fn row(&mut self, cells: &[Value]) -> Result<()> {
        self.inner
            .write_record(cells.iter().map(field))
            .map_err(write_failed)
    }

    pub fn finish(self) -> Result<Vec<u8>> {
        self.inner.into_inner().map_err(write_failed)
    }
}

/// One cell as CSV text.
fn field(value: &Value) -> String {
    match value {
        Value::Empty => String::new(),
        Value::Text(t) => defused(t),
        Value::Integer(n) => n.to_string(),
        Value::Decimal(x) => x.to_string(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
    }
}

/// Text that Excel would run as a formula (`=`, `+`, `-`, `@` first) gets a leading apostrophe,
/// which Excel shows as text: a school name typed as `=HYPERLINK(…)` stays a name.
fn defused(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Kind, column};

    #[test]
    fn starts_with_the_bom_and_writes_typed_cells() {
        let columns = [
            column("学校", 10.0, Kind::Text),
            column("人数", 8.0, Kind::Integer),
            column("值", 8.0, Kind::Decimal),
            column("日期", 8.0, Kind::Date),
        ];
        let mut w = CsvWriter::new(&columns).unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        w.row(&[
            Value::text("东城, 中小学"),
            Value::Integer(12),
            Value::Decimal(0.5),
            Value::Date(day),
        ])
        .unwrap();
        w.row(&[
            Value::text("=1+1"),
            Value::Empty,
            Value::Empty,
            Value::Empty,
        ])
        .unwrap();
        let bytes = w.finish().unwrap();
        assert!(bytes.starts_with(BOM));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(
            text,
            "学校,人数,值,日期\n\"东城, 中小学\",12,0.5,2025-12-31\n'=1+1,,,\n"
        );
    }
}
