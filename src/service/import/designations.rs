//! The designations sheet: matched by staff number, kind, level and award date, checked by
//! `awardDesignation`'s rules. A matched designation takes the sheet's subject, batch, expiry
//! and certificate number where the sheet gives them; a revocation is never touched (that is
//! `revokeDesignation`'s, with its reason).

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use super::{Progress, RowProblems, SeenKeys, Tally, Writes, listed_subjects};
use crate::domain::Label;
use crate::error::{Error, Result};
use crate::service::designations::{
    NewDesignation, certificate_taken, check_dates, employed_when_awarded, new_row,
};
use crate::service::teachers::subject_listed;
use crate::sheet::{DesignationRow, Numbered, Sheet};
use crate::store::{designation, key_span, teacher};

/// A designation's natural key: teacher, kind, level, award date.
type Key = (Uuid, i16, i16, NaiveDate);

pub(super) async fn import(
    tx: &DatabaseTransaction,
    mut sheet: Sheet<'_, DesignationRow>,
    tally: &mut Tally,
    progress: Progress<'_>,
) -> Result<()> {
    let subjects = listed_subjects(tx).await?;
    let mut keys = SeenKeys::new();
    let mut certificates = SeenKeys::new();
    while let Some(chunk) = tally.next_chunk(&mut sheet, progress) {
        chunk_of(
            tx,
            &sheet,
            &subjects,
            chunk,
            tally,
            &mut keys,
            &mut certificates,
        )
        .await?;
    }
    Ok(())
}

/// What a chunk's rows are checked against, read in one query each.
struct Found {
    teachers: HashMap<String, teacher::Model>,
    designations: HashMap<Key, designation::Model>,
    /// Certificate number → the designation recorded under it.
    certificates: HashMap<String, Uuid>,
}

async fn found(tx: &DatabaseTransaction, chunk: &[Numbered<DesignationRow>]) -> Result<Found> {
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
    let designations = designation::by_teachers(tx, &ids)
        .await?
        .into_iter()
        .map(|d| ((d.teacher_id, d.kind, d.level, d.awarded_on), d))
        .collect();
    let certificate_nos: Vec<String> = chunk
        .iter()
        .filter_map(|r| {
            r.value
                .certificate_no
                .as_ref()
                .map(|c| c.as_str().to_owned())
        })
        .collect();
    let certificates = designation::by_certificate_nos(tx, &certificate_nos)
        .await?
        .into_iter()
        .filter_map(|d| d.certificate_no.map(|c| (c, d.id)))
        .collect();
    Ok(Found {
        teachers,
        designations,
        certificates,
    })
}

async fn chunk_of(
    tx: &DatabaseTransaction,
    sheet: &Sheet<'_, DesignationRow>,
    subjects: &HashSet<String>,
    chunk: Vec<Numbered<DesignationRow>>,
    tally: &mut Tally,
    keys: &mut SeenKeys<(String, i16, i16, NaiveDate)>,
    certificates: &mut SeenKeys<String>,
) -> Result<()> {
    let found = found(tx, &chunk).await?;
    let now = Utc::now();
    let mut writes = Writes::<designation::Entity>::new(|_| {});
    for row in chunk {
        let d = row.value;
        let value_of = |field: &str| value_of(&d, field);
        let mut problems = RowProblems::new(row.row, &sheet.header, &value_of);
        let (kind, level) = (d.kind.rank(), d.level.rank());
        let key = (d.staff_no.as_str().to_owned(), kind, level, d.awarded_on);
        problems.check(keys.note(key, row.row), "staffNo");
        if let Some(cert) = &d.certificate_no {
            let seen = certificates.note(cert.as_str().to_owned(), row.row);
            problems.check(seen, "certificateNo");
        }
        if let Some(subject) = &d.subject {
            let listed = subjects.contains(subject.as_str());
            problems.check(subject_listed(listed, "subject", subject), "subject");
        }
        let Some(teacher) = found.teachers.get(d.staff_no.as_str()) else {
            let unknown = Error::invalid(
                "staffNo",
                format!("no teacher has staff number {}", d.staff_no.as_str()),
            );
            problems.check::<()>(Err(unknown), "staffNo");
            problems.into_tally(tally);
            continue;
        };
        let before = found
            .designations
            .get(&(teacher.id, kind, level, d.awarded_on));
        if let Some(cert) = &d.certificate_no
            && let Some(holder) = found.certificates.get(cert.as_str())
            && before.is_none_or(|b| b.id != *holder)
        {
            problems.check::<()>(Err(certificate_taken(cert.as_str())), "certificateNo");
        }
        let input = NewDesignation {
            teacher_id: teacher.id,
            kind: d.kind,
            level: d.level,
            subject: d.subject.clone(),
            batch: d.batch.clone(),
            awarded_on: d.awarded_on,
            expires_on: d.expires_on.or(before.and_then(|b| b.expires_on)),
            certificate_no: d.certificate_no.clone(),
        };
        problems.check(check_dates(&input), "expiresOn");
        match before {
            None => {
                let employed = employed_when_awarded(teacher, input.awarded_on);
                problems.check(employed, "awardedOn");
                if problems.is_clean() {
                    writes.creates.push(new_row(input, now));
                }
            }
            Some(before) => {
                let clean = problems.is_clean();
                writes.correct(tally, before, corrected(before, input), clean);
            }
        }
        problems.into_tally(tally);
    }
    let holders: Vec<Uuid> = writes
        .creates
        .iter()
        .filter_map(|d| match &d.teacher_id {
            sea_orm::ActiveValue::Set(id) | sea_orm::ActiveValue::Unchanged(id) => Some(*id),
            sea_orm::ActiveValue::NotSet => None,
        })
        .chain(writes.updates.iter().map(|d| d.teacher_id))
        .collect();
    writes.write(tx, tally).await?;
    if tally.writing() {
        key_span::refresh(tx, &holders).await?;
    }
    Ok(())
}

/// A recorded designation with the sheet's values where the sheet gives them.
fn corrected(before: &designation::Model, input: NewDesignation) -> designation::Model {
    designation::Model {
        subject: input
            .subject
            .map(|s| s.into_string())
            .or(before.subject.clone()),
        batch: input.batch.map(Label::into_string).or(before.batch.clone()),
        expires_on: input.expires_on,
        certificate_no: input
            .certificate_no
            .map(Label::into_string)
            .or(before.certificate_no.clone()),
        ..before.clone()
    }
}

fn value_of(d: &DesignationRow, field: &str) -> String {
    let text = |l: &Option<Label>| {
        l.as_ref()
            .map(|l| l.as_str().to_owned())
            .unwrap_or_default()
    };
    match field {
        "staffNo" => d.staff_no.as_str().to_owned(),
        "kind" => d.kind.label().to_owned(),
        "level" => d.level.label().to_owned(),
        "subject" => d
            .subject
            .as_ref()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        "batch" => text(&d.batch),
        "awardedOn" => d.awarded_on.to_string(),
        "expiresOn" => d.expires_on.map(|e| e.to_string()).unwrap_or_default(),
        "certificateNo" => text(&d.certificate_no),
        _ => String::new(),
    }
}
