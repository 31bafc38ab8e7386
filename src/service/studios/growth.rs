//! Whether mentoring grows key teachers (rule 12): a studio's or the county's conversion on a
//! day, and the key-teacher reserve pool's. The numbers come from `store::conversion` (SQL);
//! here the actor's scope decides which cohort a request may see.

use super::read_scope;
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
        crate::domain::progress::share(self.figures.converted, self.figures.cohort)
    }
}

/// Several studios' conversion on `d` in one statement (a page of studios asks through a
/// dataloader); each studio was read by the actor already, and one without mentees is absent.
pub async fn studio_conversions(
    db: &Db,
    actor: &crate::domain::Actor,
    ids: &[uuid::Uuid],
    d: NaiveDate,
) -> Result<Vec<(uuid::Uuid, Figures)>> {
    read_scope(actor)?;
    Ok(conversion::figures_by_studio(&db.read, ids, d).await?)
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

/// What a studio's periodic assessment looks at (the `studioReport`), read in a fixed number
/// of statements whatever the studio's size: the studio, the quota, the activities, the outputs
/// and the conversion, one each.
#[derive(Debug, Clone)]
pub struct Report {
    pub studio: studio::Model,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Rule 7 on `to`: members in force and the capped sum of their pairs.
    pub quota: crate::store::series::Point,
    /// Activities within the range by kind: (kind, how many, hours).
    pub activities: Vec<(crate::domain::ActivityKind, i64, f64)>,
    /// Outputs within the range by kind and level.
    pub outputs: Vec<(crate::domain::OutputKind, crate::domain::Level, i64)>,
    /// Conversion of the studio's mentees on `to` (rule 12).
    pub conversion: Conversion,
}

/// A studio's report over `from..=to` (both ends), or `None` for a studio the actor may not
/// read (like a missing one, so a host cannot probe ids).
pub async fn studio_report(
    db: &Db,
    actor: &crate::domain::Actor,
    id: uuid::Uuid,
    from: NaiveDate,
    to: NaiveDate,
    per_member: i64,
) -> Result<Option<Report>> {
    super::range(from, to)?;
    let Some(s) = super::studio(db, actor, id).await? else {
        return Ok(None);
    };
    let cohort = Cohort::Studio(s.id);
    let one = [s.id];
    let (quota, activities, outputs, figures) = tokio::try_join!(
        async {
            crate::store::series::mentoring_by_studio(&db.read, &[s.id], to, per_member)
                .await
                .map_err(Error::from)
        },
        async {
            crate::store::mentoring_activity::totals_by_kind(&db.read, s.id, from, to)
                .await
                .map_err(Error::from)
        },
        super::output_counts(db, actor, &one, from, to),
        async {
            conversion::figures(&db.read, cohort, to)
                .await
                .map_err(Error::from)
        },
    )?;
    let activities = activities
        .into_iter()
        .map(|(kind, n, hours)| {
            let kind = crate::domain::ActivityKind::from_code(&kind).map_err(Error::stored)?;
            Ok((kind, n, hours))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(Report {
        quota: quota.into_iter().next().map(|(_, p)| p).unwrap_or_default(),
        activities,
        outputs: outputs
            .into_iter()
            .map(|(_, kind, level, n)| (kind, level, n))
            .collect(),
        conversion: Conversion {
            cohort,
            as_of: to,
            figures,
        },
        studio: s,
        from,
        to,
    }))
}
