//! The values targets are measured by, for many days in one query each: a derived table of the
//! days asked is joined to the rows, so a 36-point history is one statement, not 36.

use chrono::NaiveDate;
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, JoinType, Query, SelectStatement, SimpleExpr, UnionType,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr};

use super::{
    compliance, conversion, designation, key_span, mentoring_pair, studio, studio_member, teacher,
};
use uuid::Uuid;

use crate::domain::{DesignationKind, Level};

/// What to measure.
#[derive(Debug, Clone)]
pub enum Series {
    /// Studios in force at `min_level` or above (rule 5).
    Studios { min_level: Level },
    /// Key teachers (rule 3).
    KeyTeachers {
        min_level: Level,
        kinds: Vec<DesignationKind>,
    },
    /// Members in force of studios at `min_level` or above, and the sum of their pair counts
    /// capped at `per_member` (rule 7).
    Mentoring { min_level: Level, per_member: i64 },
    /// Teachers on track with their training hours (rule 10), beside the employed.
    TrainingCompliance,
    /// The county's converted mentees (rule 12), beside its mentees.
    ConvertedMentees,
}

/// A measure on one day: the value, and the whole it is out of — the members in force for
/// the mentoring quota, the employed teachers for training compliance, the mentees for
/// conversion; 0 for the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Point {
    pub value: i64,
    pub members: i64,
}

fn days() -> Alias {
    Alias::new("days")
}

fn day_col() -> SimpleExpr {
    Expr::col((days(), Alias::new("day")))
}

/// `SELECT 0 AS i, day0 AS day UNION ALL SELECT 1, day1 …`
fn days_table(backend: DbBackend, dates: &[NaiveDate]) -> SelectStatement {
    let row = |i: usize, d: NaiveDate| {
        let day: SimpleExpr = match backend {
            DbBackend::Postgres => Expr::val(d).cast_as(Alias::new("date")),
            _ => Expr::val(d),
        };
        Query::select()
            .expr_as(Expr::val(i as i64), Alias::new("i"))
            .expr_as(day, Alias::new("day"))
            .to_owned()
    };
    let mut table = row(0, dates[0]);
    for (i, d) in dates.iter().enumerate().skip(1) {
        table.union(UnionType::All, row(i, *d));
    }
    table
}

/// Values of `series` on each of `dates`, in the same order.
pub async fn measure(
    db: &impl ConnectionTrait,
    series: &Series,
    dates: &[NaiveDate],
) -> Result<Vec<Point>, DbErr> {
    if dates.is_empty() {
        return Ok(Vec::new());
    }
    let table = || days_table(db.get_database_backend(), dates);
    let stmt = match series {
        // Every day's compliance in one pass over the teachers (`store::compliance`).
        Series::TrainingCompliance => {
            let days = compliance::series(db, dates).await?;
            return Ok(days
                .into_iter()
                .map(|(employed, on_track)| Point {
                    value: on_track,
                    members: employed,
                })
                .collect());
        }
        Series::ConvertedMentees => converted_mentees(dates),
        // The others join a table of the days to the rows: one scan for any number of days.
        Series::Studios { min_level } => studios(table(), *min_level),
        Series::KeyTeachers { min_level, kinds } if key_span::answers(kinds) => {
            key_teacher_changes(table(), *min_level)
        }
        Series::KeyTeachers { min_level, kinds } => key_teachers(table(), *min_level, kinds),
        Series::Mentoring {
            min_level,
            per_member,
        } => mentoring(table(), *min_level, *per_member, None),
    };
    let mut points = vec![Point::default(); dates.len()];
    for row in db.query_all(&stmt).await? {
        let i: i64 = row.try_get("", "i")?;
        if let Some(point) = usize::try_from(i).ok().and_then(|i| points.get_mut(i)) {
            point.value = row.try_get("", "value")?;
            point.members = row.try_get("", "members")?;
        }
    }
    Ok(points)
}

/// The county's converted mentees (rule 12) beside its mentees, per day: the statement that
/// answers one day (`conversion::figures_select`), `SELECT 0 AS i, … UNION ALL SELECT 1, …`.
fn converted_mentees(dates: &[NaiveDate]) -> SelectStatement {
    let x = Alias::new("x");
    let branch = |i: usize, d: NaiveDate| {
        let figures = conversion::figures_select(conversion::Cohort::County { hosted: None }, d);
        Query::select()
            .expr_as(Expr::val(i as i64), Alias::new("i"))
            .expr_as(
                Expr::col((x.clone(), Alias::new("converted"))),
                Alias::new("value"),
            )
            .expr_as(
                Expr::col((x.clone(), Alias::new("cohort"))),
                Alias::new("members"),
            )
            .from_subquery(figures, x.clone())
            .to_owned()
    };
    let mut table = branch(0, dates[0]);
    for (i, d) in dates.iter().enumerate().skip(1) {
        table.union(UnionType::All, branch(i, *d));
    }
    table
}

