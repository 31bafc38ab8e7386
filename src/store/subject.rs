//! The subject reference list (学科), seeded by the first migration.

use sea_orm::QueryOrder;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subjects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub async fn exists(db: &impl ConnectionTrait, name: &str) -> Result<bool, DbErr> {
    Ok(Entity::find_by_id(name.to_owned()).one(db).await?.is_some())
}

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find().order_by_asc(Column::Position).all(db).await
}
