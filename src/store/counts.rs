//! `keyTeacherCounts` as one SQL aggregate (counting rules 1–4).
//!
//! Over the whole designation family (the default, and what the plan's targets count) it reads
//! the key-teacher spans (`store::key_span`): one row per key teacher on D, top designation and
//! school included, so the count is one pass over an index. Over some kinds only it reads the
//! designations themselves:
//!
//! The inner query reduces each teacher's qualifying designations (in force on D, level ≥ L,
//! kind in the set) to one row holding the top rank `MAX(level * 10 + kind)` — highest level
//! first, then highest kind (rule 4). Joining that to employed teachers (rule 1) and grouping by
//! the asked dimensions then counts each person exactly once (rule 3), in the database.

use chrono::NaiveDate;
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, JoinType, Order, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryResult};

use crate::error::{Error, Result};
use uuid::Uuid;

use super::{designation, key_span, school, teacher};
use crate::domain::{Area, CountDimension, DesignationKind, Gender, Invalid, Level, Stage};

/// Which teachers a count considers, beyond the rules.
#[derive(Debug, Clone, Default)]
pub struct CountFilter {
    pub school_id: Option<Uuid>,
    pub township: Option<String>,
    pub stage: Option<Stage>,
    pub area: Option<Area>,
    pub subject: Option<String>,
}

/// A `keyTeacherCounts` question, already validated.
#[derive(Debug, Clone)]
pub struct CountQuery {
    pub group_by: Vec<CountDimension>,
    pub min_level: Level,
    /// Never empty: the whole family when the caller named none.
    pub kinds: Vec<DesignationKind>,
    pub as_of: NaiveDate,
    pub filter: CountFilter,
}

/// One group: the dimensions not grouped by are `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CountRow {
    pub level: Option<Level>,
    pub kind: Option<DesignationKind>,
    pub subject: Option<String>,
    pub school_id: Option<Uuid>,
    pub township: Option<String>,
    pub stage: Option<Stage>,
    pub area: Option<Area>,
    pub gender: Option<Gender>,
    pub count: i64,
}

fn dimension_expr(dim: CountDimension) -> SimpleExpr {
    match dim {
        CountDimension::Level => Expr::cust("q.top / 10"),
        CountDimension::Kind => Expr::cust("q.top % 10"),
        CountDimension::Subject => Expr::col((teacher::Entity, teacher::Column::Subject)),
        CountDimension::School => Expr::col((teacher::Entity, teacher::Column::SchoolId)),
        CountDimension::Township => Expr::col((school::Entity, school::Column::Township)),
        CountDimension::Stage => Expr::col((teacher::Entity, teacher::Column::Stage)),
        CountDimension::Area => Expr::col((school::Entity, school::Column::Area)),
        CountDimension::Gender => Expr::col((teacher::Entity, teacher::Column::Gender)),
    }
}

fn alias(dim: CountDimension) -> Alias {
    Alias::new(dim.code().to_ascii_lowercase())
}

pub async fn key_teacher_counts(
    db: &impl ConnectionTrait,
    question: &CountQuery,
) -> Result<Vec<CountRow>> {
    let select = if key_span::answers(&question.kinds) {
        from_spans(question)
    } else {
        from_designations(question)
    };
    let rows = db.query_all(&select).await?;
    rows.iter()
        .map(|row| read_row(row, &question.group_by))
        // Without GROUP BY the aggregate always yields one row; a count of 0 is a group with
        // no one, which the contract leaves out.
        .filter(|row| row.as_ref().map_or(true, |r| r.count > 0))
        .collect()
}

