//! Conversion (rule 12): of the teachers a studio mentors, or the key-teacher reserve pool
//! holds, how many became key teachers *after* they started — in SQL, as every number is.
//!
//! A cohort is a table of (teacher, since): a studio's mentees on D with the start of their
//! earliest counted pair (the county's: earliest in any studio, so a person mentored in two
//! studios is one row), or the reserve pool's teachers with their first KEY_TEACHER entry. A
//! member of the cohort is converted on D when employed on D (rule 1) and holding a designation
//! in force on D (rule 2) at COUNTY or above (any kind of the family) awarded on or after
//! `since`. Both the counts and the list of converted people are one statement over the cohort.

use chrono::NaiveDate;
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement, SimpleExpr, SubQueryStatement,
};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use uuid::Uuid;

use super::{designation, mentoring_pair, reserve_entry, studio, teacher};
use crate::domain::Level;

/// Whose growth is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cohort {
    /// One studio's mentees.
    Studio(Uuid),
    /// Every studio's mentees, each person once; `hosted` keeps the studios a teacher hosts.
    County { hosted: Option<Uuid> },
    /// The KEY_TEACHER reserve pool's teachers.
    ReservePool,
}

/// The counts of a cohort on a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub cohort: i64,
    pub converted: i64,
}

/// One converted person: since when they were in the cohort, and the designation that
/// converted them.
#[derive(Debug, Clone)]
pub struct Converted {
    pub teacher_id: Uuid,
    pub since: NaiveDate,
    pub designation: designation::Model,
}

fn c() -> Alias {
    Alias::new("c")
}

/// The cohort's rows (teacher_id, since) on `d`.
fn cohort(which: Cohort, d: NaiveDate) -> SelectStatement {
    match which {
        Cohort::ReservePool => {
            let r = |col: reserve_entry::Column| Expr::col((reserve_entry::Entity, col));
            Query::select()
                .expr_as(
                    r(reserve_entry::Column::TeacherId),
                    Alias::new("teacher_id"),
                )
                .expr_as(
                    Func::min(r(reserve_entry::Column::EnteredOn)),
                    Alias::new("since"),
                )
                .from(reserve_entry::Entity)
                .and_where(r(reserve_entry::Column::Pool).eq("KEY_TEACHER"))
                .and_where(r(reserve_entry::Column::EnteredOn).lte(d))
                .group_by_col((reserve_entry::Entity, reserve_entry::Column::TeacherId))
                .to_owned()
        }
        Cohort::Studio(_) | Cohort::County { .. } => {
            let mut q = mentees(d);
            let p = Alias::new("p");
            let col = |c: mentoring_pair::Column| Expr::col((p.clone(), c));
            match which {
                Cohort::Studio(id) => {
                    q.and_where(col(mentoring_pair::Column::StudioId).eq(id));
                }
                Cohort::County { hosted: Some(host) } => {
                    q.and_where(
                        col(mentoring_pair::Column::StudioId).in_subquery(studio::hosted_ids(host)),
                    );
                }
                _ => {}
            }
            q
        }
    }
}

/// Mentees on `d` (pairs `p` started by then, not withdrawn by then) with the start of their
/// earliest counted pair: `teacher_id, since`, one row a person.
fn mentees(d: NaiveDate) -> SelectStatement {
    let p = Alias::new("p");
    let col = |c: mentoring_pair::Column| Expr::col((p.clone(), c));
    Query::select()
        .expr_as(
            col(mentoring_pair::Column::MenteeTeacherId),
            Alias::new("teacher_id"),
        )
        .expr_as(
            Func::min(col(mentoring_pair::Column::StartedOn)),
            Alias::new("since"),
        )
        .from_as(mentoring_pair::Entity, p.clone())
        .and_where(col(mentoring_pair::Column::StartedOn).lte(d))
        .and_where(mentoring_pair::counts_on(p.clone(), d))
        .group_by_col((p.clone(), mentoring_pair::Column::MenteeTeacherId))
        .to_owned()
}

/// The cohort member `c` is employed on `d` (rule 1).
fn employed(d: NaiveDate) -> SimpleExpr {
    let t = Alias::new("ct");
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from_as(teacher::Entity, t.clone())
            .and_where(
                Expr::col((t.clone(), teacher::Column::Id)).equals((c(), Alias::new("teacher_id"))),
            )
            .and_where(teacher::employed_at(t, Expr::val(d)))
            .to_owned(),
    )
}

/// The designations `dq` of cohort member `c` that convert them on `d`: in force on `d`, at
/// COUNTY or above, awarded on or after `since`.
fn qualifying(d: NaiveDate) -> SelectStatement {
    let dq = Alias::new("dq");
    let col = |x: designation::Column| Expr::col((dq.clone(), x));
    Query::select()
        .column((dq.clone(), designation::Column::Id))
        .from_as(designation::Entity, dq.clone())
        .and_where(col(designation::Column::TeacherId).equals((c(), Alias::new("teacher_id"))))
        .and_where(designation::in_force_at(dq.clone(), Expr::val(d)))
        .and_where(col(designation::Column::Level).gte(Level::County.rank()))
        .and_where(col(designation::Column::AwardedOn).gte(Expr::col((c(), Alias::new("since")))))
        .to_owned()
}

