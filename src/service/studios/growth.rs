//! Whether mentoring grows key teachers (rule 12): a studio's or the county's conversion on a
//! day, and the key-teacher reserve pool's. The numbers come from `store::conversion` (SQL);
//! here the actor's scope decides which cohort a request may see.

use super::{may_read, read_scope};
use crate::error::{Error, Result};
use crate::store::conversion::{self, Cohort, Converted, Figures};
use crate::store::{Db, studio};
use chrono::NaiveDate;

/// Most converted people one list returns.
pub const MAX_CONVERTED_LISTED: u64 = 200;

/// A cohort's conversion on a day.
#[derive(Debug, Clone, Copy)]
pub struct Conversion {
    pub cohort: Cohort,
    pub as_of: NaiveDate,
    pub figures: Figures,
}

impl Conversion {
    /// Converted ÷ cohort, 0 with nobody in the cohort.
    pub fn rate(&self) -> f64 {
        if self.figures.cohort == 0 {
            0.0
        } else {
            self.figures.converted as f64 / self.figures.cohort as f64
        }
    }
}

/// One studio's conversion on `d`: the studio is one the actor reads (the caller holds it).
pub async fn studio_conversion(
    db: &Db,
    actor: &crate::domain::Actor,
    s: &studio::Model,
    d: NaiveDate,
) -> Result<Conversion> {
    if !may_read(actor, s)? {
        return Err(Error::NotFound("studio"));
    }
    let cohort = Cohort::Studio(s.id);
    Ok(Conversion {
        cohort,
        as_of: d,
        figures: conversion::figures(&db.read, cohort, d).await?,
    })
}

/// The county's conversion on `d`: every studio's mentees, each person once (for a studio
/// host, the mentees of the studios it hosts), and the KEY_TEACHER reserve pool's.
pub async fn county_conversion(
    db: &Db,
    actor: &crate::domain::Actor,
    d: NaiveDate,
) -> Result<(Conversion, Conversion)> {
    let mentees = Cohort::County {
        hosted: read_scope(actor)?,
    };
    let (m, r) = tokio::try_join!(
        conversion::figures(&db.read, mentees, d),
        conversion::figures(&db.read, Cohort::ReservePool, d),
    )?;
    Ok((
        Conversion {
            cohort: mentees,
            as_of: d,
            figures: m,
        },
        Conversion {
            cohort: Cohort::ReservePool,
            as_of: d,
            figures: r,
        },
    ))
}

/// The converted people of a conversion already read (so already in the actor's scope), the
/// earliest in the cohort first, at most `first` (1 to [`MAX_CONVERTED_LISTED`]).
pub async fn converted_people(
    db: &Db,
    actor: &crate::domain::Actor,
    c: &Conversion,
    first: i32,
) -> Result<Vec<Converted>> {
    read_scope(actor)?;
    let limit = u64::try_from(first).unwrap_or(0);
    if limit == 0 || limit > MAX_CONVERTED_LISTED {
        return Err(Error::invalid(
            "first",
            format!("must be 1 to {MAX_CONVERTED_LISTED}"),
        ));
    }
    Ok(conversion::converted_people(&db.read, c.cohort, c.as_of, limit).await?)
}
