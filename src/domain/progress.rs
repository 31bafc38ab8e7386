//! Target progress on a day (domain README, "Target progress on D"): the arithmetic of ratio,
//! remaining, days left, the straight-line projection and the status, and the dates of a
//! progress history. The values themselves come from SQL; this is what is done with them.

use super::Level;
use chrono::{Datelike, NaiveDate};

use super::Invalid;

/// The status of a target on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetStatus {
    Achieved,
    OnTrack,
    AtRisk,
    Missed,
}

impl TargetStatus {
    pub fn code(self) -> &'static str {
        match self {
            TargetStatus::Achieved => "ACHIEVED",
            TargetStatus::OnTrack => "ON_TRACK",
            TargetStatus::AtRisk => "AT_RISK",
            TargetStatus::Missed => "MISSED",
        }
    }
}

/// What a target measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetMetric {
    /// Studios in force at the target's level or above (rule 5).
    Studios,
    /// Key teachers on the day (rule 3).
    KeyTeachers,
    /// The capped mentoring sum against `perMember` × members in force (rule 7).
    MenteesPerMember,
    /// Teachers on track with their training hours (rule 10) against a ratio of the employed.
    TrainingCompliance,
    /// Mentees converted to key teachers, the county's figure (rule 12).
    ConvertedMentees,
}

impl TargetMetric {
    /// The lowest level a new target of this metric counts when none is given: the plan's
    /// quota covers members of every studio (MENTORING_2025 is seeded with SCHOOL); the other
    /// metrics count county level and above.
    pub fn default_min_level(self) -> Level {
        match self {
            TargetMetric::MenteesPerMember => Level::School,
            // Rule 12 fixes COUNTY for conversion; compliance counts no designations, and
            // COUNTY is stored only so that every target has a level.
            TargetMetric::Studios
            | TargetMetric::KeyTeachers
            | TargetMetric::TrainingCompliance
            | TargetMetric::ConvertedMentees => Level::County,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            TargetMetric::Studios => "STUDIOS",
            TargetMetric::KeyTeachers => "KEY_TEACHERS",
            TargetMetric::MenteesPerMember => "MENTEES_PER_MEMBER",
            TargetMetric::TrainingCompliance => "TRAINING_COMPLIANCE",
            TargetMetric::ConvertedMentees => "CONVERTED_MENTEES",
        }
    }

    /// Whether the target counts designations at a level of its own choosing, of kinds of its
    /// choosing: compliance counts none, and rule 12 fixes COUNTY and the whole family.
    pub fn takes_level_and_kinds(self) -> bool {
        matches!(
            self,
            TargetMetric::Studios | TargetMetric::KeyTeachers | TargetMetric::MenteesPerMember
        )
    }

    pub fn from_code(code: &str) -> Result<Self, Invalid> {
        match code {
            "STUDIOS" => Ok(TargetMetric::Studios),
            "KEY_TEACHERS" => Ok(TargetMetric::KeyTeachers),
            "MENTEES_PER_MEMBER" => Ok(TargetMetric::MenteesPerMember),
            "TRAINING_COMPLIANCE" => Ok(TargetMetric::TrainingCompliance),
            "CONVERTED_MENTEES" => Ok(TargetMetric::ConvertedMentees),
            other => Err(Invalid(format!("unknown target metric {other:?}"))),
        }
    }
}

/// A measurement: the value and the goal it is held against on one day (the goal varies by
/// day only for the mentoring quota, where it is Q × members in force).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    pub value: i64,
    pub goal: i64,
}

/// The numbers of `TargetProgress`.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub current: i64,
    pub goal: i64,
    pub ratio: f64,
    pub remaining: i64,
    pub days_left: i64,
    pub projected_at_deadline: Option<f64>,
    pub status: TargetStatus,
}

