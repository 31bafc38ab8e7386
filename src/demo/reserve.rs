//! The reserve pools: promising teachers who hold no county title yet, some of whom have left
//! their pool since.

use std::collections::HashSet;

use sea_orm::Set;
use sea_orm::prelude::DateTimeUtc;
use uuid::Uuid;

use super::date;
use super::rng::Rng;
use super::teachers::Person;
use crate::domain::ReservePool;
use crate::store::reserve_entry;

/// Promising younger teachers in the reserve pools, some of whom have left them since.
pub(super) fn make_reserve_entries(
    rng: &mut Rng,
    people: &[Person],
    holders: &[usize],
    now: DateTimeUtc,
) -> Vec<reserve_entry::ActiveModel> {
    let holder_set: HashSet<usize> = holders.iter().copied().collect();
    let mut entries = Vec::new();
    for (i, p) in people.iter().enumerate() {
        let pool = if rng.chance(5) {
            ReservePool::KeyTeacher
        } else if rng.chance(1) {
            ReservePool::Principal
        } else {
            continue;
        };
        let entered_on = rng.day_between(date(2023, 6, 1), date(2025, 12, 31));
        if !p.employed_on(entered_on) || holder_set.contains(&i) {
            continue;
        }
        let left_on = p.left_on.filter(|l| *l > entered_on).or_else(|| {
            rng.chance(20)
                .then(|| rng.day_between(entered_on, date(2026, 9, 1)))
        });
        entries.push(reserve_entry::ActiveModel {
            id: Set(Uuid::now_v7()),
            teacher_id: Set(p.id),
            pool: Set(pool.code().to_owned()),
            entered_on: Set(entered_on),
            left_on: Set(left_on),
            created_at: Set(now),
        });
    }
    entries
}
