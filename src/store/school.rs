//! Schools (学校): name, township, urban or rural, and which stages they teach.

use sea_orm::entity::prelude::*;

use super::page::{Page, PageRequest};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "schools")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub township: String,
    pub area: String,
    pub has_primary: bool,
    pub has_junior: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub async fn by_ids(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// Every school: the import names schools by name, and a registry has thousands at most.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find().all(db).await
}

pub async fn by_name(db: &impl ConnectionTrait, name: &str) -> Result<Option<Model>, DbErr> {
    Entity::find().filter(Column::Name.eq(name)).one(db).await
}

/// A page of schools in creation order.
pub async fn page(db: &impl ConnectionTrait, req: PageRequest) -> Result<Page<Model>, DbErr> {
    super::page::fetch(db, Entity::find(), Column::Id, req, false, |m| m.id).await
}

pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Entity::find().count(db).await
}