/// Progress on `d` of a target with baseline `b` and deadline `t`, given its measures on `d`,
/// `b` and `t` (the one on `t` matters only once `d` is past it).
pub fn evaluate(
    b: NaiveDate,
    t: NaiveDate,
    d: NaiveDate,
    on_d: Measure,
    on_b: Measure,
    on_t: Measure,
) -> Progress {
    let current = on_d.value;
    let goal = on_d.goal;
    let ratio = share(current, goal);
    let projected_at_deadline = (b < d && d < t).then(|| {
        let gained = (current - on_b.value) as f64;
        current as f64 + gained * (t - d).num_days() as f64 / (d - b).num_days() as f64
    });
    let status = if d > t {
        if on_t.goal > 0 && on_t.value >= on_t.goal {
            TargetStatus::Achieved
        } else {
            TargetStatus::Missed
        }
    } else if goal <= 0 {
        // A goal of 0 asks for nothing measurable: never achieved or on track.
        TargetStatus::AtRisk
    } else if current >= goal {
        TargetStatus::Achieved
    } else if projected_at_deadline.is_some_and(|p| p >= goal as f64) {
        TargetStatus::OnTrack
    } else {
        TargetStatus::AtRisk
    };
    Progress {
        current,
        goal,
        ratio,
        remaining: (goal - current).max(0),
        days_left: (t - d).num_days(),
        projected_at_deadline,
        status,
    }
}

/// `part ÷ whole`, 0 when the whole is 0 (or less): a target's ratio, a group's training
/// compliance (rule 10), a cohort's conversion rate (rule 12).
pub fn share(part: i64, whole: i64) -> f64 {
    if whole > 0 {
        part as f64 / whole as f64
    } else {
        0.0
    }
}

/// How often a history takes a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Month,
    Quarter,
    Year,
}

fn period_end(date: NaiveDate, every: Interval) -> Option<NaiveDate> {
    let (year, last_month) = match every {
        Interval::Month => (date.year(), date.month()),
        Interval::Quarter => (date.year(), (date.month() - 1) / 3 * 3 + 3),
        Interval::Year => (date.year(), 12),
    };
    let (next_year, next_month) = if last_month == 12 {
        (year + 1, 1)
    } else {
        (year, last_month + 1)
    };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)?.pred_opt()
}

/// The dates of a history from the period holding `b` to the one holding `d`: each period's
/// last day, except the last point, which is `d` itself. Empty when `d` is before `b`.
pub fn history_dates(b: NaiveDate, d: NaiveDate, every: Interval) -> Vec<NaiveDate> {
    let mut dates = Vec::new();
    if d < b {
        return dates;
    }
    let mut cursor = b;
    while let Some(end) = period_end(cursor, every) {
        if end >= d {
            dates.push(d);
            break;
        }
        dates.push(end);
        match end.succ_opt() {
            Some(next) => cursor = next,
            None => break,
        }
    }
    dates
}

/// A studio's standing against the mentoring quota on a day (rule 7): members in force, the
/// sum of their pairs each capped at the quota, and the goal, quota × members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaStanding {
    pub members: i64,
    pub mentees: i64,
    pub goal: i64,
}

impl QuotaStanding {
    pub fn new(members: i64, capped_mentees: i64, per_member: PerMember) -> Self {
        QuotaStanding {
            members,
            mentees: capped_mentees,
            goal: members.saturating_mul(per_member.0),
        }
    }
}

/// The goal of a ratio target (`TRAINING_COMPLIANCE`): a share of the employed teachers in
/// (0, 1], held in basis points so that "on track ≥ ratio × employed" is integer arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoalRatio(i32);

impl GoalRatio {
    /// Basis points in one whole.
    pub const WHOLE: i64 = 10_000;

    /// A ratio of at most four decimals in (0, 1], e.g. 0.95 (95 %) or 0.9825.
    pub fn parse(ratio: f64) -> Result<Self, super::Invalid> {
        if !ratio.is_finite() || ratio <= 0.0 || ratio > 1.0 {
            return Err(super::Invalid::new(
                "must be a share above 0 and at most 1, e.g. 0.95",
            ));
        }
        let scaled = ratio * Self::WHOLE as f64;
        let bp = scaled.round();
        // 0.95 × 10000 is 9499.999…; a fifth decimal is a typo, not a rounding error.
        if (scaled - bp).abs() > 1e-6 {
            return Err(super::Invalid::new(
                "has at most four decimals, e.g. 0.9525",
            ));
        }
        // In 1..=10000 by the checks above.
        Ok(GoalRatio(bp as i32))
    }

