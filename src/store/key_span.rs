//! Key-teacher spans in the store (see `domain::spans`), and the series of their changes.
//!
//! `key_teacher_spans` holds each teacher's spans with the teacher's school beside them, so a
//! count grouped by school or township reads one table and the small `schools`.
//! `key_teacher_changes` holds, per day, level and kind, how many spans start on that day
//! minus how many end on it: the number of key teachers at level ≥ L on D is the sum of the
//! changes up to D at level ≥ L, a few thousand rows whatever the registry's size. A history of
//! 40 points is one statement over them.
//!
//! Both are derived data. [`refresh`] rewrites a set of teachers' spans from their records and
//! adjusts the changes by the difference, and every service that writes a teacher's dates or
//! school, or a designation, calls it in its own transaction: what the counts read is never
//! older than what was committed. [`build_if_unbuilt`] makes them from nothing after the
//! migration that created them, or after restoring a backup made before it.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Utc};
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Expr, ExprTrait, IntoIden, OnConflict, Query, SimpleExpr};
use sea_orm::{QueryOrder, QuerySelect};

use super::{Db, designation, insert_chunks, teacher};
use crate::domain::spans::{Held, Span, top_spans};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "key_teacher_spans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub teacher_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub from_on: Date,
    /// Exclusive; `None`: no end.
    pub until_on: Option<Date>,
    pub level: i16,
    pub kind: i16,
    pub school_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The per-day changes of the count.
