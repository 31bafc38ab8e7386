//! The schools sheet (matched by name, checked by `createSchool`'s rules) and the enrollments
//! sheet (matched by school, year and stage, checked by `setEnrollment`'s).

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use super::{Progress, RowProblems, SeenKeys, Tally, Writes, schools_by_name};
use crate::domain::Stage;
use crate::error::{Error, Result};
use crate::service::schools::{
    NewSchool, SetEnrollment, check_school_year, check_stages, check_students, new_row,
};
use crate::service::teachers::teaches_stage;
use crate::sheet::{EnrollmentRow, SchoolRow, Sheet};
use crate::store::{enrollment, school, teacher};

pub(super) async fn schools(
    tx: &DatabaseTransaction,
    mut sheet: Sheet<'_, SchoolRow>,
    tally: &mut Tally,
    progress: Progress<'_>,
) -> Result<()> {
    // A name twice in the sheet is refused, so schools created by this sheet need no entry.
    let existing = schools_by_name(tx).await?;
    let mut names = SeenKeys::new();
    let now = Utc::now();
    while let Some(chunk) = tally.next_chunk(&mut sheet, progress) {
        let mut writes = Writes::<school::Entity>::new(|_| {});
        for row in chunk {
            let s = &row.value;
            let value_of = |field: &str| school_value(s, field);
            let mut problems = RowProblems::new(row.row, &sheet.header, &value_of);
            problems.check(names.note(s.name.as_str().to_owned(), row.row), "name");
            problems.check(check_stages(&s.stages), "stages");
            match existing.get(s.name.as_str()) {
                None if problems.is_clean() => writes.creates.push(new_row(new_school(s), now)),
                None => {}
                Some(before) => {
                    let after = school::Model {
                        township: s.township.as_str().to_owned(),
                        area: s.area.code().to_owned(),
                        has_primary: s.stages.contains(&Stage::Primary),
                        has_junior: s.stages.contains(&Stage::Junior),
                        ..before.clone()
                    };
                    for stage in Stage::ALL {
                        let dropped = crate::service::schools::teaches(before, *stage)
                            && !s.stages.contains(stage);
                        if dropped {
                            let in_use = stage_in_use(tx, before, *stage).await;
                            problems.check(in_use, "stages");
                        }
                    }
                    writes.correct(tally, before, after, problems.is_clean());
                }
            }
            problems.into_tally(tally);
        }
        writes.write(tx, tally).await?;
    }
    Ok(())
}

/// A stage can be taken from a school only while no teacher of the school is registered at
/// it: every teacher teaches a stage their school has.
async fn stage_in_use(
    tx: &DatabaseTransaction,
    school: &school::Model,
    stage: Stage,
) -> Result<()> {
    let teachers = teacher::count_at(tx, school.id, stage.code()).await?;
    if teachers == 0 {
        Ok(())
    } else {
        Err(Error::invalid(
            "stages",
            format!(
                "{} has {teachers} teachers registered at the {stage} stage, which it would no longer teach",
                school.name
            ),
        ))
    }
}

fn new_school(s: &SchoolRow) -> NewSchool {
    NewSchool {
        name: s.name.clone(),
        township: s.township.clone(),
        area: s.area,
        stages: s.stages.clone(),
    }
}

fn school_value(s: &SchoolRow, field: &str) -> String {
    match field {
        "name" => s.name.as_str().to_owned(),
        "township" => s.township.as_str().to_owned(),
        "area" => s.area.label().to_owned(),
        "stages" => stages_text(&s.stages),
        _ => String::new(),
    }
}

fn stages_text(stages: &[Stage]) -> String {
    let labels: Vec<&str> = stages.iter().map(|s| s.label()).collect();
    labels.join(";")
}

pub(super) async fn enrollments(
    tx: &DatabaseTransaction,
    mut sheet: Sheet<'_, EnrollmentRow>,
    tally: &mut Tally,
    progress: Progress<'_>,
) -> Result<()> {
    let schools = schools_by_name(tx).await?;
    let mut keys = SeenKeys::new();
    while let Some(chunk) = tally.next_chunk(&mut sheet, progress) {
        let ids: Vec<Uuid> = chunk
            .iter()
            .filter_map(|r| schools.get(r.value.school.as_str()).map(|s| s.id))
            .collect();
        let existing: HashMap<(Uuid, i32, String), i32> = enrollment::by_schools(tx, &ids)
            .await?
            .into_iter()
            .map(|e| ((e.school_id, e.school_year, e.stage), e.students))
            .collect();
        let mut writes = Vec::new();
        for row in chunk {
            let e = &row.value;
            let value_of = |field: &str| enrollment_value(e, field);
            let mut problems = RowProblems::new(row.row, &sheet.header, &value_of);
            let school = schools.get(e.school.as_str());
            let key = (e.school.as_str().to_owned(), e.school_year, e.stage);
            problems.check(keys.note(key, row.row), "school");
            let input = SetEnrollment {
                school_id: school.map(|s| s.id).unwrap_or_default(),
                school_year: e.school_year,
                stage: e.stage,
                students: e.students,
            };
            // Each rule on its own, so that a row's every problem is listed.
            problems.check(check_school_year(input.school_year), "schoolYear");
            problems.check(check_students(input.students), "students");
            match school {
                None => {
                    let unknown = Error::invalid(
                        "school",
                        format!("no school named {} is registered", e.school.as_str()),
                    );
                    problems.check::<()>(Err(unknown), "school");
                }
                Some(school) => {
                    problems.check(teaches_stage(school, e.stage), "stage");
                }
            }
            let key = (input.school_id, e.school_year, e.stage.code().to_owned());
            match existing.get(&key) {
                Some(students) if *students == e.students => tally.unchanged += 1,
                Some(_) if problems.is_clean() => {
                    tally.updated += 1;
                    writes.push(input);
                }
                None if problems.is_clean() => {
                    tally.created += 1;
                    writes.push(input);
                }
                _ => {}
            }
            problems.into_tally(tally);
        }
        if tally.writing() {
            for w in writes {
                enrollment::upsert(tx, w.school_id, w.school_year, w.stage.code(), w.students)
                    .await?;
            }
        }
    }
    Ok(())
}

fn enrollment_value(e: &EnrollmentRow, field: &str) -> String {
    match field {
        "school" => e.school.as_str().to_owned(),
        "schoolYear" => e.school_year.to_string(),
        "stage" => e.stage.label().to_owned(),
        "students" => e.students.to_string(),
        _ => String::new(),
    }
}
