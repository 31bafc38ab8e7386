//! `teacher-registry demo`: a fictional county built on the plan's real school and township
//! names, so every query, target and the dashboard show meaningful numbers.
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
//! - `targets`: a 2026–2028 plan beside the seeded 2023 one.
//!
//! The drawing steps share one generator (`rng`) and draw in a fixed order, so that order is
//! part of the output: reordering steps or draws within one changes the county.
//!
//! Dependencies: `cli` calls [`fill`]; the demo uses the service's permission check and
//! `commit_recorded`, the store's entities, and the domain's enums.

mod designations;
mod mentoring;
mod reserve;
mod rng;
mod schools;
mod studios;
mod targets;
mod teachers;

use chrono::{NaiveDate, Utc};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use uuid::Uuid;

use crate::domain::{Actor, Permission};
use crate::error::Result;
use crate::service::{commit_recorded, require};
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
}

/// The generator's seed: changing it draws a different county.
const SEED: u64 = 20230410;

/// The day the demo county is drawn as of.
const DEMO_TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 30) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Fills an empty registry; returns `None` (and changes nothing) when schools exist already.
pub async fn fill(db: &Db, actor: &Actor, teachers_wanted: usize) -> Result<Option<DemoSummary>> {
    require(actor, Permission::WriteRegistry)?;
    require(actor, Permission::ManageStudios)?;
    let tx = db.begin().await?;
    if school::Entity::find().count(&tx).await? > 0 {
        return Ok(None);
    }
    let mut rng = rng::Rng::seeded(SEED);
    let now = Utc::now();
    let mut summary = DemoSummary::default();

    let schools::SchoolRows {
        ids: school_ids,
        schools,
        enrollments,
    } = schools::make_schools(now);
    summary.schools = schools.len();
    insert_chunks(&tx, schools).await?;
    insert_chunks(&tx, enrollments).await?;

    let (people, teachers) = teachers::make_teachers(&mut rng, &school_ids, teachers_wanted, now);
    summary.teachers = teachers.len();
    insert_chunks(&tx, teachers).await?;

    let (designations, holders) = designations::make_designations(&mut rng, &people, now);
    summary.designations = designations.len();
    insert_chunks(&tx, designations).await?;

    let entries = reserve::make_reserve_entries(&mut rng, &people, &holders, now);
    insert_chunks(&tx, entries).await?;

    let studios::StudioRows {
        studios,
        members,
        pairs,
        activities,
        assessments,
    } = studios::make_studios(&mut rng, &people, &holders, &school_ids, now);
    summary.studios = studios.len();
    summary.pairs = pairs.len();
    summary.activities = activities.len();
    insert_chunks(&tx, studios).await?;
    insert_chunks(&tx, members).await?;
    insert_chunks(&tx, pairs).await?;
    insert_chunks(&tx, activities).await?;
    insert_chunks(&tx, assessments).await?;

    targets::add_plan_2028(&tx, now).await?;
    commit_recorded(
        tx,
        actor,
        "demo",
        Uuid::nil(),
        json!({ "schools": summary.schools, "teachers": summary.teachers,
                "designations": summary.designations, "studios": summary.studios,
                "pairs": summary.pairs, "activities": summary.activities }),
    )
    .await?;
    Ok(Some(summary))
}
