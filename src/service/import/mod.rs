//! HR's bulk import (issue 10): a sheet of schools, teachers, designations, enrollments or
//! training records (issue 14) loaded all or nothing.
//!
//! One transaction per sheet. The sheet is read a chunk of rows at a time ([`CHUNK`]): each
//! chunk's keys are looked up in one query per kind of key, every row is checked by the same
//! rule functions the mutations call (`service::teachers::patched`, `checked_birth_date`,
//! `teaches_stage`…), and the chunk is written with bulk inserts. Once any row has a problem
//! nothing more is written, but every later row is still checked, so that HR see every
//! problem at once; then the transaction is dropped and nothing stays. A dry run checks the
//! same way and rolls back. A clean sheet commits with one audit event.
//!
//! Rows are matched by natural key (schools by name, teachers by staff number, designations by
//! staff number + kind + level + award date, enrollments by school + year + stage, training
//! records by staff number + title + first and last day): a row
//! that matches is compared and updated or left alone, so loading the same sheet again changes
//! nothing. An empty optional cell leaves the registered value as it is, as an omitted field
//! does in `updateTeacher`.
//!
//! A load that wrote rows ends by collecting the table's statistics (`ANALYZE`, after the
//! commit): a sheet of 50,000 teachers into an empty registry otherwise leaves the planner
//! with the figures of an empty table.

mod designations;
mod registry;
mod teachers;
mod training;

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, DatabaseTransaction, EntityTrait, IntoActiveModel,
};
use serde_json::json;
use uuid::Uuid;

use super::{analyze_after_load, commit_recorded, require};
use crate::domain::{Actor, Permission};
use crate::error::{Error, Result};
use crate::sheet::{self, Header, Numbered, Problem, Sheet, SheetRow};
use crate::store::{
    Db, designation, enrollment, insert_chunks, key_span, school, subject, teacher, training_record,
};

/// Rows checked and written together: one lookup query per key kind and chunk.
const CHUNK: usize = 500;
/// Problems listed in the answer; beyond these only their number is given, so that a sheet
/// of 50,000 bad rows does not make an answer of millions of lines.
pub const PROBLEMS_LISTED: usize = 1000;

/// The five kinds of sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    Schools,
    Teachers,
    Designations,
    Enrollments,
    TrainingRecords,
}

impl SheetKind {
    /// The operation named in the audit trail.
    fn operation(self) -> &'static str {
        match self {
            SheetKind::Schools => "importSchools",
            SheetKind::Teachers => "importTeachers",
            SheetKind::Designations => "importDesignations",
            SheetKind::Enrollments => "importEnrollments",
            SheetKind::TrainingRecords => "importTrainingRecords",
        }
    }

    /// The tables a load of this kind writes, whose statistics it refreshes.
    fn tables(self) -> Vec<&'static str> {
        use sea_orm::EntityName;
        let spans = [
            key_span::Entity.table_name(),
            key_span::changes::Entity.table_name(),
        ];
        match self {
            SheetKind::Schools => vec![school::Entity.table_name()],
            SheetKind::Teachers => [&[teacher::Entity.table_name()][..], &spans].concat(),
            SheetKind::Designations => [&[designation::Entity.table_name()][..], &spans].concat(),
            SheetKind::Enrollments => vec![enrollment::Entity.table_name()],
            SheetKind::TrainingRecords => vec![training_record::Entity.table_name()],
        }
    }

    /// The kind as the command line and the audit trail name it.
    pub fn name(self) -> &'static str {
        match self {
            SheetKind::Schools => sheet::SchoolRow::KIND,
            SheetKind::Teachers => sheet::TeacherRow::KIND,
            SheetKind::Designations => sheet::DesignationRow::KIND,
            SheetKind::Enrollments => sheet::EnrollmentRow::KIND,
            SheetKind::TrainingRecords => sheet::TrainingRow::KIND,
        }
    }
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub kind: SheetKind,
    pub file_name: String,
    /// Data rows read (the header not counted).
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Headers that named no known column: their cells were ignored.
    pub unknown_columns: Vec<String>,
    /// Nothing was written: the counts say what a real run would do.
    pub dry_run: bool,
}

/// Told how far an import has got: rows read, and about how many there are.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Send + Sync);

