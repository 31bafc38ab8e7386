//! Studio outputs (工作室成果, rule 11): the studio's host in force, HR or an admin logs what
//! the studio produced — papers, open lessons, research projects, awards, outreach, resources —
//! naming authors who were members in force of the studio on the output's date, in a studio in
//! force that day. A bad author refuses the whole output: nothing is written.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde_json::json;
use uuid::Uuid;

use super::host::{found_for_running, lock_for_running, require_running};
use super::{in_force_on, read_scope};
use crate::domain::rules::today;
use crate::domain::{Actor, Label, Level, OutputKind};
use crate::error::{Error, Result};
use crate::service::commit_recorded;
use crate::store::{self, Db, studio, studio_output, teacher};

/// Most authors one output may name.
pub const MAX_AUTHORS: usize = 50;

/// An output to log (or the new values of one corrected).
#[derive(Debug, Clone)]
pub struct NewOutput {
    pub studio_id: Uuid,
    pub kind: OutputKind,
    pub title: Label,
    pub date: NaiveDate,
    pub level: Level,
    pub author_ids: Vec<Uuid>,
}

/// An output with its authors.
#[derive(Debug, Clone)]
pub struct Output {
    pub output: studio_output::Model,
    pub author_ids: Vec<Uuid>,
}

/// Checks the output's date and authors against the locked studio `s` (rule 11): the studio is
/// in force on the date and every author a member in force of it that day (rule 6).
async fn check_authors(
    tx: &impl ConnectionTrait,
    s: &studio::Model,
    date: NaiveDate,
    authors: &[Uuid],
) -> Result<()> {
    if !in_force_on(s, date) {
        return Err(Error::Conflict(format!(
            "{} is not in force on {date}",
            s.name
        )));
    }
    let in_force: BTreeSet<Uuid> = studio_output::authors_in_force(tx, s.id, authors, date)
        .await?
        .into_iter()
        .collect();
    let missing: Vec<Uuid> = authors
        .iter()
        .copied()
        .filter(|a| !in_force.contains(a))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    // Name the refused authors the caller may know of; an unknown id is named by its id.
    let named = teacher::by_ids(tx, &missing).await?;
    let names: Vec<String> = missing
        .iter()
        .map(|id| {
            named
                .iter()
                .find(|t| t.id == *id)
                .map_or_else(|| id.to_string(), |t| t.name.clone())
        })
        .collect();
    Err(Error::invalid(
        "authorIds",
        format!(
            "not a member in force of {} on {date}: {}",
            s.name,
            names.join(", ")
        ),
    ))
}

/// The authors as given, each once; at least one and at most [`MAX_AUTHORS`].
fn distinct_authors(ids: &[Uuid]) -> Result<Vec<Uuid>> {
    let mut seen = BTreeSet::new();
    let authors: Vec<Uuid> = ids.iter().copied().filter(|a| seen.insert(*a)).collect();
    if authors.is_empty() {
        return Err(Error::invalid("authorIds", "name at least one author"));
    }
    if authors.len() > MAX_AUTHORS {
        return Err(Error::invalid(
            "authorIds",
            format!("at most {MAX_AUTHORS} authors"),
        ));
    }
    Ok(authors)
}

fn not_in_future(date: NaiveDate) -> Result<()> {
    if date > today() {
        return Err(Error::invalid("date", "outputs are logged once they exist"));
    }
    Ok(())
}

async fn insert_authors(
    tx: &impl ConnectionTrait,
    output_id: Uuid,
    authors: &[Uuid],
) -> Result<()> {
    let rows = authors.iter().map(|a| studio_output::author::ActiveModel {
        output_id: Set(output_id),
        teacher_id: Set(*a),
    });
    studio_output::author::Entity::insert_many(rows)
        .exec(tx)
        .await?;
    Ok(())
}

