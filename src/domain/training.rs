//! Training records and cycles (counting rules 9 and 10 of the domain page), free of I/O.
//!
//! Hours are kept as whole tenths of an hour (rule 9 allows one decimal), so that sums in the
//! database are exact integers and `72 × owed years` compares without rounding.

use chrono::{Datelike, NaiveDate};

use super::{Invalid, Level, rules};

/// The most hours a training may count per calendar day it lasted (rule 9).
pub const MAX_HOURS_PER_DAY: i64 = 10;
/// Hours owed per full cycle year, and at most per cycle (rule 10).
pub const HOURS_PER_YEAR: i64 = 72;
pub const HOURS_PER_CYCLE: i64 = 360;
/// Years in a cycle, and the first year of the first one (2021–2025).
pub const CYCLE_YEARS: i32 = 5;
pub const FIRST_CYCLE_START: i32 = 2021;

/// Hours of one training record, in tenths: more than 0, one decimal at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tenths(i64);

impl Tenths {
    /// Parses hours as a client sends them. A value that is not a whole number of tenths
    /// (12.25) is refused rather than rounded: the certificate says what it says.
    pub fn parse(hours: f64) -> Result<Self, Invalid> {
        let tenths = hours * 10.0;
        // Bounded far above any real training, so the cast below is exact.
        if !hours.is_finite() || hours <= 0.0 || hours > 100_000.0 {
            return Err(Invalid::new("must be more than 0"));
        }
        let whole = tenths.round();
        if (tenths - whole).abs() > 1e-6 {
            return Err(Invalid::new("may have one decimal at most"));
        }
        Ok(Tenths(whole as i64))
    }

    pub fn from_tenths(tenths: i64) -> Self {
        Tenths(tenths)
    }

    pub fn tenths(self) -> i64 {
        self.0
    }

    pub fn hours(self) -> f64 {
        self.0 as f64 / 10.0
    }
}

/// Rule 9's dates and hours: `started_on` ≤ `ended_on`, and no more than 10 hours per calendar
/// day of the training (a typo of 400 hours for a one-day course is refused). Returns the
/// field at fault with the reason.
pub fn check_record(
    started_on: NaiveDate,
    ended_on: NaiveDate,
    hours: Tenths,
) -> Result<(), (&'static str, Invalid)> {
    rules::not_before(ended_on, started_on, "the training").map_err(|e| ("endedOn", e))?;
    let days = (ended_on - started_on).num_days() + 1;
    let most = days.saturating_mul(MAX_HOURS_PER_DAY * 10);
    if hours.tenths() > most {
        return Err((
            "hours",
            Invalid::new(format!(
                "a training of {days} day(s) counts at most {} hours ({MAX_HOURS_PER_DAY} a day)",
                most / 10
            )),
        ));
    }
    Ok(())
}

/// A training's level as certificates and HR's sheets name it (国培, 省培…), highest first as
/// the glossary lists them. The designations' labels (县级…) name the same levels, but a
/// training sheet says 县培, so both are read.
pub const LEVEL_LABELS: [(Level, &str); 5] = [
    (Level::National, "国培"),
    (Level::Provincial, "省培"),
    (Level::Municipal, "市培"),
    (Level::County, "县培"),
    (Level::School, "校本研修"),
];

/// The training label of a level (县培 for `COUNTY`).
pub fn level_label(level: Level) -> &'static str {
    LEVEL_LABELS
        .iter()
        .find(|(l, _)| *l == level)
        .map_or("", |(_, label)| label)
}

/// A training level from its training label (县培), a level label (县级) or a code (`COUNTY`,
/// any letter case), trimmed.
pub fn parse_level(text: &str) -> Result<Level, Invalid> {
    let text = text.trim();
    LEVEL_LABELS
        .iter()
        .find(|(_, label)| *label == text)
        .map(|(level, _)| *level)
        .map_or_else(|| Level::parse(text), Ok)
        .map_err(|_| {
            let labels: Vec<&str> = LEVEL_LABELS.iter().map(|(_, l)| *l).collect();
            let codes: Vec<&str> = LEVEL_LABELS.iter().map(|(l, _)| l.code()).collect();
            Invalid(format!(
                "must be one of {} (or {})",
                labels.join(", "),
                codes.join(", ")
            ))
        })
}