/// Who may import: those who may change the registry. Asked before an upload is read, so that
/// a role without the right is refused as such, file or no file.
pub fn may_import(actor: &Actor) -> Result<()> {
    require(actor, Permission::WriteRegistry)
}

/// Loads a sheet all or nothing; see the module's comment.
pub async fn import(
    db: &Db,
    actor: &Actor,
    kind: SheetKind,
    file_name: &str,
    bytes: &[u8],
    dry_run: bool,
    progress: Progress<'_>,
) -> Result<ImportReport> {
    may_import(actor)?;
    let tx = db.begin().await?;
    let mut tally = Tally::default();
    let unknown_columns = match kind {
        SheetKind::Schools => {
            let sheet = open(file_name, bytes)?;
            let unknown = sheet.unknown_columns().to_vec();
            registry::schools(&tx, sheet, &mut tally, progress).await?;
            unknown
        }
        SheetKind::Teachers => {
            let sheet = open(file_name, bytes)?;
            let unknown = sheet.unknown_columns().to_vec();
            teachers::import(&tx, sheet, &mut tally, progress).await?;
            unknown
        }
        SheetKind::Designations => {
            let sheet = open(file_name, bytes)?;
            let unknown = sheet.unknown_columns().to_vec();
            designations::import(&tx, sheet, &mut tally, progress).await?;
            unknown
        }
        SheetKind::Enrollments => {
            let sheet = open(file_name, bytes)?;
            let unknown = sheet.unknown_columns().to_vec();
            registry::enrollments(&tx, sheet, &mut tally, progress).await?;
            unknown
        }
        SheetKind::TrainingRecords => {
            let sheet = open(file_name, bytes)?;
            let unknown = sheet.unknown_columns().to_vec();
            training::import(&tx, sheet, &mut tally, progress).await?;
            unknown
        }
    };
    if tally.count > 0 {
        // Listed by row, as HR will fix them; rows checked in one chunk were noted by rule.
        tally.problems.sort_by_key(|p| p.row);
        // Dropping the transaction rolls back whatever the clean chunks before wrote.
        return Err(Error::Sheet {
            problems: tally.problems,
            count: tally.count,
        });
    }
    let report = ImportReport {
        kind,
        file_name: file_name.to_owned(),
        rows: tally.rows,
        created: tally.created,
        updated: tally.updated,
        unchanged: tally.unchanged,
        unknown_columns,
        dry_run,
    };
    if dry_run {
        tx.rollback().await?;
        return Ok(report);
    }
    let details = json!({
        "kind": kind.name(), "fileName": report.file_name, "rows": report.rows,
        "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
    });
    commit_recorded(tx, actor, kind.operation(), Uuid::now_v7(), details).await?;
    if report.created + report.updated > 0 {
        analyze_after_load(db, &kind.tables()).await;
    }
    Ok(report)
}

/// Every school by name: the registry has thousands at most, and three of the sheets name
/// schools.
async fn schools_by_name(tx: &DatabaseTransaction) -> Result<HashMap<String, school::Model>> {
    Ok(school::all(tx)
        .await?
        .into_iter()
        .map(|s| (s.name.clone(), s))
        .collect())
}

/// The subject reference list, asked once per sheet rather than once per row.
async fn listed_subjects(tx: &DatabaseTransaction) -> Result<HashSet<String>> {
    Ok(subject::all(tx)
        .await?
        .into_iter()
        .map(|s| s.name)
        .collect())
}

/// Opens a sheet; a file that cannot be read or lacks a required column is refused as a whole.
fn open<'a, T: SheetRow>(file_name: &str, bytes: &'a [u8]) -> Result<Sheet<'a, T>> {
    sheet::read(file_name, bytes).map_err(|e| Error::invalid("file", e))
}

/// What an import has found and done so far.
#[derive(Debug, Default)]
struct Tally {
    /// The first [`PROBLEMS_LISTED`] problems.
    problems: Vec<Problem>,
    /// All problems.
    count: usize,
    rows: u64,
    created: u64,
    updated: u64,
    unchanged: u64,
}

impl Tally {
    fn add(&mut self, problems: Vec<Problem>) {
        self.count += problems.len();
        let room = PROBLEMS_LISTED.saturating_sub(self.problems.len());
        self.problems.extend(problems.into_iter().take(room));
    }

    /// Writing stops at the first problem: the transaction will be dropped anyway.
    fn writing(&self) -> bool {
        self.count == 0
    }

