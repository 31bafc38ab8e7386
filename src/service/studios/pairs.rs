//! Mentoring pairs (结对培养) and their activities: a member in force mentors, nobody mentors
//! themselves, a mentee has one ACTIVE pair per studio, and the studio's per-member capacity
//! holds; an activity falls within its pair's time.

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde_json::json;
use uuid::Uuid;

use super::host::{found_for_running, lock_for_running, require_running};
use super::{employed_teacher, in_force_on};
use crate::domain::rules::today;
use crate::domain::{ActivityKind, Actor, Hours, PairStatus};
use crate::error::{Error, FieldContext, Result};
use crate::service::commit_recorded;
use crate::store::{Db, mentoring_activity, mentoring_pair, studio_member};

/// A mentoring pair to start.
#[derive(Debug, Clone)]
pub struct NewPair {
    pub studio_id: Uuid,
    pub mentor_teacher_id: Uuid,
    pub mentee_teacher_id: Uuid,
    pub started_on: NaiveDate,
    pub goal: Option<String>,
}

/// An activity to log.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub pair_id: Uuid,
    pub date: NaiveDate,
    pub kind: ActivityKind,
    pub hours: f64,
    pub notes: Option<String>,
}

pub async fn create_pair(db: &Db, actor: &Actor, input: NewPair) -> Result<mentoring_pair::Model> {
    if input.mentor_teacher_id == input.mentee_teacher_id {
        return Err(Error::invalid(
            "menteeTeacherId",
            "a teacher cannot mentor themselves",
        ));
    }
    let tx = db.begin().await?;
    let on = input.started_on;
    let s = lock_for_running(&tx, actor, input.studio_id, on).await?;
    if !in_force_on(&s, on) {
        return Err(Error::Conflict(format!(
            "{} is not in force on {on}",
            s.name
        )));
    }
    // Rule 8 through rule 6's one SQL condition: a mentor who has left the county's schools by
    // `on` is no member in force, whatever their membership row says.
    let mentor_membership =
        studio_member::membership_in_force(&tx, s.id, input.mentor_teacher_id, on).await?;
    if mentor_membership.is_none() {
        return Err(Error::Conflict(format!(
            "the mentor is not a member in force of {} on {on}",
            s.name
        )));
    }
    let mentee = employed_teacher(&tx, input.mentee_teacher_id, on, "mentee").await?;
    if let Some(p) = mentoring_pair::active_for_mentee(&tx, s.id, mentee.id).await? {
        return Err(Error::Conflict(format!(
            "{} already has an active pair in {} since {}",
            mentee.name, s.name, p.started_on
        )));
    }
    if let Some(capacity) = s.mentee_capacity {
        let active =
            mentoring_pair::active_count_for_mentor(&tx, s.id, input.mentor_teacher_id).await?;
        if active >= capacity as u64 {
            return Err(Error::Conflict(format!(
                "the mentor already has {active} active pair(s), the capacity of {}",
                s.name
            )));
        }
    }
    let model = mentoring_pair::ActiveModel {
        id: Set(Uuid::now_v7()),
        studio_id: Set(s.id),
        mentor_teacher_id: Set(input.mentor_teacher_id),
        mentee_teacher_id: Set(mentee.id),
        started_on: Set(on),
        ended_on: Set(None),
        status: Set(PairStatus::Active.code().to_owned()),
        goal: Set(input.goal),
        created_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    commit_recorded(
        tx,
        actor,
        "createMentoringPair",
        model.id,
        json!({ "studioId": s.id, "mentorTeacherId": model.mentor_teacher_id,
                "menteeTeacherId": model.mentee_teacher_id, "startedOn": on }),
    )
    .await?;
    Ok(model)
}

pub async fn end_pair(
    db: &Db,
    actor: &Actor,
    pair_id: Uuid,
    ended_on: NaiveDate,
    status: PairStatus,
) -> Result<mentoring_pair::Model> {
    if status == PairStatus::Active {
        return Err(Error::invalid(
            "status",
            "a pair ends COMPLETED or WITHDRAWN",
        ));
    }
    require_running(actor)?;
    let tx = db.begin().await?;
    let pair = found_for_running(
        actor,
        mentoring_pair::by_id(&tx, pair_id).await?,
        "mentoring pair",
    )?;
    lock_for_running(&tx, actor, pair.studio_id, ended_on).await?;
    if pair.status != PairStatus::Active.code() {
        return Err(Error::Conflict(format!(
            "the pair already ended {} on {}",
            pair.status,
            pair.ended_on.map(|d| d.to_string()).unwrap_or_default()
        )));
    }
    crate::domain::rules::not_before(ended_on, pair.started_on, "the start").field("endedOn")?;
    let mut model = pair.into_active_model();
    model.ended_on = Set(Some(ended_on));
    model.status = Set(status.code().to_owned());
    let model = model.update(&tx).await?;
    commit_recorded(
        tx,
        actor,
        "endMentoringPair",
        pair_id,
        json!({ "endedOn": ended_on, "status": status.code() }),
    )
    .await?;
    Ok(model)
}

pub async fn log_activity(
    db: &Db,
    actor: &Actor,
    input: NewActivity,
) -> Result<mentoring_activity::Model> {
    let hours = Hours::parse(input.hours).map_err(|e| Error::invalid("hours", e))?;
    if input.date > today() {
        return Err(Error::invalid(
            "date",
            "activities are logged once they happened",
        ));
    }
    require_running(actor)?;
    let tx = db.begin().await?;
    let pair = found_for_running(
        actor,
        mentoring_pair::by_id(&tx, input.pair_id).await?,
        "mentoring pair",
    )?;
    lock_for_running(&tx, actor, pair.studio_id, input.date).await?;
    if input.date < pair.started_on || pair.ended_on.is_some_and(|e| input.date > e) {
        return Err(Error::Conflict(format!(
            "{} falls outside the pair's time ({} to {})",
            input.date,
            pair.started_on,
            pair.ended_on
                .map(|d| d.to_string())
                .unwrap_or_else(|| "now".into())
        )));
    }
    let model = mentoring_activity::ActiveModel {
        id: Set(Uuid::now_v7()),
        pair_id: Set(pair.id),
        date: Set(input.date),
        kind: Set(input.kind.code().to_owned()),
        hours: Set(hours.get()),
        notes: Set(input.notes),
        created_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    commit_recorded(
        tx,
        actor,
        "logMentoringActivity",
        model.id,
        json!({ "pairId": pair.id, "date": input.date, "kind": input.kind.code(), "hours": input.hours }),
    )
    .await?;
    Ok(model)
}