/// Over the whole family: the spans holding D at level ≥ L, one per key teacher, with their
/// top designation and school on the row. `teachers` is joined only for the dimensions and
/// filters of the teacher's own record that the spans do not carry, `schools` only for the
/// township and area.
fn from_spans(question: &CountQuery) -> SelectStatement {
    let sp = |c: key_span::Column| -> SimpleExpr { Expr::col((key_span::Entity, c)) };
    let f = &question.filter;
    let dims = &question.group_by;
    let needs_teacher = f.stage.is_some()
        || f.subject.is_some()
        || dims.iter().any(|d| {
            matches!(
                d,
                CountDimension::Subject | CountDimension::Stage | CountDimension::Gender
            )
        });
    let needs_school = f.township.is_some()
        || f.area.is_some()
        || dims
            .iter()
            .any(|d| matches!(d, CountDimension::Township | CountDimension::Area));
    if needs_school && !needs_teacher {
        return per_school_first(question);
    }
    let mut select = Query::select();
    select
        .from(key_span::Entity)
        .and_where(key_span::holding(
            key_span::Entity,
            Expr::val(question.as_of),
        ))
        .and_where(sp(key_span::Column::Level).gte(question.min_level.rank()));
    if needs_teacher {
        select.inner_join(
            teacher::Entity,
            Expr::col((teacher::Entity, teacher::Column::Id))
                .equals((key_span::Entity, key_span::Column::TeacherId)),
        );
    }
    if needs_school {
        select.inner_join(
            school::Entity,
            Expr::col((school::Entity, school::Column::Id))
                .equals((key_span::Entity, key_span::Column::SchoolId)),
        );
    }
    if let Some(id) = f.school_id {
        select.and_where(sp(key_span::Column::SchoolId).eq(id));
    }
    filter_record(&mut select, f);
    group(
        &mut select,
        dims,
        |dim| match dim {
            // `int2` on PostgreSQL; read as the other form's computed ranks are.
            CountDimension::Level => sp(key_span::Column::Level).cast_as(Alias::new("INTEGER")),
            CountDimension::Kind => sp(key_span::Column::Kind).cast_as(Alias::new("INTEGER")),
            CountDimension::School => sp(key_span::Column::SchoolId),
            other => dimension_expr(other),
        },
        Expr::cust("COUNT(*)"),
    );
    select
}

/// By township or area: the spans counted per school, level and kind first (a few rows per
/// school), and only those groups joined to `schools` and summed, rather than a school looked
/// up for every key teacher.
fn per_school_first(question: &CountQuery) -> SelectStatement {
    let q = Alias::new("q");
    let qc = |c: &str| -> SimpleExpr { Expr::col((q.clone(), Alias::new(c))) };
    let mut per_school = Query::select();
    per_school
        .columns([
            key_span::Column::SchoolId,
            key_span::Column::Level,
            key_span::Column::Kind,
        ])
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from(key_span::Entity)
        .and_where(key_span::holding(
            key_span::Entity,
            Expr::val(question.as_of),
        ))
        .and_where(key_span::Column::Level.gte(question.min_level.rank()))
        .group_by_col(key_span::Column::SchoolId)
        .group_by_col(key_span::Column::Level)
        .group_by_col(key_span::Column::Kind);
    if let Some(id) = question.filter.school_id {
        per_school.and_where(key_span::Column::SchoolId.eq(id));
    }
    let mut select = Query::select();
    select.from_subquery(per_school, q.clone()).inner_join(
        school::Entity,
        Expr::col((school::Entity, school::Column::Id))
            .equals((q.clone(), Alias::new("school_id"))),
    );
    filter_record(&mut select, &question.filter);
    group(
        &mut select,
        &question.group_by,
        |dim| match dim {
            CountDimension::Level => qc("level").cast_as(Alias::new("INTEGER")),
            CountDimension::Kind => qc("kind").cast_as(Alias::new("INTEGER")),
            CountDimension::School => qc("school_id"),
            other => dimension_expr(other),
        },
        Expr::cust("CAST(SUM(q.n) AS BIGINT)"),
    );
    select
}

