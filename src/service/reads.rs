//! Nested reads: the rows a request's dataloaders fetch for the fields below a top-level one,
//! each behind the actor's permission, decided here like every other.
//!
//! Top-level reads check the role before they run; nested ones must too, at any depth: a
//! studio host reaching a teacher must not see that teacher's pairs in another studio. So each
//! function takes the actor, checks the role, and for a studio host narrows the rows to its
//! studios in SQL (`studio::hosted_ids`) — the loaders never see rows the actor may not read.

use chrono::NaiveDate;
use uuid::Uuid;

use super::require;
use super::studios::read_scope;
use crate::domain::{Actor, Permission};
use crate::error::{Error, Result};
use crate::store::mentoring_pair::PairsBy;
use crate::store::series::Point;
use crate::store::{
    Db, designation, enrollment, mentoring_activity, mentoring_pair, reserve_entry, school, studio,
    studio_assessment, studio_member, teacher, token, training_record,
};

fn registry(actor: &Actor) -> Result<()> {
    require(actor, Permission::ReadRegistry)
}

pub async fn schools(db: &Db, actor: &Actor, ids: &[Uuid]) -> Result<Vec<school::Model>> {
    registry(actor)?;
    Ok(school::by_ids(&db.read, ids).await?)
}

pub async fn teachers(db: &Db, actor: &Actor, ids: &[Uuid]) -> Result<Vec<teacher::Model>> {
    registry(actor)?;
    Ok(teacher::by_ids(&db.read, ids).await?)
}

pub async fn designations_of(
    db: &Db,
    actor: &Actor,
    teacher_ids: &[Uuid],
) -> Result<Vec<designation::Model>> {
    registry(actor)?;
    Ok(designation::by_teachers(&db.read, teacher_ids).await?)
}

pub async fn training_records_of(
    db: &Db,
    actor: &Actor,
    teacher_ids: &[Uuid],
) -> Result<Vec<training_record::Model>> {
    registry(actor)?;
    Ok(training_record::by_teachers(&db.read, teacher_ids).await?)
}

pub async fn reserve_entries_of(
    db: &Db,
    actor: &Actor,
    teacher_ids: &[Uuid],
) -> Result<Vec<reserve_entry::Model>> {
    registry(actor)?;
    Ok(reserve_entry::by_teachers(&db.read, teacher_ids).await?)
}

pub async fn enrollments_of(
    db: &Db,
    actor: &Actor,
    school_ids: &[Uuid],
) -> Result<Vec<enrollment::Model>> {
    registry(actor)?;
    Ok(enrollment::by_schools(&db.read, school_ids).await?)
}

/// Studios by id: a studio host gets only its own (another's reads as missing).
pub async fn studios(db: &Db, actor: &Actor, ids: &[Uuid]) -> Result<Vec<studio::Model>> {
    Ok(studio::by_ids(&db.read, ids, read_scope(actor)?).await?)
}

/// Members in force on `d` of several studios (rule 6).
pub async fn members_in_force(
    db: &Db,
    actor: &Actor,
    studio_ids: &[Uuid],
    d: NaiveDate,
) -> Result<Vec<studio_member::Model>> {
    Ok(studio_member::in_force(&db.read, studio_ids, d, read_scope(actor)?).await?)
}

/// Each membership's pairs counted as rule 7 counts them, uncapped, on `d`.
pub async fn mentee_counts(
    db: &Db,
    actor: &Actor,
    member_ids: &[Uuid],
    d: NaiveDate,
) -> Result<Vec<(Uuid, i64)>> {
    Ok(studio_member::mentee_counts(&db.read, member_ids, d, read_scope(actor)?).await?)
}

/// Pairs by their id, studio, mentor or mentee.
pub async fn pairs(
    db: &Db,
    actor: &Actor,
    by: PairsBy,
    ids: &[Uuid],
) -> Result<Vec<mentoring_pair::Model>> {
    Ok(mentoring_pair::by(&db.read, by, ids, read_scope(actor)?).await?)
}

pub async fn activities_of(
    db: &Db,
    actor: &Actor,
    pair_ids: &[Uuid],
) -> Result<Vec<mentoring_activity::Model>> {
    Ok(mentoring_activity::by_pairs(&db.read, pair_ids, read_scope(actor)?).await?)
}

/// Memberships of several teachers, any time.
pub async fn memberships_of(
    db: &Db,
    actor: &Actor,
    teacher_ids: &[Uuid],
) -> Result<Vec<studio_member::Model>> {
    Ok(studio_member::by_teachers(&db.read, teacher_ids, read_scope(actor)?).await?)
}

pub async fn assessments_of(
    db: &Db,
    actor: &Actor,
    studio_ids: &[Uuid],
) -> Result<Vec<studio_assessment::Model>> {
    Ok(studio_assessment::by_studios(&db.read, studio_ids, read_scope(actor)?).await?)
}

/// Each studio's mentoring quota on `d` with `per_member` (rule 7).
pub async fn quotas(
    db: &Db,
    actor: &Actor,
    studio_ids: &[Uuid],
    d: NaiveDate,
    per_member: i64,
) -> Result<Vec<(Uuid, Point)>> {
    // A studio host's quota only of its own studios: narrow the ids first (one query, hosts only).
    let ids: Vec<Uuid> = match read_scope(actor)? {
        None => studio_ids.to_vec(),
        Some(host) => studio::by_ids(&db.read, studio_ids, Some(host))
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect(),
    };
    Ok(crate::store::series::mentoring_by_studio(&db.read, &ids, d, per_member).await?)
}

/// Tokens of several users: an admin reads anyone's, a user only its own.
pub async fn tokens_of(db: &Db, actor: &Actor, user_ids: &[Uuid]) -> Result<Vec<token::Model>> {
    for id in user_ids {
        super::auth::may_read_tokens(actor, *id)?;
    }
    Ok(token::of_users(&db.read, user_ids).await?)
}

/// The actor a nested read runs as; a request without one reads nothing nested.
pub fn acting(actor: Option<&Actor>) -> Result<&Actor> {
    actor.ok_or_else(|| Error::Unauthenticated("send Authorization: Bearer TOKEN".to_owned()))
}
