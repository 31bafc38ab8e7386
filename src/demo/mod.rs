//! `teacher-registry demo`: a fictional county built on the plan's real school and township
//! names, so every query, target and the dashboard show meaningful numbers; and, asked for
//! more teachers than the plan's schools can hold, a province of generated districts around it.
//!
//! Deterministic (a fixed seed: the same database every time), idempotent (an existing
//! registry is left alone), and fast: the rows are generated here, obeying the domain's rules
//! by construction, and written in bulk in one transaction.
//!
//! [`fill`] runs the steps in this order, one file each:
//! - `schools`: the plan's schools and their enrollments, 2022–2025;
//! - `teachers`: teachers spread over the schools by students, with careers and ID numbers;
//! - `designations`: yearly batches of titles, and who holds a county-or-above one;
//! - `reserve`: the reserve pools;
//! - `studios`: eleven studios with hosts, assessments and members, and for each studio
//!   `mentoring`: its pairs and their activities;
//! - `outputs`: each studio's outputs (papers, open lessons, …) and their authors;
//! - `growth`: the 2026 batch's places won by mentees and the reserve pool (conversion);
//! - `training`: every teacher's training records, 2021 to the demo's day;
//! - `districts`: past [`COUNTY_CAPACITY`] teachers, generated districts of up to 20,000
//!   teachers each, drawn and written one at a time by the same steps (see there);
//! - `targets`: a 2026–2028 plan beside the seeded 2023 one.
//!
//! The growth records (`growth`, `training`) are the plan's county's only: a generated
//! district has none but its studio's outputs, which keeps a province-sized demo about as fast
//! as it was (the training records alone are some 14 rows a teacher).
//!
//! The plan's county is built in memory (10,000 teachers at most); a district is drawn and
//! written before the next is begun, and what outlives it is bounded (the numbering of staff
//! and ID numbers), so the memory a demo needs does not grow with the teachers asked for.
//!
//! The drawing steps share one generator (`rng`) and draw in a fixed order, so that order is
//! part of the output: reordering steps or draws within one changes the county. Each district
//! draws from a generator of its own.
//!
//! Dependencies: `cli` calls [`fill`]; the demo uses the service's permission check and
//! `commit_recorded`, the store's entities, and the domain's enums.

mod designations;
mod districts;
mod growth;
mod mentoring;
mod outputs;
mod reserve;
mod rng;
mod schools;
mod studios;
mod targets;
mod teachers;
mod training;

use chrono::{NaiveDate, Utc};
use sea_orm::prelude::DateTimeUtc;
use sea_orm::{DatabaseTransaction, EntityTrait, PaginatorTrait};
use serde_json::json;
use uuid::Uuid;

use crate::domain::{Actor, Permission};
use crate::error::Result;
use crate::service::{analyze_after_load, commit_recorded, require};
use crate::store::{Db, insert_chunks, school};

/// What the demo wrote.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub schools: usize,
    pub teachers: usize,
    pub designations: usize,
    pub studios: usize,
    pub pairs: usize,
    pub activities: usize,
    pub training_records: usize,
    pub outputs: usize,
}

/// Told how far the demo has got: teachers written, and about how many there will be.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Send + Sync);

/// The generator's seed: changing it draws a different county.
const SEED: u64 = 20230410;

/// The teachers the plan's table of schools is drawn for: its enrollments are this county's.
const COUNTY_TEACHERS: usize = 3000;

/// The most teachers the plan's 25 schools take (400 a school, as many as a big school has);
/// a demo asked for more puts the rest in generated districts. Up to this the plan's schools
/// grow with the teachers, their students in proportion.
pub const COUNTY_CAPACITY: usize = 10_000;

/// The most teachers a demo draws (`--teachers`): a province's worth.
pub const MAX_TEACHERS: usize = 2_000_000;

/// The day the demo county is drawn as of.
const DEMO_TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 30) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// What the steps carry from one to the next and from district to district: the numbers
/// handed out so far, and what was written.
struct Run<'a> {
    now: DateTimeUtc,
    numbering: teachers::Numbering,
    /// The last certificate number given.
    certificates: u32,
    summary: DemoSummary,
    /// The teachers asked for, and whom to tell how far the demo has got.
    wanted: usize,
    progress: Progress<'a>,
}

impl Run<'_> {
    fn tell_progress(&self) {
        (self.progress)(self.summary.teachers as u64, self.wanted as u64);
    }
}

/// Fills an empty registry; returns `None` (and changes nothing) when schools exist already.
pub async fn fill(db: &Db, actor: &Actor, teachers_wanted: usize) -> Result<Option<DemoSummary>> {
    fill_telling(db, actor, teachers_wanted, &|_, _| {}).await
}

