//! Training records (培训记录) and training hours (rules 9 and 10): recording, correcting and
//! deleting a teacher's completed trainings one at a time or for a whole training's participants,
//! a teacher's hours in a cycle, and the compliance counts.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, Set, TryIntoModel};
use serde_json::json;
use uuid::Uuid;

use super::{commit_recorded, found, require};
use crate::domain::training::{self, Cycle, Tenths};
use crate::domain::{
    Actor, ComplianceDimension, Label, Level, Permission, StaffNo, TrainingKind, rules,
};
use crate::error::{Error, Result};
use crate::store::counts::CountFilter;
use crate::store::{self, Db, teacher, training_record};

/// The most participants one `recordGroupTraining` may name: a county-wide course is a few
/// hundred teachers; more is a mistake or a probe.
pub const MAX_PARTICIPANTS: usize = 2_000;

/// A training as a certificate describes it (rule 9), already parsed.
#[derive(Debug, Clone)]
pub struct Training {
    pub title: Label,
    pub level: Level,
    pub kind: TrainingKind,
    pub organiser: Label,
    pub started_on: NaiveDate,
    pub ended_on: NaiveDate,
    pub hours: Tenths,
}

/// Corrections to a record; fields left out stay as they are.
#[derive(Debug, Clone, Default)]
pub struct TrainingPatch {
    pub title: Option<Label>,
    pub level: Option<Level>,
    pub kind: Option<TrainingKind>,
    pub organiser: Option<Label>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub hours: Option<Tenths>,
}

/// Rule 9's dates and hours, the field at fault named. Also the import's check of a sheet's row.
pub(crate) fn check(t: &Training) -> Result<()> {
    training::check_record(t.started_on, t.ended_on, t.hours)
        .map_err(|(field, reason)| Error::invalid(field, reason))
}

/// Rule 9: the teacher must be employed on the training's last day.
pub(crate) fn employed_at_end(teacher: &teacher::Model, ended_on: NaiveDate) -> Result<()> {
    if rules::employed_on(teacher.hired_on, teacher.left_on, ended_on) {
        Ok(())
    } else {
        Err(Error::Conflict(format!(
            "{} ({}) was not employed on {ended_on}, the training's last day",
            teacher.name, teacher.staff_no
        )))
    }
}

/// A new record's row; hours beyond what the column holds are refused as `hours`.
pub(crate) fn new_row(
    teacher_id: Uuid,
    t: &Training,
    now: chrono::DateTime<Utc>,
) -> Result<training_record::ActiveModel> {
    let tenths =
        i32::try_from(t.hours.tenths()).map_err(|_| Error::invalid("hours", "is too large"))?;
    Ok(training_record::ActiveModel {
        id: Set(Uuid::now_v7()),
        teacher_id: Set(teacher_id),
        title: Set(t.title.as_str().to_owned()),
        level: Set(t.level.rank()),
        kind: Set(t.kind.code().to_owned()),
        organiser: Set(t.organiser.as_str().to_owned()),
        started_on: Set(t.started_on),
        ended_on: Set(t.ended_on),
        tenths: Set(tenths),
        created_at: Set(now),
    })
}

fn details(t: &Training) -> serde_json::Value {
    json!({
        "title": t.title.as_str(), "level": t.level.code(), "kind": t.kind.code(),
        "organiser": t.organiser.as_str(), "startedOn": t.started_on, "endedOn": t.ended_on,
        "hours": t.hours.hours(),
    })
}

/// Records one teacher's completed training (ADMIN, HR).
pub async fn record(
    db: &Db,
    actor: &Actor,
    teacher_id: Uuid,
    t: Training,
) -> Result<training_record::Model> {
    require(actor, Permission::WriteRegistry)?;
    check(&t)?;
    let tx = db.begin().await?;
    let teacher = found(
        store::by_id::<teacher::Entity>(&tx, teacher_id).await?,
        "teacher",
    )?;
    employed_at_end(&teacher, t.ended_on)?;
    let model = new_row(teacher.id, &t, Utc::now())?.insert(&tx).await?;
    let mut audit = details(&t);
    audit["teacherId"] = json!(teacher.id);
    commit_recorded(tx, actor, "recordTraining", model.id, audit).await?;
    Ok(model)
}