pub mod changes {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "key_teacher_changes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: Date,
        #[sea_orm(primary_key, auto_increment = false)]
        pub level: i16,
        #[sea_orm(primary_key, auto_increment = false)]
        pub kind: i16,
        pub delta: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The spans of rows `t` (the table or an alias) holding `day` (a value or a column of a table
/// of days).
pub fn holding<T: IntoIden>(t: T, day: SimpleExpr) -> SimpleExpr {
    let t = t.into_iden();
    let col = |c: Column| -> SimpleExpr { Expr::col((t.clone(), c)) };
    col(Column::FromOn).lte(day.clone()).and(
        col(Column::UntilOn)
            .is_null()
            .or(col(Column::UntilOn).gt(day)),
    )
}

/// Teachers per [`refresh`] statement: their ids are bound parameters, well under SQLite's
/// limit, and their rows are few.
const CHUNK: usize = 2_000;

/// Rewrites the spans of `teacher_ids` from their records as they stand in `tx`, and adjusts
/// the changes by the difference. Teachers whose spans come out the same are not written.
pub async fn refresh(tx: &impl ConnectionTrait, teacher_ids: &[Uuid]) -> Result<(), DbErr> {
    let mut ids = teacher_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for chunk in ids.chunks(CHUNK) {
        refresh_chunk(tx, chunk, Lock::Teachers).await?;
    }
    Ok(())
}

type Key = (NaiveDate, i16, i16);
/// A designation's teacher, award, expiry, revocation, level and kind.
type HeldRow = (
    Uuid,
    NaiveDate,
    Option<NaiveDate>,
    Option<NaiveDate>,
    i16,
    i16,
);

/// Whether [`refresh_chunk`] locks the teachers' rows first.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lock {
    Teachers,
    /// For [`rebuild`], whose transaction wrote the rows itself (demo) or holds the build's
    /// claim that every other writer of this version waits behind (see [`build_if_unbuilt`]):
    /// locking a million rows would only rewrite every page of `teachers` on PostgreSQL.
    None,
}

async fn refresh_chunk(tx: &impl ConnectionTrait, ids: &[Uuid], lock: Lock) -> Result<(), DbErr> {
    // The teachers' rows are locked first (PostgreSQL; SQLite has one writer at a time): two
    // transactions changing one teacher's designations at once would otherwise each compute
    // the spans without the other's, and both write them. The second now waits, and then reads
    // (READ COMMITTED: each statement sees what was committed before it) what the first
    // committed. Locked in id order, so two chunks cannot deadlock.
    let mut teachers = teacher::Entity::find()
        .select_only()
        .columns([
            teacher::Column::Id,
            teacher::Column::HiredOn,
            teacher::Column::LeftOn,
            teacher::Column::SchoolId,
        ])
        .filter(teacher::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(teacher::Column::Id);
    if lock == Lock::Teachers && tx.get_database_backend() == sea_orm::DbBackend::Postgres {
        // NO KEY UPDATE, as an UPDATE of the row takes: it does not wait on the KEY SHARE lock
        // that inserting a designation (its foreign key) takes on the teacher, so two awards
        // to one teacher queue here instead of deadlocking.
        teachers = teachers.lock(sea_orm::sea_query::LockType::NoKeyUpdate);
    }
    let teachers: Vec<(Uuid, Option<NaiveDate>, Option<NaiveDate>, Uuid)> =
        teachers.into_tuple().all(tx).await?;
    // Each teacher's stored spans and the school written with them.
    let mut old: HashMap<Uuid, (Uuid, Vec<Span>)> = HashMap::new();
    for row in Entity::find()
        .filter(Column::TeacherId.is_in(ids.iter().copied()))
        .order_by_asc(Column::TeacherId)
        .order_by_asc(Column::FromOn)
        .all(tx)
        .await?
    {
        old.entry(row.teacher_id)
            .or_insert_with(|| (row.school_id, Vec::new()))
            .1
            .push(span_of(&row));
    }
    let mut held: HashMap<Uuid, Vec<Held>> = HashMap::new();
    let rows: Vec<HeldRow> = designation::Entity::find()
        .select_only()
        .columns([
            designation::Column::TeacherId,
            designation::Column::AwardedOn,
            designation::Column::ExpiresOn,
            designation::Column::RevokedOn,
            designation::Column::Level,
            designation::Column::Kind,
        ])
        .filter(designation::Column::TeacherId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(tx)
        .await?;
    for (teacher_id, awarded_on, expires_on, revoked_on, level, kind) in rows {
        held.entry(teacher_id).or_default().push(Held {
            awarded_on,
            expires_on,
            revoked_on,
            level,
            kind,
        });
    }

    let mut stale: Vec<Uuid> = Vec::new();
    let mut fresh: Vec<ActiveModel> = Vec::new();
    let mut deltas: BTreeMap<Key, i64> = BTreeMap::new();
    let none = Vec::new();
    for &(id, hired_on, left_on, school_id) in &teachers {
        let new = top_spans(hired_on, left_on, held.get(&id).unwrap_or(&none));
        let (before_school, before) = old.remove(&id).unwrap_or((school_id, Vec::new()));
        // A new school rewrites the spans (they carry it) but changes no count.
        if before == new && before_school == school_id {
            continue;
        }
        if !before.is_empty() {
            stale.push(id);
        }
        count(&mut deltas, &before, -1);
        count(&mut deltas, &new, 1);
        fresh.extend(new.iter().map(|s| row_of(id, school_id, s)));
    }
    // Spans of ids with no teacher row (none today: teachers are never deleted) go too.
    for (id, (_, before)) in old {
        stale.push(id);
        count(&mut deltas, &before, -1);
    }
    if !stale.is_empty() {
        Entity::delete_many()
            .filter(Column::TeacherId.is_in(stale))
            .exec(tx)
            .await?;
    }
    insert_chunks(tx, fresh).await?;
    add_changes(tx, deltas).await
}

fn count(deltas: &mut BTreeMap<Key, i64>, spans: &[Span], sign: i64) {
    for s in spans {
        *deltas.entry((s.from, s.level, s.kind)).or_default() += sign;
        if let Some(until) = s.until {
            *deltas.entry((until, s.level, s.kind)).or_default() -= sign;
        }
    }
}

/// Adds `deltas` to the stored changes, in key order (two transactions adding to the same keys
/// then lock them in the same order and cannot deadlock).
async fn add_changes(tx: &impl ConnectionTrait, deltas: BTreeMap<Key, i64>) -> Result<(), DbErr> {
    let rows: Vec<changes::ActiveModel> = deltas
        .into_iter()
        .filter(|(_, delta)| *delta != 0)
        .map(|((day, level, kind), delta)| changes::ActiveModel {
            day: sea_orm::Set(day),
            level: sea_orm::Set(level),
            kind: sea_orm::Set(kind),
            delta: sea_orm::Set(delta),
        })
        .collect();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<changes::ActiveModel> = rows.by_ref().take(400).collect();
        changes::Entity::insert_many(chunk)
            .on_conflict(
                OnConflict::columns([
                    changes::Column::Day,
                    changes::Column::Level,
                    changes::Column::Kind,
                ])
                .value(
                    changes::Column::Delta,
                    Expr::col((changes::Entity, changes::Column::Delta))
                        .add(Expr::cust("excluded.delta")),
                )
                .to_owned(),
            )
            .exec_without_returning(tx)
            .await?;
    }
    // A key whose changes came to cancel out stays, at 0: it adds nothing to a sum, there are
    // at most a few per day ever touched, and deleting it would lock rows other writers hold.
    Ok(())
}

fn span_of(row: &Model) -> Span {
    Span {
        from: row.from_on,
        until: row.until_on,
        level: row.level,
        kind: row.kind,
    }
}

fn row_of(teacher_id: Uuid, school_id: Uuid, s: &Span) -> ActiveModel {
    ActiveModel {
        teacher_id: sea_orm::Set(teacher_id),
        from_on: sea_orm::Set(s.from),
        until_on: sea_orm::Set(s.until),
        level: sea_orm::Set(s.level),
        kind: sea_orm::Set(s.kind),
        school_id: sea_orm::Set(school_id),
    }
}

const NAME: &str = "key_teacher_spans";

/// Builds the spans and changes of every teacher if they have not been built since the
/// migration that created them. Claims the build first (`built_at` set where it was empty), in
/// the same transaction: of several servers starting at once on PostgreSQL, the others wait on
/// that row and then find it built.
pub async fn build_if_unbuilt(db: &Db) -> Result<bool, DbErr> {
    let tx = db.begin().await?;
    let claimed = tx
        .execute(
            &Query::update()
                .table(derived())
                .value(sea_orm::sea_query::Alias::new("built_at"), Utc::now())
                .and_where(Expr::col(sea_orm::sea_query::Alias::new("name")).eq(NAME))
                .and_where(Expr::col(sea_orm::sea_query::Alias::new("built_at")).is_null())
                .to_owned(),
        )
        .await?
        .rows_affected();
    if claimed == 0 {
        return Ok(false);
    }
    rebuild(&tx).await?;
    tx.commit().await?;
    Ok(true)
}

fn derived() -> sea_orm::sea_query::Alias {
    sea_orm::sea_query::Alias::new("derived_tables")
}

/// Rewrites every teacher's spans and the changes from nothing, a chunk of teachers at a time
/// (memory stays flat whatever the registry's size).
pub async fn rebuild(tx: &impl ConnectionTrait) -> Result<(), DbErr> {
    Entity::delete_many().exec(tx).await?;
    changes::Entity::delete_many().exec(tx).await?;
    let mut after: Option<Uuid> = None;
    loop {
        let mut page = teacher::Entity::find()
            .select_only()
            .column(teacher::Column::Id)
            .order_by_asc(teacher::Column::Id)
            .limit(CHUNK as u64);
        if let Some(last) = after {
            page = page.filter(teacher::Column::Id.gt(last));
        }
        let ids: Vec<Uuid> = page.into_tuple().all(tx).await?;
        let Some(&last) = ids.last() else { break };
        refresh_chunk(tx, &ids, Lock::None).await?;
        after = Some(last);
    }
    Ok(())
}

/// Whether a count over `kinds` may read the spans: only over the whole family, which the
/// spans' top is taken over.
pub fn answers(kinds: &[crate::domain::DesignationKind]) -> bool {
    crate::domain::DesignationKind::ALL
        .iter()
        .all(|k| kinds.contains(k))
}
