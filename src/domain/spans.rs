//! A teacher's key-teacher spans: the stretches of days over which counting rules 1–4, over
//! the whole designation family at any level, give the teacher one and the same top
//! designation.
//!
//! Designations change a few times in a career and are counted constantly. Kept per teacher
//! in the store (rewritten in the same transaction as every change to the teacher or their
//! designations), the spans turn "key teachers on D at level ≥ L" into "spans holding D with
//! level ≥ L": every teacher has at most one span on a day, so no `DISTINCT` and no per-teacher
//! `MAX` is left for the database to do. The top over the whole family at any level is also
//! the top among the designations at level ≥ L (the highest level comes first), so one set of
//! spans answers every minimum level; a count restricted to some kinds cannot use them.

use chrono::NaiveDate;

use super::rules;

/// One designation as the spans need it: its dates and its ranks (`Level::rank`,
/// `DesignationKind::rank`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub awarded_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub revoked_on: Option<NaiveDate>,
    pub level: i16,
    pub kind: i16,
}

/// Days `from` (inclusive) to `until` (exclusive; `None`: no end) over which the teacher is a
/// key teacher whose top designation is (`level`, `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub level: i16,
    pub kind: i16,
}

impl Span {
    /// Whether D falls in the span.
    pub fn holds(&self, d: NaiveDate) -> bool {
        self.from <= d && self.until.is_none_or(|u| d < u)
    }
}

/// The first day a designation is in force and the first day it no longer is (rule 2: the
/// expiry is its last valid day, the revocation its first invalid one).
fn in_force(h: &Held) -> (NaiveDate, Option<NaiveDate>) {
    // A last valid day of NaiveDate::MAX has no day after it: the expiry never ends it.
    let after_expiry = h.expires_on.and_then(|e| e.succ_opt());
    let end = match (after_expiry, h.revoked_on) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    (h.awarded_on, end)
}

/// The spans of a teacher hired on `hired_on`, leaving on `left_on`, holding `held`, in order,
/// adjacent spans with the same top merged.
pub fn top_spans(
    hired_on: Option<NaiveDate>,
    left_on: Option<NaiveDate>,
    held: &[Held],
) -> Vec<Span> {
    // Every day on which the answer may change: a designation starting or ending, employment
    // starting or ending.
    let mut edges: Vec<NaiveDate> = Vec::with_capacity(held.len() * 2 + 2);
    for h in held {
        let (start, end) = in_force(h);
        if end.is_some_and(|e| e <= start) {
            continue;
        }
        edges.push(start);
        edges.extend(end);
    }
    if edges.is_empty() {
        return Vec::new();
    }
    edges.extend(hired_on);
    edges.extend(left_on);
    edges.sort_unstable();
    edges.dedup();

    let mut spans: Vec<Span> = Vec::new();
    for (i, &day) in edges.iter().enumerate() {
        let next = edges.get(i + 1).copied();
        // The answer is constant from `day` up to the next edge: read it on `day`.
        if !rules::employed_on(hired_on, left_on, day) {
            continue;
        }
        let top = held
            .iter()
            .filter(|h| {
                rules::designation_in_force_on(h.awarded_on, h.expires_on, h.revoked_on, day)
            })
            .map(|h| (h.level, h.kind))
            .max();
        let Some((level, kind)) = top else { continue };
        match spans.last_mut() {
            Some(last) if last.until == Some(day) && (last.level, last.kind) == (level, kind) => {
                last.until = next;
            }
            _ => spans.push(Span {
                from: day,
                until: next,
                level,
                kind,
            }),
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(n)
    }

    fn held(
        awarded: i64,
        expires: Option<i64>,
        revoked: Option<i64>,
        level: i16,
        kind: i16,
    ) -> Held {
        Held {
            awarded_on: day(awarded),
            expires_on: expires.map(day),
            revoked_on: revoked.map(day),
            level,
            kind,
        }
    }

    /// Rules 1–4 read directly on one day.
    fn top_on(
        hired: Option<NaiveDate>,
        left: Option<NaiveDate>,
        held: &[Held],
        d: NaiveDate,
    ) -> Option<(i16, i16)> {
        if !rules::employed_on(hired, left, d) {
            return None;
        }
        held.iter()
            .filter(|h| rules::designation_in_force_on(h.awarded_on, h.expires_on, h.revoked_on, d))
            .map(|h| (h.level, h.kind))
            .max()
    }

    #[test]
    fn a_county_award_raised_to_city_then_revoked() {
        let spans = top_spans(
            Some(day(0)),
            None,
            &[
                held(10, Some(100), None, 2, 1),
                held(50, None, Some(80), 3, 1),
            ],
        );
        assert_eq!(
            spans,
            vec![
                Span {
                    from: day(10),
                    until: Some(day(50)),
                    level: 2,
                    kind: 1
                },
                Span {
                    from: day(50),
                    until: Some(day(80)),
                    level: 3,
                    kind: 1
                },
                // the expiry is the last valid day
                Span {
                    from: day(80),
                    until: Some(day(101)),
                    level: 2,
                    kind: 1
                },
            ]
        );
    }

    #[test]
    fn employment_cuts_the_spans_and_adjacent_equal_tops_merge() {
        let spans = top_spans(
            Some(day(20)),
            Some(day(60)),
            &[held(0, Some(29), None, 2, 1), held(30, None, None, 2, 1)],
        );
        assert_eq!(
            spans,
            vec![Span {
                from: day(20),
                until: Some(day(60)),
                level: 2,
                kind: 1
            }]
        );
    }

    #[test]
    fn nothing_in_force_is_no_span() {
        // revoked the day it was awarded; expired before it began
        let spans = top_spans(
            None,
            None,
            &[held(5, None, Some(5), 2, 1), held(9, Some(8), None, 3, 1)],
        );
        assert!(spans.is_empty());
        assert!(top_spans(None, None, &[]).is_empty());
    }

    #[test]
    fn an_expiry_on_the_last_day_there_is_never_ends() {
        let spans = top_spans(
            None,
            None,
            &[Held {
                awarded_on: day(0),
                expires_on: Some(NaiveDate::MAX),
                revoked_on: None,
                level: 2,
                kind: 1,
            }],
        );
        assert_eq!(
            spans,
            vec![Span {
                from: day(0),
                until: None,
                level: 2,
                kind: 1
            }]
        );
    }

    fn arb_held() -> impl Strategy<Value = Held> {
        (
            0i64..40,
            proptest::option::of(0i64..40),
            proptest::option::of(0i64..40),
            1i16..=5,
            1i16..=3,
        )
            .prop_map(|(a, e, r, level, kind)| held(a, e, r, level, kind))
    }

    proptest! {
        /// On every day, the span holding it (at most one) is exactly what rules 1–4 say.
        #[test]
        fn spans_agree_with_the_rules_on_every_day(
            hired in proptest::option::of(0i64..40),
            left in proptest::option::of(0i64..40),
            held in proptest::collection::vec(arb_held(), 0..5),
        ) {
            let (hired, left) = (hired.map(day), left.map(day));
            let spans = top_spans(hired, left, &held);
            for w in spans.windows(2) {
                prop_assert!(w[0].until.is_some_and(|u| u <= w[1].from));
            }
            for n in -2..45 {
                let d = day(n);
                let holding: Vec<&Span> = spans.iter().filter(|s| s.holds(d)).collect();
                prop_assert!(holding.len() <= 1);
                prop_assert_eq!(holding.first().map(|s| (s.level, s.kind)), top_on(hired, left, &held, d));
            }
        }
    }
}