fn converted(d: NaiveDate) -> SimpleExpr {
    employed(d).and(Expr::exists(qualifying(d)))
}

/// The cohort's size and how many of it are converted on `d`: one statement.
pub async fn figures(
    db: &impl ConnectionTrait,
    which: Cohort,
    d: NaiveDate,
) -> Result<Figures, DbErr> {
    match db.query_one(&figures_select(which, d)).await? {
        Some(row) => read_figures(&row),
        None => Ok(Figures::default()),
    }
}

/// The statement behind [`figures`]: one row, `cohort` and `converted`. A target's history
/// unites one per day (`store::series`).
pub fn figures_select(which: Cohort, d: NaiveDate) -> SelectStatement {
    counted(cohort(which, d), d)
}

/// `cohort` and `converted` (0 over an empty cohort) over the cohort rows `c`.
fn counted(cohort: SelectStatement, d: NaiveDate) -> SelectStatement {
    let one: SimpleExpr = Expr::case(converted(d), Expr::val(1))
        .finally(Expr::val(0))
        .into();
    let parts: [SimpleExpr; 2] = [one.sum(), Expr::val(0)];
    Query::select()
        .expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), Alias::new("cohort"))
        .expr_as(
            Func::coalesce(parts).cast_as(Alias::new("BIGINT")),
            Alias::new("converted"),
        )
        .from_subquery(cohort, c())
        .to_owned()
}

fn read_figures(row: &sea_orm::QueryResult) -> Result<Figures, DbErr> {
    Ok(Figures {
        cohort: row.try_get("", "cohort")?,
        converted: row.try_get("", "converted")?,
    })
}

/// [`figures`] of each of several studios' mentees on `d`, in one statement: the mentees are
/// grouped by studio as well as by person, so each studio's `since` is its own earliest pair.
/// Studios with no mentees are absent.
pub async fn figures_by_studio(
    db: &impl ConnectionTrait,
    studio_ids: &[Uuid],
    d: NaiveDate,
) -> Result<Vec<(Uuid, Figures)>, DbErr> {
    if studio_ids.is_empty() {
        return Ok(Vec::new());
    }
    let p = Alias::new("p");
    let studio_col = Expr::col((p.clone(), mentoring_pair::Column::StudioId));
    let per_studio = mentees(d)
        .expr_as(studio_col.clone(), Alias::new("studio_id"))
        .and_where(studio_col.is_in(studio_ids.iter().copied()))
        .group_by_col((p, mentoring_pair::Column::StudioId))
        .to_owned();
    let studio_id = Expr::col((c(), Alias::new("studio_id")));
    let stmt = counted(per_studio, d)
        .expr_as(studio_id.clone(), Alias::new("studio_id"))
        .add_group_by([studio_id])
        .to_owned();
    let rows = db.query_all(&stmt).await?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "studio_id")?, read_figures(row)?)))
        .collect()
}

/// The converted people on `d`, the earliest in the cohort first, at most `limit`: each with
/// the designation that converted them, the first awarded of their qualifying ones (ties: the
/// higher level, then kind). One statement.
pub async fn converted_people(
    db: &impl ConnectionTrait,
    which: Cohort,
    d: NaiveDate,
    limit: u64,
) -> Result<Vec<Converted>, DbErr> {
    let dq = Alias::new("dq");
    let first = qualifying(d)
        .order_by((dq.clone(), designation::Column::AwardedOn), Order::Asc)
        .order_by((dq.clone(), designation::Column::Level), Order::Desc)
        .order_by((dq.clone(), designation::Column::Kind), Order::Desc)
        .order_by((dq, designation::Column::Id), Order::Asc)
        .limit(1)
        .to_owned();
    let dd = Alias::new("d");
    let stmt = Query::select()
        .expr_as(
            Expr::col((c(), Alias::new("teacher_id"))),
            Alias::new("cohort_teacher_id"),
        )
        .expr_as(Expr::col((c(), Alias::new("since"))), Alias::new("since"))
        .column((dd.clone(), sea_orm::sea_query::Asterisk))
        .from_subquery(cohort(which, d), c())
        .join_as(
            sea_orm::sea_query::JoinType::InnerJoin,
            designation::Entity,
            dd.clone(),
            Expr::col((dd.clone(), designation::Column::Id)).eq(SimpleExpr::SubQuery(
                None,
                Box::new(SubQueryStatement::SelectStatement(first)),
            )),
        )
        .and_where(employed(d))
        .order_by((c(), Alias::new("since")), Order::Asc)
        .order_by((c(), Alias::new("teacher_id")), Order::Asc)
        .limit(limit)
        .to_owned();
    let rows = db.query_all(&stmt).await?;
    rows.iter()
        .map(|r| {
            Ok(Converted {
                teacher_id: r.try_get("", "cohort_teacher_id")?,
                since: r.try_get("", "since")?,
                designation: designation::Model::from_query_result(r, "")?,
            })
        })
        .collect()
}
