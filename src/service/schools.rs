//! Schools and their enrollments.

use chrono::Utc;

use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;
use uuid::Uuid;

use super::{commit_recorded, found, require};
use crate::domain::{Actor, Area, Label, Permission, Stage};
use crate::error::{Error, Result};
use crate::store::page::{Page, PageRequest};
use crate::store::{self, Db, enrollment, school};

/// A school to register.
#[derive(Debug, Clone)]
pub struct NewSchool {
    pub name: Label,
    pub township: Label,
    pub area: Area,
    /// Not empty; duplicates ignored.
    pub stages: Vec<Stage>,
}

pub fn teaches(school: &school::Model, stage: Stage) -> bool {
    match stage {
        Stage::Primary => school.has_primary,
        Stage::Junior => school.has_junior,
    }
}

pub fn stages(school: &school::Model) -> Vec<Stage> {
    Stage::ALL
        .iter()
        .copied()
        .filter(|s| teaches(school, *s))
        .collect()
}

/// A school teaches at least one stage.
pub(crate) fn check_stages(stages: &[Stage]) -> Result<()> {
    if stages.is_empty() {
        return Err(Error::invalid(
            "stages",
            "a school teaches at least one stage",
        ));
    }
    Ok(())
}

/// School names are unique: HR and the sheets name schools by them.
pub(crate) fn name_taken(name: &str) -> Error {
    Error::Conflict(format!("a school named {name} already exists"))
}

/// The row of a school whose rules have been checked.
pub(crate) fn new_row(input: NewSchool, now: chrono::DateTime<Utc>) -> school::ActiveModel {
    school::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(input.name.into_string()),
        township: Set(input.township.into_string()),
        area: Set(input.area.code().to_owned()),
        has_primary: Set(input.stages.contains(&Stage::Primary)),
        has_junior: Set(input.stages.contains(&Stage::Junior)),
        created_at: Set(now),
    }
}

pub async fn create_school(db: &Db, actor: &Actor, input: NewSchool) -> Result<school::Model> {
    require(actor, Permission::WriteRegistry)?;
    check_stages(&input.stages)?;
    let tx = db.begin().await?;
    if school::by_name(&tx, input.name.as_str()).await?.is_some() {
        return Err(name_taken(input.name.as_str()));
    }
    let model = new_row(input, Utc::now()).insert(&tx).await?;
    commit_recorded(
        tx,
        actor,
        "createSchool",
        model.id,
        json!({ "name": model.name, "township": model.township, "area": model.area }),
    )
    .await?;
    Ok(model)
}

/// Students of one school, stage and school year.
#[derive(Debug, Clone)]
pub struct SetEnrollment {
    pub school_id: Uuid,
    /// The calendar year the school year starts in (2024 = 2024–2025).
    pub school_year: i32,
    pub stage: Stage,
    pub students: i32,
}

/// The rules of an enrollment figure that need no database.
pub(crate) fn check_enrollment(input: &SetEnrollment) -> Result<()> {
    check_school_year(input.school_year)?;
    check_students(input.students)
}

/// School years the registry records.
pub(crate) fn check_school_year(year: i32) -> Result<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(Error::invalid(
            "schoolYear",
            "must be a year between 2000 and 2100",
        ))
    }
}

/// A number of students.
pub(crate) fn check_students(students: i32) -> Result<()> {
    if students < 0 {
        return Err(Error::invalid("students", "must not be negative"));
    }
    Ok(())
}

/// Sets (creates or replaces) an enrollment figure.
pub async fn set_enrollment(
    db: &Db,
    actor: &Actor,
    input: SetEnrollment,
) -> Result<enrollment::Model> {
    require(actor, Permission::WriteRegistry)?;
    check_enrollment(&input)?;
    let tx = db.begin().await?;
    let school = found(
        store::by_id::<school::Entity>(&tx, input.school_id).await?,
        "school",
    )?;
    super::teachers::teaches_stage(&school, input.stage)?;
    let before = enrollment::find(&tx, school.id, input.school_year, input.stage.code()).await?;
    enrollment::upsert(
        &tx,
        school.id,
        input.school_year,
        input.stage.code(),
        input.students,
    )
    .await?;
    let model = found(
        enrollment::find(&tx, school.id, input.school_year, input.stage.code()).await?,
        "enrollment",
    )?;
    commit_recorded(
        tx,
        actor,
        "setEnrollment",
        school.id,
        json!({
            "schoolYear": model.school_year,
            "stage": model.stage,
            "students": { "before": before.map(|b| b.students), "after": model.students },
        }),
    )
    .await?;
    Ok(model)
}

pub async fn school(db: &Db, actor: &Actor, id: Uuid) -> Result<Option<school::Model>> {
    require(actor, Permission::ReadRegistry)?;
    Ok(store::by_id::<school::Entity>(&db.read, id).await?)
}

pub async fn schools(db: &Db, actor: &Actor, req: PageRequest) -> Result<Page<school::Model>> {
    require(actor, Permission::ReadRegistry)?;
    Ok(school::page(&db.read, req).await?)
}

pub async fn school_count(db: &Db, actor: &Actor) -> Result<u64> {
    require(actor, Permission::ReadRegistry)?;
    Ok(school::count(&db.read).await?)
}

/// The subject reference list, in its order.
pub async fn subjects(db: &Db, actor: &Actor) -> Result<Vec<String>> {
    require(actor, Permission::ReadRegistry)?;
    Ok(crate::store::subject::all(&db.read)
        .await?
        .into_iter()
        .map(|s| s.name)
        .collect())
}
