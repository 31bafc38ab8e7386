//! Counts of key teachers (rules 1–4), for HR's questions and the targets.

use chrono::NaiveDate;

use super::require;
use crate::domain::{Actor, CountDimension, DesignationKind, Level, Permission};
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::counts::{self, CountFilter, CountQuery, CountRow};

/// What `keyTeacherCounts` asks, as the caller gave it.
#[derive(Debug, Clone)]
pub struct CountRequest {
    pub group_by: Vec<CountDimension>,
    pub min_level: Level,
    /// `None` is the whole key-teacher family.
    pub kinds: Option<Vec<DesignationKind>>,
    pub as_of: NaiveDate,
    pub filter: CountFilter,
}

pub async fn key_teacher_counts(
    db: &Db,
    actor: &Actor,
    req: CountRequest,
) -> Result<Vec<CountRow>> {
    require(actor, Permission::ReadRegistry)?;
    let kinds = match req.kinds {
        None => DesignationKind::ALL.to_vec(),
        Some(kinds) if kinds.is_empty() => {
            return Err(Error::invalid(
                "kinds",
                "name at least one kind, or leave kinds out for the whole family",
            ));
        }
        Some(mut kinds) => {
            kinds.sort();
            kinds.dedup();
            kinds
        }
    };
    let mut group_by = Vec::with_capacity(req.group_by.len());
    for dim in req.group_by {
        if group_by.contains(&dim) {
            return Err(Error::invalid("groupBy", format!("{dim} is named twice")));
        }
        group_by.push(dim);
    }
    let question = CountQuery {
        group_by,
        min_level: req.min_level,
        kinds,
        as_of: req.as_of,
        filter: req.filter,
    };
    counts::key_teacher_counts(&db.read, &question).await
}