/// Records one training for all its participants, named by staff number (ADMIN, HR): every
/// participant gets a record, or — one unknown, repeated or not employed — none does.
pub async fn record_for_participants(
    db: &Db,
    actor: &Actor,
    t: Training,
    staff_nos: Vec<StaffNo>,
) -> Result<Vec<training_record::Model>> {
    require(actor, Permission::WriteRegistry)?;
    check(&t)?;
    if staff_nos.is_empty() {
        return Err(Error::invalid("staffNos", "name at least one participant"));
    }
    if staff_nos.len() > MAX_PARTICIPANTS {
        return Err(Error::invalid(
            "staffNos",
            format!("at most {MAX_PARTICIPANTS} participants in one request"),
        ));
    }
    let mut seen = BTreeSet::new();
    for s in &staff_nos {
        if !seen.insert(s.as_str()) {
            return Err(Error::invalid(
                "staffNos",
                format!("{} is named twice", s.as_str()),
            ));
        }
    }
    let tx = db.begin().await?;
    let wanted: Vec<String> = staff_nos.iter().map(|s| s.as_str().to_owned()).collect();
    let by_no: BTreeMap<String, teacher::Model> = teacher::by_staff_nos(&tx, &wanted)
        .await?
        .into_iter()
        .map(|m| (m.staff_no.clone(), m))
        .collect();
    let (found, unknown): (Vec<_>, Vec<_>) = wanted
        .iter()
        .map(|s| by_no.get(s).ok_or(s.as_str()))
        .partition(std::result::Result::is_ok);
    if !unknown.is_empty() {
        let unknown: Vec<&str> = unknown.into_iter().filter_map(|s| s.err()).collect();
        return Err(Error::invalid(
            "staffNos",
            format!("no teacher has staff number {}", unknown.join(", ")),
        ));
    }
    let now = Utc::now();
    let mut rows = Vec::with_capacity(found.len());
    for teacher in found.into_iter().flatten() {
        employed_at_end(teacher, t.ended_on)?;
        rows.push(new_row(teacher.id, &t, now)?);
    }
    // Every field is set: the answer is the rows as written, without reading them back.
    let models = rows
        .iter()
        .map(|r| r.clone().try_into_model())
        .collect::<std::result::Result<Vec<_>, _>>()?;
    store::insert_chunks(&tx, rows).await?;
    let mut audit = details(&t);
    audit["staffNos"] = json!(wanted);
    commit_recorded(tx, actor, "recordGroupTraining", Uuid::now_v7(), audit).await?;
    Ok(models)
}

/// Corrects a record (ADMIN, HR); rule 9 is checked on the result.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    patch: TrainingPatch,
) -> Result<training_record::Model> {
    require(actor, Permission::WriteRegistry)?;
    let tx = db.begin().await?;
    let before = found(training_record::by_id(&tx, id).await?, "training record")?;
    let level = Level::from_rank(before.level).map_err(Error::stored)?;
    let kind = TrainingKind::from_code(&before.kind).map_err(Error::stored)?;
    let t = Training {
        title: match patch.title {
            Some(x) => x,
            None => Label::parse(&before.title).map_err(Error::stored)?,
        },
        level: patch.level.unwrap_or(level),
        kind: patch.kind.unwrap_or(kind),
        organiser: match patch.organiser {
            Some(x) => x,
            None => Label::parse(&before.organiser).map_err(Error::stored)?,
        },
        started_on: patch.started_on.unwrap_or(before.started_on),
        ended_on: patch.ended_on.unwrap_or(before.ended_on),
        hours: patch
            .hours
            .unwrap_or(Tenths::from_tenths(i64::from(before.tenths))),
    };
    check(&t)?;
    let teacher = found(
        store::by_id::<teacher::Entity>(&tx, before.teacher_id).await?,
        "teacher",
    )?;
    employed_at_end(&teacher, t.ended_on)?;
    // The corrected record, keeping its id, teacher and creation time.
    let after = training_record::ActiveModel {
        id: Set(id),
        ..new_row(before.teacher_id, &t, before.created_at)?
    }
    .update(&tx)
    .await?;
    commit_recorded(tx, actor, "updateTrainingRecord", id, details(&t)).await?;
    Ok(after)
}

