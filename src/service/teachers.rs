//! Registering teachers, correcting their records and recording departures.

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::auth::TokenCache;
use super::schools::teaches;
use super::{commit_recorded, found, require};
use crate::domain::{
    Actor, Education, Gender, IdNumber, Label, Permission, PersonName, StaffNo, Stage, SubjectName,
    rules,
};
use crate::error::{Error, FieldContext, Result};
use crate::store::page::{Page, PageRequest};
use crate::store::teacher::TeacherFilter;
use crate::store::{self, Db, key_span, school, subject, teacher};

/// A teacher to register.
#[derive(Debug, Clone)]
pub struct NewTeacher {
    pub staff_no: StaffNo,
    pub name: PersonName,
    pub gender: Gender,
    pub birth_date: Option<NaiveDate>,
    pub id_number: Option<IdNumber>,
    pub school_id: Uuid,
    pub stage: Stage,
    pub subject: SubjectName,
    pub education: Education,
    pub hired_on: Option<NaiveDate>,
}

/// Corrections to a teacher's record; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TeacherPatch {
    pub name: Option<PersonName>,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub id_number: Option<IdNumber>,
    pub school_id: Option<Uuid>,
    pub stage: Option<Stage>,
    pub subject: Option<SubjectName>,
    pub education: Option<Education>,
    pub hired_on: Option<NaiveDate>,
}

/// Checks that a subject is on the reference list.
pub(crate) async fn check_subject(
    db: &impl ConnectionTrait,
    field: &str,
    subject: &SubjectName,
) -> Result<()> {
    subject_listed(subject::exists(db, subject.as_str()).await?, field, subject)
}

/// The subject rule once the list has been asked: the import asks it for a whole sheet.
pub(crate) fn subject_listed(listed: bool, field: &str, subject: &SubjectName) -> Result<()> {
    if listed {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("{} is not on the subject reference list", subject.as_str()),
        ))
    }
}

/// A staff number is registered once.
pub(crate) fn staff_no_taken(staff_no: &str) -> Error {
    Error::Conflict(format!("staff number {staff_no} is already registered"))
}

/// An ID number belongs to one teacher.
pub(crate) fn id_number_taken(other_staff_no: &str) -> Error {
    Error::Conflict(format!(
        "the ID number is already registered to staff number {other_staff_no}"
    ))
}

/// The birth date the ID number carries must agree with the one given; when only the ID
/// number is given, its birth date is the teacher's.
fn reconcile_birth_date(
    birth_date: Option<NaiveDate>,
    id_number: Option<&IdNumber>,
) -> Result<Option<NaiveDate>> {
    match (birth_date, id_number.and_then(IdNumber::birth_date)) {
        (Some(given), Some(carried)) if given != carried => Err(Error::invalid(
            "idNumber",
            format!("carries birth date {carried}, not {given}"),
        )),
        (given, carried) => Ok(given.or(carried)),
    }
}

/// A birth date (given, or carried by the ID number) must give a working age on the hire day.
fn check_birth_date(birth_date: Option<NaiveDate>, hired_on: Option<NaiveDate>) -> Result<()> {
    match birth_date {
        Some(b) => rules::check_birth_date(b, hired_on, rules::today()).field("birthDate"),
        None => Ok(()),
    }
}

async fn check_unique_id_number(
    db: &impl ConnectionTrait,
    id_number: &IdNumber,
    except: Option<Uuid>,
) -> Result<()> {
    match teacher::by_id_number(db, id_number.as_str()).await? {
        Some(other) if Some(other.id) != except => Err(id_number_taken(&other.staff_no)),
        _ => Ok(()),
    }
}

async fn school_teaching(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    stage: Stage,
) -> Result<school::Model> {
    let school = found(
        store::by_id::<school::Entity>(db, school_id).await?,
        "school",
    )?;
    teaches_stage(&school, stage)?;
    Ok(school)
}

/// A teacher teaches a stage their school has.
pub(crate) fn teaches_stage(school: &school::Model, stage: Stage) -> Result<()> {
    if teaches(school, stage) {
        Ok(())
    } else {
        Err(Error::invalid(
            "stage",
            format!("{} does not teach the {stage} stage", school.name),
        ))
    }
}

