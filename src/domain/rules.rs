//! The date rules of the counting rules (domain README, rules 1 and 2). "On D" means as of the
//! end of day D. The store's SQL states the same rules for aggregates; these are the reference
//! the unit tests pin down and single-record fields (`Designation.inForce`) use.

use chrono::NaiveDate;

use super::StudioStatus;

/// Rule 1: employed on D when `hired_on` is empty or ≤ D, and `left_on` is empty or D < `left_on`.
pub fn employed_on(hired_on: Option<NaiveDate>, left_on: Option<NaiveDate>, d: NaiveDate) -> bool {
    hired_on.is_none_or(|h| h <= d) && left_on.is_none_or(|l| d < l)
}

/// Rule 2: in force on D when `awarded_on` ≤ D, `expires_on` is empty or D ≤ `expires_on` (the
/// last valid day), and `revoked_on` is empty or D < `revoked_on`.
pub fn designation_in_force_on(
    awarded_on: NaiveDate,
    expires_on: Option<NaiveDate>,
    revoked_on: Option<NaiveDate>,
    d: NaiveDate,
) -> bool {
    awarded_on <= d && expires_on.is_none_or(|e| d <= e) && revoked_on.is_none_or(|r| d < r)
}

/// A studio's status on D, from its dates (rule 5) rather than the stored status alone: PLANNED
/// until the establishment day (a studio recorded as established on a future day is not yet
/// active), ACTIVE while in force, CLOSED from the closing day on.
pub fn studio_status_on(
    established_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
    d: NaiveDate,
) -> StudioStatus {
    match (established_on, closed_on) {
        (None, _) => StudioStatus::Planned,
        (Some(e), _) if d < e => StudioStatus::Planned,
        (_, Some(c)) if c <= d => StudioStatus::Closed,
        _ => StudioStatus::Active,
    }
}

/// Today's calendar date in China (UTC+8, no daylight saving), the bureau's "today" whatever
/// time zone the server runs in.
pub fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// A record's end may not come before its start: `end` on or after `start`, the refusal naming
/// what began (`the entry`, `joining`…) and when, in the words every end date is refused with.
pub fn not_before(end: NaiveDate, start: NaiveDate, what: &str) -> Result<(), super::Invalid> {
    if end < start {
        return Err(super::Invalid(format!(
            "must not be before {what} on {start}"
        )));
    }
    Ok(())
}

/// A date as the API writes it: exactly `YYYY-MM-DD` (four, two and two ASCII digits) naming a
/// day of the calendar. chrono's `%Y-%m-%d` alone would also take "2024-9-1", a sign or spaces.
pub fn parse_date(text: &str) -> Result<NaiveDate, super::Invalid> {
    let refusal = || super::Invalid(format!("{text:?} is not a date YYYY-MM-DD"));
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(refusal());
    }
    // Only ASCII digits remain between the dashes, so each slice is on a char boundary and
    // each parse succeeds; `ok()?` keeps even that off the panic path.
    let number = |from: usize, to: usize| text.get(from..to)?.parse::<u32>().ok();
    let (Some(y), Some(m), Some(d)) = (number(0, 4), number(5, 7), number(8, 10)) else {
        return Err(refusal());
    };
    i32::try_from(y)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
        .ok_or_else(|| super::Invalid(format!("{text:?} is not a day of the calendar")))
}

/// A date a client sends (the API's `Date`, a report's `asOf`): exactly `YYYY-MM-DD`, and
/// within [`check_in_range`] of `today`.
pub fn parse_client_date(text: &str, today: NaiveDate) -> Result<NaiveDate, super::Invalid> {
    let d = parse_date(text)?;
    check_in_range(d, today)?;
    Ok(d)
}

/// The earliest date the registry takes: no record of a serving teacher is older.
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// How far ahead a date may be: plans, expiries and leaves recorded ahead reach a few years;
/// a date further out (9999-12-31) is a typo, and would show a studio "established" today.
pub const YEARS_AHEAD: u32 = 10;

/// The latest date the registry takes, `YEARS_AHEAD` years after `today`.
pub fn latest_date(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(chrono::Months::new(12 * YEARS_AHEAD))
        .unwrap_or(NaiveDate::MAX)
}

/// Refuses a date outside [`EARLIEST_DATE`] ..= [`latest_date`]`(today)`.
pub fn check_in_range(d: NaiveDate, today: NaiveDate) -> Result<(), super::Invalid> {
    let latest = latest_date(today);
    if d < EARLIEST_DATE || d > latest {
        return Err(super::Invalid(format!(
            "{d} is outside the dates the registry takes ({EARLIEST_DATE} to {latest})"
        )));
    }
    Ok(())
}