/// A five-year training cycle, named by its first year (2021 for 2021–2025).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cycle(pub i32);

impl Cycle {
    /// The cycle holding `d`.
    pub fn of(d: NaiveDate) -> Cycle {
        Cycle::of_year(d.year())
    }

    /// Its first and last days.
    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.0, 1, 1)
    }

    pub fn last_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.0 + CYCLE_YEARS - 1, 12, 31)
    }

    pub fn years(self) -> std::ops::Range<i32> {
        self.0..self.0 + CYCLE_YEARS
    }

    /// A cycle as the API names it, "2021-2025".
    pub fn label(self) -> String {
        format!("{}-{}", self.0, self.0 + CYCLE_YEARS - 1)
    }

    /// Reads "2021-2025" (or just "2021"); refuses a range that is not a cycle.
    pub fn parse(text: &str) -> Result<Cycle, Invalid> {
        let bad = || Invalid::new("must be a training cycle such as 2021-2025 or 2026-2030");
        let text = text.trim();
        let first = text.split('-').next().unwrap_or_default();
        let year: i32 = first.parse().map_err(|_| bad())?;
        if !(1900..=9000).contains(&year) {
            return Err(bad());
        }
        let cycle = Cycle::of_year(year);
        if cycle.0 != year || (text != first && text != cycle.label()) {
            return Err(bad());
        }
        Ok(cycle)
    }

    fn of_year(year: i32) -> Cycle {
        let offset = (year - FIRST_CYCLE_START).div_euclid(CYCLE_YEARS);
        Cycle(FIRST_CYCLE_START + offset * CYCLE_YEARS)
    }
}

/// Rule 10's owed years on D for a teacher employed from `hired_on` to `left_on`: the years Y of
/// D's cycle with 31 Dec Y ≤ D in which the teacher was employed on both 1 Jan Y and 31 Dec Y.
pub fn owed_years(hired_on: Option<NaiveDate>, left_on: Option<NaiveDate>, d: NaiveDate) -> i64 {
    Cycle::of(d)
        .years()
        .filter(|&y| {
            let (Some(first), Some(last)) = (
                NaiveDate::from_ymd_opt(y, 1, 1),
                NaiveDate::from_ymd_opt(y, 12, 31),
            ) else {
                return false;
            };
            last <= d
                && rules::employed_on(hired_on, left_on, first)
                && rules::employed_on(hired_on, left_on, last)
        })
        .count() as i64
}

/// Hours expected on D, in tenths: 72 a owed year, at most 360.
pub fn expected_tenths(owed_years: i64) -> i64 {
    (HOURS_PER_YEAR * owed_years).min(HOURS_PER_CYCLE) * 10
}

