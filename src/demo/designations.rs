//! The titles: yearly county key-teacher batches (three-year terms), subject leaders, master
//! teachers, and the municipal, provincial and national titles above them; a few revoked.
//! Also who holds a county-or-above title, in award order: the studios draw their hosts
//! from them.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use sea_orm::Set;
use sea_orm::prelude::DateTimeUtc;
use uuid::Uuid;

use super::date;
use super::rng::Rng;
use super::teachers::Person;
use crate::domain::{DesignationKind, Level};
use crate::store::designation;

/// A designation batch: year, kind, level, how many, term in years, title.
struct Batch(
    i32,
    DesignationKind,
    Level,
    usize,
    Option<i64>,
    &'static str,
);

/// The batches in the order they are drawn (not by year: the order is part of the county).
/// Sizes are for a county of 3,000 teachers and scale with it, but for the one national title.
// A table reads best one batch to a line; rustfmt would spread each over eight.
#[rustfmt::skip]
fn batches(teachers: usize) -> Vec<Batch> {
    use DesignationKind::{KeyTeacher, MasterTeacher, SubjectLeader};
    use Level::{County, Municipal, National, Provincial, School};
    let scale = |n: usize| n * teachers / 3000;
    vec![
        Batch(2019, KeyTeacher, County, scale(80), Some(3), "县级骨干教师"),
        Batch(2020, KeyTeacher, County, scale(85), Some(3), "县级骨干教师"),
        Batch(2021, KeyTeacher, County, scale(90), Some(3), "县级骨干教师"),
        Batch(2022, KeyTeacher, County, scale(95), Some(3), "县级骨干教师"),
        Batch(2023, KeyTeacher, County, scale(140), Some(3), "县级骨干教师"),
        Batch(2024, KeyTeacher, County, scale(150), Some(3), "县级骨干教师"),
        Batch(2025, KeyTeacher, County, scale(150), Some(3), "县级骨干教师"),
        Batch(2026, KeyTeacher, County, scale(165), Some(3), "县级骨干教师"),
        Batch(2021, SubjectLeader, County, scale(40), Some(5), "县级学科带头人"),
        Batch(2024, SubjectLeader, County, scale(45), Some(5), "县级学科带头人"),
        Batch(2022, MasterTeacher, County, scale(12), None, "石城名师"),
        Batch(2025, MasterTeacher, County, scale(12), None, "石城名师"),
        Batch(2020, KeyTeacher, Municipal, scale(25), Some(5), "赣州市骨干教师"),
        Batch(2023, KeyTeacher, Municipal, scale(28), Some(5), "赣州市骨干教师"),
        Batch(2023, SubjectLeader, Municipal, scale(10), Some(5), "赣州市学科带头人"),
        Batch(2024, KeyTeacher, Provincial, scale(8), Some(5), "江西省骨干教师"),
        Batch(2022, SubjectLeader, Provincial, scale(3), Some(5), "江西省学科带头人"),
        Batch(2021, MasterTeacher, National, 1, None, "全国优秀教师"),
        Batch(2024, KeyTeacher, School, scale(260), Some(2), "校级骨干教师"),
    ]
}

/// Awards every batch in turn. Returns the rows and the people holding a county-or-above
/// title, in the order they first got one. Certificates are numbered on from `certificates`,
/// which is left at the last one given, so that districts drawn one after another never
/// repeat a number.
pub(super) fn make_designations(
    rng: &mut Rng,
    people: &[Person],
    certificates: &mut u32,
    now: DateTimeUtc,
) -> (Vec<designation::ActiveModel>, Vec<usize>) {
    let mut awards = Awards {
        certificate: *certificates,
        ..Awards::default()
    };
    for batch in batches(people.len()) {
        let count = batch.3;
        for i in awards
            .candidates(rng, people, &batch)
            .into_iter()
            .take(count)
        {
            awards.award(rng, people, i, &batch, now);
        }
    }
    *certificates = awards.certificate;
    (awards.designations, awards.holders)
}

/// The awards so far. Holders are kept in award order and as a set, and the titles in force
/// as a map, so that lookups stay cheap and a province-sized demo stays linear.
#[derive(Default)]
struct Awards {
    designations: Vec<designation::ActiveModel>,
    awarded: HashSet<(usize, DesignationKind, Level, NaiveDate)>,
    holders: Vec<usize>,
    holder_set: HashSet<usize>,
    in_force: HashMap<(usize, DesignationKind, Level), Option<NaiveDate>>,
    certificate: u32,
}

impl Awards {
    /// The batch's candidates, best first. Experienced teachers are likelier: draw from those
    /// employed on the award day, favouring a higher experience rank (and earlier holders,
    /// for higher titles).
    fn candidates(&self, rng: &mut Rng, people: &[Person], batch: &Batch) -> Vec<usize> {
        let &Batch(year, kind, level, ..) = batch;
        let awarded_on = date(year, 9, 10);
        let mut pool: Vec<(u64, usize)> = (0..people.len())
            .filter(|i| people[*i].employed_on(awarded_on))
            .filter(|i| awarded_on - people[*i].hired_on > Duration::days(365 * 4))
            // Nobody is awarded a title they already hold in force.
            .filter(|i| {
                !self
                    .in_force
                    .get(&(*i, kind, level))
                    .is_some_and(|until| until.is_none_or(|u| u >= awarded_on))
            })
            .map(|i| {
                let held = self.holder_set.contains(&i);
                let base = people[i].experience_rank + rng.below(900);
                (
                    if held && level > Level::County {
                        base + 1500
                    } else {
                        base
                    },
                    i,
                )
            })
            .collect();
        pool.sort_unstable_by(|a, b| b.cmp(a));
        pool.into_iter().map(|(_, i)| i).collect()
    }

    /// Awards the batch's title to person `i`, unless they got it on that day already.
    fn award(
        &mut self,
        rng: &mut Rng,
        people: &[Person],
        i: usize,
        batch: &Batch,
        now: DateTimeUtc,
    ) {
        let &Batch(year, kind, level, _, years, title) = batch;
        let awarded_on = date(year, 9, 10);
        if !self.awarded.insert((i, kind, level, awarded_on)) {
            return;
        }
        self.certificate += 1;
        let certificate = self.certificate;
        let expires_on = years.map(|y| date(year + y as i32, 9, 9));
        // A few titles are revoked part-way (师德 cases, fraud in an application).
        let revoked = rng.chance(2).then(|| {
            rng.day_between(
                awarded_on,
                expires_on
                    .unwrap_or(date(2026, 6, 30))
                    .min(date(2026, 6, 30)),
            )
        });
        self.designations.push(designation::ActiveModel {
            id: Set(Uuid::now_v7()),
            teacher_id: Set(people[i].id),
            kind: Set(kind.rank()),
            level: Set(level.rank()),
            subject: Set(None),
            batch: Set(Some(format!("{year}年{title}评选"))),
            awarded_on: Set(awarded_on),
            expires_on: Set(expires_on),
            revoked_on: Set(revoked),
            revoke_reason: Set(revoked.map(|_| "年度考核不合格，撤销称号".to_owned())),
            certificate_no: Set(Some(format!("SCJY-{year}-{certificate:05}"))),
            created_at: Set(now),
        });
        if level >= Level::County && self.holder_set.insert(i) {
            self.holders.push(i);
        }
        self.in_force
            .insert((i, kind, level), revoked.or(expires_on));
    }
}
