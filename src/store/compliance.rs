//! `trainingCompliance` as one SQL aggregate (rule 10).
//!
//! Each teacher is one row: the cycle's hours up to D summed per teacher in a derived table,
//! the owed years computed from the teacher's own dates for each of the cycle's years already
//! over (`training_record::owed_years`), and "employed" (rule 1) and "on track" CASEs over
//! them, summed. Grouping then counts employed and on-track teachers in the database; nothing is
//! counted in Rust. A target's history asks many days at once: the same statement with a pair
//! of columns a day, so the registry is read once (at a million teachers a 44-month history
//! took 26 s as 44 passes, 9.5 s as one).

use chrono::NaiveDate;
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr};
use uuid::Uuid;

use super::counts::{CountFilter, filter_record};
use super::{school, teacher, training_record};
use crate::domain::training::Cycle;
use crate::domain::{ComplianceDimension, Stage};
use crate::error::{Error, Result};

/// One group; the dimensions not grouped by are `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComplianceRow {
    pub school_id: Option<Uuid>,
    pub township: Option<String>,
    pub stage: Option<Stage>,
    pub subject: Option<String>,
    pub employed: i64,
    pub on_track: i64,
}

fn dimension_expr(dim: ComplianceDimension) -> SimpleExpr {
    match dim {
        ComplianceDimension::School => Expr::col((teacher::Entity, teacher::Column::SchoolId)),
        ComplianceDimension::Township => Expr::col((school::Entity, school::Column::Township)),
        ComplianceDimension::Stage => Expr::col((teacher::Entity, teacher::Column::Stage)),
        ComplianceDimension::Subject => Expr::col((teacher::Entity, teacher::Column::Subject)),
    }
}

pub async fn compliance(
    db: &impl ConnectionTrait,
    dims: &[ComplianceDimension],
    d: NaiveDate,
    filter: &CountFilter,
) -> Result<Vec<ComplianceRow>> {
    run(db, dims, compliance_select(dims, &[d], filter)).await
}

/// The county's employed and on-track teachers on each of `dates` (at most a few hundred),
/// in the same order: one statement, one pass over the teachers whatever the number of days.
pub async fn series(
    db: &impl ConnectionTrait,
    dates: &[NaiveDate],
) -> std::result::Result<Vec<(i64, i64)>, DbErr> {
    if dates.is_empty() {
        return Ok(Vec::new());
    }
    let stmt = compliance_select(&[], dates, &CountFilter::default());
    let Some(row) = db.query_one(&stmt).await? else {
        return Ok(vec![(0, 0); dates.len()]);
    };
    (0..dates.len())
        .map(|k| {
            Ok((
                row.try_get("", &format!("employed_{k}"))?,
                row.try_get("", &format!("on_track_{k}"))?,
            ))
        })
        .collect()
}

fn h() -> Alias {
    Alias::new("h")
}

/// Per teacher, the tenths each of `dates` counts (rule 10: records of the day's cycle ended
/// on or before it) as columns `h_0`, `h_1`, …: `teacher_id, h_0, …`. One pass over the records
/// of the span the days cover.
fn hours_per_day(dates: &[NaiveDate]) -> SelectStatement {
    use training_record::Column as R;
    let mut q = Query::select();
    q.column(R::TeacherId).from(training_record::Entity);
    for (k, d) in dates.iter().enumerate() {
        q.expr_as(
            Expr::expr(Func::sum(
                Expr::case(training_record::counted_on(*d), Expr::col(R::Tenths))
                    .finally(Expr::val(0)),
            )),
            Alias::new(format!("h_{k}")),
        );
    }
    // Only the records some day counts: from the first day's cycle to the last day.
    let (lo, hi) = span(dates);
    let first = Cycle::of(lo).first_day().unwrap_or(lo);
    q.and_where(Expr::col(R::EndedOn).between(first, hi))
        .group_by_col(R::TeacherId);
    q
}

