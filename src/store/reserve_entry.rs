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

pub async fn open_entry(
    db: &impl ConnectionTrait,
    teacher_id: Uuid,
    pool: &str,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::TeacherId.eq(teacher_id))
        .filter(Column::Pool.eq(pool))
        .filter(Column::LeftOn.is_null())
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
