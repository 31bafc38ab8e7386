//! Reserve pools (后备库): entering and leaving them.

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde_json::json;
use uuid::Uuid;

use super::{commit_recorded, found, require};
use crate::domain::{Actor, Permission, ReservePool};
use crate::error::{Error, FieldContext, Result};
use crate::store::{self, Db, reserve_entry, teacher};

pub async fn enter(
    db: &Db,
    actor: &Actor,
    teacher_id: Uuid,
    pool: ReservePool,
    entered_on: NaiveDate,
) -> Result<reserve_entry::Model> {
    require(actor, Permission::WriteRegistry)?;
    let tx = db.begin().await?;
    let teacher = found(
        store::by_id::<teacher::Entity>(&tx, teacher_id).await?,
        "teacher",
    )?;
    if let Some(left) = teacher.left_on
        && entered_on >= left
    {
        return Err(Error::Conflict(format!(
            "{} left on {left} and cannot enter a reserve pool after that",
            teacher.name
        )));
    }
    if let Some(open) =
        reserve_entry::overlapping_entry(&tx, teacher_id, pool.code(), entered_on).await?
    {
        let until = open
            .left_on
            .map_or(String::new(), |d| format!(" until {d}"));
        return Err(Error::Conflict(format!(
            "{} is in the {pool} reserve pool from {}{until}",
            teacher.name, open.entered_on
        )));
    }
    let model = reserve_entry::ActiveModel {
        id: Set(Uuid::now_v7()),
        teacher_id: Set(teacher_id),
        pool: Set(pool.code().to_owned()),
        entered_on: Set(entered_on),
        left_on: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    commit_recorded(
        tx,
        actor,
        "enterReservePool",
        model.id,
        json!({ "teacherId": teacher_id, "pool": pool.code(), "enteredOn": entered_on }),
    )
    .await?;
    Ok(model)
}

pub async fn leave(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    left_on: NaiveDate,
) -> Result<reserve_entry::Model> {
    require(actor, Permission::WriteRegistry)?;
    let tx = db.begin().await?;
    let before = found(
        store::by_id::<reserve_entry::Entity>(&tx, id).await?,
        "reserve entry",
    )?;
    if let Some(left) = before.left_on {
        return Err(Error::Conflict(format!(
            "the entry was already left on {left}"
        )));
    }
    crate::domain::rules::not_before(left_on, before.entered_on, "the entry").field("leftOn")?;
    let mut active = before.into_active_model();
    active.left_on = Set(Some(left_on));
    let after = active.update(&tx).await?;
    commit_recorded(
        tx,
        actor,
        "leaveReservePool",
        id,
        json!({ "leftOn": left_on }),
    )
    .await?;
    Ok(after)
}

/// Teachers in each reserve pool on `d` (employed, entered, not yet left).
pub async fn counts(db: &Db, actor: &Actor, d: NaiveDate) -> Result<Vec<(ReservePool, i64)>> {
    require(actor, Permission::ReadRegistry)?;
    reserve_entry::counts_on(&db.read, d)
        .await?
        .into_iter()
        .map(|(pool, n)| {
            ReservePool::from_code(&pool)
                .map(|p| (p, n))
                .map_err(Error::stored)
        })
        .collect()
}
