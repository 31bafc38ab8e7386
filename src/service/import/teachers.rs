//! The teachers sheet: matched by staff number, checked by the rules of `createTeacher` and
//! `updateTeacher`.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::DatabaseTransaction;

use super::{Progress, RowProblems, SeenKeys, Tally, Writes, listed_subjects, schools_by_name};
use crate::error::Result;
use crate::service::teachers::{
    NewTeacher, TeacherPatch, checked_birth_date, id_number_taken, new_row, patched,
    subject_listed, teaches_stage,
};
use crate::sheet::{Numbered, Sheet, TeacherRow};
use crate::store::{key_span, school, teacher};

/// What every chunk needs: the schools by name and the subject list, read once.
struct Lookups {
    schools: HashMap<String, school::Model>,
    subjects: HashSet<String>,
}

pub(super) async fn import(
    tx: &DatabaseTransaction,
    mut sheet: Sheet<'_, TeacherRow>,
    tally: &mut Tally,
    progress: Progress<'_>,
) -> Result<()> {
    let lookups = Lookups {
        schools: schools_by_name(tx).await?,
        subjects: listed_subjects(tx).await?,
    };
    let mut staff_nos = SeenKeys::new();
    let mut id_numbers = SeenKeys::new();
    while let Some(chunk) = tally.next_chunk(&mut sheet, progress) {
        distinct(&chunk, &sheet, tally, &mut staff_nos, &mut id_numbers);
        chunk_of(tx, &sheet, &lookups, chunk, tally).await?;
    }
    Ok(())
}

/// Notes as problems the rows whose staff number or ID number an earlier row of the sheet
/// holds. They are still checked against the registry, so that each row's every problem is
/// listed; nothing is written once there is one.
fn distinct(
    chunk: &[Numbered<TeacherRow>],
    sheet: &Sheet<'_, TeacherRow>,
    tally: &mut Tally,
    staff_nos: &mut SeenKeys<String>,
    id_numbers: &mut SeenKeys<String>,
) {
    for row in chunk {
        let value_of = |field: &str| value_of(&row.value, field);
        let mut problems = RowProblems::new(row.row, &sheet.header, &value_of);
        let staff_no = row.value.staff_no.as_str().to_owned();
        problems.check(staff_nos.note(staff_no, row.row), "staffNo");
        if let Some(id) = &row.value.id_number {
            problems.check(id_numbers.note(id.as_str().to_owned(), row.row), "idNumber");
        }
        problems.into_tally(tally);
    }
}

/// Checks a chunk against the registry and, while the sheet is clean, writes it.
async fn chunk_of(
    tx: &DatabaseTransaction,
    sheet: &Sheet<'_, TeacherRow>,
    lookups: &Lookups,
    chunk: Vec<Numbered<TeacherRow>>,
    tally: &mut Tally,
) -> Result<()> {
    let staff_nos: Vec<String> = chunk
        .iter()
        .map(|r| r.value.staff_no.as_str().to_owned())
        .collect();
    let mut existing: HashMap<String, teacher::Model> = teacher::by_staff_nos(tx, &staff_nos)
        .await?
        .into_iter()
        .map(|t| (t.staff_no.clone(), t))
        .collect();
    let id_numbers: Vec<String> = chunk
        .iter()
        .filter_map(|r| r.value.id_number.as_ref().map(|i| i.as_str().to_owned()))
        .collect();
    let holders: HashMap<String, String> = teacher::by_id_numbers(tx, &id_numbers)
        .await?
        .into_iter()
        .filter_map(|t| t.id_number.map(|i| (i, t.staff_no)))
        .collect();

    let now = Utc::now();
    let mut writes = Writes::<teacher::Entity>::new(|t| {
        t.updated_at = Utc::now();
    });
    for row in chunk {
        let value_of = |field: &str| value_of(&row.value, field);
        let mut problems = RowProblems::new(row.row, &sheet.header, &value_of);
        let t = &row.value;
        let school = lookups.schools.get(t.school.as_str());
        if school.is_none() {
            problems.check::<()>(Err(no_school(t.school.as_str())), "school");
        }
        if let Some(school) = school {
            problems.check(teaches_stage(school, t.stage), "stage");
        }
        let listed = lookups.subjects.contains(t.subject.as_str());
        problems.check(subject_listed(listed, "subject", &t.subject), "subject");
        if let Some(id) = &t.id_number
            && let Some(holder) = holders.get(id.as_str())
            && holder != t.staff_no.as_str()
        {
            problems.check::<()>(Err(id_number_taken(holder)), "idNumber");
        }
        // The rules of the record itself are checked even when the school is unknown, so
        // that the row's every problem is listed at once.
        let school_id = school.map(|s| s.id).unwrap_or_default();
        match existing.remove(t.staff_no.as_str()) {
            None => {
                let input = new_teacher(row.value.clone(), school_id);
                let birth_date = problems.check(checked_birth_date(&input), "birthDate");
                if let (Some(birth_date), true) = (birth_date, problems.is_clean()) {
                    writes.creates.push(new_row(input, birth_date, now));
                }
            }
            Some(before) => {
                let patch = patch_of(row.value.clone(), school_id);
                let after = problems.check(patched(&before, patch, now), "hiredOn");
                if let (Some(mut after), true) = (after, problems.is_clean()) {
                    // Compared without the time of the change; stamped again if it is one.
                    after.updated_at = before.updated_at;
                    writes.correct(tally, &before, after, true);
                }
            }
        }
        problems.into_tally(tally);
    }
    // A new teacher holds no designation yet; a corrected one may have a new hire date or school.
    let corrected: Vec<uuid::Uuid> = writes.updates.iter().map(|t| t.id).collect();
    writes.write(tx, tally).await?;
    if tally.writing() {
        key_span::refresh(tx, &corrected).await?;
    }
    Ok(())
}

/// A school name the registry does not know.
fn no_school(name: &str) -> crate::error::Error {
    crate::error::Error::invalid("school", format!("no school named {name} is registered"))
}

fn new_teacher(t: TeacherRow, school_id: uuid::Uuid) -> NewTeacher {
    NewTeacher {
        staff_no: t.staff_no,
        name: t.name,
        gender: t.gender,
        birth_date: t.birth_date,
        id_number: t.id_number,
        school_id,
        stage: t.stage,
        subject: t.subject,
        education: t.education,
        hired_on: t.hired_on,
    }
}

/// The whole row as a correction: empty optional cells leave the registered value.
fn patch_of(t: TeacherRow, school_id: uuid::Uuid) -> TeacherPatch {
    TeacherPatch {
        name: Some(t.name),
        gender: Some(t.gender),
        birth_date: t.birth_date,
        id_number: t.id_number,
        school_id: Some(school_id),
        stage: Some(t.stage),
        subject: Some(t.subject),
        education: Some(t.education),
        hired_on: t.hired_on,
    }
}

/// A field's value as a problem shows it: as the sheet would write it.
fn value_of(t: &TeacherRow, field: &str) -> String {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    match field {
        "staffNo" => t.staff_no.as_str().to_owned(),
        "name" => t.name.as_str().to_owned(),
        "gender" => t.gender.label().to_owned(),
        "birthDate" => date(t.birth_date),
        "idNumber" => t
            .id_number
            .as_ref()
            .map(|i| i.as_str().to_owned())
            .unwrap_or_default(),
        "school" => t.school.as_str().to_owned(),
        "stage" => t.stage.label().to_owned(),
        "subject" => t.subject.as_str().to_owned(),
        "education" => t.education.label().to_owned(),
        "hiredOn" => date(t.hired_on),
        _ => String::new(),
    }
}