/// On track on D: employed on D and the cycle's hours up to D at least those expected.
pub fn on_track(employed: bool, hours_tenths: i64, expected_tenths: i64) -> bool {
    employed && hours_tenths >= expected_tenths
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn hours_have_one_decimal_at_most() {
        assert_eq!(Tenths::parse(12.5).map(Tenths::tenths), Ok(125));
        assert_eq!(Tenths::parse(0.1).map(Tenths::tenths), Ok(1));
        assert!(Tenths::parse(12.25).is_err());
        assert!(Tenths::parse(0.0).is_err());
        assert!(Tenths::parse(-3.0).is_err());
        assert!(Tenths::parse(f64::NAN).is_err());
        assert!(Tenths::parse(f64::INFINITY).is_err());
    }

    #[test]
    fn ten_hours_a_calendar_day_of_the_training() {
        let one_day = day(2024, 5, 6);
        let hours = |h: f64| Tenths::parse(h).unwrap();
        assert!(check_record(one_day, one_day, hours(10.0)).is_ok());
        assert_eq!(
            check_record(one_day, one_day, hours(10.1)).map_err(|e| e.0),
            Err("hours")
        );
        assert_eq!(
            check_record(one_day, one_day, hours(400.0)).map_err(|e| e.0),
            Err("hours")
        );
        // Three calendar days, both ends included.
        assert!(check_record(one_day, day(2024, 5, 8), hours(30.0)).is_ok());
        assert!(check_record(one_day, day(2024, 5, 8), hours(30.1)).is_err());
        assert_eq!(
            check_record(one_day, day(2024, 5, 5), hours(1.0)).map_err(|e| e.0),
            Err("endedOn")
        );
    }

    #[test]
    fn training_levels_read_as_certificates_name_them() {
        assert_eq!(parse_level("国培"), Ok(Level::National));
        assert_eq!(parse_level(" 县培 "), Ok(Level::County));
        assert_eq!(parse_level("校本研修"), Ok(Level::School));
        assert_eq!(parse_level("县级"), Ok(Level::County));
        assert_eq!(parse_level("provincial"), Ok(Level::Provincial));
        assert_eq!(
            parse_level("区培").map_err(|e| e.0),
            Err("must be one of 国培, 省培, 市培, 县培, 校本研修 (or NATIONAL, PROVINCIAL, MUNICIPAL, COUNTY, SCHOOL)".to_owned())
        );
        for level in Level::ALL {
            assert_eq!(parse_level(level_label(*level)), Ok(*level));
        }
    }

    #[test]
    fn cycles_turn_on_the_first_of_january() {
        assert_eq!(Cycle::of(day(2025, 12, 31)), Cycle(2021));
        assert_eq!(Cycle::of(day(2026, 1, 1)), Cycle(2026));
        assert_eq!(Cycle::of(day(2021, 1, 1)), Cycle(2021));
        assert_eq!(Cycle::of(day(2020, 12, 31)), Cycle(2016));
        assert_eq!(Cycle(2026).label(), "2026-2030");
        assert_eq!(Cycle::parse("2021-2025"), Ok(Cycle(2021)));
        assert_eq!(Cycle::parse("2026"), Ok(Cycle(2026)));
        assert!(Cycle::parse("2022-2026").is_err());
        assert!(Cycle::parse("2021-2024").is_err());
        assert!(Cycle::parse("soon").is_err());
    }

    #[test]
    fn a_year_is_owed_once_over_and_served_whole() {
        let d = day(2025, 12, 31);
        // Serving throughout: all five years of 2021–2025 are owed on the cycle's last day.
        assert_eq!(owed_years(None, None, d), 5);
        // A year is owed from its 31 December, not before.
        assert_eq!(owed_years(None, None, day(2025, 12, 30)), 4);
        // Hired in mid-2023: 2023 is not owed (not employed on 1 January).
        assert_eq!(owed_years(Some(day(2023, 7, 1)), None, d), 2);
        // Hired on 1 January 2023: owed.
        assert_eq!(owed_years(Some(day(2023, 1, 1)), None, d), 3);
        // Left on 31 December 2024 (not employed that day): 2024 is not owed.
        assert_eq!(owed_years(None, Some(day(2024, 12, 31)), d), 3);
        assert_eq!(owed_years(None, Some(day(2025, 1, 1)), d), 4);
        // A new cycle owes nothing on its first day.
        assert_eq!(owed_years(None, None, day(2026, 1, 1)), 0);
        assert_eq!(expected_tenths(5), 3600);
        assert_eq!(expected_tenths(6), 3600);
        assert_eq!(expected_tenths(2), 1440);
    }

    proptest! {
        /// Every day lies in exactly one cycle, between its first and last days.
        #[test]
        fn each_day_in_its_cycle(n in 0i64..60_000) {
            let d = day(1950, 1, 1) + chrono::Duration::days(n);
            let c = Cycle::of(d);
            prop_assert!(c.first_day().is_some_and(|f| f <= d));
            prop_assert!(c.last_day().is_some_and(|l| d <= l));
            prop_assert_eq!(Cycle::parse(&c.label()), Ok(c));
        }

        /// Owed years never exceed the cycle's years or the years already over.
        #[test]
        fn owed_years_are_bounded(n in 0i64..20_000, hired in proptest::option::of(0i64..20_000)) {
            let d = day(2000, 1, 1) + chrono::Duration::days(n);
            let hired = hired.map(|h| day(2000, 1, 1) + chrono::Duration::days(h));
            let owed = owed_years(hired, None, d);
            let over = Cycle::of(d).years().filter(|&y| day(y, 12, 31) <= d).count() as i64;
            prop_assert!(owed <= over && over <= 5);
        }
    }
}