/// Logs an output (the studio's host in force on the date and today, HR, ADMIN).
pub async fn log_output(db: &Db, actor: &Actor, input: NewOutput) -> Result<Output> {
    let authors = distinct_authors(&input.author_ids)?;
    not_in_future(input.date)?;
    let tx = db.begin().await?;
    let s = lock_for_running(&tx, actor, input.studio_id, input.date).await?;
    check_authors(&tx, &s, input.date, &authors).await?;
    let model = studio_output::ActiveModel {
        id: Set(Uuid::now_v7()),
        studio_id: Set(s.id),
        kind: Set(input.kind.code().to_owned()),
        title: Set(input.title.into_string()),
        date: Set(input.date),
        level: Set(input.level.rank()),
        created_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    insert_authors(&tx, model.id, &authors).await?;
    commit_recorded(
        tx,
        actor,
        "logStudioOutput",
        model.id,
        json!({ "studioId": s.id, "kind": model.kind, "title": model.title, "date": model.date,
                "level": input.level.code(), "authorIds": authors }),
    )
    .await?;
    Ok(Output {
        output: model,
        author_ids: authors,
    })
}

/// Replaces an output's kind, title, date, level and authors (the same people may log it); the
/// studio stays the same, and the new values are checked as a new output's are.
pub async fn correct_output(db: &Db, actor: &Actor, id: Uuid, input: NewOutput) -> Result<Output> {
    let authors = distinct_authors(&input.author_ids)?;
    not_in_future(input.date)?;
    require_running(actor)?;
    let tx = db.begin().await?;
    let old = found_for_running(
        actor,
        store::by_id::<studio_output::Entity>(&tx, id).await?,
        "studio output",
    )?;
    // Both the old date and the new must be the host's to change.
    lock_for_running(&tx, actor, old.studio_id, old.date).await?;
    if input.studio_id != old.studio_id {
        return Err(Error::invalid(
            "studioId",
            "an output stays in its studio: delete it and log it in the other",
        ));
    }
    let s = lock_for_running(&tx, actor, old.studio_id, input.date).await?;
    check_authors(&tx, &s, input.date, &authors).await?;
    studio_output::delete_authors(&tx, id).await?;
    let model = studio_output::ActiveModel {
        id: Set(id),
        studio_id: Set(old.studio_id),
        kind: Set(input.kind.code().to_owned()),
        title: Set(input.title.into_string()),
        date: Set(input.date),
        level: Set(input.level.rank()),
        created_at: Set(old.created_at),
    }
    .update(&tx)
    .await?;
    insert_authors(&tx, id, &authors).await?;
    commit_recorded(
        tx,
        actor,
        "correctStudioOutput",
        id,
        json!({ "kind": model.kind, "title": model.title, "date": model.date,
                "level": input.level.code(), "authorIds": authors,
                "was": { "kind": old.kind, "title": old.title, "date": old.date, "level": old.level } }),
    )
    .await?;
    Ok(Output {
        output: model,
        author_ids: authors,
    })
}

/// Deletes an output logged in error (the same people who may log it).
pub async fn delete_output(db: &Db, actor: &Actor, id: Uuid) -> Result<studio_output::Model> {
    require_running(actor)?;
    let tx = db.begin().await?;
    let old = found_for_running(
        actor,
        store::by_id::<studio_output::Entity>(&tx, id).await?,
        "studio output",
    )?;
    lock_for_running(&tx, actor, old.studio_id, old.date).await?;
    studio_output::delete_authors(&tx, id).await?;
    studio_output::Entity::delete_by_id(id).exec(&tx).await?;
    commit_recorded(
        tx,
        actor,
        "deleteStudioOutput",
        id,
        json!({ "studioId": old.studio_id, "kind": old.kind, "title": old.title, "date": old.date }),
    )
    .await?;
    Ok(old)
}

/// Some studios' outputs dated within `from..=to`, with their authors, by studio then date:
/// two statements however many studios (a page of studios asks through a dataloader), one
/// more for each thousand outputs beyond the first.
pub async fn outputs(
    db: &Db,
    actor: &Actor,
    studio_ids: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Output>> {
    let rows = studio_output::in_range(&db.read, studio_ids, from, to, read_scope(actor)?).await?;
    let ids: Vec<Uuid> = rows.iter().map(|o| o.id).collect();
    // Authors by output, read a thousand outputs at a time so that a long range over a page
    // of studios stays within the drivers' limits on bound values.
    let mut authors: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for chunk in ids.chunks(1000) {
        for a in studio_output::authors_of(&db.read, chunk).await? {
            authors.entry(a.output_id).or_default().push(a.teacher_id);
        }
    }
    Ok(rows
        .into_iter()
        .map(|output| Output {
            author_ids: authors.remove(&output.id).unwrap_or_default(),
            output,
        })
        .collect())
}

/// Rule 11's counts per studio by kind and level over `from..=to`, both ends included.
pub async fn output_counts(
    db: &Db,
    actor: &Actor,
    studio_ids: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Uuid, OutputKind, Level, i64)>> {
    let rows = studio_output::counts(&db.read, studio_ids, from, to, read_scope(actor)?).await?;
    rows.into_iter()
        .map(|(studio_id, kind, level, n)| {
            let kind = OutputKind::from_code(&kind).map_err(Error::stored)?;
            let level = Level::from_rank(level).map_err(Error::stored)?;
            Ok((studio_id, kind, level, n))
        })
        .collect()
}

/// A range's ends in order, or the one refusal.
pub fn range(from: NaiveDate, to: NaiveDate) -> Result<()> {
    if to < from {
        return Err(Error::invalid("to", "must not be before `from`"));
    }
    Ok(())
}