/// Youngest and oldest age at hire (or today, without a hire date) a birth date may give.
pub const AGE_ON_HIRE: std::ops::RangeInclusive<u32> = 16..=80;

/// Refuses a birth date that gives an age outside [`AGE_ON_HIRE`] on the hire day (today when
/// the hire day is unknown: only the youngest age is checked then, as an old record may have
/// lost its hire date).
pub fn check_birth_date(
    birth: NaiveDate,
    hired_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), super::Invalid> {
    let on = hired_on.unwrap_or(today);
    let age = on.years_since(birth).unwrap_or(0);
    let (young, old) = (*AGE_ON_HIRE.start(), *AGE_ON_HIRE.end());
    if birth > on || age < young {
        return Err(super::Invalid(format!(
            "gives an age under {young} on {}",
            if hired_on.is_some() {
                "the hire day"
            } else {
                "today"
            }
        )));
    }
    if hired_on.is_some() && age > old {
        return Err(super::Invalid(format!(
            "gives an age over {old} on the hire day"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_end_may_fall_on_its_start_but_not_before_it() {
        assert!(not_before(d("2024-03-01"), d("2024-03-01"), "the start").is_ok());
        assert_eq!(
            not_before(d("2024-02-29"), d("2024-03-01"), "joining")
                .unwrap_err()
                .0,
            "must not be before joining on 2024-03-01"
        );
    }

    #[test]
    fn dates_are_taken_from_1900_to_ten_years_ahead() {
        let today = d("2026-11-30");
        assert!(check_in_range(d("1900-01-01"), today).is_ok());
        assert!(check_in_range(d("1899-12-31"), today).is_err());
        assert!(check_in_range(d("2036-11-30"), today).is_ok());
        assert!(check_in_range(d("2036-12-01"), today).is_err());
        assert!(check_in_range(d("9999-12-31"), today).is_err());
    }

    #[test]
    fn a_birth_date_gives_an_age_of_16_to_80_on_hire() {
        let today = d("2026-11-30");
        let hired = Some(d("2008-09-01"));
        assert!(check_birth_date(d("1985-03-15"), hired, today).is_ok());
        assert!(check_birth_date(d("1992-09-01"), hired, today).is_ok());
        assert!(check_birth_date(d("1992-09-02"), hired, today).is_err());
        assert!(check_birth_date(d("1928-09-01"), hired, today).is_ok());
        assert!(check_birth_date(d("1927-08-31"), hired, today).is_err());
        assert!(check_birth_date(d("0001-01-01"), hired, today).is_err());
        assert!(check_birth_date(d("2015-01-01"), None, today).is_err());
        assert!(check_birth_date(d("1930-01-01"), None, today).is_ok());
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn employment_starts_on_the_hire_day_and_ends_the_day_before_leaving() {
        let hired = Some(d("2020-09-01"));
        let left = Some(d("2024-07-01"));
        assert!(!employed_on(hired, left, d("2020-08-31")));
        assert!(employed_on(hired, left, d("2020-09-01")));
        assert!(employed_on(hired, left, d("2024-06-30")));
        assert!(!employed_on(hired, left, d("2024-07-01")));
        assert!(employed_on(None, None, d("1990-01-01")));
    }

    #[test]
    fn a_studio_is_planned_before_its_establishment_day_and_closed_from_its_closing_day() {
        let (e, c) = (Some(d("2024-03-01")), Some(d("2025-07-01")));
        assert_eq!(
            studio_status_on(None, None, d("2030-01-01")),
            StudioStatus::Planned
        );
        assert_eq!(
            studio_status_on(e, None, d("2024-02-29")),
            StudioStatus::Planned
        );
        assert_eq!(
            studio_status_on(e, None, d("2024-03-01")),
            StudioStatus::Active
        );
        assert_eq!(
            studio_status_on(Some(d("9999-12-31")), None, d("2026-11-30")),
            StudioStatus::Planned
        );
        assert_eq!(
            studio_status_on(e, c, d("2025-06-30")),
            StudioStatus::Active
        );
        assert_eq!(
            studio_status_on(e, c, d("2025-07-01")),
            StudioStatus::Closed
        );
    }

    #[test]
    fn a_designation_is_in_force_through_its_expiry_day_and_not_on_its_revocation_day() {
        let awarded = d("2023-09-10");
        assert!(!designation_in_force_on(
            awarded,
            None,
            None,
            d("2023-09-09")
        ));
        assert!(designation_in_force_on(
            awarded,
            None,
            None,
            d("2023-09-10")
        ));
        let expires = Some(d("2026-09-09"));
        assert!(designation_in_force_on(
            awarded,
            expires,
            None,
            d("2026-09-09")
        ));
        assert!(!designation_in_force_on(
            awarded,
            expires,
            None,
            d("2026-09-10")
        ));
        let revoked = Some(d("2025-03-01"));
        assert!(designation_in_force_on(
            awarded,
            expires,
            revoked,
            d("2025-02-28")
        ));
        assert!(!designation_in_force_on(
            awarded,
            expires,
            revoked,
            d("2025-03-01")
        ));
    }

    mod properties {
        use super::super::*;
        use chrono::{Datelike, Days};
        use proptest::prelude::*;

        const WINDOW_START: NaiveDate = match NaiveDate::from_ymd_opt(2019, 1, 1) {
            Some(d) => d,
            None => NaiveDate::MIN,
        };
        /// Days of the window the record dates and the days asked about fall in: 2019-2024.
        const WINDOW_DAYS: u64 = 6 * 366;

        fn day() -> impl Strategy<Value = NaiveDate> {
            (0..WINDOW_DAYS).prop_map(|n| WINDOW_START + Days::new(n))
        }

        /// Any date chrono can hold.
        fn any_date() -> impl Strategy<Value = NaiveDate> {
            let (min, max) = (NaiveDate::MIN, NaiveDate::MAX);
            (0..=(max - min).num_days()).prop_map(move |n| min + Days::new(n as u64))
        }

        fn days_from(a: NaiveDate, b: NaiveDate) -> i64 {
            (b - a).num_days()
        }

        /// How many days of the window satisfy `holds`.
        fn days_in_window(holds: impl Fn(NaiveDate) -> bool) -> i64 {
            (0..WINDOW_DAYS)
                .map(|n| WINDOW_START + Days::new(n))
                .filter(|d| holds(*d))
                .count() as i64
        }

        /// The length of [from, until) within the window, `None` ends open.
        fn overlap(from: Option<NaiveDate>, until: Option<NaiveDate>) -> i64 {
            let start = from.map_or(0, |f| days_from(WINDOW_START, f).max(0));
            let end = until.map_or(WINDOW_DAYS as i64, |u| {
                days_from(WINDOW_START, u).min(WINDOW_DAYS as i64)
            });
            (end - start).max(0)
        }

        fn rank(status: StudioStatus) -> u8 {
            match status {
                StudioStatus::Planned => 0,
                StudioStatus::Active => 1,
                StudioStatus::Closed => 2,
            }
        }

        proptest! {
            // Rule 1 as day arithmetic: employed from the hire day, up to the day before leaving.
            #[test]
            fn employed_on_is_the_days_from_hire_to_the_day_before_leaving(
                hired in prop::option::of(day()),
                left in prop::option::of(day()),
                d in day(),
            ) {
                let reference = hired.is_none_or(|h| days_from(h, d) >= 0)
                    && left.is_none_or(|l| days_from(d, l) >= 1);
                prop_assert_eq!(employed_on(hired, left, d), reference);
            }

            // Counted over six years, the days employed are exactly the interval [hired, left).
            #[test]
            fn the_days_employed_are_one_interval(
                hired in prop::option::of(day()),
                left in prop::option::of(day()),
            ) {
                prop_assert_eq!(
                    days_in_window(|d| employed_on(hired, left, d)),
                    overlap(hired, left)
                );
            }

            // Rule 2: in force from the award day through the expiry day, up to the day before
            // the revocation: the days in force are [awarded, min(expiry + 1, revoked)).
            #[test]
            fn a_designation_is_in_force_on_one_interval(
                awarded in day(),
                expires in prop::option::of(day()),
                revoked in prop::option::of(day()),
                d in day(),
            ) {
                let reference = days_from(awarded, d) >= 0
                    && expires.is_none_or(|e| days_from(d, e) >= 0)
                    && revoked.is_none_or(|r| days_from(d, r) >= 1);
                prop_assert_eq!(designation_in_force_on(awarded, expires, revoked, d), reference);
                let end = match (expires.and_then(|e| e.succ_opt()), revoked) {
                    (Some(e), Some(r)) => Some(e.min(r)),
                    (e, r) => e.or(r),
                };
                prop_assert_eq!(
                    days_in_window(|d| designation_in_force_on(awarded, expires, revoked, d)),
                    overlap(Some(awarded), end)
                );
            }

            // Rule 5: PLANNED, then ACTIVE from the establishment day, then CLOSED from the
            // closing day; a studio never goes back.
            #[test]
            fn a_studio_goes_planned_active_closed_and_never_back(
                established in prop::option::of(day()),
                closed in prop::option::of(day()),
                d1 in day(),
                d2 in day(),
            ) {
                let (early, late) = (d1.min(d2), d1.max(d2));
                prop_assert!(
                    rank(studio_status_on(established, closed, early))
                        <= rank(studio_status_on(established, closed, late))
                );
                let expected = match established {
                    None => StudioStatus::Planned,
                    Some(e) if days_from(e, d1) < 0 => StudioStatus::Planned,
                    Some(_) if closed.is_some_and(|c| days_from(c, d1) >= 0) => {
                        StudioStatus::Closed
                    }
                    Some(_) => StudioStatus::Active,
                };
                prop_assert_eq!(studio_status_on(established, closed, d1), expected);
                // In force (ACTIVE) exactly on [established, closed).
                if let Some(e) = established {
                    let active = days_in_window(|d| {
                        studio_status_on(established, closed, d) == StudioStatus::Active
                    });
                    prop_assert_eq!(active, overlap(Some(e), closed.map(|c| c.max(e))));
                }
            }

            // Exactly YYYY-MM-DD: every day of years 0000-9999 written so reads as itself...
            #[test]
            fn every_day_written_yyyy_mm_dd_parses_to_itself(
                d in (0..=(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()
                    - NaiveDate::from_ymd_opt(0, 1, 1).unwrap()).num_days())
                    .prop_map(|n| NaiveDate::from_ymd_opt(0, 1, 1).unwrap() + Days::new(n as u64)),
            ) {
                let text = d.format("%Y-%m-%d").to_string();
                prop_assert_eq!(parse_date(&text), Ok(d));
            }

            // ...and nothing else does: any text is accepted only in that shape, as that day.
            #[test]
            fn only_that_shape_is_a_date(
                text in prop_oneof![
                    any::<String>(),
                    "[ +0-9-]{8,12}",
                    "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",
                    "[0-9]{4}-[0-9]{2}-[0-9]{2}",
                ],
            ) {
                let b = text.as_bytes();
                let shaped = b.len() == 10
                    && b.iter().enumerate().all(|(i, c)| {
                        if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() }
                    });
                match parse_date(&text) {
                    Ok(d) => {
                        prop_assert!(shaped, "{:?} accepted", text);
                        prop_assert_eq!(d.format("%Y-%m-%d").to_string(), text);
                    }
                    Err(_) => prop_assert!(
                        !shaped || NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_err(),
                        "{:?} refused", text
                    ),
                }
            }

            #[test]
            fn an_end_may_not_come_before_its_start(end in day(), start in day()) {
                prop_assert_eq!(not_before(end, start, "x").is_ok(), days_from(start, end) >= 0);
            }

            // Any date chrono holds, any today: no panic, and the range is 1900 to ten years on.
            #[test]
            fn the_range_check_takes_1900_to_ten_years_ahead(d in any_date(), today in any_date()) {
                let latest = latest_date(today);
                prop_assert!(latest >= today);
                prop_assert_eq!(
                    check_in_range(d, today).is_ok(),
                    d.year() >= 1900 && d <= latest
                );
                if today.year() < 9000 {
                    prop_assert_eq!(
                        (latest.year(), latest.month()),
                        (today.year() + 10, today.month())
                    );
                }
            }

            // An age counted the schoolbook way: years between, less one before the birthday.
            #[test]
            fn a_birth_date_gives_an_age_of_16_to_80_on_the_hire_day(
                birth in any_date(),
                hired in prop::option::of(any_date()),
                today in day(),
            ) {
                let on = hired.unwrap_or(today);
                let before_birthday = (on.month(), on.day()) < (birth.month(), birth.day());
                let age =
                    i64::from(on.year()) - i64::from(birth.year()) - i64::from(before_birthday);
                let ok = birth <= on && age >= 16 && (hired.is_none() || age <= 80);
                prop_assert_eq!(check_birth_date(birth, hired, today).is_ok(), ok);
            }
        }
    }
}
