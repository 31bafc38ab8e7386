//! Conversion (rule 12): the county's 2026 key-teacher batch also names teachers the studios
//! mentored and teachers of the key-teacher reserve pool, so that `conversion` has a story:
//! the older, better-run studios have better chances ([`GROWTH_PERCENT`]) and grow key
//! teachers, others none, and a share of the reserve pool makes it. A mentee is considered
//! once, through their first pair drawn, but counts in every studio they were paired in (rule
//! 12), so a studio can show a conversion another studio's pair drew.
//!
//! Every award is dated on the 2026 batch's day (10 September 2026), after the pair's start
//! or the pool entry it follows, so the 2023 plan's numbers on its deadline (31 December 2025)
//! are the same as before the growth records were added.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use sea_orm::Set;
use sea_orm::prelude::DateTimeUtc;
use uuid::Uuid;

use super::rng::Rng;
use super::studios::StudioRows;
use super::teachers::Person;
use super::training::KeySpans;
use super::{DEMO_TODAY, date};
use crate::domain::{DesignationKind, Level, PairStatus, ReservePool};
use crate::store::{designation, reserve_entry};

/// The 2026 county key-teacher batch's day, as in `designations`.
const AWARDED_ON: NaiveDate = match NaiveDate::from_ymd_opt(2026, 9, 10) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// Out of 100, the mentees of each studio named in the batch (of those eligible). Studios not
/// listed (the districts') grow none.
const GROWTH_PERCENT: &[(&str, u64)] = &[
    ("陈老师小学语文名师工作室", 45),
    ("初中数学名师工作室", 30),
    ("小学数学名师工作室", 15),
    ("初中英语名师工作室", 25),
    ("初中物理名师工作室", 0),
    ("小学英语名师工作室", 25),
    ("体育与健康名师工作室", 0),
    ("小学科学名师工作室", 20),
    ("初中语文名师工作室", 0),
    ("道德与法治名师工作室", 0),
];

/// Out of 100, the reserve pool's eligible teachers named in the batch.
const RESERVE_PERCENT: u64 = 30;

/// The designations that convert mentees and reserve-pool teachers. A teacher is eligible when
/// their pair (not withdrawn) started half a year before the award, or they entered the pool a
/// year before it; they were hired three years before it, are employed on it and today, and
/// hold no county-or-above title in force on it (from the `designations` drawn before) nor one
/// of the batch's already. Certificates are numbered on from `certificates`.
pub(super) fn make_conversions(
    rng: &mut Rng,
    people: &[Person],
    rows: &StudioRows,
    entries: &[reserve_entry::ActiveModel],
    designations: &[designation::ActiveModel],
    certificates: &mut u32,
    now: DateTimeUtc,
) -> Vec<designation::ActiveModel> {
    let by_id: HashMap<Uuid, &Person> = people.iter().map(|p| (p.id, p)).collect();
    let key = KeySpans::of(designations);
    // Those the batch named already, even if revoked on the day (their title never was in
    // force): a second award of the same title on the same day would be refused.
    let in_batch: HashSet<Uuid> = designations
        .iter()
        .filter(|d| {
            d.awarded_on.try_as_ref() == Some(&AWARDED_ON)
                && d.kind.try_as_ref() == Some(&DesignationKind::KeyTeacher.rank())
                && d.level.try_as_ref() == Some(&Level::County.rank())
        })
        .filter_map(|d| d.teacher_id.try_as_ref().copied())
        .collect();
    let eligible = |teacher: &Uuid| {
        by_id.get(teacher).is_some_and(|p| {
            p.hired_on <= AWARDED_ON - Duration::days(3 * 365)
                && p.employed_on(AWARDED_ON)
                && p.employed_on(DEMO_TODAY)
                && !key.holds(p.id, AWARDED_ON)
                && !in_batch.contains(&p.id)
        })
    };
    let growth: HashMap<Uuid, u64> = rows
        .studios
        .iter()
        .filter_map(|s| {
            let name = s.name.try_as_ref()?;
            let pct = GROWTH_PERCENT.iter().find(|(n, _)| n == name)?.1;
            Some((*s.id.try_as_ref()?, pct))
        })
        .collect();
    let mut named: Vec<Uuid> = Vec::new();
    let mut seen: HashSet<Uuid> = HashSet::new();
    for pair in &rows.pairs {
        let (Some(studio), Some(mentee), Some(started), Some(status)) = (
            pair.studio_id.try_as_ref(),
            pair.mentee_teacher_id.try_as_ref(),
            pair.started_on.try_as_ref(),
            pair.status.try_as_ref(),
        ) else {
            continue;
        };
        let Some(&pct) = growth.get(studio) else {
            continue;
        };
        let grown = *started <= AWARDED_ON - Duration::days(180)
            && status != PairStatus::Withdrawn.code()
            && eligible(mentee);
        // A mentee is considered once, by their first pair in the drawing order.
        if grown && seen.insert(*mentee) && rng.chance(pct) {
            named.push(*mentee);
        }
    }
    for entry in entries {
        let (Some(teacher), Some(pool), Some(entered)) = (
            entry.teacher_id.try_as_ref(),
            entry.pool.try_as_ref(),
            entry.entered_on.try_as_ref(),
        ) else {
            continue;
        };
        let waited = *entered <= AWARDED_ON - Duration::days(365);
        if pool == ReservePool::KeyTeacher.code()
            && waited
            && eligible(teacher)
            && seen.insert(*teacher)
            && rng.chance(RESERVE_PERCENT)
        {
            named.push(*teacher);
        }
    }
    named
        .into_iter()
        .map(|teacher| {
            *certificates += 1;
            designation::ActiveModel {
                id: Set(Uuid::now_v7()),
                teacher_id: Set(teacher),
                kind: Set(DesignationKind::KeyTeacher.rank()),
                level: Set(Level::County.rank()),
                subject: Set(None),
                batch: Set(Some("2026年县级骨干教师评选".to_owned())),
                awarded_on: Set(AWARDED_ON),
                expires_on: Set(Some(date(2029, 9, 9))),
                revoked_on: Set(None),
                revoke_reason: Set(None),
                certificate_no: Set(Some(format!("SCJY-2026-{:05}", *certificates))),
                created_at: Set(now),
            }
        })
        .collect()
}
