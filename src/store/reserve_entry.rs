//! Reserve-pool entries (骨干教师后备库 / 校长后备人才库).

use sea_orm::QueryOrder;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reserve_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub teacher_id: Uuid,
    pub pool: String,
    pub entered_on: Date,
    pub left_on: Option<Date>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// An entry of the teacher's in `pool` that would overlap a new one from `from` on: one not
/// left, or left after `from` (a leave may be recorded ahead of its day).
pub async fn overlapping_entry(
    db: &impl ConnectionTrait,
    teacher_id: Uuid,
    pool: &str,
    from: chrono::NaiveDate,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::TeacherId.eq(teacher_id))
        .filter(Column::Pool.eq(pool))
        .filter(
            sea_orm::Condition::any()
                .add(Column::LeftOn.is_null())
                .add(Column::LeftOn.gt(from)),
        )
        .one(db)
        .await
}

pub async fn by_teachers(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::TeacherId.is_in(ids.iter().copied()))
        .order_by_asc(Column::EnteredOn)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// Teachers in each reserve pool on `d`: entered on or before it, not yet left, and employed
/// (rule 1). One grouped query.
pub async fn counts_on(
    db: &impl ConnectionTrait,
    d: chrono::NaiveDate,
) -> Result<Vec<(String, i64)>, DbErr> {
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::{Expr, ExprTrait, JoinType};
    let rows: Vec<(String, i64)> = Entity::find()
        .select_only()
        .column(Column::Pool)
        .column_as(Expr::col((Entity, Column::TeacherId)).count_distinct(), "n")
        .join(
            JoinType::InnerJoin,
            Entity::belongs_to(super::teacher::Entity)
                .from(Column::TeacherId)
                .to(super::teacher::Column::Id)
                .into(),
        )
        .filter(Column::EnteredOn.lte(d))
        .filter(
            sea_orm::Condition::any()
                .add(Column::LeftOn.is_null())
                .add(Column::LeftOn.gt(d)),
        )
        .filter(super::teacher::employed_on(d))
        .group_by(Column::Pool)
        .order_by_asc(Column::Pool)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows)
}