/// The rules of a new teacher that need no database: the birth date agrees with the ID number
/// and gives a working age on the hire day. Returns the birth date to record.
pub(crate) fn checked_birth_date(input: &NewTeacher) -> Result<Option<NaiveDate>> {
    let birth_date = reconcile_birth_date(input.birth_date, input.id_number.as_ref())?;
    check_birth_date(birth_date, input.hired_on)?;
    Ok(birth_date)
}

/// The row of a new teacher whose rules have been checked.
pub(crate) fn new_row(
    input: NewTeacher,
    birth_date: Option<NaiveDate>,
    now: chrono::DateTime<Utc>,
) -> teacher::ActiveModel {
    teacher::ActiveModel {
        id: Set(Uuid::now_v7()),
        staff_no: Set(input.staff_no.into_string()),
        name: Set(input.name.into_string()),
        gender: Set(input.gender.code().to_owned()),
        birth_date: Set(birth_date),
        id_number: Set(input.id_number.map(IdNumber::into_string)),
        school_id: Set(input.school_id),
        stage: Set(input.stage.code().to_owned()),
        subject: Set(input.subject.into_string()),
        education: Set(input.education.rank()),
        hired_on: Set(input.hired_on),
        left_on: Set(None),
        leave_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

pub async fn create_teacher(db: &Db, actor: &Actor, input: NewTeacher) -> Result<teacher::Model> {
    require(actor, Permission::WriteRegistry)?;
    let birth_date = checked_birth_date(&input)?;
    let tx = db.begin().await?;
    school_teaching(&tx, input.school_id, input.stage).await?;
    check_subject(&tx, "subject", &input.subject).await?;
    if teacher::by_staff_no(&tx, input.staff_no.as_str())
        .await?
        .is_some()
    {
        return Err(staff_no_taken(input.staff_no.as_str()));
    }
    if let Some(id_number) = &input.id_number {
        check_unique_id_number(&tx, id_number, None).await?;
    }
    let model = new_row(input, birth_date, Utc::now()).insert(&tx).await?;
    commit_recorded(
        tx,
        actor,
        "createTeacher",
        model.id,
        json!({ "staffNo": model.staff_no, "name": model.name, "schoolId": model.school_id }),
    )
    .await?;
    Ok(model)
}

/// How the audit trail shows a corrected field: its values, or, for personal data, only that
/// it changed.
#[derive(Clone, Copy)]
enum Shown {
    Values,
    OnlyChanged,
}

/// The fields a correction audits, each with its API name (its key in the audit details) and
/// how it is shown. Auditing another field is one more row here.
fn audited_fields(t: &teacher::Model) -> [(&'static str, Shown, Value); 9] {
    use Shown::{OnlyChanged, Values};
    [
        ("name", Values, json!(t.name)),
        ("gender", Values, json!(t.gender)),
        ("birthDate", OnlyChanged, json!(t.birth_date)),
        ("idNumber", OnlyChanged, json!(t.id_number)),
        ("schoolId", Values, json!(t.school_id)),
        ("stage", Values, json!(t.stage)),
        ("subject", Values, json!(t.subject)),
        ("education", Values, json!(t.education)),
        ("hiredOn", Values, json!(t.hired_on)),
    ]
}

/// The audit description of a correction: `field: {before, after}` for each field that
/// changed; personal data is noted as changed without its values.
fn corrections(before: &teacher::Model, after: &teacher::Model) -> Value {
    let mut changes = Map::new();
    for ((field, shown, old), (_, _, new)) in audited_fields(before)
        .into_iter()
        .zip(audited_fields(after))
    {
        if old != new {
            let entry = match shown {
                Shown::OnlyChanged => json!("changed"),
                Shown::Values => json!({ "before": old, "after": new }),
            };
            changes.insert(field.to_owned(), entry);
        }
    }
    Value::Object(changes)
}

pub async fn update_teacher(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    patch: TeacherPatch,
) -> Result<teacher::Model> {
    require(actor, Permission::WriteRegistry)?;
    let tx = db.begin().await?;
    let before = found(store::by_id::<teacher::Entity>(&tx, id).await?, "teacher")?;
    if patch.school_id.is_some() || patch.stage.is_some() {
        let stage = match patch.stage {
            Some(s) => s,
            None => Stage::from_code(&before.stage).map_err(|e| Error::invalid("stage", e))?,
        };
        school_teaching(&tx, patch.school_id.unwrap_or(before.school_id), stage).await?;
    }
    if let Some(subject) = &patch.subject {
        check_subject(&tx, "subject", subject).await?;
    }
    if let Some(id_number) = &patch.id_number {
        check_unique_id_number(&tx, id_number, Some(id)).await?;
    }
    let after = patched(&before, patch, Utc::now())?;
    let after = after.into_active_model().reset_all().update(&tx).await?;
    // The hire date and the school are part of the teacher's key-teacher spans.
    key_span::refresh(&tx, &[id]).await?;
    let changes = corrections(&before, &after);
    commit_recorded(tx, actor, "updateTeacher", id, changes).await?;
    Ok(after)
}

/// A teacher's record after a correction, by the rules that need no database: an ID number
/// brings its birth date along, the birth date agrees with it and gives a working age on the
/// hire day, and the hire comes before any departure. The school, subject and ID-number
/// uniqueness are the caller's to check (one row at a time, or a sheet at a time).
pub(crate) fn patched(
    before: &teacher::Model,
    patch: TeacherPatch,
    now: chrono::DateTime<Utc>,
) -> Result<teacher::Model> {
    let id_number_after = patch.id_number.clone().or_else(|| {
        before
            .id_number
            .as_deref()
            .and_then(|t| IdNumber::parse(t).ok())
    });
    // A corrected ID number brings its birth date along unless a birth date is given too.
    let birth_date = match (patch.birth_date, &patch.id_number) {
        (None, Some(new_id)) => new_id.birth_date(),
        (given, _) => reconcile_birth_date(given.or(before.birth_date), id_number_after.as_ref())?,
    };
    let hired_on = patch.hired_on.or(before.hired_on);
    check_birth_date(birth_date, hired_on)?;
    if let (Some(h), Some(l)) = (hired_on, before.left_on)
        && l <= h
    {
        return Err(Error::invalid(
            "hiredOn",
            format!("must be before the departure on {l}"),
        ));
    }
    let mut after = before.clone();
    if let Some(name) = patch.name {
        after.name = name.into_string();
    }
    if let Some(gender) = patch.gender {
        after.gender = gender.code().to_owned();
    }
    after.birth_date = birth_date;
    if let Some(id_number) = patch.id_number {
        after.id_number = Some(id_number.into_string());
    }
    after.school_id = patch.school_id.unwrap_or(before.school_id);
    if let Some(stage) = patch.stage {
        after.stage = stage.code().to_owned();
    }
    if let Some(subject) = patch.subject {
        after.subject = subject.into_string();
    }
    if let Some(education) = patch.education {
        after.education = education.rank();
    }
    after.hired_on = hired_on;
    after.updated_at = now;
    Ok(after)
}

/// Records that a teacher left (调离/退休): employed up to the day before `left_on`.
pub async fn record_departure(
    db: &Db,
    actor: &Actor,
    tokens: &TokenCache,
    teacher_id: Uuid,
    left_on: NaiveDate,
    reason: Option<Label>,
) -> Result<teacher::Model> {
    require(actor, Permission::WriteRegistry)?;
    let tx = db.begin().await?;
    let before = found(
        store::by_id::<teacher::Entity>(&tx, teacher_id).await?,
        "teacher",
    )?;
    if let Some(left) = before.left_on {
        return Err(Error::Conflict(format!(
            "the teacher's departure is already recorded on {left}"
        )));
    }
    if let Some(hired) = before.hired_on
        && left_on <= hired
    {
        return Err(Error::invalid(
            "leftOn",
            format!("must be after the hire date {hired}"),
        ));
    }
    // Studio records are left as they are: rule 6's one SQL condition (store::studio_member)
    // stops counting the teacher as a member from `left_on`, so a host's studio has no host
    // from that day until HR runs changeStudioHost, their login can no longer change it, and
    // their pairs stop counting toward the quota. Nothing is ended or deleted behind HR's back.
    let mut active = before.into_active_model();
    active.left_on = Set(Some(left_on));
    active.leave_reason = Set(reason.map(Label::into_string));
    active.updated_at = Set(Utc::now());
    let after = active.update(&tx).await?;
    key_span::refresh(&tx, &[teacher_id]).await?;
    // A studio host who was this teacher hosts nothing once gone: its cached actor goes, on
    // whatever way out once the commit may have happened (a request timeout included).
    let _forget = tokens.forget_teacher_on_exit(teacher_id);
    commit_recorded(
        tx,
        actor,
        "recordDeparture",
        teacher_id,
        json!({ "leftOn": left_on, "reason": after.leave_reason }),
    )
    .await?;
    Ok(after)
}

/// The teacher's birth date as the actor may see it: only roles that may read personal data
/// (ADMIN, HR) see it, since it is personal and would also undo the ID number's masking.
pub fn birth_date_shown(actor: &Actor, t: &teacher::Model) -> Option<NaiveDate> {
    t.birth_date
        .filter(|_| actor.can(Permission::ReadPersonalData))
}

/// The teacher's ID number as the actor may see it: whole for roles that may read personal
/// data, masked (first 6 and last 4 characters kept) for the others.
pub fn id_number_shown(actor: &Actor, t: &teacher::Model) -> Option<String> {
    let full = actor.can(Permission::ReadPersonalData);
    t.id_number.as_deref().map(|n| {
        if full {
            n.to_owned()
        } else {
            crate::domain::id_number::mask(n)
        }
    })
}

pub async fn teacher(db: &Db, actor: &Actor, id: Uuid) -> Result<Option<teacher::Model>> {
    require(actor, Permission::ReadRegistry)?;
    Ok(store::by_id::<teacher::Entity>(&db.read, id).await?)
}

pub async fn teachers(
    db: &Db,
    actor: &Actor,
    filter: &TeacherFilter,
    req: PageRequest,
) -> Result<Page<teacher::Model>> {
    require(actor, Permission::ReadRegistry)?;
    Ok(teacher::page(&db.read, filter, req).await?)
}

pub async fn teacher_count(db: &Db, actor: &Actor, filter: &TeacherFilter) -> Result<u64> {
    require(actor, Permission::ReadRegistry)?;
    Ok(teacher::count(&db.read, filter).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_date_comes_from_the_id_number_and_must_agree_with_it() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        let carried = NaiveDate::from_ymd_opt(1949, 12, 31);
        assert_eq!(reconcile_birth_date(None, Some(&id)).unwrap(), carried);
        assert_eq!(reconcile_birth_date(carried, Some(&id)).unwrap(), carried);
        let other = NaiveDate::from_ymd_opt(1950, 1, 1);
        assert!(matches!(
            reconcile_birth_date(other, Some(&id)),
            Err(Error::Invalid { field, .. }) if field == "idNumber"
        ));
        assert_eq!(reconcile_birth_date(other, None).unwrap(), other);
    }

    fn teacher_row() -> teacher::Model {
        let now = chrono::DateTime::UNIX_EPOCH;
        teacher::Model {
            id: Uuid::nil(),
            staff_no: "DC-001".into(),
            name: "李敏".into(),
            gender: "MALE".into(),
            birth_date: NaiveDate::from_ymd_opt(1985, 3, 15),
            id_number: Some("36073019850315009X".into()),
            school_id: Uuid::nil(),
            stage: "PRIMARY".into(),
            subject: "数学".into(),
            education: 3,
            hired_on: None,
            left_on: None,
            leave_reason: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn a_correction_audits_each_changed_field_and_only_that_personal_data_changed() {
        let before = teacher_row();
        let after = teacher::Model {
            name: "李明".into(),
            birth_date: NaiveDate::from_ymd_opt(1985, 3, 16),
            education: 4,
            hired_on: NaiveDate::from_ymd_opt(2008, 9, 1),
            ..before.clone()
        };
        assert_eq!(
            corrections(&before, &after).to_string(),
            r#"{"birthDate":"changed","education":{"after":4,"before":3},"hiredOn":{"after":"2008-09-01","before":null},"name":{"after":"李明","before":"李敏"}}"#
        );
        assert_eq!(corrections(&before, &before).to_string(), "{}");
    }
}
