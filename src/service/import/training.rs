//! The training records sheet (培训记录, rules 9 and 10), checked by `recordTraining`'s rules
//! (`service::training::check`, `employed_at_end`).
//!
//! A record is matched by staff number + title + first day + last day: a certificate names one
//! training with its dates, and neither level, kind, organiser nor hours tell two trainings
//! apart (they are what a correction changes). A matched record takes the sheet's level,
//! kind, organiser and hours, as `updateTrainingRecord` would. Should the registry hold two
//! records under one key (recorded twice by hand), the row is refused rather than one of them
//! picked: HR correct or delete the double first.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{DatabaseTransaction, TryIntoModel};
use uuid::Uuid;

use super::{Progress, RowProblems, SeenKeys, Tally, Writes};
use crate::domain::training;
use crate::error::{Error, Result};
use crate::service::training::{Training, check, employed_at_end, new_row};
use crate::sheet::{Numbered, Sheet, TrainingRow};
use crate::store::{teacher, training_record};

/// A record's natural key: teacher, title, first day, last day.
type Key = (Uuid, String, NaiveDate, NaiveDate);

/// The same key as the sheet writes it, for rows named twice (an unknown staff number too).
type SheetKey = (String, String, NaiveDate, NaiveDate);

pub(super) async fn import(
    tx: &DatabaseTransaction,
    mut sheet: Sheet<'_, TrainingRow>,
    tally: &mut Tally,
    progress: Progress<'_>,
) -> Result<()> {
    let mut keys = SeenKeys::new();
    while let Some(chunk) = tally.next_chunk(&mut sheet, progress) {
        chunk_of(tx, &sheet, chunk, tally, &mut keys).await?;
    }
    Ok(())
}

/// What a chunk's rows are checked against, read in one query each.
struct Found {
    teachers: HashMap<String, teacher::Model>,
    /// The chunk's teachers' records by natural key; more than one is a double in the registry.
    records: HashMap<Key, Vec<training_record::Model>>,
}

async fn found(tx: &DatabaseTransaction, chunk: &[Numbered<TrainingRow>]) -> Result<Found> {
    let staff_nos: Vec<String> = chunk
        .iter()
        .map(|r| r.value.staff_no.as_str().to_owned())
        .collect();
    let teachers: HashMap<String, teacher::Model> = teacher::by_staff_nos(tx, &staff_nos)
        .await?
        .into_iter()
        .map(|t| (t.staff_no.clone(), t))
        .collect();
    let ids: Vec<Uuid> = teachers.values().map(|t| t.id).collect();
    let mut records: HashMap<Key, Vec<training_record::Model>> = HashMap::new();
    for r in training_record::by_teachers(tx, &ids).await? {
        let key = (r.teacher_id, r.title.clone(), r.started_on, r.ended_on);
        records.entry(key).or_default().push(r);
    }
    Ok(Found { teachers, records })
}

async fn chunk_of(
    tx: &DatabaseTransaction,
    sheet: &Sheet<'_, TrainingRow>,
    chunk: Vec<Numbered<TrainingRow>>,
    tally: &mut Tally,
    keys: &mut SeenKeys<SheetKey>,
) -> Result<()> {
    let found = found(tx, &chunk).await?;
    let now = Utc::now();
    // Training records have no `updated_at`: the audit event says when the sheet corrected them.
    let mut writes = Writes::<training_record::Entity>::new(|_| {});
    for row in chunk {
        let r = row.value;
        let value_of = |field: &str| value_of(&r, field);
        let mut problems = RowProblems::new(row.row, &sheet.header, &value_of);
        let title = r.title.as_str().to_owned();
        let sheet_key = (
            r.staff_no.as_str().to_owned(),
            title.clone(),
            r.started_on,
            r.ended_on,
        );
        problems.check(keys.note(sheet_key, row.row), "staffNo");
        let t = Training {
            title: r.title.clone(),
            level: r.level,
            kind: r.kind,
            organiser: r.organiser.clone(),
            started_on: r.started_on,
            ended_on: r.ended_on,
            hours: r.hours,
        };
        // Rule 9's dates and hours name their own column (结束日期 or 学时).
        problems.check(check(&t), "hours");
        let Some(teacher) = found.teachers.get(r.staff_no.as_str()) else {
            // In `recordGroupTraining`'s words.
            let unknown = Error::invalid(
                "staffNo",
                format!("no teacher has staff number {}", r.staff_no.as_str()),
            );
            problems.check::<()>(Err(unknown), "staffNo");
            problems.into_tally(tally);
            continue;
        };
        problems.check(employed_at_end(teacher, t.ended_on), "endedOn");
        let matched = found
            .records
            .get(&(teacher.id, title, r.started_on, r.ended_on))
            .map_or(&[][..], Vec::as_slice);
        let fresh = problems.check(new_row(teacher.id, &t, now), "hours");
        match (matched, fresh) {
            ([], Some(fresh)) => {
                if problems.is_clean() {
                    writes.creates.push(fresh);
                }
            }
            ([before], Some(fresh)) => {
                // The key and the record's identity stay; the sheet's other fields replace it.
                let fresh = fresh.try_into_model()?;
                let after = training_record::Model {
                    id: before.id,
                    created_at: before.created_at,
                    ..fresh
                };
                writes.correct(tally, before, after, problems.is_clean());
            }
            ([_, _, ..], _) => {
                let double = Error::Conflict(format!(
                    "{} records of {} have this title and these dates: correct or delete the \
                     double with updateTrainingRecord or deleteTrainingRecord first",
                    matched.len(),
                    r.staff_no.as_str()
                ));
                problems.check::<()>(Err(double), "title");
            }
            (_, None) => {}
        }
        problems.into_tally(tally);
    }
    writes.write(tx, tally).await
}

/// A field's value in a row as a problem shows it: the level as a training sheet writes it.
fn value_of(r: &TrainingRow, field: &str) -> String {
    match field {
        "staffNo" => r.staff_no.as_str().to_owned(),
        "title" => r.title.as_str().to_owned(),
        "level" => training::level_label(r.level).to_owned(),
        "kind" => r.kind.label().to_owned(),
        "organiser" => r.organiser.as_str().to_owned(),
        "startedOn" => r.started_on.to_string(),
        "endedOn" => r.ended_on.to_string(),
        "hours" => r.hours.hours().to_string(),
        _ => String::new(),
    }
}
