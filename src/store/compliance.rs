//! `trainingCompliance` as one SQL aggregate (rule 10).
//!
//! Each employed teacher (rule 1) is one row: the cycle's hours up to D summed per teacher in a
//! derived table (`training_record::cycle_sums`), the owed years computed from the teacher's own
//! dates for each of the cycle's years already over (`training_record::owed_years`), and
//! "on track" a CASE over the two. Grouping then counts employed and on-track teachers in the
//! database; nothing is counted in Rust.

use chrono::NaiveDate;
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ColumnTrait, ConnectionTrait};
use uuid::Uuid;

use super::counts::{CountFilter, filter_record};
use super::{school, teacher, training_record};
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
    run(db, dims, compliance_select(dims, d, filter)).await
}

/// The statement behind [`compliance`]: the grouping columns, `employed` and `on_track`. A
/// target's history unites one per day (`store::series`), so that both read rule 10 from here.
pub fn compliance_select(
    dims: &[ComplianceDimension],
    d: NaiveDate,
    filter: &CountFilter,
) -> SelectStatement {
    let h = Alias::new("h");
    let hours: SimpleExpr = Expr::cust("COALESCE(h.tenths, 0)");
    let on_track: SimpleExpr = Expr::case(
        hours.gte(training_record::expected_tenths(teacher::Entity, d)),
        Expr::val(1),
    )
    .finally(Expr::val(0))
    .into();
    let mut select = Query::select();
    select
        .from(teacher::Entity)
        .inner_join(
            school::Entity,
            Expr::col((school::Entity, school::Column::Id))
                .equals((teacher::Entity, teacher::Column::SchoolId)),
        )
        .join_subquery(
            JoinType::LeftJoin,
            training_record::cycle_sums(d),
            h.clone(),
            Expr::col((h, Alias::new("teacher_id"))).equals((teacher::Entity, teacher::Column::Id)),
        )
        .cond_where(teacher::employed_on(d));
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
    select
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("employed"))
        .expr_as(
            Func::coalesce([on_track.sum(), Expr::val(0)]).cast_as(Alias::new("BIGINT")),
            Alias::new("on_track"),
        );
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
            employed: row.try_get("", "employed")?,
            on_track: row.try_get("", "on_track")?,
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