fn studios(days_table: SelectStatement, min_level: Level) -> SelectStatement {
    let col = |c: studio::Column| -> SimpleExpr { Expr::col((studio::Entity, c)) };
    Query::select()
        .expr_as(Expr::col((days(), Alias::new("i"))), Alias::new("i"))
        .expr_as(
            Expr::col((studio::Entity, studio::Column::Id)).count(),
            Alias::new("value"),
        )
        .expr_as(Expr::val(0i64), Alias::new("members"))
        .from_subquery(days_table, days())
        .join(
            JoinType::LeftJoin,
            studio::Entity,
            studio::in_force_at(studio::Entity, day_col())
                .and(col(studio::Column::Level).gte(min_level.rank())),
        )
        .group_by_col((days(), Alias::new("i")))
        .to_owned()
}

/// Key teachers over the whole family: on each day, the sum of the spans' changes up to it at
/// level ≥ L. The changes are a few rows per day on which anything changed, whatever the
/// registry's size, so this costs the same for a county and a province.
fn key_teacher_changes(days_table: SelectStatement, min_level: Level) -> SelectStatement {
    let c = |col: key_span::changes::Column| -> SimpleExpr {
        Expr::col((key_span::changes::Entity, col))
    };
    Query::select()
        .expr_as(Expr::col((days(), Alias::new("i"))), Alias::new("i"))
        .expr_as(
            Expr::cust("CAST(COALESCE(SUM(key_teacher_changes.delta), 0) AS BIGINT)"),
            Alias::new("value"),
        )
        .expr_as(Expr::val(0i64), Alias::new("members"))
        .from_subquery(days_table, days())
        .join(
            JoinType::LeftJoin,
            key_span::changes::Entity,
            c(key_span::changes::Column::Day)
                .lte(day_col())
                .and(c(key_span::changes::Column::Level).gte(min_level.rank())),
        )
        .group_by_col((days(), Alias::new("i")))
        .to_owned()
}

fn key_teachers(
    days_table: SelectStatement,
    min_level: Level,
    kinds: &[DesignationKind],
) -> SelectStatement {
    let d = |c: designation::Column| -> SimpleExpr { Expr::col((designation::Entity, c)) };
    let t = |c: teacher::Column| -> SimpleExpr { Expr::col((teacher::Entity, c)) };
    let kinds: Vec<i16> = kinds.iter().map(|k| k.rank()).collect();
    // in force on the day (rule 2), at level ≥ L, of one of the kinds
    let in_force = designation::in_force_at(designation::Entity, day_col())
        .and(d(designation::Column::Level).gte(min_level.rank()))
        .and(designation::Column::Kind.is_in(kinds));
    let employed = teacher::employed_at(teacher::Entity, day_col());
    Query::select()
        .expr_as(Expr::col((days(), Alias::new("i"))), Alias::new("i"))
        .expr_as(
            Expr::cust("COUNT(DISTINCT designations.teacher_id)"),
            Alias::new("value"),
        )
        .expr_as(Expr::val(0i64), Alias::new("members"))
        .from_subquery(days_table, days())
        .join(JoinType::InnerJoin, designation::Entity, in_force)
        .join(
            JoinType::InnerJoin,
            teacher::Entity,
            t(teacher::Column::Id)
                .eq(d(designation::Column::TeacherId))
                .and(employed),
        )
        .group_by_col((days(), Alias::new("i")))
        .to_owned()
}

/// The pairs rule 7 counts for a member on the day: theirs in that studio, started by the
/// day, and not withdrawn by it (a completed pair still counts).
fn counted_pairs_of_member() -> SimpleExpr {
    let m = |c: studio_member::Column| -> SimpleExpr { Expr::col((studio_member::Entity, c)) };
    let p = |c: mentoring_pair::Column| -> SimpleExpr { Expr::col((mentoring_pair::Entity, c)) };
    p(mentoring_pair::Column::StudioId)
        .eq(m(studio_member::Column::StudioId))
        .and(p(mentoring_pair::Column::MentorTeacherId).eq(m(studio_member::Column::TeacherId)))
        .and(p(mentoring_pair::Column::StartedOn).lte(day_col()))
        .and(
            p(mentoring_pair::Column::Status)
                .ne("WITHDRAWN")
                .or(p(mentoring_pair::Column::EndedOn).is_null())
                .or(p(mentoring_pair::Column::EndedOn).gt(day_col())),
        )
}

