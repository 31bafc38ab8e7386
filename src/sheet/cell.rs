//! One cell as the sheet gave it, and the parsers that turn it into a value of the registry.
//!
//! Both formats become the same [`Cell`]: a CSV field is always text, an xlsx cell may also be
//! a number or a date. The parsers accept either where HR's sheets hold either (a staff number
//! typed as a number, a date typed as text), so the format does not change what is accepted.

use chrono::{Days, NaiveDate};

use crate::domain::training::Tenths;
use crate::domain::{Invalid, Stage};

/// A cell's value before it is parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
}

impl Cell {
    /// Blank cells and cells of spaces count as empty, as they look empty in Excel.
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, as a problem report shows it and as text fields read it.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            // Excel stores 1001 typed in a cell as 1001.0; the staff number is "1001".
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        }
    }
}

const DATE_FORMS: &str = "must be a date: YYYY-MM-DD, YYYY/M/D or YYYY年M月D日";

/// The last day Excel can show (9999-12-31) as a serial number.
const LAST_EXCEL_SERIAL: f64 = 2_958_465.0;

/// A date: an Excel date cell, an Excel serial number, or text in one of [`DATE_FORMS`].
pub fn date(cell: &Cell) -> Result<NaiveDate, Invalid> {
    match cell {
        Cell::Date(d) => Ok(*d),
        Cell::Number(n) => serial_date(*n),
        other => text_date(other.text().trim()),
    }
}

/// Serials count days from 1899-12-30 (Excel's epoch, shifted by its 1900 leap-year bug);
/// serials before 61 (1900-03-01) land on that bug and no teacher was born then.
fn serial_date(serial: f64) -> Result<NaiveDate, Invalid> {
    if serial.fract() != 0.0 || !(61.0..=LAST_EXCEL_SERIAL).contains(&serial) {
        return Err(Invalid::new(DATE_FORMS));
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)
        .and_then(|epoch| epoch.checked_add_days(Days::new(serial as u64)))
        .ok_or_else(|| Invalid::new(DATE_FORMS))
}

fn text_date(text: &str) -> Result<NaiveDate, Invalid> {
    // An xlsx cell typed as an ISO date-time ("2024-09-01T00:00:00") keeps only its day.
    let text = text.split(['T', ' ']).next().unwrap_or_default();
    let (y, m, d) = split_date(text).ok_or_else(|| Invalid::new(DATE_FORMS))?;
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| Invalid(format!("{text} is not a day of the calendar")))
}

fn split_date(text: &str) -> Option<(i32, u32, u32)> {
    let (y, m, d) = if let Some((y, rest)) = text.split_once('年') {
        let (m, d) = rest.split_once('月')?;
        (y, m, d.strip_suffix('日')?)
    } else {
        let separator = if text.contains('/') { '/' } else { '-' };
        let mut parts = text.splitn(3, separator);
        (parts.next()?, parts.next()?, parts.next()?)
    };
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if y.len() != 4 || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return None;
    }
    Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?))
}