    /// The next chunk of rows that read without a problem; the others' problems are kept.
    /// `None` when the sheet is done.
    fn next_chunk<T: SheetRow>(
        &mut self,
        sheet: &mut Sheet<'_, T>,
        progress: Progress<'_>,
    ) -> Option<Vec<Numbered<T>>> {
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut read = 0;
        for row in sheet.by_ref().take(CHUNK) {
            read += 1;
            match row {
                Ok(row) => chunk.push(row),
                Err(problems) => self.add(problems),
            }
        }
        self.rows += read;
        progress(self.rows, sheet.rows_hint());
        (read > 0).then_some(chunk)
    }
}

/// A chunk's writes: new rows, and matched records the sheet corrects, written together once
/// the chunk is checked (and only while the sheet is clean).
struct Writes<E: EntityTrait> {
    creates: Vec<E::ActiveModel>,
    updates: Vec<E::Model>,
    /// Marks a corrected record as changed now (a teacher's `updated_at`).
    touch: fn(&mut E::Model),
}

impl<E> Writes<E>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + PartialEq,
    E::ActiveModel: ActiveModelTrait<Entity = E> + ActiveModelBehavior + Send,
{
    fn new(touch: fn(&mut E::Model)) -> Self {
        Writes {
            creates: Vec::new(),
            updates: Vec::new(),
            touch,
        }
    }

    /// A matched record: counted unchanged when the sheet says what it says, else corrected
    /// (when its row is clean).
    fn correct(&mut self, tally: &mut Tally, before: &E::Model, mut after: E::Model, clean: bool) {
        if after == *before {
            tally.unchanged += 1;
        } else if clean {
            (self.touch)(&mut after);
            self.updates.push(after);
        }
    }

    async fn write(self, tx: &DatabaseTransaction, tally: &mut Tally) -> Result<()> {
        if !tally.writing() {
            return Ok(());
        }
        tally.created += self.creates.len() as u64;
        tally.updated += self.updates.len() as u64;
        insert_chunks(tx, self.creates).await?;
        for after in self.updates {
            after.into_active_model().reset_all().update(tx).await?;
        }
        Ok(())
    }
}

/// One row's problems found by the service's rules, worded as the API words them.
struct RowProblems<'a> {
    row: u32,
    header: &'a Header,
    /// A field's value in this row as the problem shows it.
    value_of: &'a (dyn Fn(&str) -> String + Sync),
    problems: Vec<Problem>,
}

impl<'a> RowProblems<'a> {
    fn new(row: u32, header: &'a Header, value_of: &'a (dyn Fn(&str) -> String + Sync)) -> Self {
        RowProblems {
            row,
            header,
            value_of,
            problems: Vec::new(),
        }
    }

    /// Notes a rule's refusal: an invalid field names its own column (the API's field names
    /// are the sheet's), any other refusal (a conflict) the column `field`.
    fn check<T>(&mut self, outcome: Result<T>, field: &str) -> Option<T> {
        match outcome {
            Ok(value) => Some(value),
            Err(error) => {
                let (field, reason) = match error {
                    Error::Invalid { field, reason } => (field, reason),
                    other => (field.to_owned(), other.to_string()),
                };
                self.problems.push(Problem {
                    row: self.row,
                    column: self.header.written(&field).to_owned(),
                    value: (self.value_of)(&field),
                    reason,
                });
                None
            }
        }
    }

    fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// Hands the problems to the tally; true when there were none.
    fn into_tally(self, tally: &mut Tally) -> bool {
        let clean = self.problems.is_empty();
        tally.add(self.problems);
        clean
    }
}

/// Natural keys seen earlier in the sheet, with their row: a key twice in one sheet is a
/// problem on the second row (the sheet would contradict itself).
struct SeenKeys<K> {
    first_row: HashMap<K, u32>,
}

impl<K: std::hash::Hash + Eq> SeenKeys<K> {
    fn new() -> Self {
        SeenKeys {
            first_row: HashMap::new(),
        }
    }

    /// `Err` with the first row's number when the key was seen before.
    fn note(&mut self, key: K, row: u32) -> Result<()> {
        match self.first_row.get(&key) {
            Some(first) => Err(Error::Conflict(format!(
                "the same as row {first}: a sheet names each record once"
            ))),
            None => {
                self.first_row.insert(key, row);
                Ok(())
            }
        }
    }
}
