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
}