/// Per member in force on each day (of studios at `min_level` or above, among `studios` if
/// given): its pairs in that studio counted as rule 7 counts them, uncapped.
fn pairs_per_member_day(
    days_table: SelectStatement,
    min_level: Level,
    studios: Option<&[Uuid]>,
) -> SelectStatement {
    let m = |c: studio_member::Column| -> SimpleExpr { Expr::col((studio_member::Entity, c)) };
    let s = |c: studio::Column| -> SimpleExpr { Expr::col((studio::Entity, c)) };
    let p = |c: mentoring_pair::Column| -> SimpleExpr { Expr::col((mentoring_pair::Entity, c)) };
    let mut per_member_day = Query::select()
        .expr_as(Expr::col((days(), Alias::new("i"))), Alias::new("i"))
        .expr_as(m(studio_member::Column::Id), Alias::new("member_id"))
        .expr_as(m(studio_member::Column::StudioId), Alias::new("studio_id"))
        .expr_as(p(mentoring_pair::Column::Id).count(), Alias::new("n"))
        .from_subquery(days_table, days())
        // Rule 6 (studio in force, teacher employed included) is the store's one condition.
        .join(
            JoinType::InnerJoin,
            studio_member::Entity,
            studio_member::in_force_at(studio_member::Entity, day_col()),
        )
        .join(
            JoinType::InnerJoin,
            studio::Entity,
            s(studio::Column::Id)
                .eq(m(studio_member::Column::StudioId))
                .and(s(studio::Column::Level).gte(min_level.rank())),
        )
        .join(
            JoinType::LeftJoin,
            mentoring_pair::Entity,
            counted_pairs_of_member(),
        )
        .group_by_col((days(), Alias::new("i")))
        .group_by_col((studio_member::Entity, studio_member::Column::Id))
        .group_by_col((studio_member::Entity, studio_member::Column::StudioId))
        .to_owned();
    if let Some(ids) = studios {
        per_member_day.and_where(
            Expr::col((studio_member::Entity, studio_member::Column::StudioId))
                .is_in(ids.iter().copied()),
        );
    }
    per_member_day
}

/// The mentoring quota's measure per day; with `studios`, per studio among those: each
/// member's count capped at `per_member`, summed, beside the members in force.
fn mentoring(
    days_table: SelectStatement,
    min_level: Level,
    per_member: i64,
    studios: Option<&[Uuid]>,
) -> SelectStatement {
    let per_member_day = pairs_per_member_day(days_table, min_level, studios);
    let x = Alias::new("x");
    let n: SimpleExpr = Expr::col((x.clone(), Alias::new("n")));
    let mut outer = Query::select();
    outer
        .expr_as(Expr::col((x.clone(), Alias::new("i"))), Alias::new("i"))
        .expr_as(
            Expr::expr(Func::sum(
                Expr::case(n.clone().gt(per_member), Expr::val(per_member)).finally(n),
            ))
            .cast_as(Alias::new("BIGINT")),
            Alias::new("value"),
        )
        .expr_as(
            Expr::cust("CAST(COUNT(*) AS BIGINT)"),
            Alias::new("members"),
        )
        .from_subquery(per_member_day, x.clone())
        .group_by_col((x.clone(), Alias::new("i")));
    if studios.is_some() {
        outer
            .expr_as(
                Expr::col((x.clone(), Alias::new("studio_id"))),
                Alias::new("studio_id"),
            )
            .group_by_col((x, Alias::new("studio_id")));
    }
    outer
}

/// The mentoring quota of each of `studios` on `d` (members in force, capped sum), in one
/// query; studios with no member in force are absent.
pub async fn mentoring_by_studio(
    db: &impl ConnectionTrait,
    studios: &[Uuid],
    d: NaiveDate,
    per_member: i64,
) -> Result<Vec<(Uuid, Point)>, DbErr> {
    let table = days_table(db.get_database_backend(), &[d]);
    let stmt = mentoring(table, Level::School, per_member, Some(studios));
    let rows = db.query_all(&stmt).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("", "studio_id")?,
                Point {
                    value: r.try_get("", "value")?,
                    members: r.try_get("", "members")?,
                },
            ))
        })
        .collect()
}