/// Over some kinds only: each employed teacher's qualifying designations reduced to their top
/// in the database (see the module's comment).
fn from_designations(question: &CountQuery) -> SelectStatement {
    let kinds: Vec<i16> = question.kinds.iter().map(|k| k.rank()).collect();
    let top_per_teacher = Query::select()
        .column(designation::Column::TeacherId)
        .expr_as(Expr::cust("MAX(level * 10 + kind)"), Alias::new("top"))
        .from(designation::Entity)
        .cond_where(designation::in_force_on(question.as_of))
        .and_where(designation::Column::Level.gte(question.min_level.rank()))
        .and_where(designation::Column::Kind.is_in(kinds))
        .group_by_col(designation::Column::TeacherId)
        .to_owned();

    let q = Alias::new("q");
    let mut select = Query::select();
    select
        .from(teacher::Entity)
        .join_subquery(
            JoinType::InnerJoin,
            top_per_teacher,
            q.clone(),
            Expr::col((q, Alias::new("teacher_id"))).equals((teacher::Entity, teacher::Column::Id)),
        )
        .inner_join(
            school::Entity,
            Expr::col((school::Entity, school::Column::Id))
                .equals((teacher::Entity, teacher::Column::SchoolId)),
        )
        .cond_where(teacher::employed_on(question.as_of));
    if let Some(id) = question.filter.school_id {
        select.and_where(teacher::Column::SchoolId.eq(id));
    }
    filter_record(&mut select, &question.filter);
    group(
        &mut select,
        &question.group_by,
        dimension_expr,
        Expr::cust("COUNT(*)"),
    );
    select
}

/// The filters on the teacher's own record and school, the same in both forms.
pub(crate) fn filter_record(select: &mut SelectStatement, f: &CountFilter) {
    if let Some(township) = &f.township {
        select.and_where(school::Column::Township.eq(township.as_str()));
    }
    if let Some(stage) = f.stage {
        select.and_where(teacher::Column::Stage.eq(stage.code()));
    }
    if let Some(area) = f.area {
        select.and_where(school::Column::Area.eq(area.code()));
    }
    if let Some(subject) = &f.subject {
        select.and_where(teacher::Column::Subject.eq(subject.as_str()));
    }
}

/// Groups and orders by each dimension, and counts with `count`.
fn group(
    select: &mut SelectStatement,
    dims: &[CountDimension],
    expr_of: impl Fn(CountDimension) -> SimpleExpr,
    count: SimpleExpr,
) {
    for dim in dims {
        let expr = expr_of(*dim);
        select
            .expr_as(expr.clone(), alias(*dim))
            .add_group_by([expr.clone()])
            .order_by_expr(expr, Order::Asc);
    }
    select.expr_as(count, Alias::new("count"));
}

/// One row of the aggregate; a value that does not parse is the data's fault (INTERNAL).
fn read_row(row: &QueryResult, dims: &[CountDimension]) -> Result<CountRow> {
    let bad = |e: Invalid| Error::stored(e);
    let mut out = CountRow {
        count: row.try_get("", "count")?,
        ..CountRow::default()
    };
    for dim in dims {
        let col = dim.code().to_ascii_lowercase();
        match dim {
            CountDimension::Level => {
                out.level = Some(Level::from_rank(rank16(row, &col)?).map_err(bad)?);
            }
            CountDimension::Kind => {
                out.kind = Some(DesignationKind::from_rank(rank16(row, &col)?).map_err(bad)?);
            }
            CountDimension::Subject => out.subject = Some(row.try_get("", &col)?),
            CountDimension::School => out.school_id = Some(row.try_get("", &col)?),
            CountDimension::Township => out.township = Some(row.try_get("", &col)?),
            CountDimension::Stage => {
                let code: String = row.try_get("", &col)?;
                out.stage = Some(Stage::from_code(&code).map_err(bad)?);
            }
            CountDimension::Area => {
                let code: String = row.try_get("", &col)?;
                out.area = Some(Area::from_code(&code).map_err(bad)?);
            }
            CountDimension::Gender => {
                let code: String = row.try_get("", &col)?;
                out.gender = Some(Gender::from_code(&code).map_err(bad)?);
            }
        }
    }
    Ok(out)
}

/// A computed rank: `int4` on PostgreSQL, `integer` on SQLite.
fn rank16(row: &QueryResult, col: &str) -> Result<i16> {
    let rank: i32 = row.try_get("", col)?;
    i16::try_from(rank).map_err(|_| Error::internal(format!("rank {rank} out of range")))
}