    /// From the stored basis points.
    pub fn from_basis_points(bp: i32) -> Result<Self, Invalid> {
        if (1..=Self::WHOLE as i32).contains(&bp) {
            Ok(GoalRatio(bp))
        } else {
            Err(Invalid(format!("goal ratio of {bp} basis points")))
        }
    }

    pub fn basis_points(self) -> i32 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / Self::WHOLE as f64
    }

    /// The count that meets the ratio out of `whole`: the least n with n ≥ ratio × whole.
    pub fn of(self, whole: i64) -> i64 {
        let whole = whole.max(0);
        (whole.saturating_mul(i64::from(self.0)) + Self::WHOLE - 1) / Self::WHOLE
    }
}

/// Rule 7's quota per member: at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerMember(pub i64);

impl PerMember {
    pub fn parse(n: i32) -> Result<Self, super::Invalid> {
        if n < 1 {
            return Err(super::Invalid::new("must be at least 1"));
        }
        Ok(PerMember(i64::from(n)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const B: &str = "2023-04-10";
    const T: &str = "2025-12-31";

    fn m(value: i64, goal: i64) -> Measure {
        Measure { value, goal }
    }

    #[test]
    fn projection_is_a_straight_line_from_the_baseline() {
        // 100 days after the baseline, 40 more than at the baseline; 996 days to the deadline.
        let d = day("2023-07-19");
        let p = evaluate(day(B), day(T), d, m(240, 450), m(200, 450), m(0, 450));
        assert_eq!(p.days_left, 896);
        assert_eq!(p.projected_at_deadline, Some(240.0 + 40.0 * 896.0 / 100.0));
        assert_eq!(p.status, TargetStatus::OnTrack);
        assert_eq!(p.remaining, 210);
        assert!((p.ratio - 240.0 / 450.0).abs() < 1e-12);
    }

    #[test]
    fn at_risk_when_the_line_falls_short_and_achieved_once_reached() {
        let d = day("2024-04-10");
        let slow = evaluate(day(B), day(T), d, m(210, 450), m(200, 450), m(0, 450));
        assert_eq!(slow.status, TargetStatus::AtRisk);
        let done = evaluate(day(B), day(T), d, m(450, 450), m(200, 450), m(0, 450));
        assert_eq!(done.status, TargetStatus::Achieved);
        assert_eq!(done.remaining, 0);
    }

    #[test]
    fn no_projection_on_or_before_the_baseline_nor_from_the_deadline() {
        let on_b = evaluate(day(B), day(T), day(B), m(200, 450), m(200, 450), m(0, 450));
        assert_eq!(on_b.projected_at_deadline, None);
        assert_eq!(on_b.status, TargetStatus::AtRisk);
        let on_t = evaluate(
            day(B),
            day(T),
            day(T),
            m(449, 450),
            m(200, 450),
            m(449, 450),
        );
        assert_eq!(on_t.projected_at_deadline, None);
        assert_eq!(on_t.days_left, 0);
        assert_eq!(on_t.status, TargetStatus::AtRisk);
    }

    #[test]
    fn past_the_deadline_the_value_on_the_deadline_decides() {
        let d = day("2026-11-29");
        // Higher today than on the deadline: still missed.
        let missed = evaluate(day(B), day(T), d, m(460, 450), m(200, 450), m(449, 450));
        assert_eq!(missed.status, TargetStatus::Missed);
        assert_eq!(missed.days_left, -333);
        assert_eq!(missed.projected_at_deadline, None);
        let achieved = evaluate(day(B), day(T), d, m(300, 450), m(200, 450), m(450, 450));
        assert_eq!(achieved.status, TargetStatus::Achieved);
    }

    #[test]
    fn a_goal_of_zero_is_never_achieved() {
        let d = day("2024-01-01");
        let p = evaluate(day(B), day(T), d, m(0, 0), m(0, 0), m(0, 0));
        assert_eq!((p.ratio, p.status), (0.0, TargetStatus::AtRisk));
        let after = evaluate(day(B), day(T), day("2026-01-01"), m(0, 0), m(0, 0), m(0, 0));
        assert_eq!(after.status, TargetStatus::Missed);
    }

    #[test]
    fn a_goal_ratio_has_at_most_four_decimals_in_zero_to_one() {
        assert_eq!(
            GoalRatio::parse(0.95).map(GoalRatio::basis_points),
            Ok(9500)
        );
        assert_eq!(
            GoalRatio::parse(1.0).map(GoalRatio::basis_points),
            Ok(10_000)
        );
        assert_eq!(GoalRatio::parse(0.0001).map(GoalRatio::basis_points), Ok(1));
        for bad in [0.0, -0.5, 1.0001, 95.0, 0.95001, f64::NAN, f64::INFINITY] {
            assert!(GoalRatio::parse(bad).is_err(), "{bad}");
        }
        assert!(GoalRatio::from_basis_points(0).is_err());
        assert!(GoalRatio::from_basis_points(10_001).is_err());
    }

    #[test]
    fn a_ratio_goal_is_the_least_count_that_meets_it() {
        let r = GoalRatio::parse(0.95).unwrap();
        // 0.95 × 200 = 190 exactly; 0.95 × 201 = 190.95, so 191 people.
        assert_eq!((r.of(200), r.of(201), r.of(1), r.of(0)), (190, 191, 1, 0));
        let all = GoalRatio::parse(1.0).unwrap();
        assert_eq!(all.of(3_000), 3_000);
    }

    #[test]
    fn monthly_history_ends_on_the_day_asked() {
        let dates = history_dates(day("2023-04-10"), day("2023-07-15"), Interval::Month);
        assert_eq!(
            dates,
            [
                day("2023-04-30"),
                day("2023-05-31"),
                day("2023-06-30"),
                day("2023-07-15")
            ]
        );
        // 2023-04 through 2025-12 is 33 months.
        assert_eq!(history_dates(day(B), day(T), Interval::Month).len(), 33);
        assert_eq!(history_dates(day(B), day(B), Interval::Month), [day(B)]);
        assert!(history_dates(day(B), day("2023-04-09"), Interval::Month).is_empty());
    }

    #[test]
    fn quarterly_and_yearly_history() {
        assert_eq!(
            history_dates(day(B), day("2024-02-29"), Interval::Quarter),
            [
                day("2023-06-30"),
                day("2023-09-30"),
                day("2023-12-31"),
                day("2024-02-29")
            ]
        );
        assert_eq!(
            history_dates(day(B), day("2024-12-31"), Interval::Year),
            [day("2023-12-31"), day("2024-12-31")]
        );
        assert_eq!(
            history_dates(day(B), day("2025-06-30"), Interval::Year),
            [day("2023-12-31"), day("2024-12-31"), day("2025-06-30")]
        );
    }

    mod properties {
        use super::super::*;
        use chrono::Days;
        use proptest::prelude::*;

        /// Any day of 1900-2100, the dates a target can hold (with room on either side).
        fn day() -> impl Strategy<Value = NaiveDate> {
            let start = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
            (0u64..(201 * 366)).prop_map(move |n| start + Days::new(n))
        }

        fn interval() -> impl Strategy<Value = Interval> {
            prop::sample::select(vec![Interval::Month, Interval::Quarter, Interval::Year])
        }

        /// The period a day falls in, numbered from year 0: months, quarters or years.
        fn period(d: NaiveDate, every: Interval) -> i64 {
            let months = i64::from(d.year()) * 12 + i64::from(d.month0());
            match every {
                Interval::Month => months,
                Interval::Quarter => months.div_euclid(3),
                Interval::Year => months.div_euclid(12),
            }
        }

        fn measure() -> impl Strategy<Value = Measure> {
            (0i64..=i64::from(i32::MAX), 0i64..=i64::from(i32::MAX))
                .prop_map(|(value, goal)| Measure { value, goal })
        }

        proptest! {
            // One point per period from B's to D's, the last dated D, every other the last day
            // of its period, strictly increasing; none when D is before B.
            #[test]
            fn a_history_has_one_point_a_period_ending_on_the_day_asked(
                b in day(),
                d in day(),
                every in interval(),
            ) {
                let dates = history_dates(b, d, every);
                if d < b {
                    prop_assert!(dates.is_empty());
                    return Ok(());
                }
                let periods = period(d, every) - period(b, every) + 1;
                prop_assert_eq!(dates.len() as i64, periods);
                prop_assert_eq!(dates.last(), Some(&d));
                prop_assert!(dates.windows(2).all(|w| w[0] < w[1]));
                prop_assert!(dates[0] >= b);
                for (i, point) in dates.iter().enumerate() {
                    prop_assert_eq!(period(*point, every), period(b, every) + i as i64);
                    if i + 1 < dates.len() {
                        let next = point.succ_opt().unwrap();
                        prop_assert_eq!(period(next, every), period(*point, every) + 1);
                    }
                }
            }

            // Any day at all, even at chrono's ends: no panic, no endless loop.
            #[test]
            fn a_history_never_panics(b in any::<i32>(), d in any::<i32>(), every in interval()) {
                let at = |n: i32| {
                    NaiveDate::from_num_days_from_ce_opt(n).unwrap_or(NaiveDate::MAX)
                };
                let (b, d) = (at(b), at(d));
                // Bounded to a few centuries so that the test stays quick.
                prop_assume!((d - b).num_days().abs() < 400 * 366);
                let _ = history_dates(b, d, every);
            }

            // The arithmetic of "Target progress on D" on counts a database can hold.
            #[test]
            fn progress_follows_its_definition(
                b in day(),
                t in day(),
                d in day(),
                on_d in measure(),
                on_b in measure(),
                on_t in measure(),
            ) {
                let p = evaluate(b, t, d, on_d, on_b, on_t);
                prop_assert_eq!((p.current, p.goal), (on_d.value, on_d.goal));
                prop_assert_eq!(p.remaining, (on_d.goal - on_d.value).max(0));
                prop_assert_eq!(p.days_left, (t - d).num_days());
                prop_assert_eq!(p.projected_at_deadline.is_some(), b < d && d < t);
                if let Some(x) = p.projected_at_deadline {
                    let line = on_d.value as f64 + (on_d.value - on_b.value) as f64
                        * (t - d).num_days() as f64 / (d - b).num_days() as f64;
                    prop_assert_eq!(x, line);
                }
                if on_d.goal > 0 {
                    prop_assert_eq!(p.ratio, on_d.value as f64 / on_d.goal as f64);
                } else {
                    prop_assert_eq!(p.ratio, 0.0);
                }
                let expected = if d > t {
                    if on_t.goal > 0 && on_t.value >= on_t.goal {
                        TargetStatus::Achieved
                    } else {
                        TargetStatus::Missed
                    }
                } else if on_d.goal > 0 && on_d.value >= on_d.goal {
                    TargetStatus::Achieved
                } else if on_d.goal > 0
                    && p.projected_at_deadline.is_some_and(|x| x >= on_d.goal as f64)
                {
                    TargetStatus::OnTrack
                } else {
                    TargetStatus::AtRisk
                };
                prop_assert_eq!(p.status, expected);
            }

            #[test]
            fn a_quota_per_member_is_at_least_one(n in any::<i32>(), members in 0i64..1_000_000) {
                match PerMember::parse(n) {
                    Ok(q) => {
                        prop_assert!(n >= 1);
                        let goal = QuotaStanding::new(members, 0, q).goal;
                        prop_assert_eq!(goal, members * i64::from(n));
                    }
                    Err(_) => prop_assert!(n < 1),
                }
            }
        }
    }
}
