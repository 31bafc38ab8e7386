//! A studio's members joining and leaving: one membership at a time per teacher and studio,
//! and a member who still mentors active pairs stays until those pairs end.

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde_json::json;
use uuid::Uuid;

use super::host::{found_for_running, lock_for_running, require_running};
use super::{employed_teacher, in_force_on};
use crate::domain::{Actor, MemberRole};
use crate::error::{Error, FieldContext, Result};
use crate::service::commit_recorded;
use crate::store::{self, Db, mentoring_pair, studio_member};

pub async fn add_member(
    db: &Db,
    actor: &Actor,
    studio_id: Uuid,
    teacher_id: Uuid,
    joined_on: NaiveDate,
) -> Result<studio_member::Model> {
    let tx = db.begin().await?;
    let s = lock_for_running(&tx, actor, studio_id, joined_on).await?;
    if !in_force_on(&s, joined_on) {
        return Err(Error::Conflict(format!(
            "{} is not in force on {joined_on}: members join studios in force",
            s.name
        )));
    }
    let t = employed_teacher(&tx, teacher_id, joined_on, "teacher").await?;
    let overlapping = studio_member::of_teacher_in(&tx, studio_id, teacher_id)
        .await?
        .into_iter()
        .find(|m| m.left_on.is_none_or(|l| l > joined_on));
    if let Some(m) = overlapping {
        return Err(Error::Conflict(format!(
            "{} is already a member of {} from {}{}",
            t.name,
            s.name,
            m.joined_on,
            m.left_on.map(|l| format!(" to {l}")).unwrap_or_default()
        )));
    }
    let model = studio_member::ActiveModel {
        id: Set(Uuid::now_v7()),
        studio_id: Set(studio_id),
        teacher_id: Set(teacher_id),
        role: Set(MemberRole::Member.code().to_owned()),
        joined_on: Set(joined_on),
        left_on: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    commit_recorded(
        tx,
        actor,
        "addStudioMember",
        model.id,
        json!({ "studioId": studio_id, "teacherId": teacher_id, "joinedOn": joined_on }),
    )
    .await?;
    Ok(model)
}

pub async fn remove_member(
    db: &Db,
    actor: &Actor,
    member_id: Uuid,
    left_on: NaiveDate,
) -> Result<studio_member::Model> {
    require_running(actor)?;
    let tx = db.begin().await?;
    let member = found_for_running(
        actor,
        store::by_id::<studio_member::Entity>(&tx, member_id).await?,
        "studio member",
    )?;
    let s = lock_for_running(&tx, actor, member.studio_id, left_on).await?;
    if let Some(l) = member.left_on {
        return Err(Error::Conflict(format!("the member already left on {l}")));
    }
    if member.role == MemberRole::Host.code() {
        return Err(Error::Conflict(format!(
            "the host stays a member while {} runs; close the studio instead",
            s.name
        )));
    }
    crate::domain::rules::not_before(left_on, member.joined_on, "joining").field("leftOn")?;
    let active = mentoring_pair::active_count_for_mentor(&tx, s.id, member.teacher_id).await?;
    if active > 0 {
        return Err(Error::Conflict(format!(
            "the member still mentors {active} active pair(s) in {}: end them first",
            s.name
        )));
    }
    let mut model = member.into_active_model();
    model.left_on = Set(Some(left_on));
    let model = model.update(&tx).await?;
    commit_recorded(
        tx,
        actor,
        "removeStudioMember",
        member_id,
        json!({ "leftOn": left_on }),
    )
    .await?;
    Ok(model)
}
