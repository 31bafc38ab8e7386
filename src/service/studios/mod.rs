//! Studios and mentoring: what HR and admins do to studios (create, establish, close, assess)
//! and who may read them; what a studio's host does in it lives beside this file.
//!
//! Every change to a studio's members or pairs locks the studio row first, so the rules that
//! span rows (one membership at a time, the per-member capacity) are checked and written by
//! one transaction at a time per studio, on PostgreSQL as on SQLite.
//!
//! - `host.rs`: who may run a studio (the host scope checks) and `changeStudioHost`
//! - `members.rs`: members joining and leaving
//! - `pairs.rs`: mentoring pairs and their activities
//! - `outputs.rs`: studio outputs (rule 11)
//! - `growth.rs`: conversion of mentees and the reserve pool (rule 12)
//!
//! The use cases of the submodules are re-exported here, so callers keep one path:
//! `service::studios::add_member`, `service::studios::NewPair`.

mod growth;
mod host;
mod members;
mod outputs;
mod pairs;

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set};
use serde_json::json;
use uuid::Uuid;

use super::teachers::check_subject;
use super::{commit_recorded, found, require};
use crate::domain::rules::employed_on;
use crate::domain::{
    Actor, AssessmentResult, Label, Level, MemberRole, Permission, StudioStatus, SubjectName,
};
use crate::error::{Error, FieldContext, Result};
use crate::store::page::{Page, PageRequest};
use crate::store::{self, Db, school, studio, studio_assessment, studio_member, teacher};

pub use growth::{
    Conversion, MAX_CONVERTED_LISTED, Report, converted_people, county_conversion,
    studio_conversions, studio_report,
};
pub use host::change_host;
pub use members::{add_member, remove_member};
pub use outputs::{
    NewOutput, Output, correct_output, delete_output, log_output, output_counts, outputs, range,
};
pub use pairs::{NewActivity, NewPair, create_pair, end_pair, log_activity};

/// A studio to create.
#[derive(Debug, Clone)]
pub struct NewStudio {
    pub name: Label,
    pub subject: SubjectName,
    pub level: Level,
    pub school_id: Uuid,
    pub host_teacher_id: Uuid,
    /// `None` creates a PLANNED studio.
    pub established_on: Option<NaiveDate>,
    /// Most ACTIVE pairs per member, if the studio sets one.
    pub mentee_capacity: Option<i32>,
}

fn in_force_on(s: &studio::Model, d: NaiveDate) -> bool {
    s.established_on.is_some_and(|e| e <= d) && s.closed_on.is_none_or(|c| d < c)
}

async fn employed_teacher(
    db: &impl ConnectionTrait,
    id: Uuid,
    on: NaiveDate,
    role: &str,
) -> Result<teacher::Model> {
    let t = found(store::by_id::<teacher::Entity>(db, id).await?, "teacher")?;
    if employed_on(t.hired_on, t.left_on, on) {
        Ok(t)
    } else {
        Err(Error::Conflict(format!(
            "the {role} {} is not employed on {on}",
            t.name
        )))
    }
}

