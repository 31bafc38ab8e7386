//! What a mentoring pair did together (听课, 示范课, 集体教研, 讲座, 课题…).

use sea_orm::QueryOrder;
use sea_orm::QueryTrait;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "mentoring_activities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub pair_id: Uuid,
    pub date: Date,
    pub kind: String,
    pub hours: f64,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Activities of several pairs, in date order; `hosted` keeps those of studios the teacher
/// hosts.
pub async fn by_pairs(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    hosted: Option<Uuid>,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::PairId.is_in(ids.iter().copied()))
        .apply_if(hosted, |q, host| {
            let pairs = sea_orm::sea_query::Query::select()
                .column(super::mentoring_pair::Column::Id)
                .from(super::mentoring_pair::Entity)
                .and_where(
                    super::mentoring_pair::Column::StudioId
                        .in_subquery(super::studio::hosted_ids(host)),
                )
                .to_owned();
            q.filter(Column::PairId.in_subquery(pairs))
        })
        .order_by_asc(Column::Date)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// A studio's activities dated within `from..=to` (both ends), counted and their hours summed
/// by kind: one `GROUP BY` over the studio's pairs; kinds with none are absent.
pub async fn totals_by_kind(
    db: &impl ConnectionTrait,
    studio_id: Uuid,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<(String, i64, f64)>, DbErr> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Query};
    let (a, p) = (Alias::new("a"), Alias::new("p"));
    let stmt = Query::select()
        .column((a.clone(), Column::Kind))
        .expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), Alias::new("n"))
        .expr_as(
            Expr::expr(Func::sum(Expr::col((a.clone(), Column::Hours))))
                .cast_as(Alias::new("DOUBLE PRECISION")),
            Alias::new("hours"),
        )
        .from_as(Entity, a.clone())
        .join_as(
            JoinType::InnerJoin,
            super::mentoring_pair::Entity,
            p.clone(),
            Expr::col((p.clone(), super::mentoring_pair::Column::Id))
                .equals((a.clone(), Column::PairId)),
        )
        .and_where(Expr::col((p, super::mentoring_pair::Column::StudioId)).eq(studio_id))
        .and_where(Expr::col((a.clone(), Column::Date)).gte(from))
        .and_where(Expr::col((a.clone(), Column::Date)).lte(to))
        .group_by_col((a.clone(), Column::Kind))
        .order_by((a, Column::Kind), sea_orm::Order::Asc)
        .to_owned();
    let rows = db.query_all(&stmt).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("", "kind")?,
                r.try_get("", "n")?,
                r.try_get("", "hours")?,
            ))
        })
        .collect()
}