/// Deletes a record entered by mistake (ADMIN, HR); returns it as it was.
pub async fn delete(db: &Db, actor: &Actor, id: Uuid) -> Result<training_record::Model> {
    require(actor, Permission::WriteRegistry)?;
    let tx = db.begin().await?;
    let before = found(training_record::by_id(&tx, id).await?, "training record")?;
    training_record::Entity::delete_by_id(id).exec(&tx).await?;
    commit_recorded(
        tx,
        actor,
        "deleteTrainingRecord",
        id,
        json!({ "teacherId": before.teacher_id, "title": before.title,
                "endedOn": before.ended_on, "tenths": before.tenths }),
    )
    .await?;
    Ok(before)
}

/// A teacher's training hours on D (rule 10).
#[derive(Debug, Clone)]
pub struct HoursOn {
    pub cycle: Cycle,
    pub as_of: NaiveDate,
    /// The cycle's records ended on or before D, oldest first.
    pub records: Vec<training_record::Model>,
    pub tenths: i64,
    pub owed_years: i64,
    pub expected_tenths: i64,
    pub employed: bool,
    pub on_track: bool,
}

/// The day a `trainingHours(cycle:, asOf:)` question is about: `asOf` (default today), which
/// must lie in `cycle` when both are given; a cycle alone is asked about on its last day, or
/// today while it runs.
pub fn hours_day(
    cycle: Option<Cycle>,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate> {
    let d = match (cycle, as_of) {
        (_, Some(d)) => d,
        (Some(c), None) => c.last_day().map_or(today, |last| last.min(today)),
        (None, None) => today,
    };
    if let Some(c) = cycle
        && Cycle::of(d) != c
    {
        return Err(Error::invalid(
            "asOf",
            format!("must lie in the cycle {} asked about", c.label()),
        ));
    }
    Ok(d)
}

/// A teacher's hours on D from that teacher's records (any cycle; those of D's cycle ended on
/// or before D count), as `Teacher.trainingHours` shows them.
pub fn hours_on(
    teacher: &teacher::Model,
    records: Vec<training_record::Model>,
    d: NaiveDate,
) -> HoursOn {
    let cycle = Cycle::of(d);
    let records: Vec<_> = records
        .into_iter()
        .filter(|r| Cycle::of(r.ended_on) == cycle && r.ended_on <= d)
        .collect();
    let tenths = records.iter().map(|r| i64::from(r.tenths)).sum();
    let owed = training::owed_years(teacher.hired_on, teacher.left_on, d);
    let expected = training::expected_tenths(owed);
    let employed = rules::employed_on(teacher.hired_on, teacher.left_on, d);
    HoursOn {
        cycle,
        as_of: d,
        records,
        tenths,
        owed_years: owed,
        expected_tenths: expected,
        employed,
        on_track: training::on_track(employed, tenths, expected),
    }
}

/// What `trainingCompliance` asks.
#[derive(Debug, Clone)]
pub struct ComplianceRequest {
    pub group_by: Vec<ComplianceDimension>,
    pub as_of: NaiveDate,
    pub filter: CountFilter,
}

/// Employed, on track and behind on D per group (rule 10), counted in the database.
pub async fn compliance(
    db: &Db,
    actor: &Actor,
    req: ComplianceRequest,
) -> Result<Vec<store::compliance::ComplianceRow>> {
    require(actor, Permission::ReadRegistry)?;
    let mut group_by = Vec::with_capacity(req.group_by.len());
    for dim in req.group_by {
        if group_by.contains(&dim) {
            return Err(Error::invalid("groupBy", format!("{dim} is named twice")));
        }
        group_by.push(dim);
    }
    store::compliance::compliance(&db.read, &group_by, req.as_of, &req.filter).await
}
