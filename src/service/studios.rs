//! Studios and mentoring: what HR and admins do to studios (create, establish, close, assess)
//! and what a studio's host does in it (members, pairs, activities).
//!
//! Every change to a studio's members or pairs locks the studio row first, so the rules that
//! span rows (one membership at a time, the per-member capacity) are checked and written by
//! one transaction at a time per studio, on PostgreSQL as on SQLite.

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set};
use serde_json::json;
use uuid::Uuid;

use super::teachers::check_subject;
use super::{commit_recorded, found, require};
use crate::domain::rules::{employed_on, today};
use crate::domain::{
    ActivityKind, Actor, AssessmentResult, Label, Level, MemberRole, PairStatus, Permission,
    StudioStatus, SubjectName,
};
use crate::error::{Error, Result};
use crate::store::page::{Page, PageRequest};
use crate::store::{
    self, Db, mentoring_activity, mentoring_pair, school, studio, studio_assessment, studio_member,
    teacher,
};

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

/// Whether the actor's role may run any studio at all; checked before any id is looked up,
/// so that a role without the right learns nothing of what exists.
fn require_running(actor: &Actor) -> Result<()> {
    if actor.can(Permission::ManageStudios) || actor.can(Permission::RunOwnStudio) {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

/// The one refusal a studio host gets for a studio (member, pair) it may not change, whether
/// the id names another's studio or nothing at all: the answer must not tell which (fault 11).
fn not_your_studio() -> Error {
    Error::Forbidden("only the studio's host in force on the day may change it".to_owned())
}

/// The row a change names (a membership, a pair), or the refusal: `NOT_FOUND` for roles that
/// run every studio, the studio host's one `FORBIDDEN` otherwise, so that a host cannot tell an
/// id of another studio's row from an id of nothing.
fn found_for_running<T>(actor: &Actor, row: Option<T>, what: &'static str) -> Result<T> {
    match row {
        Some(row) => Ok(row),
        None if actor.can(Permission::ManageStudios) => Err(Error::NotFound(what)),
        None => Err(not_your_studio()),
    }
}

/// Locks the studio and checks that the actor may run it for a change dated `on`: ADMIN and HR
/// anywhere; a studio host only where its teacher is the host in force (rule 6, so employed)
/// both on `on` — the day the change is for — and today, so that a host who left, or handed the
/// studio on, can no longer act, and a host cannot write into days before they took over.
async fn lock_for_running(
    db: &impl ConnectionTrait,
    actor: &Actor,
    studio_id: Uuid,
    on: NaiveDate,
) -> Result<studio::Model> {
    require_running(actor)?;
    let s = studio::lock(db, studio_id).await?;
    if actor.can(Permission::ManageStudios) {
        return found(s, "studio");
    }
    let (Some(s), Some(t)) = (s, actor.teacher_id) else {
        return Err(not_your_studio());
    };
    let today = today();
    let host_in_force = studio_member::is_host_on(db, s.id, t, on).await?
        && (on == today || studio_member::is_host_on(db, s.id, t, today).await?);
    if host_in_force {
        Ok(s)
    } else {
        // The studio's name is not told: the caller may not read this studio.
        Err(not_your_studio())
    }
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
    if let Some(e) = s.established_on
        && closed_on < e
    {
        return Err(Error::invalid(
            "closedOn",
            format!("must not be before the establishment on {e}"),
        ));
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

/// Hands a studio to a new host from `on` (HR, ADMIN): the host handover (主持人变更), also the
/// way out for a studio whose host left the county's schools and so has had no host since.
///
/// On `on` the open HOST membership ends (`leftOn` = `on`) and the new host joins as HOST that
/// day. A new host who is already a member in force has that membership end on `on` too, and
/// the HOST membership starts the same day rather than the old row switching role: the record
/// keeps that they were a plain member before `on`, the two rows never overlap (one membership
/// at a time), and only the new row stays open, as the partial unique index on open memberships
/// demands. Their pairs follow them: pairs belong to (studio, mentor), not to a membership row.
///
/// The old host's pairs are left as they are — never deleted, not ended behind anyone's back.
/// A member with active pairs cannot be removed, but a handover (often forced by a departure)
/// must not wait on them: from `on` the old host is no member in force, so rule 7 stops counting
/// their pairs, and the new host or HR ends each one (WITHDRAWN or COMPLETED) when they decide
/// what becomes of the mentee, who keeps their one ACTIVE pair in the studio until then.
pub async fn change_host(
    db: &Db,
    actor: &Actor,
    studio_id: Uuid,
    teacher_id: Uuid,
    on: NaiveDate,
) -> Result<studio::Model> {
    require(actor, Permission::ManageStudios)?;
    let tx = db.begin().await?;
    let s = found(studio::lock(&tx, studio_id).await?, "studio")?;
    if !in_force_on(&s, on) {
        return Err(Error::Conflict(format!(
            "{} is not in force on {on}: only a studio in force changes host",
            s.name
        )));
    }
    let new_host = found(
        store::by_id::<teacher::Entity>(&tx, teacher_id).await?,
        "teacher",
    )?;
    if !employed_on(new_host.hired_on, new_host.left_on, on) {
        return Err(Error::invalid(
            "teacherId",
            format!("{} is not employed on {on}", new_host.name),
        ));
    }
    let memberships = studio_member::of_studio(&tx, s.id).await?;
    // History is not rewritten: a handover comes after every host's start and every membership
    // the new host already has.
    if let Some(later) = memberships.iter().find(|m| {
        m.joined_on > on && (m.role == MemberRole::Host.code() || m.teacher_id == new_host.id)
    }) {
        return Err(Error::Conflict(format!(
            "{} has a membership from {} (after {on}): a handover cannot be dated before it",
            s.name, later.joined_on
        )));
    }
    if studio_member::is_host_on(&tx, s.id, new_host.id, on).await? {
        return Err(Error::Conflict(format!(
            "{} is already the host of {} on {on}",
            new_host.name, s.name
        )));
    }
    let open_on = |m: &studio_member::Model| m.left_on.is_none_or(|l| l > on);
    let mut ended = Vec::new();
    for m in memberships.into_iter().filter(|m| {
        open_on(m) && (m.role == MemberRole::Host.code() || m.teacher_id == new_host.id)
    }) {
        ended.push(json!({ "membershipId": m.id, "teacherId": m.teacher_id, "role": m.role }));
        let mut row = m.into_active_model();
        row.left_on = Set(Some(on));
        row.update(&tx).await?;
    }
    let joined = insert_host_membership(&tx, s.id, new_host.id, on).await?;
    let previous = s.host_teacher_id;
    let mut active = s.into_active_model();
    active.host_teacher_id = Set(new_host.id);
    let model = active.update(&tx).await?;
    commit_recorded(
        tx,
        actor,
        "changeStudioHost",
        studio_id,
        json!({ "from": previous, "to": new_host.id, "on": on,
                "membershipId": joined.id, "ended": ended }),
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
    if assessed_on < established {
        return Err(Error::invalid(
            "assessedOn",
            format!("must not be before the establishment on {established}"),
        ));
    }
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
    if left_on < member.joined_on {
        return Err(Error::invalid(
            "leftOn",
            format!("must not be before joining on {}", member.joined_on),
        ));
    }
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
    if ended_on < pair.started_on {
        return Err(Error::invalid(
            "endedOn",
            format!("must not be before the start on {}", pair.started_on),
        ));
    }
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
    if !(input.hours.is_finite() && input.hours > 0.0 && input.hours <= 24.0) {
        return Err(Error::invalid(
            "hours",
            "must be more than 0 and at most 24",
        ));
    }
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
        hours: Set(input.hours),
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
