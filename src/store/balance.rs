//! The teacher counts behind the balanced-development indicators, per (school, stage) unit
//! with students in a school year, in one grouped query.

use chrono::NaiveDate;
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, JoinType, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ColumnTrait, ConnectionTrait};

use crate::error::{Error, Result};
use uuid::Uuid;

use super::{enrollment, key_span, teacher};
use crate::domain::balance::{PE_ARTS_SUBJECTS, higher_education_floor};
use crate::domain::{Level, Stage};

/// One unit: students and the teachers each indicator counts.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    pub school_id: Uuid,
    pub stage: Stage,
    pub students: i64,
    pub key_teachers: i64,
    pub higher_education: i64,
    pub pe_arts: i64,
}

/// `CAST(SUM(CASE WHEN cond THEN 1 ELSE 0 END) AS BIGINT)`: a count of joined rows meeting
/// `cond` (portable: SQLite has no FILTER on old versions, PostgreSQL's SUM is numeric).
fn count_where(cond: SimpleExpr) -> SimpleExpr {
    Expr::expr(Func::sum(
        Expr::case(cond, Expr::val(1)).finally(Expr::val(0)),
    ))
    .cast_as(Alias::new("BIGINT"))
}

/// The join of a teacher's key-teacher span on D at county level or above (rule 3, whole
/// family): at most one of a teacher's spans holds D, so the join adds no duplicates, and it
/// is found through the spans' key (teacher, first day) rather than by scanning them all.
fn key_span_on(d: NaiveDate) -> SimpleExpr {
    let k = |c: key_span::Column| -> SimpleExpr { Expr::col((key_span::Entity, c)) };
    k(key_span::Column::TeacherId)
        .eq(Expr::col((teacher::Entity, teacher::Column::Id)))
        .and(key_span::holding(key_span::Entity, Expr::val(d)))
        .and(k(key_span::Column::Level).gte(Level::County.rank()))
}

/// The join of a unit's teachers: same school and stage, employed on D.
fn teaches_in_unit_on(d: NaiveDate) -> SimpleExpr {
    let e = |c: enrollment::Column| -> SimpleExpr { Expr::col((enrollment::Entity, c)) };
    let t = |c: teacher::Column| -> SimpleExpr { Expr::col((teacher::Entity, c)) };
    t(teacher::Column::SchoolId)
        .eq(e(enrollment::Column::SchoolId))
        .and(t(teacher::Column::Stage).eq(e(enrollment::Column::Stage)))
        .and(
            t(teacher::Column::HiredOn)
                .is_null()
                .or(t(teacher::Column::HiredOn).lte(d)),
        )
        .and(
            t(teacher::Column::LeftOn)
                .is_null()
                .or(t(teacher::Column::LeftOn).gt(d)),
        )
}

/// One row per unit with students in `school_year`: its students and, as of D, the teachers
/// each indicator counts.
fn units_query(school_year: i32, d: NaiveDate) -> SelectStatement {
    let e = |c: enrollment::Column| -> SimpleExpr { Expr::col((enrollment::Entity, c)) };
    let t = |c: teacher::Column| -> SimpleExpr { Expr::col((teacher::Entity, c)) };
    let stage_floor = |stage: Stage| {
        e(enrollment::Column::Stage)
            .eq(stage.code())
            .and(t(teacher::Column::Education).gte(higher_education_floor(stage).rank()))
    };
    Query::select()
        .expr_as(e(enrollment::Column::SchoolId), Alias::new("school_id"))
        .expr_as(e(enrollment::Column::Stage), Alias::new("stage"))
        .expr_as(
            e(enrollment::Column::Students).cast_as(Alias::new("BIGINT")),
            Alias::new("students"),
        )
        .expr_as(
            count_where(Expr::col((key_span::Entity, key_span::Column::TeacherId)).is_not_null()),
            Alias::new("key_teachers"),
        )
        .expr_as(
            count_where(stage_floor(Stage::Primary).or(stage_floor(Stage::Junior))),
            Alias::new("higher_education"),
        )
        .expr_as(
            count_where(t(teacher::Column::Subject).is_in(PE_ARTS_SUBJECTS)),
            Alias::new("pe_arts"),
        )
        .from(enrollment::Entity)
        .join(JoinType::LeftJoin, teacher::Entity, teaches_in_unit_on(d))
        .join(JoinType::LeftJoin, key_span::Entity, key_span_on(d))
        .and_where(enrollment::Column::SchoolYear.eq(school_year))
        .and_where(enrollment::Column::Students.gt(0))
        .group_by_col((enrollment::Entity, enrollment::Column::SchoolId))
        .group_by_col((enrollment::Entity, enrollment::Column::Stage))
        .group_by_col((enrollment::Entity, enrollment::Column::Students))
        .to_owned()
}

pub async fn units(
    db: &impl ConnectionTrait,
    school_year: i32,
    d: NaiveDate,
) -> Result<Vec<UnitRow>> {
    let rows = db.query_all(&units_query(school_year, d)).await?;
    rows.iter()
        .map(|r| {
            let stage: String = r.try_get("", "stage")?;
            Ok(UnitRow {
                school_id: r.try_get("", "school_id")?,
                stage: Stage::from_code(&stage).map_err(Error::stored)?,
                students: r.try_get("", "students")?,
                key_teachers: r.try_get("", "key_teachers")?,
                higher_education: r.try_get("", "higher_education")?,
                pe_arts: r.try_get("", "pe_arts")?,
            })
        })
        .collect()
}