/// [`fill`], telling `progress` how far it has got. Once the demo has committed, the
/// database's statistics are collected (`ANALYZE`), as after every bulk load.
pub async fn fill_telling(
    db: &Db,
    actor: &Actor,
    teachers_wanted: usize,
    progress: Progress<'_>,
) -> Result<Option<DemoSummary>> {
    require(actor, Permission::WriteRegistry)?;
    require(actor, Permission::ManageStudios)?;
    let teachers_wanted = teachers_wanted.min(MAX_TEACHERS);
    let tx = db.begin().await?;
    if school::Entity::find().count(&tx).await? > 0 {
        return Ok(None);
    }
    let mut run = Run {
        now: Utc::now(),
        numbering: Default::default(),
        certificates: 0,
        summary: DemoSummary::default(),
        wanted: teachers_wanted,
        progress,
    };
    let county = teachers_wanted.min(COUNTY_CAPACITY);
    fill_county(&tx, county, &mut run).await?;
    run.tell_progress();
    districts::fill(&tx, SEED, teachers_wanted - county, &mut run).await?;
    // Written in bulk above; their spans are made once, a chunk of teachers at a time.
    crate::store::key_span::rebuild(&tx).await?;

    targets::add_plan_2028(&tx, run.now).await?;
    let summary = run.summary;
    commit_recorded(
        tx,
        actor,
        "demo",
        Uuid::nil(),
        json!({ "schools": summary.schools, "teachers": summary.teachers,
                "designations": summary.designations, "studios": summary.studios,
                "pairs": summary.pairs, "activities": summary.activities,
                "training_records": summary.training_records, "outputs": summary.outputs }),
    )
    .await?;
    analyze_after_load(db, &tables()).await;
    Ok(Some(summary))
}

/// The tables the demo writes, whose statistics it refreshes.
fn tables() -> [&'static str; 16] {
    use crate::store::{
        designation, enrollment, key_span, mentoring_activity, mentoring_pair, reserve_entry,
        studio, studio_assessment, studio_member, studio_output, target, teacher, training_record,
    };
    use sea_orm::EntityName;
    [
        school::Entity.table_name(),
        enrollment::Entity.table_name(),
        teacher::Entity.table_name(),
        designation::Entity.table_name(),
        reserve_entry::Entity.table_name(),
        studio::Entity.table_name(),
        studio_member::Entity.table_name(),
        mentoring_pair::Entity.table_name(),
        mentoring_activity::Entity.table_name(),
        studio_assessment::Entity.table_name(),
        target::Entity.table_name(),
        key_span::Entity.table_name(),
        key_span::changes::Entity.table_name(),
        training_record::Entity.table_name(),
        studio_output::Entity.table_name(),
        studio_output::author::Entity.table_name(),
    ]
}

/// The plan's county of `teachers` teachers, drawn from the demo's one generator: for the
/// default 3,000 the same rows as ever (the tests and the dashboard's story depend on them).
async fn fill_county(tx: &DatabaseTransaction, teachers: usize, run: &mut Run<'_>) -> Result<()> {
    let mut rng = rng::Rng::seeded(SEED);
    let now = run.now;
    let scale = teachers.max(COUNTY_TEACHERS) as i32;
    let schools::SchoolRows {
        ids: school_ids,
        schools,
        enrollments,
    } = schools::make_schools(now, (scale, COUNTY_TEACHERS as i32));
    run.summary.schools += schools.len();
    insert_chunks(tx, schools).await?;
    insert_chunks(tx, enrollments).await?;

    let (people, teachers) =
        teachers::make_teachers(&mut rng, &school_ids, teachers, &mut run.numbering, now);
    run.summary.teachers += teachers.len();
    insert_chunks(tx, teachers).await?;

    let (mut designations, holders) =
        designations::make_designations(&mut rng, &people, &mut run.certificates, now);
    let entries = reserve::make_reserve_entries(&mut rng, &people, &holders, now);
    let rows = studios::make_studios(&mut rng, &people, &holders, &school_ids, now);

    // The growth records, drawn after everything above so that the county drawn before them
    // is unchanged; the designations are written once the conversions have joined them.
    let villages: Vec<&str> = schools::SCHOOLS
        .iter()
        .filter(|(_, _, urban, ..)| !urban)
        .map(|(name, ..)| *name)
        .collect();
    let outputs = outputs::make_outputs(&mut rng, &people, &rows, &villages, now);
    let conversions = growth::make_conversions(
        &mut rng,
        &people,
        &rows,
        &entries,
        &designations,
        &mut run.certificates,
        now,
    );
    designations.extend(conversions);
    let key = training::KeySpans::of(&designations);
    let named: Vec<(&str, &str)> = schools::SCHOOLS
        .iter()
        .map(|(name, township, ..)| (*name, *township))
        .collect();

    run.summary.designations += designations.len();
    insert_chunks(tx, designations).await?;
    insert_chunks(tx, entries).await?;
    write_studios(tx, rows, &mut run.summary).await?;
    run.summary.outputs += outputs.outputs.len();
    insert_chunks(tx, outputs.outputs).await?;
    insert_chunks(tx, outputs.authors).await?;
    // Some 14 records a teacher: drawn and written a slice of teachers at a time, so that a
    // county of 10,000 does not hold 140,000 rows at once (the same draws either way).
    for some in people.chunks(TRAINING_CHUNK) {
        let records = training::make_training(&mut rng, some, &named, &key, now);
        run.summary.training_records += records.len();
        insert_chunks(tx, records).await?;
    }
    Ok(())
}

/// Teachers whose training records are drawn and written together.
const TRAINING_CHUNK: usize = 500;

/// Writes the studios and everything in them, and counts them.
async fn write_studios(
    tx: &DatabaseTransaction,
    rows: studios::StudioRows,
    summary: &mut DemoSummary,
) -> Result<()> {
    let studios::StudioRows {
        studios,
        members,
        pairs,
        activities,
        assessments,
    } = rows;
    summary.studios += studios.len();
    summary.pairs += pairs.len();
    summary.activities += activities.len();
    insert_chunks(tx, studios).await?;
    insert_chunks(tx, members).await?;
    insert_chunks(tx, pairs).await?;
    insert_chunks(tx, activities).await?;
    insert_chunks(tx, assessments).await?;
    Ok(())
}