/// The earliest and latest of `dates` (not empty).
fn span(dates: &[NaiveDate]) -> (NaiveDate, NaiveDate) {
    let lo = dates.iter().min().copied().unwrap_or_default();
    let hi = dates.iter().max().copied().unwrap_or(lo);
    (lo, hi)
}

/// The statement behind [`compliance`] and [`series`]: the grouping columns, and for each of
/// `dates` (not empty) `employed_k` and `on_track_k`. Rule 10 is read here alone, for one day
/// or a history's many: each teacher row is read once and counted on every day, rather than the
/// registry read once per day.
fn compliance_select(
    dims: &[ComplianceDimension],
    dates: &[NaiveDate],
    filter: &CountFilter,
) -> SelectStatement {
    let (lo, hi) = span(dates);
    let mut select = Query::select();
    select.from(teacher::Entity);
    // The schools only when a township is asked for (the other dimensions are the teacher's):
    // a million lookups saved on the county's own figure.
    if dims.contains(&ComplianceDimension::Township)
        || filter.township.is_some()
        || filter.area.is_some()
    {
        select.inner_join(
            school::Entity,
            Expr::col((school::Entity, school::Column::Id))
                .equals((teacher::Entity, teacher::Column::SchoolId)),
        );
    }
    select
        .join_subquery(
            JoinType::LeftJoin,
            hours_per_day(dates),
            h(),
            Expr::col((h(), Alias::new("teacher_id")))
                .equals((teacher::Entity, teacher::Column::Id)),
        )
        // Employed on some day from the first asked to the last; asked for one day, rule 1.
        .cond_where(teacher::employed_between(
            teacher::Entity,
            Expr::val(lo),
            Expr::val(hi),
        ));
    if let Some(id) = filter.school_id {
        select.and_where(teacher::Column::SchoolId.eq(id));
    }
    filter_record(&mut select, filter);
    for dim in dims {
        let expr = dimension_expr(*dim);
        select
            .expr_as(expr.clone(), alias(*dim))
            .add_group_by([expr.clone()])
            .order_by_expr(expr, Order::Asc);
    }
    let counted = |cond: SimpleExpr| -> SimpleExpr {
        let one: SimpleExpr = Expr::case(cond, Expr::val(1)).finally(Expr::val(0)).into();
        Func::coalesce([one.sum(), Expr::val(0)]).cast_as(Alias::new("BIGINT"))
    };
    for (k, d) in dates.iter().enumerate() {
        let employed = teacher::employed_at(teacher::Entity, Expr::val(*d));
        let parts: [SimpleExpr; 2] = [Expr::col((h(), Alias::new(format!("h_{k}")))), Expr::val(0)];
        let hours: SimpleExpr = Func::coalesce(parts).into();
        let on_track = employed
            .clone()
            .and(training_record::keeps_up(teacher::Entity, hours, *d));
        select
            .expr_as(counted(employed), Alias::new(format!("employed_{k}")))
            .expr_as(counted(on_track), Alias::new(format!("on_track_{k}")));
    }
    select
}

async fn run(
    db: &impl ConnectionTrait,
    dims: &[ComplianceDimension],
    select: SelectStatement,
) -> Result<Vec<ComplianceRow>> {
    let rows = db.query_all(&select).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut r = ComplianceRow {
            employed: row.try_get("", "employed_0")?,
            on_track: row.try_get("", "on_track_0")?,
            ..ComplianceRow::default()
        };
        for dim in dims {
            let col = dim.code().to_ascii_lowercase();
            match dim {
                ComplianceDimension::School => r.school_id = Some(row.try_get("", &col)?),
                ComplianceDimension::Township => r.township = Some(row.try_get("", &col)?),
                ComplianceDimension::Subject => r.subject = Some(row.try_get("", &col)?),
                ComplianceDimension::Stage => {
                    let code: String = row.try_get("", &col)?;
                    r.stage = Some(Stage::from_code(&code).map_err(Error::stored)?);
                }
            }
        }
        out.push(r);
    }
    Ok(out)
}

fn alias(dim: ComplianceDimension) -> Alias {
    Alias::new(dim.code().to_ascii_lowercase())
}
