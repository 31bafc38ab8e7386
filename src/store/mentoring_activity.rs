//! What a mentoring pair did together (听课, 示范课, 集体教研, 讲座, 课题…).

use sea_orm::QueryOrder;
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

/// Activities of several pairs, in date order.
pub async fn by_pairs(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::PairId.is_in(ids.iter().copied()))
        .order_by_asc(Column::Date)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}