/// A whole number from a numeric cell or from text.
pub fn whole(cell: &Cell) -> Result<i32, Invalid> {
    let refusal = || Invalid::new("must be a whole number");
    match cell {
        Cell::Number(n)
            if n.fract() == 0.0 && (f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(n) =>
        {
            Ok(*n as i32)
        }
        Cell::Text(t) => t.trim().parse().map_err(|_| refusal()),
        _ => Err(refusal()),
    }
}

/// A training's hours (学时) from a numeric cell or from text, checked by the same
/// `Tenths::parse` as `recordTraining`'s `hours` (more than 0, one decimal at most).
pub fn hours(cell: &Cell) -> Result<Tenths, Invalid> {
    match cell {
        Cell::Number(n) => Tenths::parse(*n),
        Cell::Text(t) => {
            let n: f64 = t
                .trim()
                .parse()
                .map_err(|_| Invalid::new("must be a number of hours, such as 24 or 1.5"))?;
            Tenths::parse(n)
        }
        _ => Err(Invalid::new("must be a number of hours, such as 24 or 1.5")),
    }
}

/// A school year as the calendar year it starts in: `2024`, or `2024-2025` as HR write it
/// (also with `–`, `—` or `/`, and a trailing 学年).
pub fn school_year(cell: &Cell) -> Result<i32, Invalid> {
    let refusal = || Invalid::new("must be a year such as 2024 or 2024-2025");
    if let Cell::Number(_) = cell {
        return whole(cell).map_err(|_| refusal());
    }
    let text = cell.text();
    let text = text.trim().trim_end_matches("学年").trim();
    let Some((first, second)) = text.split_once(['-', '–', '—', '/']) else {
        return text.parse().map_err(|_| refusal());
    };
    let first: i32 = first.trim().parse().map_err(|_| refusal())?;
    let second: i32 = second.trim().parse().map_err(|_| refusal())?;
    // `checked_add`: the year after i32::MAX is no year (a plain `+ 1` overflows).
    if first.checked_add(1) != Some(second) {
        return Err(Invalid::new("the second year must follow the first"));
    }
    Ok(first)
}

/// The stages a school teaches: `小学;初中`, also separated by `；`, `、`, `,` or `，`.
pub fn stages(cell: &Cell) -> Result<Vec<Stage>, Invalid> {
    let mut stages = Vec::new();
    for part in cell.text().split([';', '；', '、', ',', '，']) {
        if part.trim().is_empty() {
            continue;
        }
        let stage = Stage::parse(part)?;
        if !stages.contains(&stage) {
            stages.push(stage);
        }
    }
    if stages.is_empty() {
        return Err(Invalid::new("must name at least one stage"));
    }
    Ok(stages)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Cell {
        Cell::Text(t.to_owned())
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_in_every_form_hr_types() {
        assert_eq!(date(&text("2024-09-01")), Ok(day(2024, 9, 1)));
        assert_eq!(date(&text("2024/9/1")), Ok(day(2024, 9, 1)));
        assert_eq!(date(&text(" 2024年9月1日 ")), Ok(day(2024, 9, 1)));
        assert_eq!(date(&text("2024-09-01T00:00:00")), Ok(day(2024, 9, 1)));
        // 45536 is 2024-09-01 as Excel counts.
        assert_eq!(date(&Cell::Number(45536.0)), Ok(day(2024, 9, 1)));
        assert_eq!(date(&Cell::Date(day(1990, 1, 2))), Ok(day(1990, 1, 2)));
    }

    #[test]
    fn dates_that_are_not_refused_with_the_forms() {
        assert_eq!(date(&text("9/1/2024")).unwrap_err().0, DATE_FORMS);
        assert_eq!(date(&text("2024.9.1")).unwrap_err().0, DATE_FORMS);
        assert_eq!(date(&Cell::Number(45536.5)).unwrap_err().0, DATE_FORMS);
        assert!(
            date(&text("2023-02-29"))
                .unwrap_err()
                .0
                .contains("calendar")
        );
    }

    #[test]
    fn numbers_and_school_years() {
        assert_eq!(whole(&Cell::Number(420.0)), Ok(420));
        assert_eq!(whole(&text(" 420 ")), Ok(420));
        assert!(whole(&Cell::Number(4.5)).is_err());
        assert!(whole(&text("四百")).is_err());
        assert_eq!(school_year(&Cell::Number(2024.0)), Ok(2024));
        assert_eq!(school_year(&text("2024-2025学年")), Ok(2024));
        assert_eq!(school_year(&text("2024—2025")), Ok(2024));
        assert!(school_year(&text("2024-2026")).is_err());
    }

    #[test]
    fn stages_with_every_separator() {
        assert_eq!(
            stages(&text("小学;初中")),
            Ok(vec![Stage::Primary, Stage::Junior])
        );
        assert_eq!(
            stages(&text("小学、初中")),
            Ok(vec![Stage::Primary, Stage::Junior])
        );
        assert_eq!(
            stages(&text("JUNIOR，小学")),
            Ok(vec![Stage::Junior, Stage::Primary])
        );
        assert_eq!(stages(&text("初中")), Ok(vec![Stage::Junior]));
        assert!(stages(&text("高中")).is_err());
    }

    #[test]
    fn numbers_read_as_text_lose_the_point_zero() {
        assert_eq!(Cell::Number(1001.0).text(), "1001");
        assert_eq!(Cell::Number(1.5).text(), "1.5");
    }

    #[test]
    fn the_last_school_year_has_no_successor() {
        // Found by `a_school_year_is_a_year_or_two_that_follow`: `first + 1` overflowed on the
        // import's request path (a panic in a debug build; in release "2147483647--2147483648"
        // read as a pair of years).
        assert!(school_year(&text("2147483647-0")).is_err());
        assert!(school_year(&text("2147483647--2147483648")).is_err());
    }

    mod properties {
        use super::super::*;
        use chrono::Datelike;
        use proptest::prelude::*;

        /// Any day with a four-digit year.
        fn day() -> impl Strategy<Value = NaiveDate> {
            let start = NaiveDate::from_ymd_opt(1000, 1, 1).unwrap();
            let days = (NaiveDate::from_ymd_opt(9999, 12, 31).unwrap() - start).num_days();
            (0..=days).prop_map(move |n| start + Days::new(n as u64))
        }

        fn cell() -> impl Strategy<Value = Cell> {
            prop_oneof![
                Just(Cell::Empty),
                any::<String>().prop_map(Cell::Text),
                "[ 0-9年月日/T:.-]{0,24}".prop_map(Cell::Text),
                any::<f64>().prop_map(Cell::Number),
                (-1e7f64..1e7).prop_map(|n| Cell::Number(n.trunc())),
                any::<bool>().prop_map(Cell::Bool),
            ]
        }

        proptest! {
            #[test]
            fn a_cell_never_panics_a_parser(cell in cell()) {
                let _ = cell.text();
                let _ = cell.is_empty();
                let _ = date(&cell);
                let _ = whole(&cell);
                let _ = school_year(&cell);
                let _ = stages(&cell);
            }

            // Every documented form of every day of years 1000-9999 reads as that day: ISO,
            // with slashes and with 年月日, leading zeros or not, padded, with a time after it.
            #[test]
            fn every_form_of_a_day_reads_as_that_day(d in day(), zeros in any::<bool>()) {
                let (y, m, dd) = (d.year(), d.month(), d.day());
                let md = |sep: &str| if zeros {
                    format!("{m:02}{sep}{dd:02}")
                } else {
                    format!("{m}{sep}{dd}")
                };
                for form in [
                    format!("{y}-{}", md("-")),
                    format!("{y}/{}", md("/")),
                    format!(" {y}年{}日 ", md("月")),
                    format!("{y}-{m:02}-{dd:02}T08:30:00"),
                    format!("{y}-{m:02}-{dd:02} 00:00:00"),
                ] {
                    prop_assert_eq!(date(&Cell::Text(form.clone())), Ok(d), "{}", form);
                }
                prop_assert_eq!(date(&Cell::Date(d)), Ok(d));
            }

            // Year, month and day as typed: read when they name a day, refused otherwise.
            #[test]
            fn numbers_that_name_no_day_are_refused(
                y in 1000i32..=9999,
                m in 0u32..=99,
                dd in 0u32..=99,
                sep in prop::sample::select(vec!["-", "/"]),
            ) {
                let text = format!("{y}{sep}{m}{sep}{dd}");
                prop_assert_eq!(date(&Cell::Text(text)).ok(), NaiveDate::from_ymd_opt(y, m, dd));
            }

            // Excel serials: whole numbers from 61 (1900-03-01) to 9999-12-31, counted from
            // 1899-12-30; anything else is refused.
            #[test]
            fn serials_count_days_from_excels_epoch(n in any::<f64>()) {
                let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
                let ok = n.fract() == 0.0 && (61.0..=LAST_EXCEL_SERIAL).contains(&n);
                let expected = ok.then(|| epoch + Days::new(n as u64));
                prop_assert_eq!(date(&Cell::Number(n)).ok(), expected);
            }

            #[test]
            fn whole_serials_read_back(n in 61u32..=2_958_465) {
                let d = date(&Cell::Number(f64::from(n))).unwrap();
                let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
                prop_assert_eq!((d - epoch).num_days(), i64::from(n));
            }

            #[test]
            fn a_school_year_is_a_year_or_two_that_follow(
                first in prop_oneof![any::<i32>(), Just(i32::MAX), 1990i32..2030],
                delta in prop_oneof![Just(1i32), -2i32..4, any::<i32>()],
            ) {
                // A leading '-' reads as the separator: years are not negative.
                let first = first.saturating_abs();
                let second = first.wrapping_add(delta);
                prop_assert_eq!(school_year(&Cell::Text(first.to_string())), Ok(first));
                let pair = format!("{first}-{second}学年");
                let follows = first.checked_add(1) == Some(second);
                prop_assert_eq!(school_year(&Cell::Text(pair)).ok(), follows.then_some(first));
            }
        }
    }
}