async fn insert_host_membership(
    db: &impl ConnectionTrait,
    studio_id: Uuid,
    teacher_id: Uuid,
    joined_on: NaiveDate,
) -> Result<studio_member::Model> {
    Ok(studio_member::ActiveModel {
        id: Set(Uuid::now_v7()),
        studio_id: Set(studio_id),
        teacher_id: Set(teacher_id),
        role: Set(MemberRole::Host.code().to_owned()),
        joined_on: Set(joined_on),
        left_on: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

pub async fn create_studio(db: &Db, actor: &Actor, input: NewStudio) -> Result<studio::Model> {
    require(actor, Permission::ManageStudios)?;
    if input.mentee_capacity.is_some_and(|c| c <= 0) {
        return Err(Error::invalid("menteeCapacity", "must be at least 1"));
    }
    let tx = db.begin().await?;
    found(
        store::by_id::<school::Entity>(&tx, input.school_id).await?,
        "school",
    )?;
    check_subject(&tx, "subject", &input.subject).await?;
    if studio::by_name(&tx, input.name.as_str()).await?.is_some() {
        return Err(Error::Conflict(format!(
            "a studio named {} already exists",
            input.name.as_str()
        )));
    }
    let host = match input.established_on {
        Some(on) => employed_teacher(&tx, input.host_teacher_id, on, "host").await?,
        None => found(
            store::by_id::<teacher::Entity>(&tx, input.host_teacher_id).await?,
            "teacher",
        )?,
    };
    let status = if input.established_on.is_some() {
        StudioStatus::Active
    } else {
        StudioStatus::Planned
    };
    let model = studio::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(input.name.into_string()),
        subject: Set(input.subject.into_string()),
        level: Set(input.level.rank()),
        school_id: Set(input.school_id),
        host_teacher_id: Set(host.id),
        status: Set(status.code().to_owned()),
        established_on: Set(input.established_on),
        closed_on: Set(None),
        mentee_capacity: Set(input.mentee_capacity),
        created_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    if let Some(on) = model.established_on {
        insert_host_membership(&tx, model.id, host.id, on).await?;
    }
    commit_recorded(
        tx,
        actor,
        "createStudio",
        model.id,
        json!({ "name": model.name, "hostTeacherId": host.id, "status": model.status,
                "establishedOn": model.established_on }),
    )
    .await?;
    Ok(model)
}

/// Opens a PLANNED studio; its host joins that day.
pub async fn establish_studio(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    established_on: NaiveDate,
) -> Result<studio::Model> {
    require(actor, Permission::ManageStudios)?;
    let tx = db.begin().await?;
    let s = lock_in_status(&tx, id, StudioStatus::Planned).await?;
    employed_teacher(&tx, s.host_teacher_id, established_on, "host").await?;
    let host = s.host_teacher_id;
    let mut active = s.into_active_model();
    active.established_on = Set(Some(established_on));
    active.status = Set(StudioStatus::Active.code().to_owned());
    let model = active.update(&tx).await?;
    insert_host_membership(&tx, id, host, established_on).await?;
    commit_recorded(
        tx,
        actor,
        "establishStudio",
        id,
        json!({ "establishedOn": established_on }),
    )
    .await?;
    Ok(model)
}

/// Locks the studio for a change only a studio in `status` allows; another status is CONFLICT.
async fn lock_in_status(
    tx: &impl ConnectionTrait,
    id: Uuid,
    status: StudioStatus,
) -> Result<studio::Model> {
    let s = found(studio::lock(tx, id).await?, "studio")?;
    if s.status != status.code() {
        return Err(Error::Conflict(format!(
            "{} is {}, not {}",
            s.name,
            s.status,
            status.code()
        )));
    }
    Ok(s)
}

async fn close_locked(
    tx: &impl ConnectionTrait,
    s: studio::Model,
    closed_on: NaiveDate,
) -> Result<studio::Model> {
    let mut active = s.into_active_model();
    active.closed_on = Set(Some(closed_on));
    active.status = Set(StudioStatus::Closed.code().to_owned());
    Ok(active.update(tx).await?)
}

/// Closes an established studio from `closed_on`: from that day it and its memberships are no
/// longer in force (rules 5 and 6).
pub async fn close_studio(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    closed_on: NaiveDate,
) -> Result<studio::Model> {
    require(actor, Permission::ManageStudios)?;
    let tx = db.begin().await?;
    let s = lock_in_status(&tx, id, StudioStatus::Active).await?;
    if let Some(e) = s.established_on {
        crate::domain::rules::not_before(closed_on, e, "the establishment").field("closedOn")?;
    }
    let model = close_locked(&tx, s, closed_on).await?;
    commit_recorded(
        tx,
        actor,
        "closeStudio",
        id,
        json!({ "closedOn": closed_on }),
    )
    .await?;
    Ok(model)
}

/// Records a studio's assessment for a cycle; a FAIL closes an active studio on that day.
pub async fn assess_studio(
    db: &Db,
    actor: &Actor,
    studio_id: Uuid,
    cycle: Label,
    result: AssessmentResult,
    assessed_on: NaiveDate,
    notes: Option<String>,
) -> Result<(studio_assessment::Model, studio::Model)> {
    require(actor, Permission::ManageStudios)?;
    let tx = db.begin().await?;
    let s = found(studio::lock(&tx, studio_id).await?, "studio")?;
    let Some(established) = s.established_on else {
        return Err(Error::Conflict(format!(
            "{} is only planned and cannot be assessed",
            s.name
        )));
    };
    crate::domain::rules::not_before(assessed_on, established, "the establishment")
        .field("assessedOn")?;
    if studio_assessment::find(&tx, studio_id, cycle.as_str())
        .await?
        .is_some()
    {
        return Err(Error::Conflict(format!(
            "{} is already assessed for cycle {}",
            s.name,
            cycle.as_str()
        )));
    }
    let assessment = studio_assessment::ActiveModel {
        id: Set(Uuid::now_v7()),
        studio_id: Set(studio_id),
        cycle: Set(cycle.into_string()),
        result: Set(result.code().to_owned()),
        assessed_on: Set(assessed_on),
        notes: Set(notes),
        created_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    let closes = result == AssessmentResult::Fail && s.status == StudioStatus::Active.code();
    let studio = if closes {
        close_locked(&tx, s, assessed_on).await?
    } else {
        s
    };
    commit_recorded(
        tx,
        actor,
        "assessStudio",
        studio_id,
        json!({ "cycle": assessment.cycle, "result": assessment.result,
                "assessedOn": assessed_on, "closed": closes }),
    )
    .await?;
    Ok((assessment, studio))
}

/// Whose studios an actor may read: everyone's, or (a studio host) those its teacher hosts.
pub fn read_scope(actor: &Actor) -> Result<Option<Uuid>> {
    require(actor, Permission::ReadRegistry)?;
    if actor.role == crate::domain::Role::StudioHost {
        // A host without a teacher hosts nothing: the nil id matches no studio.
        Ok(Some(actor.teacher_id.unwrap_or_default()))
    } else {
        Ok(None)
    }
}

/// Whether the actor may read this studio.
pub fn may_read(actor: &Actor, s: &studio::Model) -> Result<bool> {
    Ok(read_scope(actor)?.is_none_or(|host| host == s.host_teacher_id))
}

pub async fn studio(db: &Db, actor: &Actor, id: Uuid) -> Result<Option<studio::Model>> {
    let Some(s) = store::by_id::<studio::Entity>(&db.read, id).await? else {
        return Ok(None);
    };
    // Another's studio reads as null, like a missing one: a host cannot probe which ids exist.
    Ok(may_read(actor, &s)?.then_some(s))
}

pub async fn studios(db: &Db, actor: &Actor, req: PageRequest) -> Result<Page<studio::Model>> {
    Ok(studio::page(&db.read, read_scope(actor)?, req).await?)
}

pub async fn studio_count(db: &Db, actor: &Actor) -> Result<u64> {
    Ok(studio::count(&db.read, read_scope(actor)?).await?)
}
